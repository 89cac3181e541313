import Foundation

/// Speech/non-speech frames by two-class clustering of the frame levels, and the SNR, noise
/// level and speaking rate that follow from them.
///
/// Method: the level of each 10 ms frame in the 300–3400 Hz band (where speech dominates most
/// noises, including traffic rumble) is split into two classes by 1-D k-means (Lloyd's
/// iteration from the extreme levels). Frames above the class boundary are speech; like
/// P.56, a 0.2 s hangover after each speech frame also counts as speech (it keeps reverberant
/// tails out of the noise estimate), and the 30 ms before a speech onset are left out of both
/// classes. Two refinements for intermittent noise: frames steady in spectral shape and level
/// over 300 ms (``SteadyShape``: a tone, a GSM buzz, a fixed-colour burst) are noise however loud
/// and even inside a hangover, since running speech never holds still that long; and digital
/// silence (a clean recording's pauses, a line dropping out) counts as noise but is left out of
/// the clustering, whose low class it would otherwise become. The noise power is the mean
/// full-band power of the noise frames, so a fluctuating
/// noise is estimated by its mean, not by its minimum. The SNR is
/// 10·log10((S − N)/N), S the mean full-band power of the speech frames and N the noise power,
/// comparable to an SNR whose speech level is the P.56 active level. When the frames do not
/// separate (fewer than 5 noise frames or a spread under 3 dB) the SNR is nil.
struct FrameVAD {
  /// Hangover after a speech frame, seconds (as P.56).
  static let hangoverSeconds = 0.2
  /// Frames before an onset left out of both classes, seconds.
  static let guardSeconds = 0.03

