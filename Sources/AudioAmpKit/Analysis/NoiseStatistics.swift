import Foundation

/// What a noise recording is like, in the terms used to compare it with measurements of real
/// noise: its long-term spectrum, how its level varies, and how its envelope is modulated.
///
/// - Spectrum: Welch average of Hann-windowed 8192-point FFTs (50 % overlap, ~2 Hz bins at
///   16 kHz), summed into one-third-octave bands with exact centres 1000·2^(k/3) Hz (nominal
///   50 Hz … 8 kHz, edges at 2^(±1/6) of the centre; IEC 61260-1 base-two bands), each given in
///   dB relative to the energy of all 23 bands, so two files compare in shape whatever their
///   level. Bands beyond the Nyquist frequency read −∞.
/// - Spectral centroid: power-weighted mean frequency of the bins from 20 Hz to Nyquist.
/// - Band shares: energy below 300 Hz and in 300–3400 Hz (the telephone band), as fractions of
///   the energy from 20 Hz to Nyquist.
/// - Levels: RMS level (dBFS) of consecutive 125 ms frames (the "fast" time weighting's span);
///   Lₙ is the level exceeded n % of the time (L10 the 90th percentile). L10 − L90 measures how
///   much the noise rises and falls (ISO 1996-1 percentile levels; Griffiths & Langdon 1968).
/// - Modulation spectrum: the intensity envelope (mean square over 5 ms blocks, 200 Hz rate),
///   divided by its mean, Welch-averaged over 5.12 s Hann segments; per octave band centred at
///   0.5, 1, 2, 4, 8, 16, 32 Hz, the modulation index m = √(2·variance in the band), in dB
///   (20·log₁₀ m). An intensity 1 + m·cos(2πFt) reads m in F's band (Houtgast & Steeneken's
///   modulation index; cf. Drullman, Festen & Plomp 1994 for speech, which peaks near 4 Hz).
public struct NoiseStatistics: Codable, Sendable, Equatable {
  /// Exact third-octave centres, Hz (nominal 50, 63, 80, … 8000).
  public static let thirdOctaveCentresHz: [Double] = (-13...9).map { 1000 * pow(2, Double($0) / 3) }
  /// Nominal labels of the third-octave bands.
  public static let thirdOctaveLabels = [
    "50", "63", "80", "100", "125", "160", "200", "250", "315", "400", "500", "630", "800", "1k",
    "1.25k", "1.6k", "2k", "2.5k", "3.15k", "4k", "5k", "6.3k", "8k",
  ]
  /// Centres of the modulation-spectrum octave bands, Hz.
  public static let modulationCentresHz: [Double] = [0.5, 1, 2, 4, 8, 16, 32]

  /// Seconds analysed.
  public var durationSeconds: Double
  /// Third-octave band levels relative to their sum, dB (23 values, 50 Hz … 8 kHz).
  public var thirdOctaveDB: [Double]
  /// Spectral centroid, Hz.
  public var centroidHz: Double
  /// Share of energy below 300 Hz (0…1).
  public var shareBelow300Hz: Double
  /// Share of energy in 300–3400 Hz (0…1).
  public var shareTelephoneBand: Double
  /// Level exceeded 10 % of the time, dBFS (125 ms frames).
  public var l10DB: Double
  /// Median frame level, dBFS.
  public var l50DB: Double
  /// Level exceeded 90 % of the time, dBFS.
  public var l90DB: Double
  /// L10 − L90, dB.
  public var l10MinusL90DB: Double { l10DB - l90DB }
  /// Modulation index per octave band (see `modulationCentresHz`), dB re m = 1.
  public var modulationDB: [Double]
  /// Speech masking: mean ESTOI of the fixed speech set mixed with this noise at 0, 5 and
  /// 10 dB SNR (nil when not measured).
  public var maskingESTOI: [Double]?

  /// The SNRs of `maskingESTOI`, dB.
  public static let maskingSNRsDB: [Double] = [0, 5, 10]

  /// Measures `x` (mono, `sampleRate` Hz). Silent or empty input gives zero shares, a zero
  /// centroid, −∞ band levels and −120 dB frame levels rather than NaN.
  public static func measure(_ x: [Float], sampleRate: Int) -> NoiseStatistics {
    let psd = longTermPowerSpectrum(x)
    let size = fftSize
    let binHz = Double(sampleRate) / Double(size)
    var total = 0.0, weighted = 0.0, low = 0.0, phone = 0.0
    for k in 1..<psd.count {
      let f = Double(k) * binHz
      guard f >= 20 else { continue }
      total += psd[k]
      weighted += f * psd[k]
      if f < 300 { low += psd[k] } else if f < 3400 { phone += psd[k] }
    }
    var bands = thirdOctaveCentresHz.map { fc -> Double in
      let lo = fc * pow(2, -1.0 / 6), hi = fc * pow(2, 1.0 / 6)
      guard lo < Double(sampleRate) / 2 else { return -1 }
      var e = 0.0
      for k in 1..<psd.count {
        let f = Double(k) * binHz
        if f >= lo && f < hi { e += psd[k] }
      }
      return e
    }
    let bandTotal = bands.filter { $0 > 0 }.reduce(0, +)
    bands = bands.map { $0 > 0 && bandTotal > 0 ? 10 * log10($0 / bandTotal) : -.infinity }
    let levels = frameLevels(x, frame: max(1, sampleRate / 8)).sorted()
    func level(exceededFraction p: Double) -> Double {
      guard !levels.isEmpty else { return -120 }
      let pos = (1 - p) * Double(levels.count - 1)
      let i = Int(pos), t = pos - Double(i)
      return i + 1 < levels.count ? levels[i] * (1 - t) + levels[i + 1] * t : levels[i]
    }
    return NoiseStatistics(
      durationSeconds: Double(x.count) / Double(sampleRate), thirdOctaveDB: bands,
      centroidHz: total > 0 ? weighted / total : 0,
      shareBelow300Hz: total > 0 ? low / total : 0, shareTelephoneBand: total > 0 ? phone / total : 0,
      l10DB: level(exceededFraction: 0.1), l50DB: level(exceededFraction: 0.5),
      l90DB: level(exceededFraction: 0.9),
      modulationDB: modulationSpectrum(x, sampleRate: sampleRate).map { Levels.dB(amplitude: $0) },
      maskingESTOI: nil)
  }

