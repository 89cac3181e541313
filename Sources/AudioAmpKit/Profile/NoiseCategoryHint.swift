import Foundation

/// The statistics of a recording's noise-only frames, and the noise-library category they are
/// closest to.
///
/// The statistics are measured in the 100–3800 Hz band, so that narrowband and wideband audio
/// are comparable: spectral centroid (Hz), low-frequency share (power in 100–500 Hz over the
/// band, dB), level spread (90th minus 10th percentile of the frame levels, dB: how
/// non-stationary the noise is), spectral flatness (geometric over arithmetic mean of the mean
/// spectrum, dB) and fluctuation (RMS frame-to-frame level change, dB). These are a small
/// private subset of what `noise stats` reports (third-octave spectrum, level percentiles,
/// modulation), kept here so the profile does not depend on that work.
///
/// The hint is the category whose prototype (the mean statistics of 4 s segments of its
/// library files) is nearest in z-scored space of the spectral-shape features (each divided by
/// its spread over all library segments). Its confidence is 1 − d₁/d₂, d₁ and d₂ the distances to the nearest
/// and second-nearest prototypes (0: a tie, towards 1: unambiguous).
public struct NoiseCategoryHint: Sendable {
  /// The five statistics, in the order listed above.
  public typealias Features = [Double]

  /// Category prototypes: name → mean features, in category-name order.
  public let prototypes: [(String, Features)]
  /// Spread of each feature over all library segments (the z-score divisor).
  public let scale: Features

  /// The features the hint uses: the spectral shape (centroid, low share, flatness). The level
  /// spread and fluctuation are reported but not used, since a few pauses between words give
  /// them a different spread than the long library segments do.
  static let classifiedFeatures = [0, 1, 3]

  /// Names of the five statistics, as written in the profile.
  public static let featureNames = [
    "noise_centroid_hz", "noise_low_share_db", "noise_level_spread_db", "noise_flatness_db",
    "noise_fluctuation_db",
  ]

  /// Builds prototypes from a noise library: for every file, up to three 4 s segments at 10 %,
  /// 45 % and 80 % of its length, read at 16 kHz.
  public init(library: NoiseLibrary) throws {
    var byCategory: [(String, [Features])] = []
    for category in library.categories.keys.sorted() {
      var feats: [Features] = []
      for file in try library.files(in: category) {
        let segment = 4.0
        let starts = file.durationSeconds > 3 * segment ? [0.1, 0.45, 0.8] : [0.0]
        for f in starts {
          let offset = max(0, min(file.durationSeconds - segment, f * file.durationSeconds))
          let x = try NoiseSegment.read(file, offsetSeconds: offset, count: Int(segment * 16000), sampleRate: 16000)
          let s = FrameSpectra(x, sampleRate: 16000)
          if let v = Self.features(s, noise: [Bool](repeating: true, count: s.frameCount)) { feats.append(v) }
        }
      }
      if !feats.isEmpty { byCategory.append((category, feats)) }
    }
    self.init(examples: byCategory)
  }

  /// Builds prototypes from labelled feature vectors (category, examples).
  public init(examples: [(String, [Features])]) {
    let all = examples.flatMap(\.1)
    let dims = Self.featureNames.count
    var sc = [Double](repeating: 1, count: dims)
    if all.count > 1 {
      for d in 0..<dims {
        let v = all.map { $0[d] }
        let m = v.reduce(0, +) / Double(v.count)
        sc[d] = max(1e-6, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot())
      }
    }
    scale = sc
    prototypes = examples.map { name, ex in
      (name, (0..<dims).map { d in ex.map { $0[d] }.reduce(0, +) / Double(ex.count) })
    }
  }

  /// The nearest category and the confidence (see the type's summary); nil without prototypes.
  public func classify(_ f: Features) -> (category: String, confidence: Double)? {
    guard !prototypes.isEmpty, f.count == scale.count else { return nil }
    var d: [(String, Double)] = []
    for (name, p) in prototypes {
      var acc = 0.0
      for k in Self.classifiedFeatures { acc += pow((f[k] - p[k]) / scale[k], 2) }
      d.append((name, acc.squareRoot()))
    }
    d.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    let conf = d.count > 1 && d[1].1 > 0 ? 1 - d[0].1 / d[1].1 : 1
    return (d[0].0, conf)
  }

  /// The statistics of the frames where `noise` is true; nil with fewer than 10 such frames.
  static func features(_ s: FrameSpectra, noise: [Bool]) -> Features? {
    let used = noise.lazy.filter { $0 }.count
    guard used >= 10 else { return nil }
    let r = s.bins(100, 3800)
    let low = s.bins(100, 500)
    guard !r.isEmpty else { return nil }
    let spec = s.meanSpectrum(where: noise)
    var total = 0.0, lowP = 0.0, weighted = 0.0, logSum = 0.0
    for k in r {
      total += spec[k]
      weighted += spec[k] * Double(k) * s.binHz
      logSum += log(max(spec[k], 1e-20))
    }
    for k in low { lowP += spec[k] }
    guard total > 1e-16 else { return nil }
    let centroid = weighted / total
    let flatness = 10 * log10(exp(logSum / Double(r.count)) / (total / Double(r.count)))
    let band = s.bandPower(100, 3800)
    var levels: [Double] = []
    var diffs = 0.0, nd = 0
    var prev: Double? = nil
    for t in 0..<s.frameCount {
      guard noise[t] else { prev = nil; continue }
      let l = powerDB(band[t])
      levels.append(l)
      if let p = prev { diffs += (l - p) * (l - p); nd += 1 }
      prev = l
    }
    levels.sort()
    let spreadDB = (quantile(sorted: levels, 0.9) ?? 0) - (quantile(sorted: levels, 0.1) ?? 0)
    let fluct = nd > 0 ? (diffs / Double(nd)).squareRoot() : 0
    return [centroid, 10 * log10(max(lowP / total, 1e-10)), spreadDB, flatness, fluct]
  }
}
