import Foundation

/// One numeric measure of a profile: how to read it from ``FileMeasures`` and the fixed range
/// its histogram spans (values outside fall into the end bins), so that two profiles' histograms
/// line up.
public struct ProfileMeasure: Sendable {
  /// JSON key, e.g. `snr_db`.
  public var key: String
  /// Unit for people (`dB`, `s`, `Hz`, or empty).
  public var unit: String
  /// Histogram range.
  public var lower: Double, upper: Double
  /// The value for one file, nil when the file has none.
  public var value: @Sendable (FileMeasures) -> Double?

  /// Every numeric measure a profile holds, in report order.
  public static let all: [ProfileMeasure] = [
    .init(key: "snr_db", unit: "dB", lower: -10, upper: 50) { $0.snrDB },
    .init(key: "wada_snr_db", unit: "dB", lower: -20, upper: 60) { $0.wadaSNRDB },
    .init(key: "active_level_dbfs", unit: "dBFS", lower: -60, upper: 0) { $0.activeLevelDBFS.isFinite ? $0.activeLevelDBFS : nil },
    .init(key: "noise_level_dbfs", unit: "dBFS", lower: -100, upper: 0) { $0.noiseLevelDBFS },
    .init(key: "upper_edge_hz", unit: "Hz", lower: 0, upper: 8000) { $0.upperEdgeHz },
    .init(key: "lower_edge_hz", unit: "Hz", lower: 0, upper: 1000) { $0.lowerEdgeHz },
    .init(key: "rt60_s", unit: "s", lower: 0, upper: 2) { $0.rt60Seconds },
    .init(key: "c50_db", unit: "dB", lower: -10, upper: 30) { $0.c50DB },
    .init(key: "clipped_fraction", unit: "", lower: 0, upper: 0.02) { $0.clippedFraction },
    .init(key: "dc_dbfs", unit: "dBFS", lower: -120, upper: 0) { $0.dcDBFS },
    .init(key: "hum_db", unit: "dB", lower: -5, upper: 30) { $0.humDB },
    .init(key: "speaking_rate_per_s", unit: "/s", lower: 0, upper: 10) { $0.speakingRate },
    .init(key: "duration_s", unit: "s", lower: 0, upper: 20) { $0.durationSeconds },
    .init(key: "gsm_lattice_score", unit: "", lower: 0, upper: 0.2) { $0.gsmLatticeScore },
    .init(key: "celp_sparsity", unit: "", lower: 0.6, upper: 1) { $0.narrowband ? $0.celpSparsity : nil },
  ]
}

/// The distribution of one measure over a profile's files.
public struct MeasureDistribution: Sendable, Equatable {
  /// The measure's key.
  public var key: String
  /// Unit.
  public var unit: String
  /// The files' values, sorted ascending (files without a value left out).
  public var values: [Double]
  /// Files that had no value.
  public var missing: Int
  /// Histogram range and the counts of its 20 equal bins.
  public var lower: Double, upper: Double, counts: [Int]

  /// The quantile levels reported: 5, 10, 25, 50, 75, 90, 95 %.
  public static let quantileLevels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
  /// Bins per histogram.
  public static let bins = 20

  /// Builds the distribution of `values` (any order; non-finite values are left out).
  public init(key: String, unit: String, values: [Double?], lower: Double, upper: Double) {
    self.key = key
    self.unit = unit
    let finite = values.compactMap { $0 }.filter(\.isFinite).sorted()
    self.values = finite
    missing = values.count - finite.count
    self.lower = lower
    self.upper = upper
    var c = [Int](repeating: 0, count: Self.bins)
    for v in finite {
      let f = (v - lower) / (upper - lower) * Double(Self.bins)
      c[max(0, min(Self.bins - 1, Int(f.rounded(.down))))] += 1
    }
    counts = c
  }

  /// The q-quantile (0...1, linear interpolation), nil without values.
  public func quantile(_ q: Double) -> Double? { AudioAmpKit.quantile(sorted: values, q) }

  /// Mean of the values, nil without values.
  public var mean: Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
}

/// What `audioamp profile` measured in a set of recordings: every file's measures, and per
/// measure the distribution (histogram and quantiles), plus the shares of the categorical ones
/// (narrowband, codec family, noise category, clipping, hum).
public struct AudioProfile: Sendable, Equatable {
  /// The input the profile was made from, as given.
  public var source: String
  /// Per-file measures, sorted by id.
  public var files: [FileMeasures]
  /// Files that could not be read: (id, reason).
  public var failures: [ProfileFailure]

  /// Creates a profile (files are sorted by id).
  public init(source: String, files: [FileMeasures], failures: [ProfileFailure] = []) {
    self.source = source
    self.files = files.sorted { $0.id < $1.id }
    self.failures = failures
  }

  /// A file counts as clipped above this clipped fraction.
  public static let clippedFileFraction = 1e-4
  /// A file counts as humming above this line-to-neighbour ratio, dB.
  public static let humFileDB = 10.0
  /// A file counts as noisy (and gets a noise step) below this SNR, dB.
  public static let cleanSNRDB = 45.0

  /// The distribution of every measure in ``ProfileMeasure/all``.
  public var distributions: [MeasureDistribution] {
    ProfileMeasure.all.map {
      MeasureDistribution(key: $0.key, unit: $0.unit, values: files.map($0.value), lower: $0.lower, upper: $0.upper)
    }
  }

  /// The distribution of the measure `key`, nil for an unknown key.
  public func distribution(_ key: String) -> MeasureDistribution? {
    ProfileMeasure.all.first { $0.key == key }.map {
      MeasureDistribution(key: $0.key, unit: $0.unit, values: files.map($0.value), lower: $0.lower, upper: $0.upper)
    }
  }

  /// Share (0...1) of files for which `test` holds; 0 for an empty profile.
  public func share(_ test: (FileMeasures) -> Bool) -> Double {
    files.isEmpty ? 0 : Double(files.filter(test).count) / Double(files.count)
  }

  /// Share of narrowband files.
  public var narrowbandShare: Double { share(\.narrowband) }

  /// Share of each codec family, in ``CodecFamily`` order (all families listed).
  public var codecFamilyShares: [(CodecFamily, Double)] {
    CodecFamily.allCases.map { f in (f, share { $0.codecFamily == f }) }
  }

  /// Share of each noise category hint among the files that have one, by name.
  public var noiseCategoryShares: [(String, Double)] {
    let named = files.compactMap(\.noiseCategory)
    return Set(named).sorted().map { c in (c, Double(named.filter { $0 == c }.count) / Double(named.count)) }
  }
}

/// A file that could not be profiled.
public struct ProfileFailure: Error, Sendable, Equatable {
  /// Utterance id or file.
  public var id: String
  /// What went wrong.
  public var reason: String
  /// Creates a failure record.
  public init(id: String, reason: String) {
    self.id = id
    self.reason = reason
  }
}
