import Foundation

@testable import AudioAmpKit

/// Measurements for codec and channel tests.
enum CodecMeasure {
  /// SNR of `y` against the reference `x`, dB: 10·log10(Σx² / Σ(x − y)²).
  static func snrDB(_ x: [Float], _ y: [Float]) -> Double {
    var s = 0.0
    var e = 0.0
    for i in 0..<min(x.count, y.count) {
      s += Double(x[i]) * Double(x[i])
      let d = Double(x[i]) - Double(y[i])
      e += d * d
    }
    return 10 * log10(s / max(e, 1e-30))
  }

  /// Segmental SNR, dB: mean over 20 ms segments with input energy above 1e-4 (per sample) of
  /// each segment's SNR clamped to −10…50 dB (Quackenbush et al., *Objective Measures of Speech
  /// Quality*, 1988, §2.4).
  static func segmentalSNRDB(_ x: [Float], _ y: [Float], sampleRate: Int) -> Double {
    let seg = sampleRate / 50
    var total = 0.0
    var count = 0
    var start = 0
    while start + seg <= min(x.count, y.count) {
      var s = 0.0
      var e = 0.0
      for i in start..<(start + seg) {
        s += Double(x[i]) * Double(x[i])
        let d = Double(x[i]) - Double(y[i])
        e += d * d
      }
      if s / Double(seg) > 1e-4 {
        total += min(50, max(-10, 10 * log10(s / max(e, 1e-30))))
        count += 1
      }
      start += seg
    }
    return count > 0 ? total / Double(count) : 0
  }

  /// Lag (in samples, −maxLag…maxLag) at which Σ x[i]·y[i + lag] is largest.
  static func xcorrPeakLag(_ x: [Float], _ y: [Float], maxLag: Int = 200) -> Int {
    var best = -Double.infinity
    var bestLag = 0
    let n = min(x.count, y.count)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeBufferPointer { yp in
        for lag in -maxLag...maxLag {
          var s: Float = 0
          let lo = max(0, -lag)
          let hi = min(n, n - lag)
          for i in lo..<hi { s += xp[i] * yp[i + lag] }
          if Double(s) > best {
            best = Double(s)
            bestLag = lag
          }
        }
      }
    }
    return bestLag
  }

  /// Energy above `hz` relative to the total, dB (negative), from Welch-averaged Hann-windowed
  /// 1024-point power spectra.
  static func energyAboveDB(_ y: [Float], hz: Double, sampleRate: Int) -> Double {
    let p = powerSpectrum(y, nfft: 1024)
    let k0 = Int((hz / Double(sampleRate) * 1024).rounded(.up))
    let above = p[k0...].reduce(0, +)
    return 10 * log10(max(above, 1e-300) / p.reduce(0, +))
  }

  /// Welch-averaged power spectrum (bins 0…nfft/2), Hann window, 50 % overlap.
  static func powerSpectrum(_ y: [Float], nfft: Int) -> [Double] {
    let plan = FFTPlan.shared(size: nfft)
    let w = Window.hann(nfft, periodic: true)
    let b = FFTBuffer(count: nfft)
    let s = FFTBuffer(count: 2 * plan.binCount)
    var acc = [Double](repeating: 0, count: plan.binCount)
    var start = 0
    while start + nfft <= y.count {
      for i in 0..<nfft { b.pointer[i] = y[start + i] * w[i] }
      plan.forward(b, s)
      for k in 0..<plan.binCount {
        let re = Double(s.pointer[2 * k])
        let im = Double(s.pointer[2 * k + 1])
        acc[k] += re * re + im * im
      }
      start += nfft / 2
    }
    return acc
  }
}

extension Signals {
  /// Vowel-like test speech for codecs: a glottal pulse train whose f0 glides between 100 and
  /// 180 Hz (so it has no fixed period), through three formant resonators (500, 1500, 2500 Hz),
  /// under a 4 Hz syllable envelope with a 0.2 s pause every second. Peak about 0.5.
  static func vowels(seconds: Double, rate: Int) -> [Float] {
    let n = Int(seconds * Double(rate))
    var phase = 0.0
    var source = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let t = Double(i) / Double(rate)
      let f0 = 140 + 40 * sin(2 * Double.pi * 0.7 * t)
      phase += f0 / Double(rate)
      if phase >= 1 {
        phase -= 1
        source[i] = 1
      }
    }
    var y = source
    for (f, bw) in [(500.0, 80.0), (1500.0, 120.0), (2500.0, 160.0)] {
      let r = exp(-Double.pi * bw / Double(rate))
      let a1 = 2 * r * cos(2 * Double.pi * f / Double(rate))
      let a2 = -r * r
      var y1 = 0.0
      var y2 = 0.0
      var out = [Double](repeating: 0, count: n)
      for i in 0..<n {
        let v = y[i] + a1 * y1 + a2 * y2
        out[i] = v
        y2 = y1
        y1 = v
      }
      y = out
    }
    var result = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let t = Double(i) / Double(rate)
      let env = max(0, sin(2 * Double.pi * 4 * t)) * (t.truncatingRemainder(dividingBy: 1.0) < 0.8 ? 1 : 0)
      result[i] = Float(y[i] * env)
    }
    let peak = Levels.peak(result)
    return result.map { 0.5 * $0 / peak }
  }
}
