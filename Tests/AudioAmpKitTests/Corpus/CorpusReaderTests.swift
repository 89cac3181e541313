import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct ManifestReaderTests {
  func read(_ text: String) throws -> (String, [Result<Utterance, CorpusError>]) {
    let dir = makeTempDir()
    let path = dir + "/m.jsonl"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return (path, Array(IteratorSequence(try ManifestReader(path: path).entries())))
  }

  @Test func relativePathsResolveAgainstTheManifestFolderAndFieldsCarryThrough() throws {
    let (path, got) = try read(
      #"{"audio_filepath": "audio/a.flac", "duration": 2.5, "text": "Hello  \u00e9t\u00e9 \"q\"", "id": "a1", "speaker": "s1", "lang": "en"}"#
        + "\n\n" + #"{"audio_filepath": "/abs/b.wav", "text": "", "offset": 1.25, "duration": 2}"# + "\n")
    let dir = (path as NSString).deletingLastPathComponent
    #expect(got.count == 2)
    let a = try got[0].get()
    #expect(a.id == "a1" && a.audioPath == dir + "/audio/a.flac" && a.speaker == "s1")
    #expect(a.text == "Hello  été \"q\"")
    #expect(a.durationSeconds == nil && a.offsetSeconds == 0)
    #expect(JSONValue.object(a.extra) == .object([("lang", .string("en"))]))
    let b = try got[1].get()
    #expect(b.id == "b-1250" && b.audioPath == "/abs/b.wav" && b.offsetSeconds == 1.25 && b.durationSeconds == 2)
  }

  @Test func badLinesAreReportedWithFileLineAndFix() throws {
    let cases: [(String, String)] = [
      (#"{"audio_filepath": "a.wav", "text": "x""#, "m.jsonl:1: not valid JSON (unterminated object at character 40); each line must be one JSON object"),
      (#"{"text": "orphan", "id": "u7"}"#, "m.jsonl:1: utterance 'u7': no \"audio_filepath\": a transcript without audio; add the path of its audio file"),
      (#"{"audio_filepath": "a.wav", "id": "u8"}"#, "m.jsonl:1: utterance 'u8': no \"text\": every utterance needs its transcript"),
      (#"[1, 2]"#, "m.jsonl:1: line is JSON but not an object; each line must be {\"audio_filepath\": ..., \"text\": ...}"),
      (#"{"audio_filepath": "a.wav", "text": "x", "duration": -1}"#, "m.jsonl:1: utterance 'a': \"duration\" must be a positive number of seconds"),
    ]
    for (line, message) in cases {
      let (_, got) = try read(line + "\n")
      guard case .failure(let e) = got.first else {
        Issue.record("no error for \(line)")
        continue
      }
      #expect(e.description.hasSuffix(message), "got: \(e.description)")
    }
  }

  @Test func duplicateIDsAreRefused() throws {
    let (_, got) = try read(
      #"{"audio_filepath": "a.wav", "text": "x", "id": "u"}"# + "\n" + #"{"audio_filepath": "b.wav", "text": "y", "id": "u"}"#)
    guard case .failure(let e) = got[1] else {
      Issue.record("duplicate accepted")
      return
    }
    #expect(e.description.contains("utterance id 'u' appears again (first at"))
  }
}

@Suite struct KaldiDataDirTests {
  func makeDir(_ files: [String: String]) throws -> String {
    let dir = makeTempDir()
    for (name, body) in files { try body.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
    return dir
  }

  @Test func readsTextOrderWithSpeakersAndSegments() throws {
    let dir = try makeDir([
      "wav.scp": "rec1 /data/rec1.wav\nrec2 /data/rec2.flac\n",
      "segments": "u2 rec2 0.5 1.75\nu1 rec1 0 2.0\n",
      "text": "u2 SECOND  one\nu1 first\ttab\n",
      "utt2spk": "u1 spkA\nu2 spkB\n",
    ])
    let got = try IteratorSequence(KaldiDataDirReader(directory: dir).entries()).map { try $0.get() }
    #expect(got.map(\.id) == ["u2", "u1"])
    #expect(got[0].text == "SECOND  one" && got[1].text == "first\ttab")
    #expect(got[0].audioPath == "/data/rec2.flac" && got[0].offsetSeconds == 0.5 && got[0].durationSeconds == 1.25)
    #expect(got[1].speaker == "spkA")
  }

  @Test func commandPipesAndMissingAudioAreRefusedClearly() throws {
    let dir = try makeDir([
      "wav.scp": "u1 sox a.wav -t wav - |\nu3 /x.wav\n",
      "text": "u1 hello\nu2 orphan\n",
    ])
    let got = Array(IteratorSequence(try KaldiDataDirReader(directory: dir).entries()))
    guard case .failure(let e1) = got[0], case .failure(let e2) = got[1] else {
      Issue.record("expected two failures")
      return
    }
    #expect(e1.description == "\(dir)/wav.scp:1: utterance 'u1': wav.scp entry is a command pipe ('sox a.wav -t wav - |'); audioamp reads audio files only: run the command once to write a WAV/FLAC file and list that path instead")
    #expect(e2.description == "\(dir)/text:2: utterance 'u2': a transcript without audio: 'u2' is not in \(dir)/wav.scp")
  }
}

@Suite struct JSONValueTests {
  @Test func roundTripsKeepingOrderAndText() throws {
    let line = #"{"z":1,"a":[true,null,-2.5,"é\n\"x\""],"m":{"k":"\u0001"}}"#
    let v = try JSONValue.parse(line)
    #expect(v.serialized == line)
  }

  @Test func numbersFormatStably() {
    #expect(JSONValue.format(3) == "3")
    #expect(JSONValue.format(0.1 + 0.2) == "0.3")
    #expect(JSONValue.format(-0.0000001) == "0")
    #expect(JSONValue.format(1.0 / 16000) == "0.000063")
  }
}
