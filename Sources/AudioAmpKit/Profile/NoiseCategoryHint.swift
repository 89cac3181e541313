import Foundation

/// The statistics of a recording's noise-only frames, and the noise-library category they are
/// closest to.
///
/// The statistics are measured in the 100–3800 Hz band, so that narrowband and wideband audio
/// are comparable: spectral centroid (Hz), low-frequency share (power in 100–500 Hz over the
/// band, dB), level spread (90th minus 10th percentile of the frame levels, dB: how
/// non-stationary the noise is), spectral flatness (geometric over arithmetic mean of the mean
/// spectrum, dB), fluctuation (RMS frame-to-frame level change, dB), then the spectrum's shape as
/// `noise stats` gives it: the level of each one-third-octave band from 125 Hz to 3.15 kHz (the
/// bands of ``NoiseStatistics/thirdOctaveCentresHz`` inside 100–3800 Hz) relative to their sum, dB.
///
/// The hint compares the band shape, centroid and flatness with those of 2 s segments of the
/// library's files (the length of the pauses a profile has to go on): each feature z-scored by
/// its spread over all segments, the distance to a category is the mean of its three nearest
/// segments' distances, and the nearest category wins. Nearest segments rather than one mean per
/// category, because a category holds unlike kinds (the cell-phone files are buzz, static, tones,
/// rubbing and dropouts), whose mean resembles none of them. The confidence is 1 − d₁/d₂, d₁ and
/// d₂ the distances to the nearest and second-nearest categories (0: a tie, towards 1:
/// unambiguous).
public struct NoiseCategoryHint: Sendable {
  /// The statistics, in the order listed above.
  public typealias Features = [Double]

  /// Category prototypes: name → mean features, in category-name order.
  public let prototypes: [(String, Features)]
  /// Every library segment's features, with its category.
  public let examples: [(String, Features)]
  /// Spread of each feature over all library segments (the z-score divisor).
  public let scale: Features

  /// Nominal centres of the shape bands (those of `noise stats` inside 100–3800 Hz).
  static let shapeBands: [Int] = Array(4...18)

  /// The features the hint uses: centroid, flatness and the band shape. The low share is the
  /// band shape summed; the level spread and fluctuation are reported but not used, since a few
  /// pauses between words give them a different spread than library segments do.
  static let classifiedFeatures = [0, 3] + Array(5..<(5 + shapeBands.count))

  /// Segments per category distance.
  static let neighbours = 3

  /// Names of the statistics, as written in the profile.
  public static let featureNames = [
    "noise_centroid_hz", "noise_low_share_db", "noise_level_spread_db", "noise_flatness_db",
    "noise_fluctuation_db",
  ] + shapeBands.map { "noise_band_\(NoiseStatistics.thirdOctaveLabels[$0])_db" }

  /// Builds the examples from a noise library: for every file, up to eight 2 s segments evenly
  /// spread over its length, read at 16 kHz.
  public init(library: NoiseLibrary) throws {
    var byCategory: [(String, [Features])] = []
    for category in library.categories.keys.sorted() {
      var feats: [Features] = []
      for file in try library.files(in: category) {
        let segment = 2.0
        let starts = file.durationSeconds > 8 * segment ? (0..<8).map { 0.05 + 0.9 * Double($0) / 7 } : [0.0]
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
    self.examples = examples.flatMap { name, ex in ex.map { (name, $0) } }
    prototypes = examples.map { name, ex in
      (name, (0..<dims).map { d in ex.map { $0[d] }.reduce(0, +) / Double(ex.count) })
    }
  }

  /// The nearest category and the confidence (see the type's summary); nil without prototypes.
  public func classify(_ f: Features) -> (category: String, confidence: Double)? {
    guard !prototypes.isEmpty, f.count == scale.count else { return nil }
    var near: [String: [Double]] = [:]
    for (name, e) in examples {
      var acc = 0.0
      for k in Self.classifiedFeatures { acc += pow((f[k] - e[k]) / scale[k], 2) }
      near[name, default: []].append(acc.squareRoot())
    }
    var d: [(String, Double)] = near.map { name, ds in
      let k = ds.sorted().prefix(Self.neighbours)
      return (name, k.reduce(0, +) / Double(k.count))
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
    // Third-octave shape: bins summed per band (edges at 2^(±1/6) of the exact centre), as dB
    // relative to the sum of the bands.
    let bandPowers = shapeBands.map { b -> Double in
      let fc = NoiseStatistics.thirdOctaveCentresHz[b]
      var e = 0.0
      for k in s.bins(fc * pow(2, -1.0 / 6), fc * pow(2, 1.0 / 6)) { e += spec[k] }
      return e
    }
    let bandTotal = max(bandPowers.reduce(0, +), 1e-20)
    let shape = bandPowers.map { 10 * log10(max($0 / bandTotal, 1e-10)) }
    return [centroid, 10 * log10(max(lowP / total, 1e-10)), spreadDB, flatness, fluct] + shape
  }
}
