import Foundation

/// Effective bandwidth from the long-term average spectrum.
///
/// Definition used by audioamp: the long-term average power spectrum (Welch's method: periodic
/// Hann frames of 2^k ≈ 64 ms, half overlapping) is smoothed with a ±3-bin moving average in
/// power and converted to dB. The effective bandwidth is the highest frequency whose smoothed
/// level is within `thresholdDB` (default 40 dB) of the spectrum's maximum. A band-limited
/// channel therefore reads near its upper cut-off; broadband noise added to the signal reads
/// near Nyquist (the noise really is there). Resolution: one bin, ≈ 15.6 Hz at 16 kHz.
/// Silence or input shorter than one frame gives 0.
public enum Bandwidth {
  /// Default level below the spectral maximum that still counts as "in band", dB.
  public static let defaultThresholdDB = 40.0

  /// Effective bandwidth of `x` at `sampleRate` Hz, in Hz (0...sampleRate/2).
  public static func effectiveHz(_ x: [Float], sampleRate: Int, thresholdDB: Double = defaultThresholdDB)
    -> Double
  {
    let spectrum = longTermSpectrum(x, sampleRate: sampleRate)
    guard let peak = spectrum.power.max(), peak > 0 else { return 0 }
    let limit = peak * pow(10, -thresholdDB / 10)
    guard let last = spectrum.power.lastIndex(where: { $0 >= limit }) else { return 0 }
    return Double(last) * spectrum.binHz
  }

  /// Smoothed long-term average power per bin (DC to Nyquist) and the bin width in Hz.
  public static func longTermSpectrum(_ x: [Float], sampleRate: Int) -> (power: [Double], binHz: Double) {
    let n = FFTPlan.powerOfTwo(atLeast: max(2, Int(0.064 * Double(sampleRate))))
    let plan = FFTPlan.shared(size: n)
    let w = Window.hann(n, periodic: true)
    let buf = FFTBuffer(count: n)
    let spec = FFTBuffer(count: 2 * plan.binCount)
    var acc = [Double](repeating: 0, count: plan.binCount)
    var start = 0
    var frames = 0
    while start + n <= x.count {
      for i in 0..<n { buf.pointer[i] = x[start + i] * w[i] }
      plan.forward(buf, spec)
      for k in 0..<plan.binCount {
        let re = Double(spec.pointer[2 * k]), im = Double(spec.pointer[2 * k + 1])
        acc[k] += re * re + im * im
      }
      frames += 1
      start += n / 2
    }
    let binHz = Double(sampleRate) / Double(n)
    guard frames > 0 else { return ([], binHz) }
    var smooth = acc
    for k in 0..<acc.count {
      let a = max(0, k - 3), b = min(acc.count - 1, k + 3)
      smooth[k] = acc[a...b].reduce(0, +) / Double(b - a + 1) / Double(frames)
    }
    return (smooth, binHz)
  }
}
