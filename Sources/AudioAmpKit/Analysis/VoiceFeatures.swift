import Foundation

/// Simple recognizer-free descriptors of a voice in one recording: median F0, spectral centroid
/// and syllable rate, for telling voices apart and comparing synthetic voices with real ones.
public enum VoiceFeatures {
  /// The descriptors of one recording.
  public struct Measurement: Sendable, Equatable {
    /// Median fundamental frequency over voiced frames, Hz (0 when no frame is voiced).
    public var medianF0Hz: Double
    /// Mean spectral centroid of the frames within 30 dB of the loudest, Hz.
    public var centroidHz: Double
    /// Fraction of 40 ms frames judged voiced.
    public var voicedFraction: Double
    /// Energy-envelope peaks per second of active speech (a syllable-rate proxy).
    public var syllablesPerSecond: Double
  }

  /// Measures `x` at `sampleRate` Hz.
  ///
  /// Frames are 40 ms, Hann-windowed, every 10 ms; only those with energy within 30 dB of the
  /// loudest count. F0: the frame's autocorrelation (through an FFT of twice the frame, so not
  /// circular) divided by the window's own autocorrelation and by its value at lag 0 gives
  /// r(τ) ≈ the signal's normalised autocorrelation; its highest peak between the lags for 400 and
  /// 60 Hz, refined by parabolic interpolation, gives F0 = rate / τ*, and the frame is voiced when
  /// the peak exceeds 0.45 (Boersma 1993, "Accurate short-term analysis of the fundamental
  /// frequency and the harmonics-to-noise ratio of a sampled sound", IFA Proceedings 17).
  /// Centroid: Σ f·|X(f)| / Σ |X(f)| of the same frame's spectrum, averaged over frames.
  /// Syllable rate: local maxima of the 10 ms energy envelope (smoothed over 50 ms) at least
  /// 6 dB above the minima on both sides, per second of counted frames.
  /// Empty or silent input gives zeros.
  public static func measure(_ x: [Float], sampleRate: Int) -> Measurement {
    let zero = Measurement(medianF0Hz: 0, centroidHz: 0, voicedFraction: 0, syllablesPerSecond: 0)
    let frame = Int(0.04 * Double(sampleRate)), hop = Int(0.01 * Double(sampleRate))
    guard x.count >= frame, frame > 1, hop > 0 else { return zero }
    let starts = Array(stride(from: 0, through: x.count - frame, by: hop))
    let energies = starts.map { s -> Double in
      var e = 0.0
      for i in s..<s + frame { e += Double(x[i]) * Double(x[i]) }
      return e
    }
    let loudest = energies.max() ?? 0
    guard loudest > 0 else { return zero }
    let floor = loudest * 1e-3
    let n = FFTPlan.powerOfTwo(atLeast: 2 * frame)
    let plan = FFTPlan.shared(size: n)
    let input = FFTBuffer(count: n), spectrum = FFTBuffer(count: 2 * plan.binCount), lagBuf = FFTBuffer(count: n)
    let window = (0..<frame).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(frame))) }
    // The autocorrelation of `frame` (windowed into `input`), lags 0..<frame, via |FFT|².
    func autocorrelation() -> [Double] {
      plan.forward(input, spectrum)
      for b in 0..<plan.binCount {
        let re = spectrum.pointer[2 * b], im = spectrum.pointer[2 * b + 1]
        spectrum.pointer[2 * b] = re * re + im * im
        spectrum.pointer[2 * b + 1] = 0
      }
      plan.inverse(spectrum, lagBuf)
      return (0..<frame).map { Double(lagBuf.pointer[$0]) }
    }
    input.zero()
    for i in 0..<frame { input.pointer[i] = window[i] }
    let windowAC = autocorrelation()
    let minLag = max(2, sampleRate / 400), maxLag = min(frame / 2, sampleRate / 60)
    var f0s: [Double] = []
    var centroids: [Double] = []
    var active = 0
    for (k, s) in starts.enumerated() where energies[k] >= floor {
      active += 1
      input.zero()
      for i in 0..<frame { input.pointer[i] = x[s + i] * window[i] }
      // Centroid from this frame's spectrum (before autocorrelation() squares it in place).
      plan.forward(input, spectrum)
      var num = 0.0, den = 0.0
      for b in 1..<plan.binCount {
        let re = Double(spectrum.pointer[2 * b]), im = Double(spectrum.pointer[2 * b + 1])
        let mag = (re * re + im * im).squareRoot()
        num += Double(b) * Double(sampleRate) / Double(n) * mag
        den += mag
      }
      if den > 0 { centroids.append(num / den) }
      let ac = autocorrelation()
      guard ac[0] > 0 else { continue }
      var r = [Double](repeating: 0, count: maxLag + 2)
      for lag in (minLag - 1)...(maxLag + 1) { r[lag] = ac[lag] / ac[0] / (windowAC[lag] / windowAC[0]) }
      var bestLag = 0, best = 0.0
      for lag in minLag...maxLag where r[lag] > best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1] {
        best = r[lag]
        bestLag = lag
      }
      guard best > 0.45, bestLag > 0 else { continue }
      let a = r[bestLag - 1], b = r[bestLag], c = r[bestLag + 1]
      let denom = a - 2 * b + c
      let shift = denom != 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / denom)) : 0
      f0s.append(Double(sampleRate) / (Double(bestLag) + shift))
    }
    f0s.sort()
    let median = f0s.isEmpty ? 0 : f0s[f0s.count / 2]
    // Syllable peaks on the smoothed log-energy envelope.
    let smooth = 5
    let env = energies.indices.map { k -> Double in
      let lo = max(0, k - smooth / 2), hi = min(energies.count - 1, k + smooth / 2)
      return 10 * log10(energies[lo...hi].reduce(0, +) / Double(hi - lo + 1) + loudest * 1e-9)
    }
    var peaks = 0
    var lastMin = env.first ?? 0
    var candidate: Double? = nil
    for k in 1..<max(1, env.count - 1) {
      if env[k] >= env[k - 1], env[k] > env[k + 1] {
        if env[k] - lastMin >= 6 { candidate = max(candidate ?? -.infinity, env[k]) }
      } else if env[k] <= env[k - 1], env[k] < env[k + 1] {
        if let c = candidate, c - env[k] >= 6 {
          peaks += 1
          candidate = nil
          lastMin = env[k]
        } else if candidate == nil {
          lastMin = min(lastMin, env[k])
        }
      }
    }
    if candidate != nil { peaks += 1 }
    let activeSeconds = Double(active) * Double(hop) / Double(sampleRate)
    return Measurement(
      medianF0Hz: median, centroidHz: centroids.isEmpty ? 0 : centroids.reduce(0, +) / Double(centroids.count),
      voicedFraction: Double(f0s.count) / Double(starts.count),
      syllablesPerSecond: activeSeconds > 0 ? Double(peaks) / activeSeconds : 0)
  }
}
