import Foundation
import Testing
@testable import AudioAmpKit

/// Every output format, written by `mix` from a 10,000-utterance corpus, reads back through its
/// own reader with the same count, ids and transcripts (Parquet has no reader; its round trip
/// goes through pyarrow in ShardOutputTests).
@Suite(.serialized) struct FormatRoundTripTests {
  static let count = 10_000

  static let source: (dir: String, manifest: String, recipe: String) = {
    let dir = makeTempDir("roundtrip-source")
    try! SoundFile.writeWAV16(Signals.sine(300, seconds: 0.02, rate: 16000, amplitude: 0.3), sampleRate: 16000, to: dir + "/a.wav")
    var m = ""
    for i in 0..<count {
      // LibriSpeech-shaped ids and speakers, transcripts with commas, quotes and tabs.
      let id = String(format: "%d-%d-%04d", 100 + i % 7, 2000 + i % 3, i)
      m += #"{"audio_filepath": "a.wav", "text": "word \#(i), \"quoted\" and more", "id": "\#(id)", "speaker": "\#(100 + i % 7)"}"# + "\n"
    }
    try! m.write(toFile: dir + "/m.jsonl", atomically: true, encoding: .utf8)
    try! "effects: []\n".write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
    return (dir, dir + "/m.jsonl", dir + "/r.yaml")
  }()

  @Test(arguments: OutputFormat.allCases.filter { $0 != .parquet })
  func writtenCorporaReadBack(format: OutputFormat) throws {
    let out = makeTempDir("roundtrip-\(format)")
    var o = MixOptions(recipePath: Self.source.recipe, inputPath: Self.source.manifest, outputDirectory: out)
    o.outputFormat = format
    o.jobs = 2
    let summary = try MixJob.run(o)
    #expect(summary.outputs == Self.count && summary.failures == 0)
    let input = format == .jsonl ? out + "/manifest.jsonl" : out
    let reader = try CorpusFormat.reader(for: input, format: format.rawValue)
    var n = 0
    var seen = Set<String>()
    let it = try reader.entries()
    while let e = it.next() {
      let u = try e.get()
      n += 1
      seen.insert(u.text)
      #expect(u.text.hasPrefix("word ") && u.text.hasSuffix(", \"quoted\" and more"), "\(format): \(u.id) text \(u.text)")
      if let member = TarMemberPath(u.audioPath) {
        #expect(try !member.bytes().isEmpty, "\(format): \(u.audioPath)")
      } else {
        #expect(FileManager.default.fileExists(atPath: u.audioPath), "\(format): \(u.audioPath)")
      }
    }
    #expect(n == Self.count, "\(format): read back \(n) of \(Self.count)")
    #expect(seen.count == Self.count)
    try? FileManager.default.removeItem(atPath: out)
  }
}
