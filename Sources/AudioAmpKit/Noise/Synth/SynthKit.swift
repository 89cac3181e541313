import Foundation

/// Building blocks shared by the noise generators. All are deterministic functions of their
/// arguments and of the `UtteranceRNG` handed in.
enum SynthKit {
  /// Gaussian noise shaped to a power spectrum ∝ 1/f^exponent (0 white, 1 pink, 2 brown) above
  /// `floorHz`, by weighting a white spectrum through the FFT core; unit RMS.
  static func colouredNoise(_ n: Int, exponent: Double, sampleRate: Int, floorHz: Double = 20, rng: inout UtteranceRNG) -> [Float] {
    guard n > 0 else { return [] }
    let white = (0..<n).map { _ in Float(rng.gaussian()) }
    let shaped = shape(white, sampleRate: sampleRate) { f in pow(max(f, floorHz), -exponent / 2) }
    return normalised(shaped, rms: 1)
  }

  /// Filters `x` by a zero-phase magnitude response `gain(hz)` applied to its whole spectrum
  /// (the signal is zero-padded to a fast FFT size, so there is no circular wrap into the start).
  static func shape(_ x: [Float], sampleRate: Int, gain: (Double) -> Double) -> [Float] {
    let n = x.count
    guard n > 0 else { return [] }
    let size = FFTPlan.fastSize(atLeast: n + min(n, 4096))
    let plan = FFTPlan.shared(size: size)
    let input = FFTBuffer(count: size)
    let spectrum = FFTBuffer(count: 2 * (size / 2 + 1))
    input.zero()
    x.withUnsafeBufferPointer { src in input.pointer.update(from: src.baseAddress!, count: n) }
    plan.forward(input, spectrum)
    for k in 0...(size / 2) {
      let g = Float(gain(Double(k) * Double(sampleRate) / Double(size)) / Double(size))
      spectrum.pointer[2 * k] *= g
      spectrum.pointer[2 * k + 1] *= g
    }
    plan.inverse(spectrum, input)
    return Array(UnsafeBufferPointer(start: input.pointer, count: n))
  }

  /// A one-pole low-pass whose cutoff follows `cutoffHz(i)` sample by sample (for
  /// distance-dependent air absorption and muffling).
  static func varyingLowPass(_ x: inout [Float], sampleRate: Int, cutoffHz: (Int) -> Double) {
    var y: Float = 0
    let w = 2 * Double.pi / Double(sampleRate)
    for i in x.indices {
      let a = Float(1 - exp(-w * cutoffHz(i)))
      y += a * (x[i] - y)
      x[i] = y
    }
  }

  /// A smooth random envelope between `floor` and 1 whose changes happen at about `rateHz`:
  /// control points drawn uniformly, joined by raised-cosine interpolation.
  static func smoothEnvelope(_ n: Int, sampleRate: Int, rateHz: Double, floor: Double, rng: inout UtteranceRNG) -> [Float] {
    let step = max(1, Int(Double(sampleRate) / rateHz))
    let points = n / step + 2
    let ctrl = (0..<points).map { _ in floor + (1 - floor) * rng.nextUnit() }
    return (0..<n).map { i in
      let k = i / step
      let t = Double(i % step) / Double(step)
      let w = 0.5 - 0.5 * cos(Double.pi * t)
      return Float(ctrl[k] * (1 - w) + ctrl[k + 1] * w)
    }
  }

  /// Adds `sig` into `out` starting at sample `start` with `fade`-sample raised-cosine edges.
  static func place(_ sig: [Float], into out: inout [Float], at start: Int, gain: Float = 1, fade: Int = 64) {
    let n = sig.count
    for i in 0..<n {
      let j = start + i
      guard j >= 0, j < out.count else { continue }
      var g = gain
      if i < fade { g *= Float(0.5 - 0.5 * cos(Double.pi * Double(i) / Double(fade))) }
      if n - 1 - i < fade { g *= Float(0.5 - 0.5 * cos(Double.pi * Double(n - 1 - i) / Double(fade))) }
      out[j] += g * sig[i]
    }
  }

  /// A sum of sines (Hz) of `count` samples, each at amplitude `amplitude`.
  static func tones(_ freqs: [Double], count: Int, sampleRate: Int, amplitude: Float) -> [Float] {
    (0..<count).map { i in
      var v = 0.0
      for f in freqs { v += sin(2 * Double.pi * f * Double(i) / Double(sampleRate)) }
      return amplitude * Float(v)
    }
  }

  /// `x` scaled to RMS `rms` (unchanged when silent).
  static func normalised(_ x: [Float], rms: Double) -> [Float] {
    let r = Levels.rms(x)
    guard r > 0 else { return x }
    let g = Float(rms / r)
    return x.map { $0 * g }
  }

  /// The finishing step of every generator: level to `rmsDBFS`, peaks above −1 dBFS softly
  /// limited (tanh knee), 20 ms fades at both ends so a file never starts or stops with a click.
  static func finish(_ x: [Float], sampleRate: Int, rmsDBFS: Double) -> [Float] {
    var y = normalised(x, rms: Levels.amplitude(dB: rmsDBFS))
    let knee: Float = 0.89
    for i in y.indices where abs(y[i]) > knee {
      let s: Float = y[i] < 0 ? -1 : 1
      let over = abs(y[i]) - knee
      y[i] = s * (knee + (1 - knee) * Float(tanh(Double(over / (1 - knee)))))
    }
    let fade = min(y.count / 2, sampleRate / 50)
    for i in 0..<fade {
      let g = Float(0.5 - 0.5 * cos(Double.pi * Double(i) / Double(fade)))
      y[i] *= g
      y[y.count - 1 - i] *= g
    }
    return y
  }
}
