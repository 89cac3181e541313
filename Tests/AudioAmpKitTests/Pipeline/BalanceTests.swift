import Foundation
import Testing
@testable import AudioAmpKit

/// A skewed corpus: speaker `big` has 10× the utterances of each of four others.
struct SkewedCorpus {
  let dir: String
  var manifest: String { dir + "/corpus/manifest.jsonl" }
  var recipe: String { dir + "/recipe.yaml" }

  init(name: String = #function) throws {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    dir = NSTemporaryDirectory() + "audioamp-balance/\(safe)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir + "/corpus/audio", withIntermediateDirectories: true)
    var lines: [String] = []
    let speakers = [("big", 20)] + ["s1", "s2", "s3", "s4"].map { ($0, 2) }
    for (spk, n) in speakers {
      for k in 0..<n {
        let id = "\(spk)-\(k)"
        let x = Signals.sine(150 + Double(k) * 10, seconds: 0.2, rate: 16000, amplitude: 0.3)
        try SoundFile.writeWAV16(x, sampleRate: 16000, to: dir + "/corpus/audio/\(id).wav")
        let accent = k % 2 == 0 ? "north" : "south"
        lines.append(#"{"audio_filepath": "audio/\#(id).wav", "text": "utterance \#(k)", "id": "\#(id)", "speaker": "\#(spk)", "accent": "\#(accent)"}"#)
      }
    }
    // Shuffled so corpus order is not speaker order.
    var rng = UtteranceRNG(key: 3)
    for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, rng.index(below: i + 1)) }
    try (lines.joined(separator: "\n") + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
    try "sample_rate: 16000\nvariants: 1\neffects:\n  - gain: {db: {uniform: [-6, 6]}}\n".write(toFile: recipe, atomically: true, encoding: .utf8)
  }

  func options(_ out: String, balance: BalanceSpec?, jobs: Int = 1) -> MixOptions {
    var o = MixOptions(recipePath: recipe, inputPath: manifest, outputDirectory: dir + "/" + out)
    o.balance = balance
    o.jobs = jobs
    o.seed = 11
    o.noiseLibrary = dir + "/no-library"
    return o
  }

  func counts(_ out: String, by field: String) throws -> [String: Int] {
    var c: [String: Int] = [:]
    for line in try String(contentsOfFile: dir + "/\(out)/manifest.jsonl", encoding: .utf8).split(separator: "\n") {
      c[try JSONValue.parse(String(line))[field]?.stringValue ?? "-", default: 0] += 1
    }
    return c
  }
}

@Suite struct BalanceTests {
  /// (field, target, expected outputs per value): the default target is the largest value's count.
  static let cases: [(String, Int?, Int)] = [
    ("speaker", nil, 20), ("speaker", 7, 7), ("speaker", 1, 1), ("speaker", 45, 45), ("accent", nil, 14), ("accent", 9, 9),
  ]

  @Test(arguments: cases) func skewedCountsComeOutWithinOneUpToTheTarget(field: String, target: Int?, expected: Int) throws {
    let fx = try SkewedCorpus()
    let s = try MixJob.run(fx.options("out", balance: BalanceSpec(field: field, target: target)))
    let counts = try fx.counts("out", by: field)
    #expect(counts.count == (field == "speaker" ? 5 : 2))
    #expect(counts.values.max()! - counts.values.min()! <= 1, "\(counts)")
    #expect(counts.values.allSatisfy { $0 <= expected && $0 >= expected - 1 }, "\(counts), target \(expected)")
    #expect(s.outputs == counts.values.reduce(0, +))
    #expect(s.utterances == 28)
  }

  @Test func sameBytesAtAnyJobsAndShardLayout() throws {
    let fx = try SkewedCorpus()
    let spec = BalanceSpec(field: "speaker", target: 9)
    _ = try MixJob.run(fx.options("j1", balance: spec, jobs: 1))
    _ = try MixJob.run(fx.options("j2", balance: spec, jobs: 2))
    for k in 1...3 {
      var o = fx.options("sh", balance: spec, jobs: 2)
      o.shard = try ShardSpec.parse("\(k)/3", environment: [:])
      _ = try MixJob.run(o)
    }
    _ = try MergeJob.run(directory: fx.dir + "/sh")
    let m1 = FileManager.default.contents(atPath: fx.dir + "/j1/manifest.jsonl")
    #expect(m1 != nil && m1 == FileManager.default.contents(atPath: fx.dir + "/j2/manifest.jsonl"))
    #expect(m1 == FileManager.default.contents(atPath: fx.dir + "/sh/manifest.jsonl"))
    #expect(try fx.counts("sh", by: "speaker").values.allSatisfy { $0 == 9 })
    // The run's identity holds the balance: another target in the same folder is a different run.
    let err = #expect(throws: CorpusError.self) { try MixJob.run(fx.options("j1", balance: BalanceSpec(field: "speaker", target: 8))) }
    #expect("\(err!)".contains("balance was \"speaker target 9\", now \"speaker target 8\""), "\(err!)")
    let none = #expect(throws: CorpusError.self) { try MixJob.run(fx.options("j1", balance: nil)) }
    #expect("\(none!)".contains("balance was \"speaker target 9\", now absent"), "\(none!)")
  }

  @Test func unknownFieldIsNamedWithTheFieldsPresent() throws {
    let fx = try SkewedCorpus()
    let err = #expect(throws: CorpusError.self) { try MixJob.run(fx.options("out", balance: BalanceSpec(field: "acent"))) }
    #expect(
      "\(err!)" == "\(fx.manifest): --balance acent: no utterance has this field; fields present: speaker, text, accent")
  }

  @Test func planShowsTheDistributionBeforeAndAfter() throws {
    let fx = try SkewedCorpus()
    let p = try PlanJob.run(fx.options("unused", balance: BalanceSpec(field: "speaker", target: 6)), calibrationSeconds: 0.5)
    #expect(p.outputs == 30)
    let table = try #require(p.balance).table()
    #expect(table.hasPrefix("  speaker  utterances  uniform ×1  balanced\n"), "\(table)")
    #expect(table.contains("  big              20          20         6\n"), "\(table)")
    #expect(table.contains("  s1                2           2         6\n"), "\(table)")
    #expect(table.contains("5 values; outputs per value 2–20 uniform, 6 balanced; 30 outputs in all"), "\(table)")
  }
}
