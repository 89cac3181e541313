import Foundation
import Testing
import AudioAmpKit

/// The recipe's intelligibility guard: every output records its ESTOI against the talker's
/// signal, and with `min_estoi` outputs below the floor are drawn again, the same at any --jobs.
@Suite(.serialized) struct IntelligibilityGuardTests {
  func guardedRecipe(_ fx: Fixture, floor: Double?) throws -> String {
    let path = fx.dir + "/guarded-\(floor.map { "\($0)" } ?? "none").yaml"
    let setting = floor.map { "{measure: estoi, min_estoi: \($0), max_tries: 8}" } ?? "{measure: estoi}"
    try """
      sample_rate: 16000
      variants: 4
      intelligibility: \(setting)
      effects:
        - speed: {factor: [0.9, 1.1]}
        - noise: {dir: \(fx.dir)/noise, snr_db: {uniform: [-10, 20]}}
      """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Four utterances of the bundled espeak-ng corpus (ESTOI needs speech: a steady synthetic
  /// tone has no spectro-temporal structure, and reads near 0 even without noise, in pystoi too).
  func speech(_ fx: Fixture) throws -> String {
    let corpus = CLI.repoRoot + "/corpus"
    let lines = try String(contentsOfFile: corpus + "/manifest.jsonl", encoding: .utf8).split(separator: "\n").prefix(4)
    let rows = try lines.map { line -> String in
      var pairs: [(String, JSONValue)] = []
      guard case .object(let fields) = try JSONValue.parse(String(line)) else { return "" }
      for (k, v) in fields {
        pairs.append((k, k == "audio_filepath" ? .string(corpus + "/" + (v.stringValue ?? "")) : v))
      }
      return JSONValue.object(pairs).serialized
    }
    let path = fx.dir + "/speech.jsonl"
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func estois(_ lines: [JSONValue]) -> [(estoi: Double, tries: Double)] {
    lines.map { ($0["intelligibility"]?["estoi"]?.numberValue ?? .nan, $0["intelligibility"]?["tries"]?.numberValue ?? .nan) }
  }

  @Test func everyOutputRecordsItsESTOIAndLowSNRsScoreLower() throws {
    let fx = try Fixture()
    let r = try CLI.run(["mix", "--recipe", try guardedRecipe(fx, floor: nil), "--input", try speech(fx), "--output", fx.dir + "/m", "--seed", "3", "--quiet"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let lines = try fx.manifestLines("m")
    let scores = estois(lines)
    #expect(scores.allSatisfy { $0.estoi.isFinite && $0.estoi <= 1 && $0.tries == 1 }, "\(scores)")
    // Rank correlation with the drawn SNR: noisier outputs are less intelligible.
    let snrs = lines.map { line -> Double in
      guard case .array(let effects) = line["effects"] ?? .null else { return .nan }
      return effects.first { $0["effect"] == .string("noise") }?["snr_db"]?.numberValue ?? .nan
    }
    let pairs = zip(snrs, scores.map(\.estoi)).sorted { $0.0 < $1.0 }
    let third = pairs.count / 3
    let low: Double = pairs.prefix(third).map(\.1).reduce(0, +) / Double(third)
    let high: Double = pairs.suffix(third).map(\.1).reduce(0, +) / Double(third)
    #expect(low < high - 0.1, "mean ESTOI \(low) at the lowest SNRs vs \(high) at the highest: \(pairs)")
  }

  @Test func aFloorRedrawsLowOutputsTheSameAtAnyJobs() throws {
    let fx = try Fixture()
    let recipe = try guardedRecipe(fx, floor: 0.45)
    let input = try speech(fx)
    for (out, jobs) in [("j1", "1"), ("j2", "2")] {
      let r = try CLI.run(["mix", "--recipe", recipe, "--input", input, "--output", fx.dir + "/" + out, "--seed", "3", "--jobs", jobs, "--quiet"])
      #expect(r.status == 0, "stderr: \(r.stderr)")
    }
    #expect(fx.bytes("j1/manifest.jsonl") == fx.bytes("j2/manifest.jsonl"))
    let lines = try fx.manifestLines("j1")
    for name in lines.compactMap({ $0["audio_filepath"]?.stringValue }) {
      #expect(fx.bytes("j1/" + name) == fx.bytes("j2/" + name), "\(name) differs between --jobs 1 and 2")
    }
    let scores = estois(lines)
    #expect(scores.allSatisfy { $0.estoi >= 0.45 }, "an output fell below min_estoi: \(scores)")
    #expect(scores.contains { $0.tries > 1 }, "no output needed a redraw, so the test does not exercise one: \(scores)")
    #expect(lines.allSatisfy { $0["intelligibility"]?["met"] == .bool(true) })
  }

  @Test func recipeKeysAreChecked() {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: "intelligibility: {min_estoi: 2, max_trys: 3}\neffects: []\n", path: "x.yaml")
    }
    #expect(
      error?.diagnostics.map(\.description) == [
        "x.yaml:1:30: intelligibility.min_estoi: 2 is out of range; use a value from 0 to 1, or remove the key to measure and record only",
        "x.yaml:1:33: intelligibility.max_trys: unknown key; did you mean 'max_tries'? Allowed: measure, min_estoi, max_tries",
      ])
  }
}
