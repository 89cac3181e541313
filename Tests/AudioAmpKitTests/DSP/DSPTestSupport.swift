import Foundation

@testable import AudioAmpKit

/// Generated test signals and measurements shared by the DSP tests.
enum Signals {
  static func sine(_ hz: Double, sampleRate: Int, count: Int, amplitude: Double = 0.5) -> [Float] {
    let w = 2 * Double.pi * hz / Double(sampleRate)
    return (0..<count).map { Float(amplitude * sin(w * Double($0))) }
  }

  /// Sum of `harmonics` harmonics of `f0` with amplitudes 1/k, scaled to peak ≈ 0.5.
  static func harmonicTone(_ f0: Double, harmonics: Int, sampleRate: Int, count: Int) -> [Float] {
    let w = 2 * Double.pi * f0 / Double(sampleRate)
    let norm = 0.5 / (1...harmonics).reduce(0.0) { $0 + 1 / Double($1) }
    return (0..<count).map { i in
      var s = 0.0
      for k in 1...harmonics { s += sin(w * Double(k) * Double(i) + Double(k)) / Double(k) }
      return Float(norm * s)
    }
  }

  /// Seeded Gaussian white noise with standard deviation `sigma`.
  static func noise(key: UInt64, count: Int, sigma: Double = 0.1) -> [Float] {
    var rng = UtteranceRNG(key: key)
    return (0..<count).map { _ in Float(sigma * rng.gaussian()) }
  }

  static func cents(_ a: Double, _ b: Double) -> Double { 1200 * log2(a / b) }

  static func rms(_ x: ArraySlice<Float>) -> Double {
    guard !x.isEmpty else { return 0 }
    return (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
  }

  /// Frequency of the strongest spectral peak of `x` between `minHz` and `maxHz`: a Hann window
  /// over the whole signal, zero-padded 4×, with a parabola fitted to the log magnitudes of the
  /// peak bin and its neighbours (Gaussian interpolation; bias ≪ 0.01 bin for a Hann window).
  static func peakFrequency(_ x: [Float], sampleRate: Int, minHz: Double = 20, maxHz: Double? = nil)
    -> Double
  {
    let n = FFTPlan.powerOfTwo(atLeast: 4 * x.count)
    let plan = FFTPlan.shared(size: n)
    let buf = FFTBuffer(count: n)
    let spec = FFTBuffer(count: 2 * plan.binCount)
    let w = Window.hann(x.count, periodic: false)
    for i in 0..<x.count { buf.pointer[i] = x[i] * w[i] }
    plan.forward(buf, spec)
    let binHz = Double(sampleRate) / Double(n)
    let lo = max(1, Int(minHz / binHz))
    let hi = min(plan.binCount - 2, Int((maxHz ?? Double(sampleRate) / 2) / binHz))
    func mag(_ k: Int) -> Double {
      let re = Double(spec.pointer[2 * k])
      let im = Double(spec.pointer[2 * k + 1])
      return log(max(re * re + im * im, 1e-300))
    }
    var best = lo
    for k in lo...hi where mag(k) > mag(best) { best = k }
    let a = mag(best - 1)
    let b = mag(best)
    let c = mag(best + 1)
    let denom = a - 2 * b + c
    let delta = denom != 0 ? 0.5 * (a - c) / denom : 0
    return (Double(best) + delta) * binHz
  }

  /// Least-squares fit of a sinusoid at `hz` to `x[range]`: its amplitude and the RMS of what
  /// is left after subtracting it.
  static func fitSine(_ x: [Float], hz: Double, sampleRate: Int, range: Range<Int>)
    -> (amplitude: Double, residualRMS: Double)
  {
    let w = 2 * Double.pi * hz / Double(sampleRate)
    var ss = 0.0
    var cc = 0.0
    var sc = 0.0
    var xs = 0.0
    var xc = 0.0
    for i in range {
      let s = sin(w * Double(i))
      let c = cos(w * Double(i))
      ss += s * s
      cc += c * c
      sc += s * c
      xs += Double(x[i]) * s
      xc += Double(x[i]) * c
    }
    let det = ss * cc - sc * sc
    let a = (xs * cc - xc * sc) / det
    let b = (xc * ss - xs * sc) / det
    var r = 0.0
    for i in range {
      let e = Double(x[i]) - a * sin(w * Double(i)) - b * cos(w * Double(i))
      r += e * e
    }
    return ((a * a + b * b).squareRoot(), (r / Double(range.count)).squareRoot())
  }

  /// Transfer-function estimate |S_xy| / S_xx from Welch-averaged Hann-windowed FFTs
  /// (nfft points, 50 % overlap), one gain per bin 0...nfft/2.
  static func transferGain(input x: [Float], output y: [Float], nfft: Int) -> [Double] {
    let plan = FFTPlan.shared(size: nfft)
    let w = Window.hann(nfft, periodic: true)
    let bx = FFTBuffer(count: nfft)
    let by = FFTBuffer(count: nfft)
    let sx = FFTBuffer(count: 2 * plan.binCount)
    let sy = FFTBuffer(count: 2 * plan.binCount)
    var sxxAcc = [Double](repeating: 0, count: plan.binCount)
    var sxyRe = sxxAcc
    var sxyIm = sxxAcc
    var start = 0
    while start + nfft <= x.count {
      for i in 0..<nfft {
        bx.pointer[i] = x[start + i] * w[i]
        by.pointer[i] = y[start + i] * w[i]
      }
      plan.forward(bx, sx)
      plan.forward(by, sy)
      for k in 0..<plan.binCount {
        let xr = Double(sx.pointer[2 * k])
        let xi = Double(sx.pointer[2 * k + 1])
        let yr = Double(sy.pointer[2 * k])
        let yi = Double(sy.pointer[2 * k + 1])
        sxxAcc[k] += xr * xr + xi * xi
        sxyRe[k] += yr * xr + yi * xi
        sxyIm[k] += yi * xr - yr * xi
      }
      start += nfft / 2
    }
    return (0..<plan.binCount).map {
      (sxyRe[$0] * sxyRe[$0] + sxyIm[$0] * sxyIm[$0]).squareRoot() / max(sxxAcc[$0], 1e-300)
    }
  }

  /// Writes mono 16-bit PCM WAV files for a failing case into a fresh temporary folder and
  /// returns the folder's path.
  @discardableResult
  static func dump(_ name: String, sampleRate: Int, _ signals: [(String, [Float])]) -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("audioamp-dsp-\(name)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (label, x) in signals {
      try? SoundFile.writeWAV16(x.map { max(-1, min(1, $0)) }, sampleRate: sampleRate, to: dir.appendingPathComponent("\(label).wav").path)
    }
    print("DSP test \(name) failed; signals written to \(dir.path)")
    return dir.path
  }

}
