import Foundation
import Testing

@testable import AudioAmpKit

@Suite struct CorpusFormatTests {
  /// One folder holding a corpus of every format, laid out like the real ones.
  static func makeCorpora() -> String {
    let dir = makeTempDir()
    CorpusFixture.write(
      #"{"audio_filepath": "a.wav", "text": "x"}"# + "\n", to: dir + "/manifest.jsonl")
    CorpusFixture.write(
      #"{"audio_filepath": "a.wav", "text": "x"}"# + "\n", to: dir + "/manifest.json")
    CorpusFixture.write(
      " \n" + #"{"audio_filepath": "a.wav", "text": "x"}"# + "\n", to: dir + "/list.txt")
    CorpusFixture.write("a,b\n", to: dir + "/notes.csv")
    CorpusFixture.write("u1 /x.wav\n", to: dir + "/kaldi/wav.scp")
    CorpusFixture.write("u1 x\n", to: dir + "/kaldi/text")
    CorpusFixture.audio(dir + "/hf/a.wav")
    CorpusFixture.write("file_name,transcription\na.wav,x\n", to: dir + "/hf/metadata.csv")
    CorpusFixture.audio(dir + "/hfj/a.wav")
    CorpusFixture.write(
      #"{"file_name": "a.wav", "text": "x"}"# + "\n", to: dir + "/hfj/metadata.jsonl")
    _ = Corpus.CommonVoiceReaderTests.makeRelease(dir)
    _ = Corpus.LibriSpeechReaderTests.makeTree(dir + "/ls")
    CorpusFixture.audio(dir + "/plain/spk/a.opus")
    CorpusFixture.write("x\n", to: dir + "/plain/spk/a.txt")
    try! FileManager.default.createDirectory(
      atPath: dir + "/empty/sub", withIntermediateDirectories: true)
    return dir
  }

  /// The format and the path the reader was made for.
  static func describe(_ r: any CorpusReader) -> String {
    switch r {
    case let r as ManifestReader: return "jsonl \(r.path)"
    case let r as KaldiDataDirReader: return "kaldi \(r.directory)"
    case let r as AudioFolderReader: return "audiofolder \(r.directory)"
    case let r as CommonVoiceReader: return "commonvoice \(r.path)"
    case let r as LibriSpeechReader: return "librispeech \(r.directory)"
    case let r as PlainFolderReader: return "folder \(r.directory)"
    default: return "?"
    }
  }

  @Test func eachLayoutIsDetected() throws {
    let d = Self.makeCorpora()
    let cv = d + "/cv-corpus-17.0/en"
    let ls = d + "/ls/LibriSpeech"
    let cases: [(String, String)] = [
      ("manifest.jsonl", "jsonl \(d)/manifest.jsonl"),
      ("manifest.json", "jsonl \(d)/manifest.json"),
      ("list.txt", "jsonl \(d)/list.txt"),
      ("kaldi", "kaldi \(d)/kaldi"),
      ("hf", "audiofolder \(d)/hf"),
      ("hfj", "audiofolder \(d)/hfj"),
      ("hf/metadata.csv", "audiofolder \(d)/hf"),
      ("hfj/metadata.jsonl", "audiofolder \(d)/hfj"),
      ("cv-corpus-17.0/en", "commonvoice \(cv)"),
      ("cv-corpus-17.0/en/train.tsv", "commonvoice \(cv)/train.tsv"),
      ("ls", "librispeech \(d)/ls"),
      ("ls/LibriSpeech", "librispeech \(ls)"),
      ("ls/LibriSpeech/train-clean-100", "librispeech \(ls)/train-clean-100"),
      ("ls/LibriSpeech/dev-clean/84/121123", "librispeech \(ls)/dev-clean/84/121123"),
      ("plain", "folder \(d)/plain"),
      ("plain/spk", "folder \(d)/plain/spk"),
    ]
    for (input, expected) in cases {
      #expect(Self.describe(try CorpusFormat.reader(for: d + "/" + input)) == expected, "\(input)")
      let name = String(expected.prefix(while: { $0 != " " }))
      #expect(
        Self.describe(try CorpusFormat.reader(for: d + "/" + input, format: name)) == expected,
        "\(input) as \(name)")
    }
  }

  @Test func detectedReadersReadTheirCorpus() throws {
    let d = Self.makeCorpora()
    let counts = try ["hf", "hfj", "cv-corpus-17.0/en", "ls", "plain"].map { input in
      try CorpusFixture.all(CorpusFormat.reader(for: d + "/" + input)).map { try $0.get() }.count
    }
    #expect(counts == [1, 1, 2, 5, 1])
  }

  @Test func unrecognisedInputsListEveryFormat() throws {
    let d = Self.makeCorpora()
    let list = """
      jsonl        a JSON-lines manifest file (.jsonl): {"audio_filepath": ..., "text": ...} per line
      kaldi        a Kaldi data directory: wav.scp, text, optionally utt2spk and segments
      audiofolder  a Hugging Face audiofolder: audio files plus metadata.csv or metadata.jsonl with file_name and transcription
      commonvoice  a Common Voice <lang>/ folder (validated.tsv or train.tsv, and clips/) or one of its .tsv files
      librispeech  a LibriSpeech tree: <speaker>/<chapter>/<speaker>-<chapter>.trans.txt beside the .flac files
      folder       a folder of audio files, each with a .txt transcript of the same name beside it
      webdataset   WebDataset shards: a .tar (or a folder of them) of <key>.flac/.wav + <key>.json with "text"
      nemo-tarred  a NeMo tarred dataset: tarred_audio_manifest.json (with shard_id) beside audio_0.tar ... audio_N-1.tar
      lhotse-shar  Lhotse Shar: cuts.NNNNNN.jsonl.gz beside recording.NNNNNN.tar (in the folder or its shar/)
      """
    let cases: [(String, String?, String)] = [
      (
        "empty", nil,
        "\(d)/empty: folder matches no corpus layout; a corpus is one of these:\n\(list)"
      ),
      (
        "notes.csv", nil,
        "\(d)/notes.csv: file is not a .jsonl manifest or a Common Voice .tsv; a corpus is one of these:\n\(list)"
      ),
      ("nothing-here", nil, "\(d)/nothing-here: no such file or folder"),
      ("kaldi", "jsonl", "\(d)/kaldi: format jsonl reads a file, but this is a folder"),
      (
        "manifest.jsonl", "folder",
        "\(d)/manifest.jsonl: format folder reads a folder, but this is a file"
      ),
      ("kaldi", "mp3", "\(d)/kaldi: unknown format 'mp3'; the formats are:\n\(list)"),
    ]
    for (input, format, message) in cases {
      do {
        let r = try CorpusFormat.reader(for: d + "/" + input, format: format)
        Issue.record("\(input): got \(r.formatName)")
      } catch let e as CorpusError {
        #expect(e.description == message)
      }
    }
    #expect(
      CorpusFormat.formatNames == [
        "jsonl", "kaldi", "audiofolder", "commonvoice", "librispeech", "folder", "webdataset", "nemo-tarred",
        "lhotse-shar",
      ])
  }

  @Test func aParentOfCorporaNamesThem() throws {
    let d = Self.makeCorpora()
    #expect(throws: CorpusError.unrecognisedInput(
      path: d + "/cv-corpus-17.0",
      detail: "folder matches no corpus layout, but its subfolders do: en (commonvoice); pass one of them"
    )) {
      try CorpusFormat.reader(for: d + "/cv-corpus-17.0")
    }
    CorpusFixture.write("", to: d + "/data/train/wav.scp")
    CorpusFixture.write("", to: d + "/data/test/metadata.jsonl")
    CorpusFixture.write("", to: d + "/data/notes.md")
    #expect(throws: CorpusError.unrecognisedInput(
      path: d + "/data",
      detail: "folder matches no corpus layout, but its subfolders do: test (audiofolder), train (kaldi); pass one of them"
    )) {
      try CorpusFormat.reader(for: d + "/data")
    }
  }

  @Test func anExplicitFormatOverridesDetection() throws {
    let d = Self.makeCorpora()
    // A LibriSpeech chapter read as a plain folder: the .trans.txt has no audio of its name.
    let got = try CorpusFixture.all(
      CorpusFormat.reader(for: d + "/ls/LibriSpeech/dev-clean/84/121123", format: "folder"))
    #expect(CorpusFixture.utterances(got).isEmpty)
    #expect(CorpusFixture.messages(got).count == 2)
  }
}
