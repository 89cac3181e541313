import Foundation

/// Blind SNR estimation from the noisy signal alone: WADA-SNR.
///
/// Kim & Stern, "Robust signal-to-noise ratio estimation based on waveform amplitude
/// distribution analysis", Interspeech 2008. Clean speech amplitudes are modelled as
/// Gamma-distributed with shape α = 0.4 and the noise as Gaussian; the statistic
/// G = log(E|z|) − E[log|z|] of the noisy waveform z rises monotonically with the SNR, so
/// measuring G and inverting the model's G(SNR) curve estimates the SNR.
///
/// The G(SNR) curve is computed by this implementation, not copied from the paper: on first
/// use, 60 000 seeded draws of ±Gamma(0.4) "speech" (unit power) and of unit Gaussian noise are
/// mixed at every SNR from −20 to 60 dB in 0.5 dB steps (Gamma variates by Marsaglia & Tsang,
/// ACM TOMS 26(3), 2000, with the U^(1/α) boost for α < 1), and G is measured on each mixture.
/// Estimates are interpolated linearly on that table and clamped to [−20, 60] dB.
///
/// Accuracy depends on how Gamma-like the speech is; on real speech Kim & Stern report errors
/// of a few dB between 0 and 20 dB SNR. Non-stationary noise, music or reverberation bias it.
public enum BlindSNR {
  /// Lowest and highest SNR the estimator can return, dB.
  public static let rangeDB: ClosedRange<Double> = -20...60

  /// Estimated SNR of `x` in dB (clamped to ``rangeDB``); nil for empty or all-zero input.
  public static func wadaDB(_ x: [Float]) -> Double? {
    let peak = Double(Levels.peak(x))
    guard peak > 0 else { return nil }
    var sumAbs = 0.0, sumLog = 0.0
    for v in x {
      let a = max(Double(abs(v)) / peak, 1e-10)
      sumAbs += a
      sumLog += log(a)
    }
    let n = Double(x.count)
    let g = log(sumAbs / n) - sumLog / n
    return snr(forG: g)
  }

  /// Inverts the model curve: the SNR whose mixture has statistic `g`.
  static func snr(forG g: Double) -> Double {
    let t = table
    if g <= t[0].g { return t[0].snr }
    if g >= t[t.count - 1].g { return t[t.count - 1].snr }
    for i in 1..<t.count where t[i].g >= g {
      let f = (g - t[i - 1].g) / max(t[i].g - t[i - 1].g, 1e-12)
      return t[i - 1].snr + f * (t[i].snr - t[i - 1].snr)
    }
    return t[t.count - 1].snr
  }

  /// The model's (SNR, G) pairs, G non-decreasing.
  static let table: [(snr: Double, g: Double)] = {
    let count = 60_000
    var rng = UtteranceRNG(key: 0x5741_4441)  // "WADA"
    var speech = [Double](repeating: 0, count: count)
    var noise = [Double](repeating: 0, count: count)
    for i in 0..<count {
      let s = gamma(shape: 0.4, &rng)
      speech[i] = rng.nextUnit() < 0.5 ? -s : s
      noise[i] = rng.gaussian()
    }
    let sp = (speech.reduce(0) { $0 + $1 * $1 } / Double(count)).squareRoot()
    let np = (noise.reduce(0) { $0 + $1 * $1 } / Double(count)).squareRoot()
    var out: [(Double, Double)] = []
    var snr = rangeDB.lowerBound
    var lastG = -Double.infinity
    while snr <= rangeDB.upperBound + 1e-9 {
      let a = pow(10, snr / 20) / sp
      var sumAbs = 0.0, sumLog = 0.0
      for i in 0..<count {
        let z = max(abs(a * speech[i] + noise[i] / np), 1e-300)
        sumAbs += z
        sumLog += log(z)
      }
      let g = max(lastG, log(sumAbs / Double(count)) - sumLog / Double(count))
      out.append((snr, g))
      lastG = g
      snr += 0.5
    }
    return out
  }()

  /// A Gamma(shape, 1) variate (Marsaglia & Tsang; shape < 1 boosted by U^(1/shape)).
  private static func gamma(shape: Double, _ rng: inout UtteranceRNG) -> Double {
    if shape < 1 {
      let u = max(rng.nextUnit(), 1e-300)
      return gamma(shape: shape + 1, &rng) * pow(u, 1 / shape)
    }
    let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
    while true {
      let x = rng.gaussian()
      let v0 = 1 + c * x
      guard v0 > 0 else { continue }
      let v = v0 * v0 * v0
      let u = rng.nextUnit()
      if log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
    }
  }
}
