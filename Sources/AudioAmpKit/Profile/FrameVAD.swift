import Foundation

/// Speech/non-speech frames by two-class clustering of the frame levels, and the SNR, noise
/// level and speaking rate that follow from them.
///
/// Method: the level of each 10 ms frame in the 300–3400 Hz band (where speech dominates most
/// noises, including traffic rumble) is split into two classes by 1-D k-means (Lloyd's
/// iteration from the extreme levels). Frames above the class boundary are speech; like
/// P.56, a 0.2 s hangover after each speech frame also counts as speech (it keeps reverberant
/// tails out of the noise estimate), and the 30 ms before a speech onset are left out of both
/// classes. The noise power is the mean full-band power of the noise frames, so a fluctuating
/// noise is estimated by its mean, not by its minimum. The SNR is
/// 10·log10((S − N)/N), S the mean full-band power of the speech frames and N the noise power,
/// comparable to an SNR whose speech level is the P.56 active level. When the frames do not
/// separate (fewer than 5 noise frames or a spread under 3 dB) the SNR is nil.
struct FrameVAD {
  /// Hangover after a speech frame, seconds (as P.56).
  static let hangoverSeconds = 0.2
  /// Frames before an onset left out of both classes, seconds.
  static let guardSeconds = 0.03

  /// Per frame: true for speech (with hangover).
  let speech: [Bool]
  /// Per frame: true for noise-only frames used by the noise estimate.
  let noise: [Bool]
  /// Noise power (mean square, full band), or nil without noise frames.
  let noisePower: Double?
  /// Mean full-band power of the speech frames, or nil without speech frames.
  let speechFramePower: Double?
  /// Class boundary, dB (300–3400 Hz band level).
  let thresholdDB: Double

  init(_ s: FrameSpectra) {
    let n = s.frameCount
    let bandDB = s.bandPower(300, 3400).map(powerDB)
    let full = s.bandPower(0, Double(s.sampleRate) / 2)
    // Levels more than 90 dB under the loudest frame are digital silence for this purpose.
    let top = bandDB.max() ?? -140
    let levels = bandDB.map { max($0, top - 90) }
    var lo = levels.min() ?? 0, hi = top
    for _ in 0..<20 {
      let mid = (lo + hi) / 2
      var sa = 0.0, ca = 0, sb = 0.0, cb = 0
      for v in levels { if v > mid { sa += v; ca += 1 } else { sb += v; cb += 1 } }
      guard ca > 0, cb > 0 else { break }
      let (nhi, nlo) = (sa / Double(ca), sb / Double(cb))
      if abs(nhi - hi) < 1e-3 && abs(nlo - lo) < 1e-3 { break }
      (hi, lo) = (nhi, nlo)
    }
    let thr = (lo + hi) / 2
    thresholdDB = thr
    let hang = Int((Self.hangoverSeconds / s.hopSeconds).rounded())
    let guardFrames = Int((Self.guardSeconds / s.hopSeconds).rounded(.up))
    var sp = [Bool](repeating: false, count: n)
    var since = Int.max / 2
    for t in 0..<n {
      if levels[t] > thr { since = 0 } else { since += 1 }
      sp[t] = since <= hang
    }
    var no = sp.map { !$0 }
    for t in 0..<n where sp[t] && (t == 0 || !sp[t - 1]) {
      for u in max(0, t - guardFrames)..<t { no[u] = false }
    }
    speech = sp
    noise = no
    var sn = 0.0, cn = 0, ss = 0.0, cs = 0
    for t in 0..<n {
      if no[t] { sn += full[t]; cn += 1 }
      if sp[t] { ss += full[t]; cs += 1 }
    }
    noisePower = cn > 0 ? sn / Double(cn) : nil
    speechFramePower = cs > 0 ? ss / Double(cs) : nil
    separated = cn >= 5 && cs >= 5 && hi - lo >= 3
  }

  private let separated: Bool

  /// SNR in dB, 10·log10((S − N)/N), clamped to −10…80; nil when the classes do not separate.
  /// Digital silence in the pauses gives 80.
  var snrDB: Double? {
    guard separated, let s = speechFramePower, let nz = noisePower else { return nil }
    guard nz > 1e-13 else { return 80 }
    let clean = max(s - nz, s * 1e-4)
    return min(80, max(-10, 10 * log10(clean / nz)))
  }

  /// Share of frames that are speech (with hangover), 0...1.
  var speechShare: Double {
    speech.isEmpty ? 0 : Double(speech.lazy.filter { $0 }.count) / Double(speech.count)
  }
}

/// Speaking rate as syllable-like nuclei per second of speech.
///
/// The 300–2500 Hz band level (10 ms frames, smoothed by a 50 ms moving average in power) is
/// searched for peaks that are the maximum within ±80 ms, lie in speech frames, stand at least
/// 6 dB above the noise and are separated from the previous peak by a dip of at least 3 dB.
/// Their count divided by the speech frames' duration is the rate. This follows the intensity
/// peak method of de Jong & Wempe (Behavior Research Methods 41(2), 2009) in spirit, with
/// simpler thresholds. Returns nil with less than 0.3 s of speech.
enum SpeakingRate {
  static func nucleiPerSecond(_ s: FrameSpectra, vad: FrameVAD) -> Double? {
    let band = s.bandPower(300, 2500)
    let n = band.count
    let speechFrames = vad.speech.lazy.filter { $0 }.count
    guard Double(speechFrames) * s.hopSeconds >= 0.3 else { return nil }
    var sm = [Double](repeating: 0, count: n)
    for t in 0..<n {
      let a = max(0, t - 2), b = min(n - 1, t + 2)
      var acc = 0.0
      for u in a...b { acc += band[u] }
      sm[t] = powerDB(acc / Double(b - a + 1))
    }
    var nb = 0.0, nc = 0
    for t in 0..<n where vad.noise[t] { nb += band[t]; nc += 1 }
    let noiseDB = powerDB(nc > 0 ? nb / Double(nc) : 0)
    let reach = Int((0.08 / s.hopSeconds).rounded())
    var peaks = 0
    var lastPeak: Double? = nil
    var minSince = Double.infinity
    for t in 0..<n {
      minSince = min(minSince, sm[t])
      guard vad.speech[t], sm[t] >= noiseDB + 6 else { continue }
      let a = max(0, t - reach), b = min(n - 1, t + reach)
      var isMax = true
      for u in a...b where sm[u] > sm[t] || (sm[u] == sm[t] && u < t) { isMax = false; break }
      guard isMax else { continue }
      if let lp = lastPeak, min(lp, sm[t]) - minSince < 3 {
        // Not separated by a dip: keep the louder of the two as this nucleus.
        if sm[t] > lp { lastPeak = sm[t] }
        continue
      }
      peaks += 1
      lastPeak = sm[t]
      minSince = sm[t]
    }
    return Double(peaks) / (Double(speechFrames) * s.hopSeconds)
  }
}