  /// Digital silence: frames this far under the loudest, dB.
  static let silenceBelowTopDB = 80.0
  /// Frames whose shape changes less than this over 300 ms (``SteadyShape``) are not speech, dB.
  /// Measured: running speech's frames change by 5.5 dB or more in 95 % of cases (median 12–18),
  /// the library's tones, buzz, hiss, rubbing, static and traffic by 0.2–2.3 dB (median), crowd
  /// babble by 3.4–4.6.
  static let steadyChangeDB = 4.0
  /// Steady frames whose level changes less than this over the span count as noise, dB.
  static let steadyLevelDB = 6.0
  /// Frames that count as noise whatever their level or hangover change less than this, dB:
  /// stricter than ``steadyChangeDB``, since speech under loud babble or traffic can read 3–4 dB.
  static let steadyNoiseChangeDB = 3.0
  /// A class whose median change is at least this is speech-like, dB.
  static let speechLikeChangeDB = 6.0

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
    let change = SteadyShape.change(s)
    // Frames more than 80 dB under the loudest are digital silence (a clean recording's pauses,
    // a line dropping out): noise frames, but left out of the clustering, whose low class they
    // would otherwise become whatever else the pauses hold.
    let top = bandDB.max() ?? -140
    let silent = bandDB.map { $0 <= top - Self.silenceBelowTopDB }
    let levels = bandDB.map { max($0, top - 90) }
    let voiced = levels.indices.filter { !silent[$0] }.map { levels[$0] }
    var lo = voiced.min() ?? top - 90, hi = top
    for _ in 0..<20 {
      let mid = (lo + hi) / 2
      var sa = 0.0, ca = 0, sb = 0.0, cb = 0
      for v in voiced { if v > mid { sa += v; ca += 1 } else { sb += v; cb += 1 } }
      guard ca > 0, cb > 0 else { break }
      let (nhi, nlo) = (sa / Double(ca), sb / Double(cb))
      if abs(nhi - hi) < 1e-3 && abs(nlo - lo) < 1e-3 { break }
      (hi, lo) = (nhi, nlo)
    }
    var thr = (lo + hi) / 2
    // With digital silence in the pauses, the two classes of the other frames may be loud and
    // soft speech: then the low class changes shape like speech does, and everything audible is
    // speech.
    let lowChanges = levels.indices.filter { !silent[$0] && levels[$0] <= thr && change[$0].isFinite }.map { change[$0] }.sorted()
    if silent.contains(true), let m = quantile(sorted: lowChanges, 0.5), m >= Self.speechLikeChangeDB {
      thr = top - Self.silenceBelowTopDB
      lo = thr - 10
    }
    thresholdDB = thr
    let hang = Int((Self.hangoverSeconds / s.hopSeconds).rounded())
    let guardFrames = Int((Self.guardSeconds / s.hopSeconds).rounded(.up))
    var sp = [Bool](repeating: false, count: n)
    var since = Int.max / 2
    for t in 0..<n {
      // Loud but steady in shape (a tone, a buzz, a burst of fixed-colour noise) is noise.
      if levels[t] > thr && !silent[t] && !(change[t] < Self.steadyChangeDB) { since = 0 } else { since += 1 }
      sp[t] = since <= hang
    }
    // Steady frames at a steady level are noise even inside the hangover or between words: a
    // tone or buzz over running speech shows itself only there. (A reverberant tail is steady in
    // shape too, but its level falls at 60 dB per RT60: 10 dB and more over the span.)
    let k = Int((SteadyShape.spanSeconds / s.hopSeconds).rounded())
    var steadyNoise = [Bool](repeating: false, count: n)
    for t in k..<max(k, n - k) where !silent[t] && change[t] < Self.steadyNoiseChangeDB && abs(levels[t + k] - levels[t - k]) < Self.steadyLevelDB {
      steadyNoise[t] = true
      sp[t] = false
    }
    var no = sp.map { !$0 }
    for t in 0..<n where sp[t] && (t == 0 || !sp[t - 1]) {
      for u in max(0, t - guardFrames)..<t where !steadyNoise[u] { no[u] = false }
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

/// Frames whose spectral shape stays the same over 300 ms: a tone, a buzz, a hum or any noise of
/// fixed colour, but never running speech, whose formants and voicing change within a syllable.
///
/// Shape: the power in seven bands from 150 to 3800 Hz (about half-octave), smoothed over three
/// frames, in dB minus the frame's mean over the bands (so level changes do not count). Frame t
/// is steady when the RMS shape difference between t − 150 ms, t and t + 150 ms is below
/// `thresholdDB` for all three pairs.
enum SteadyShape {
  static let edgesHz: [Double] = [150, 300, 500, 800, 1200, 1800, 2600, 3800]
  static let spanSeconds = 0.15

  static func shapes(_ s: FrameSpectra) -> [[Double]] {
    let bands = (0..<(edgesHz.count - 1)).map { s.bandPower(edgesHz[$0], edgesHz[$0 + 1]) }
    let n = s.frameCount
    return (0..<n).map { t in
      let a = max(0, t - 1), b = min(n - 1, t + 1)
      let db = bands.map { band -> Double in
        var acc = 0.0
        for u in a...b { acc += band[u] }
        return powerDB(acc / Double(b - a + 1))
      }
      let m = db.reduce(0, +) / Double(db.count)
      return db.map { $0 - m }
    }
  }

  static func distance(_ x: [Double], _ y: [Double]) -> Double {
    var acc = 0.0
    for i in x.indices { acc += (x[i] - y[i]) * (x[i] - y[i]) }
    return (acc / Double(x.count)).squareRoot()
  }

  /// Per frame, the largest of the three shape differences (dB); frames too near an end read ∞.
  static func change(_ s: FrameSpectra) -> [Double] {
    let sh = shapes(s)
    let k = Int((spanSeconds / s.hopSeconds).rounded())
    let n = sh.count
    return (0..<n).map { t in
      guard t >= k, t + k < n else { return .infinity }
      return max(distance(sh[t - k], sh[t]), distance(sh[t], sh[t + k]), distance(sh[t - k], sh[t + k]))
    }
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
