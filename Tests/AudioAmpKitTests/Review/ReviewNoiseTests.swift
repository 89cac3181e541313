import AudioAmpTestSupport
import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct ReviewNoiseTests {
  /// The guard's ESTOI is the main warning: an output under its floor is flagged `estoi`, and
  /// where an ESTOI is recorded the blind-SNR flag is not raised.
  @Test(arguments: [
    // (estoi, recorded floor, expected flags)
    (0.25, nil as Double?, ["estoi"]),
    (0.55, nil, []),
    (0.55, 0.6, ["estoi"]),
  ])
  func estoiBelowItsFloorIsFlagged(estoi: Double, floor: Double?, expected: [String]) throws {
    var fields: [(String, JSONValue)] = [("measure", .string("estoi")), ("estoi", .number(estoi)), ("tries", .number(2))]
    if let floor { fields.append(("min_estoi", .number(floor))) }
    let record = JSONValue.object([("id", .string("u")), ("intelligibility", .object(fields))])
    // A heavily noisy output (blind SNR far below the SNR asked) that would raise `snr` on its own.
    let x = Signals.noise(seconds: 1, rate: 16000, rms: 0.1, key: 4)
    let insp = AudioInspection.measure(AudioBuffer(samples: x, sampleRate: 16000), path: "u.wav")
    let got = ReviewReport.flags(
      for: insp, askedSNR: 40, toleranceDB: 10, estoi: ReviewNoise.estoi(record),
      estoiFloor: max(0.4, ReviewNoise.floor(record) ?? 0))
    #expect(got == expected, "\(got)")
    #expect(ReviewNoise.tries(record) == 2)
  }

  /// The noise a run added, read back from the library, measured per category and set against
  /// the targets.
  @Test func noiseStatisticsOfTheRunAreSetAgainstTheTargets() throws {
    let lib = try NoiseLibrary(root: PythonTool.repoRoot + "/noise-library")
    let file = try #require(try lib.files(in: "traffic").first)
    let records = (0..<3).map { k in
      JSONValue.object([
        ("id", .string("u\(k)")), ("duration", .number(4)),
        ("effects", .array([.object([("effect", .string("noise")), ("noise_file", .string(file.name)), ("category", .string("traffic")), ("noise_offset_s", .number(Double(10 * k)))])])),
      ])
    }
    var warnings: [String: Int] = [:]
    let rows = ReviewNoise.rows(records, noiseLibrary: PythonTool.repoRoot + "/noise-library", warnings: &warnings)
    #expect(warnings.isEmpty, "\(warnings)")
    let row = try #require(rows.first)
    #expect(rows.count == 1 && row.category == "traffic" && row.outputs == 3)
    #expect(abs(row.stats.durationSeconds - 12) < 0.01 && row.targets != nil)
    let html = ReviewNoise.table(rows)
    #expect(html.contains("<td>traffic</td>") && html.contains("(300–1400)"))
    var missing: [String: Int] = [:]
    _ = ReviewNoise.rows(records, noiseLibrary: "/nonexistent", warnings: &missing)
    #expect(missing.values.reduce(0, +) == 3)
  }
}
