import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct AudioFolderReaderTests {
    /// Audio at data/a.wav, data/b.flac and c.mp3 under `dir`.
    static func makeAudio(_ dir: String) {
      CorpusFixture.audio(dir + "/data/a.wav")
      CorpusFixture.audio(dir + "/data/b.flac")
      CorpusFixture.audio(dir + "/c.mp3")
    }

    @Test func csvFieldsFollowRFC4180AndOtherColumnsCarryThrough() throws {
      let dir = makeTempDir()
      Self.makeAudio(dir)
      let csv =
        "\u{FEFF}file_name,text,speaker_id,split,note\r\n"
        + "data/a.wav,\"Hello, \"\"world\"\"\",spk1,train,\r\n"
        + "data/b.flac,\"two\r\nlines\",,test,\"x\"\r\n"
        + "\r\n"
        + "c.mp3,plain \"inner\" quote,spk2,train,last"
      CorpusFixture.write(csv, to: dir + "/metadata.csv")
      let got = try CorpusFixture.all(AudioFolderReader(directory: dir)).map { try $0.get() }
      let m = dir + "/metadata.csv"
      #expect(
        got == [
          Utterance(
            id: "data-a", audioPath: dir + "/data/a.wav", text: "Hello, \"world\"", speaker: "spk1",
            origin: m + ":2",
            extra: [("split", .string("train")), ("note", .string(""))]),
          Utterance(
            id: "data-b", audioPath: dir + "/data/b.flac", text: "two\r\nlines", speaker: nil,
            origin: m + ":3",
            extra: [("split", .string("test")), ("note", .string("x"))]),
          Utterance(
            id: "c", audioPath: dir + "/c.mp3", text: "plain \"inner\" quote", speaker: "spk2",
            origin: m + ":6",
            extra: [("split", .string("train")), ("note", .string("last"))]),
        ])
    }

    @Test func transcriptColumnIsTheFirstPresentUnlessNamed() throws {
      let dir = makeTempDir()
      Self.makeAudio(dir)
      CorpusFixture.write(
        "sentence,file_name,transcription\nS,c.mp3,T\n", to: dir + "/metadata.csv")
      let auto = try CorpusFixture.all(AudioFolderReader(directory: dir)).map { try $0.get() }
      #expect(auto.map(\.text) == ["T"])
      #expect(JSONValue.object(auto[0].extra) == .object([("sentence", .string("S"))]))
      let named = try CorpusFixture.all(AudioFolderReader(directory: dir, textColumn: "sentence"))
        .map { try $0.get() }
      #expect(named.map(\.text) == ["S"])
      #expect(
        throws: CorpusError.badEntry(
          origin: dir + "/metadata.csv:1", id: nil,
          detail:
            "no 'normalized' column, which was asked for as the transcript (found: sentence, file_name, transcription)"
        )
      ) {
        try AudioFolderReader(directory: dir, textColumn: "normalized").entries()
      }
      CorpusFixture.write("file_name,label\nc.mp3,T\n", to: dir + "/metadata.csv")
      #expect(
        throws: CorpusError.badEntry(
          origin: dir + "/metadata.csv:1", id: nil,
          detail:
            "no transcript column (looked for transcription, text, sentence, transcript; found: file_name, label); rename the column or name it explicitly"
        )
      ) {
        try AudioFolderReader(directory: dir).entries()
      }
    }

    @Test func jsonlKeepsJSONValuesSuchAsWordTimings() throws {
      let dir = makeTempDir()
      Self.makeAudio(dir)
      CorpusFixture.write(
        #"{"file_name": "data/a.wav", "transcription": "hi there", "speaker": 17, "words": [{"word": "hi", "start": 0.1, "end": 0.3}], "ok": true}"#
          + "\n\n" + #"{"transcription": "é\"x", "file_name": "c.mp3", "speaker_id": "s"}"# + "\n",
        to: dir + "/metadata.jsonl")
      let got = try CorpusFixture.all(AudioFolderReader(directory: dir)).map { try $0.get() }
      let m = dir + "/metadata.jsonl"
      #expect(
        got == [
          Utterance(
            id: "data-a", audioPath: dir + "/data/a.wav", text: "hi there", speaker: "17",
            origin: m + ":1",
            extra: [
              (
                "words",
                .array([
                  .object([("word", .string("hi")), ("start", .number(0.1)), ("end", .number(0.3))])
                ])
              ),
              ("ok", .bool(true)),
            ]),
          Utterance(
            id: "c", audioPath: dir + "/c.mp3", text: "é\"x", speaker: "s", origin: m + ":3"),
        ])
    }

    @Test func badCSVRowsAreReportedWithFileLineAndFix() throws {
      let dir = makeTempDir()
      Self.makeAudio(dir)
      CorpusFixture.audio(dir + "/data-a.wav")
      let m = dir + "/metadata.csv"
      CorpusFixture.write(
        [
          "file_name,transcription,speaker",
          "data/a.wav,fine,s",
          "missing.wav,no audio,s",
          "c.mp3,too,many,fields",
          "c.mp3,\"closed\" then text,s",
          ",no file,s",
          "data-a.wav,same id as data/a.wav,s",
          "c.mp3,\"never closed,s",
          "more,lines",
        ].joined(separator: "\n"), to: m)
      let got = try CorpusFixture.all(AudioFolderReader(directory: dir))
      #expect(got.count == 7)
      #expect(
        CorpusFixture.messages(got) == [
          "\(m):3: utterance 'missing': a transcript without audio: \(dir)/missing.wav not found",
          "\(m):4: row has 4 fields but the header has 3; quote any field holding a comma",
          "\(m):5: text after a closing quote; quote the whole field and double any \" inside it",
          "\(m):6: empty \"file_name\": each row needs the path of its audio file",
          "\(m):7: utterance id 'data-a' appears again (first at \(m):2); ids must be unique because outputs are named after them",
          "\(m):8: a quoted field is never closed (no matching \")",
        ])
    }

    @Test func badJSONLinesAndAmbiguousMetadataAreRefused() throws {
      let dir = makeTempDir()
      Self.makeAudio(dir)
      let m = dir + "/metadata.jsonl"
      CorpusFixture.write(
        [
          #"{"file_name": "c.mp3", "text": "picks text"}"#,
          #"{"file_name": "data/a.wav", "transcription": "but text was picked"}"#,
          #"{"text": "no file"}"#,
          #"{"file_name": "data/b.flac", "text": 3}"#,
          #"{"file_name": "data/b.flac", "text": "x", "speaker": [1]}"#,
          #"[1]"#,
        ].joined(separator: "\n"), to: m)
      let got = try CorpusFixture.all(AudioFolderReader(directory: dir))
      #expect(
        CorpusFixture.messages(got) == [
          "\(m):2: utterance 'data-a': no \"text\": every line needs its transcript (the column was picked from the first line)",
          "\(m):3: no \"file_name\": each line needs the path of its audio file",
          "\(m):4: utterance 'data-b': \"text\" must be a string",
          "\(m):5: utterance 'data-b': \"speaker\" must be a string or a number",
          "\(m):6: line is JSON but not an object; each line must be {\"file_name\": ..., \"transcription\": ...}",
        ])
      CorpusFixture.write("file_name,text\n", to: dir + "/metadata.csv")
      #expect(
        throws: CorpusError.unrecognisedInput(
          path: dir,
          detail: "audiofolder has both metadata.csv and metadata.jsonl; keep one of them")
      ) {
        try AudioFolderReader(directory: dir).entries()
      }
    }
  }
}