  static let fftSize = 8192

  /// Welch power spectrum (bins 0…size/2, arbitrary but consistent scale); short inputs are
  /// zero-padded into one frame.
  static func longTermPowerSpectrum(_ x: [Float]) -> [Double] {
    let size = fftSize
    let bins = size / 2 + 1
    var psd = [Double](repeating: 0, count: bins)
    guard !x.isEmpty else { return psd }
    let w = Window.hann(size, periodic: true)
    let plan = FFTPlan.shared(size: size)
    let input = FFTBuffer(count: size)
    let spectrum = FFTBuffer(count: 2 * bins)
    let hop = size / 2
    var start = 0
    repeat {
      input.zero()
      let n = min(size, x.count - start)
      for i in 0..<n { input.pointer[i] = w[i] * x[start + i] }
      plan.forward(input, spectrum)
      for k in 0..<bins {
        let re = Double(spectrum.pointer[2 * k]), im = Double(spectrum.pointer[2 * k + 1])
        psd[k] += re * re + im * im
      }
      start += hop
    } while start + size <= x.count
    return psd
  }

  /// RMS levels (dBFS, floored at −120) of consecutive whole frames of `frame` samples (one
  /// shorter frame when the input is shorter than a frame).
  static func frameLevels(_ x: [Float], frame: Int) -> [Double] {
    guard !x.isEmpty else { return [] }
    let count = max(1, x.count / frame)
    return (0..<count).map { k in
      let s = k * frame, e = min(x.count, s + frame)
      var sum = 0.0
      for i in s..<e { sum += Double(x[i]) * Double(x[i]) }
      return max(-120, 10 * log10(sum / Double(e - s) + 1e-30))
    }
  }

  /// Modulation index per octave band of the intensity envelope (see the type's description);
  /// zeros for a silent or very short input.
  static func modulationSpectrum(_ x: [Float], sampleRate: Int) -> [Double] {
    let block = max(1, sampleRate / 200)
    let envRate = Double(sampleRate) / Double(block)
    let count = x.count / block
    var env = [Float](repeating: 0, count: count)
    for k in 0..<count {
      var s = 0.0
      for i in (k * block)..<(k * block + block) { s += Double(x[i]) * Double(x[i]) }
      env[k] = Float(s / Double(block))
    }
    let mean = env.reduce(0.0) { $0 + Double($1) } / Double(max(1, count))
    var size = 1024
    while size > count && size > 64 { size /= 2 }
    guard mean > 0, count >= size else { return modulationCentresHz.map { _ in 0 } }
    let w = Window.hann(size, periodic: true)
    let sumW2 = w.reduce(0.0) { $0 + Double($1 * $1) }
    let plan = FFTPlan.shared(size: size)
    let input = FFTBuffer(count: size)
    let spectrum = FFTBuffer(count: 2 * (size / 2 + 1))
    var psd = [Double](repeating: 0, count: size / 2 + 1)
    var segments = 0
    var start = 0
    while start + size <= count {
      // Each segment's own mean is removed so that slow drifts longer than a segment do not
      // leak into the lowest band through the window's side lobes.
      var segMean = 0.0
      for i in 0..<size { segMean += Double(env[start + i]) }
      segMean /= Double(size)
      for i in 0..<size { input.pointer[i] = w[i] * Float((Double(env[start + i]) - segMean) / mean) }
      plan.forward(input, spectrum)
      for k in 0...(size / 2) {
        let re = Double(spectrum.pointer[2 * k]), im = Double(spectrum.pointer[2 * k + 1])
        psd[k] += (re * re + im * im) / (Double(size) * sumW2) * (k == 0 || k == size / 2 ? 1 : 2)
      }
      segments += 1
      start += size / 2
    }
    return modulationCentresHz.map { fc in
      let lo = fc / 2.0.squareRoot(), hi = fc * 2.0.squareRoot()
      var v = 0.0
      for k in 1...(size / 2) {
        let f = Double(k) * envRate / Double(size)
        if f >= lo && f < hi { v += psd[k] }
      }
      return (2 * v / Double(segments)).squareRoot()
    }
  }
}
