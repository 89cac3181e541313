import AudioAmpTestSupport
import Foundation
import Testing
@testable import AudioAmpKit

/// The shipped library against its category targets (`NoiseTargets`, sources in
/// noise-library/README.md). Each file is checked whole, as `mix` draws from all of it (the
/// scalar figures of the whole library take about 3 s); the pooled and file-median checks use
/// each file's first 60 s, which covers at least one light cycle, drive cycle or a dozen
/// pass-bys, as the README's tables do.
@Suite struct NoiseLibraryTargetTests {
  static let library = try! NoiseLibrary(root: PythonTool.repoRoot + "/noise-library")
  static let files = library.categories.values.flatMap { $0 }.sorted { $0.name < $1.name }
  /// Each file's first 60 s at 16 kHz by name, read once for the pooled and file-median checks.
  static let firstMinute: [String: [Float]] = Dictionary(uniqueKeysWithValues: files.map { f in
    (f.name, (try? AudioLoader.load(path: f.path, durationSeconds: min(60, f.durationSeconds), sampleRate: 16000).samples) ?? [])
  })

  @Test(arguments: files.map(\.name))
  func everyShippedFileLiesWithinItsCategoryTargets(name: String) throws {
    let f = Self.files.first { $0.name == name }!
    let targets = try #require(NoiseTargets.categories[f.category], "no targets for category \(f.category)")
    let x = try AudioLoader.load(path: f.path, sampleRate: 16000).samples
    let v = targets.violations(NoiseStatistics.measure(x, sampleRate: 16000))
    #expect(v.isEmpty, "\(name): \(v.joined(separator: "; "))")
  }

  /// A category's files together (first 60 s of each, pooled) within its pooled targets: the
  /// spectral balance of the recorded references, which one interior or wet road need not have.
  @Test(arguments: NoiseTargets.categories.filter { $0.value.pooled != nil }.keys.sorted())
  func eachCategoryPooledHasTheBalanceOfItsRecordings(category: String) throws {
    var pooled: [Float] = []
    for f in try Self.library.files(in: category) {
      pooled += try #require(Self.firstMinute[f.name].flatMap { $0.isEmpty ? nil : $0 }, "\(f.path): unreadable")
    }
    let s = NoiseStatistics.measure(pooled, sampleRate: 16000)
    let v = NoiseTargets.categories[category]!.violations(s, pooled: true)
    print("pooled \(category): centroid \(Int(s.centroidHz)) Hz, below 300 Hz \(Int(100 * s.shareBelow300Hz)) %, 300-3400 Hz \(Int(100 * s.shareTelephoneBand)) %")
    #expect(v.isEmpty, "\(category) pooled: \(v.joined(separator: "; "))")
  }

  /// A category's typical file fluctuates as the recordings do: the median over its files of
  /// L10 − L90 and of the 2–8 Hz modulation within the recorded range. A library of crowds
  /// all steadier than any recording fails this while every file passes its own wide range.
  @Test(arguments: NoiseTargets.categories.filter { $0.value.fileMedianSyllableModulationDB != nil }.keys.sorted())
  func eachCategorysTypicalFileFluctuatesAsTheRecordingsDo(category: String) throws {
    let stats = try Self.library.files(in: category).map { f in
      NoiseStatistics.measure(try #require(Self.firstMinute[f.name].flatMap { $0.isEmpty ? nil : $0 }, "\(f.path): unreadable"), sampleRate: 16000)
    }
    let mods = stats.map(NoiseTargets.syllableModulation).sorted()
    print("\(category) per-file 2-8 Hz modulation (dB): \(mods.map { String(format: "%.1f", $0) }.joined(separator: " "))")
    let v = NoiseTargets.categories[category]!.medianViolations(stats)
    #expect(v.isEmpty, "\(category): \(v.joined(separator: "; "))")
  }

  @Test func everyCategoryHoldsTwentyMinutesInEightFilesUnderOneHundredMegabytes() throws {
    var bytes = 0
    for (c, files) in Self.library.categories {
      #expect(files.count >= 8 && files.map(\.durationSeconds).reduce(0, +) >= 1200, "\(c): \(files.count) files")
      for f in files { bytes += (try FileManager.default.attributesOfItem(atPath: f.path)[.size] as? Int) ?? 0 }
    }
    #expect(bytes < 100_000_000, "\(bytes) bytes")
  }

  /// Masking at 5 dB SNR per category: 8 s from each file, six utterances of the speech set
  /// (every sixth by id); ESTOI within the category's reference range.
  @Test(arguments: ["traffic", "crowd"])
  func maskingAtFiveDecibelsIsWithinTheReferenceRange(category: String) throws {
    let full = try NoiseMasking.SpeechSet.load(corpus: PythonTool.repoRoot + "/corpus/manifest.jsonl")
    let picks = stride(from: 0, to: full.clips.count, by: 2)
    let speech = NoiseMasking.SpeechSet(ids: picks.map { full.ids[$0] }, clips: picks.map { full.clips[$0] }, sampleRate: 16000)
    var pooled: [Float] = []
    for f in try Self.library.files(in: category) {
      pooled += try AudioLoader.load(path: f.path, offsetSeconds: 20, durationSeconds: 8, sampleRate: 16000).samples
    }
    let e = try NoiseMasking.estoi(noise: pooled, speech: speech, snrsDB: [5])[0]
    let range = try #require(NoiseTargets.categories[category]?.estoiAt5DB)
    print("masking: \(category) ESTOI at 5 dB = \(String(format: "%.3f", e)) (reference \(range))")
    #expect(range.contains(e), "\(category): ESTOI at 5 dB \(e) outside \(range)")
  }
}
