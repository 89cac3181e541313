import Foundation
import Testing

@testable import AudioAmpKit

/// Every reader streams a 10,000-utterance corpus: the count is right, nothing fails, and the
/// resident memory grows by little. Fixtures are hard links to one tiny audio file, so building
/// them is cheap. Figures are printed ("10000 librispeech utterances in 0.41 s, RSS +1.2 MiB").
/// `AUDIOAMP_SCALE_N=100000` runs the same checks on a bigger corpus (a multiple of 100).
@Suite(
  .serialized,
  .disabled(
    if: ["ASAN_OPTIONS", "TSAN_OPTIONS"].contains { ProcessInfo.processInfo.environment[$0] != nil },
    "a sanitizer's allocator holds freed memory in quarantine, so RSS growth is not the reader's"))
struct CorpusScaleTests {
  static let n =
    ProcessInfo.processInfo.environment["AUDIOAMP_SCALE_N"].flatMap { Int($0) } ?? 10_000

  /// Reads everything, checking order-independent facts, and returns the printed figures.
  @discardableResult
  static func stream(_ reader: any CorpusReader, check: (Int, Utterance) -> Void = { _, _ in })
    throws -> (count: Int, growthKiB: Int)
  {
    let rssBefore = currentRSSKiB()
    var rssMax = rssBefore
    let clock = ContinuousClock()
    var count = 0
    var failures: [String] = []
    let elapsed = try clock.measure {
      for r in IteratorSequence(try reader.entries()) {
        switch r {
        case .success(let u): check(count, u)
        case .failure(let e): if failures.count < 3 { failures.append(e.description) }
        }
        count += 1
        if count % 1000 == 0 { rssMax = max(rssMax, currentRSSKiB()) }
      }
    }
    // Sampled every 1000 entries: the peak high-water mark (getrusage) was already set by
    // building the fixture, so it would show nothing.
    let growth = max(rssMax, currentRSSKiB()) - rssBefore
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print(
      "\(count) \(reader.formatName) utterances in \(String(format: "%.2f", seconds)) s, RSS +\(String(format: "%.1f", Double(growth) / 1024)) MiB"
    )
    #expect(failures.isEmpty, "\(failures)")
    #expect(count == n)
    // The readers hold a folder listing and 16 bytes per id (160 KB for 10,000), the Kaldi one
    // its wav.scp and utt2spk tables too. The bound is loose because other suites run in the
    // same process.
    #expect(growth < 32 * 1024 * max(1, n / 10_000), "RSS grew by \(growth) KiB")
    return (count, growth)
  }

  @Test func manifest() throws {
    let dir = makeTempDir()
    CorpusFixture.audio(dir + "/a.wav")
    var s = ""
    for i in 0..<Self.n {
      s +=
        #"{"audio_filepath": "a.wav", "id": "u\#(i)", "text": "utterance number \#(i)", "words": [{"word": "utterance", "start": 0.1, "end": 0.5}]}"#
        + "\n"
    }
    CorpusFixture.write(s, to: dir + "/m.jsonl")
    try Self.stream(ManifestReader(path: dir + "/m.jsonl")) { i, u in
      if u.id != "u\(i)" { Issue.record("order: \(u.id) at \(i)") }
    }
  }

  @Test func kaldi() throws {
    let dir = makeTempDir()
    var text = ""
    var scp = ""
    var spk = ""
    for i in 0..<Self.n {
      text += "u\(i) utterance number \(i)\n"
      scp += "u\(i) /shared/a.wav\n"
      spk += "u\(i) s\(i % 50)\n"
    }
    CorpusFixture.write(text, to: dir + "/text")
    CorpusFixture.write(scp, to: dir + "/wav.scp")
    CorpusFixture.write(spk, to: dir + "/utt2spk")
    try Self.stream(KaldiDataDirReader(directory: dir))
  }

  @Test func commonVoice() throws {
    let lang = makeTempDir() + "/en"
    CorpusFixture.audio(lang + "/clips/common_voice_en_0.mp3")
    var tsv =
      "client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tage\tgender\taccents\tvariant\tlocale\tsegment\n"
    for i in 0..<Self.n {
      if i > 0 {
        CorpusFixture.link(
          lang + "/clips/common_voice_en_0.mp3", lang + "/clips/common_voice_en_\(i).mp3")
      }
      tsv +=
        "c\(i % 97)\tcommon_voice_en_\(i).mp3\tsid\(i)\tSentence \"\(i)\".\t\t2\t0\tthirties\t\t\t\ten\t\n"
    }
    CorpusFixture.write(tsv, to: lang + "/validated.tsv")
    try Self.stream(CommonVoiceReader(path: lang)) { i, u in
      if u.text != "Sentence \"\(i)\"." { Issue.record("text \(u.text) at \(i)") }
    }
  }

  @Test func audioFolderCSV() throws {
    let dir = makeTempDir()
    CorpusFixture.audio(dir + "/data/0/0.wav")
    var csv = "file_name,transcription,speaker_id,duration\n"
    for i in 0..<Self.n {
      let rel = "data/\(i % 10)/\(i).wav"
      if i > 0 {
        if i < 10 {
          try FileManager.default.createDirectory(
            atPath: dir + "/data/\(i)", withIntermediateDirectories: true)
        }
        CorpusFixture.link(dir + "/data/0/0.wav", dir + "/" + rel)
      }
      csv += "\(rel),\"Line \(i), with \"\"quotes\"\"\nand a break\",s\(i % 40),0.05\n"
    }
    CorpusFixture.write(csv, to: dir + "/metadata.csv")
    try Self.stream(AudioFolderReader(directory: dir)) { i, u in
      if u.text != "Line \(i), with \"quotes\"\nand a break" || u.id != "data-\(i % 10)-\(i)" {
        Issue.record("row \(i): \(u.id) \(u.text)")
      }
    }
  }

  @Test func librispeech() throws {
    let root = makeTempDir() + "/train-clean-100"
    let shared = root + "/shared.flac"
    CorpusFixture.audio(shared)
    for speaker in 0..<10 {
      for chapter in 0..<10 {
        let folder = "\(root)/\(speaker)/\(chapter)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var trans = ""
        for k in 0..<(Self.n / 100) {
          let id = "\(speaker)-\(chapter)-\(String(format: "%04d", k))"
          CorpusFixture.link(shared, "\(folder)/\(id).flac")
          trans += "\(id) UTTERANCE \(k) OF CHAPTER \(chapter)\n"
        }
        CorpusFixture.write(trans, to: "\(folder)/\(speaker)-\(chapter).trans.txt")
      }
    }
    try Self.stream(CorpusFormat.reader(for: root))
  }

  @Test func plainFolder() throws {
    let root = makeTempDir()
    let shared = root + "/.shared.wav"
    CorpusFixture.audio(shared)
    for f in 0..<100 {
      let folder = "\(root)/spk\(f)"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for k in 0..<(Self.n / 100) {
        CorpusFixture.link(shared, "\(folder)/\(k).wav")
        CorpusFixture.quickWrite("utterance \(k)\n", to: "\(folder)/\(k).txt")
      }
    }
    try Self.stream(CorpusFormat.reader(for: root))
  }
}
