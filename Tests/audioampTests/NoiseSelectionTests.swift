import Foundation
import Testing
import AudioAmpKit

@Suite(.serialized) struct NoiseSelectionTests {
  @Test func babbleNeverHoldsTheTargetsOwnSpeakerAndIsReproducible() throws {
    let fx = try Fixture()
    try """
      effects:
        - noise: {babble: {talkers: [1, 2]}, snr_db: {uniform: [0, 10]}}
      """.write(toFile: fx.dir + "/babble.yaml", atomically: true, encoding: .utf8)
    for jobs in ["1", "2"] {
      let r = try CLI.run(["mix", "--recipe", fx.dir + "/babble.yaml", "--input", fx.manifest, "--output", fx.dir + "/b" + jobs, "--variants", "4", "--jobs", jobs, "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(fx.bytes("b1/manifest.jsonl") == fx.bytes("b2/manifest.jsonl"))
    let lines = try fx.manifestLines("b1")
    #expect(lines.count == 12)
    for l in lines {
      let own = l["speaker"]!.stringValue!
      guard case .array(let effects) = l["effects"]!, let noise = effects.first else { continue }
      #expect(noise["noise_source"] == .string("babble"))
      guard case .array(let speakers) = noise["babble_speakers"]!, let n = noise["babble_talkers"]?.numberValue else {
        Issue.record("no babble record: \(l.serialized)")
        continue
      }
      #expect(speakers.count == Int(n) && (1...2).contains(Int(n)))
      #expect(!speakers.contains(.string(own)), "\(l["id"]!.serialized) hears its own speaker \(own)")
      #expect(abs(noise["snr_db"]!.numberValue! - noise["achieved_snr_db"]!.numberValue!) < 0.1)
      let audio = fx.dir + "/b1/" + l["audio_filepath"]!.stringValue!
      #expect(fx.bytes("b1/" + l["audio_filepath"]!.stringValue!) == fx.bytes("b2/" + l["audio_filepath"]!.stringValue!), "\(audio)")
    }
  }

  @Test func trainAndTestDrawFromDisjointFilesAndLicenceFiltersHold() throws {
    let fx = try Fixture()
    // A folder-layout noise set: 8 files in one category, two of them non-commercial.
    let set = fx.dir + "/myset"
    try FileManager.default.createDirectory(atPath: set + "/hum", withIntermediateDirectories: true)
    var rng = UtteranceRNG(key: 3)
    for i in 0..<8 {
      try SoundFile.writeWAV16((0..<16000).map { _ in Float(0.05 * rng.gaussian()) }, sampleRate: 16000, to: set + "/hum/h\(i).wav")
    }
    let idx = try CLI.run(["noise", "index", set, "--layout", "folder"])
    #expect(idx.status == 0, "\(idx.stderr)")
    var index = try String(contentsOfFile: set + "/index.tsv", encoding: .utf8)
    index = index.replacingOccurrences(of: "hum/h0.wav\thum", with: "hum/h0.wav\thum").split(separator: "\n").enumerated().map { i, row in
      guard i > 0 else { return String(row) }
      var f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      f[6] = i <= 2 ? "CC-BY-NC-4.0" : "CC0-1.0"
      f[8] = i % 2 == 0 ? "test" : "train"
      return f.joined(separator: "\t")
    }.joined(separator: "\n") + "\n"
    try index.write(toFile: set + "/index.tsv", atomically: true, encoding: .utf8)
    func used(_ split: String, extra: String = "") throws -> Set<String> {
      try "effects:\n  - noise: {index: \(set), category: hum, split: \(split), snr_db: 10\(extra)}\n".write(toFile: fx.dir + "/\(split).yaml", atomically: true, encoding: .utf8)
      let out = "o-\(split)\(extra.isEmpty ? "" : "-f")"
      let r = try CLI.run(["mix", "--recipe", fx.dir + "/\(split).yaml", "--input", fx.manifest, "--output", fx.dir + "/" + out, "--variants", "12", "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
      return Set(try fx.manifestLines(out).compactMap { l -> String? in
        guard case .array(let e) = l["effects"]! else { return nil }
        return e.first?["noise_file"]?.stringValue
      })
    }
    let train = try used("train"), test = try used("test")
    #expect(!train.isEmpty && !test.isEmpty && train.isDisjoint(with: test), "train \(train) test \(test)")
    let commercial = try used("test", extra: ", exclude_licences: [NC]")
    #expect(!commercial.isEmpty && !commercial.contains("hum/h1.wav"), "\(commercial)")
  }
}
