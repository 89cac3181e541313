import Foundation
import Testing
@testable import AudioAmpKit

/// Signals and measurements used by the effect, corpus and pipeline suites (the DSP suites'
/// helpers are in DSP/DSPTestSupport.swift).
extension Signals {
  /// A sine at `hz` Hz, `seconds` long, peak `amplitude`.
  static func sine(_ hz: Double, seconds: Double, rate: Int, amplitude: Float = 0.5) -> [Float] {
    let n = Int(seconds * Double(rate))
    return (0..<n).map { amplitude * Float(sin(2 * Double.pi * hz * Double($0) / Double(rate))) }
  }

  /// Seeded white Gaussian noise with RMS `rms`.
  static func noise(seconds: Double, rate: Int, rms: Float = 0.1, key: UInt64 = 1) -> [Float] {
    var rng = UtteranceRNG(key: key)
    return (0..<Int(seconds * Double(rate))).map { _ in rms * Float(rng.gaussian()) }
  }

  /// Brown-ish (integrated, leaky) noise: strongly low-pass, so a discontinuity would stand out.
  static func brownNoise(seconds: Double, rate: Int, key: UInt64 = 2) -> [Float] {
    var rng = UtteranceRNG(key: key)
    var y = 0.0
    var out = [Float]()
    for _ in 0..<Int(seconds * Double(rate)) {
      y = 0.995 * y + 0.02 * rng.gaussian()
      out.append(Float(y))
    }
    let peak = Levels.peak(out)
    return out.map { 0.5 * $0 / peak }
  }

  /// Speech-like test signal: a 140 Hz harmonic tone whose loudness follows a 4 Hz syllable
  /// envelope, with pauses (so level statistics are not those of a steady tone).
  static func speechLike(seconds: Double, rate: Int, key: UInt64 = 3) -> [Float] {
    let n = Int(seconds * Double(rate))
    var rng = UtteranceRNG(key: key)
    let jitter = rng.uniform(0, 1)
    return (0..<n).map { i in
      let t = Double(i) / Double(rate)
      var v = 0.0
      for h in 1...12 { v += sin(2 * Double.pi * 140 * Double(h) * t + Double(h) * jitter) / Double(h) }
      let env = max(0, sin(2 * Double.pi * 4 * t)) * (t.truncatingRemainder(dividingBy: 1.0) < 0.8 ? 1 : 0)
      return Float(0.15 * v * env)
    }
  }

  /// Frequency of the strongest spectral peak, by a Hann-windowed DFT around `near` Hz refined by
  /// golden-section search on the windowed DTFT magnitude (precise to well under a cent).
  static func peakFrequency(_ x: [Float], rate: Int, near: Double, searchHz: Double = 50) -> Double {
    let n = x.count
    var w = [Double](repeating: 0, count: n)
    for i in 0..<n { w[i] = Double(x[i]) * (0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1))) }
    func mag(_ f: Double) -> Double {
      var re = 0.0, im = 0.0
      let dw = 2 * Double.pi * f / Double(rate)
      var cr = 1.0, ci = 0.0
      let sr = cos(dw), si = -sin(dw)
      for i in 0..<n {
        re += w[i] * cr
        im += w[i] * ci
        let t = cr * sr - ci * si
        ci = cr * si + ci * sr
        cr = t
      }
      return re * re + im * im
    }
    // Coarse scan, then golden-section refinement.
    var best = near, bestM = -1.0
    let step = Double(rate) / Double(n) / 4
    var f = near - searchHz
    while f <= near + searchHz {
      let m = mag(f)
      if m > bestM { bestM = m; best = f }
      f += step
    }
    var a = best - step, b = best + step
    let g = (sqrt(5.0) - 1) / 2
    for _ in 0..<40 {
      let c = b - g * (b - a), d = a + g * (b - a)
      if mag(c) > mag(d) { b = d } else { a = c }
    }
    return (a + b) / 2
  }

}

/// A fresh temporary folder for one test.
func makeTempDir(_ name: String = #function) -> String {
  let safe = name.filter { $0.isLetter || $0.isNumber }
  let dir = NSTemporaryDirectory() + "audioamp-tests/\(safe)-\(UUID().uuidString.prefix(8))"
  try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

/// Writes a 16-bit WAV test fixture.
func writeWAV(_ samples: [Float], rate: Int, to path: String) {
  try! FileManager.default.createDirectory(
    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
  try! SoundFile.writeWAV16(samples, sampleRate: rate, to: path)
}
