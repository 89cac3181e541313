import Foundation

/// Short-time power spectra of one signal, the shared first step of every blind estimator in
/// `Profile/`.
///
/// Frames are periodic-Hann windowed, 2^k samples with 2^k ≥ 32 ms, one every 10 ms (hop
/// `round(0.01·rate)`). Bin powers are scaled so that a frame's bins sum to the windowed mean
/// square of that frame (Parseval, one-sided spectrum: interior bins doubled), so levels read
/// in dBFS directly (a full-scale sine's frame sums to 0.5, −3.01 dBFS). Only the first
/// ``maxSeconds`` of a signal are analysed; input shorter than one frame gives no frames.
struct FrameSpectra {
  /// Longest stretch analysed, seconds (keeps memory bounded for hour-long files).
  static let maxSeconds = 600.0

  let sampleRate: Int
  let frameLength: Int
  let hop: Int
  let binCount: Int
  let frameCount: Int
  /// Frame-major bin powers: `power[t * binCount + k]`.
  let power: [Float]

  var binHz: Double { Double(sampleRate) / Double(frameLength) }
  var hopSeconds: Double { Double(hop) / Double(sampleRate) }

  init(_ x: [Float], sampleRate: Int) {
    self.sampleRate = sampleRate
    let n = FFTPlan.powerOfTwo(atLeast: max(16, Int(0.032 * Double(sampleRate))))
    frameLength = n
    let hop = max(1, Int((0.01 * Double(sampleRate)).rounded()))
    self.hop = hop
    let plan = FFTPlan.shared(size: n)
    binCount = plan.binCount
    let usable = min(x.count, Int(Self.maxSeconds * Double(sampleRate)))
    let frames = usable >= n ? (usable - n) / hop + 1 : 0
    frameCount = frames
    let w = Window.hann(n, periodic: true)
    var sumW2 = 0.0
    for v in w { sumW2 += Double(v * v) }
    let scale = Float(1 / (Double(n) * sumW2))
    let buf = FFTBuffer(count: n)
    let spec = FFTBuffer(count: 2 * plan.binCount)
    var out = [Float](repeating: 0, count: frames * plan.binCount)
    let bins = plan.binCount
    x.withUnsafeBufferPointer { xs in
      out.withUnsafeMutableBufferPointer { o in
        for t in 0..<frames {
          let start = t * hop
          for i in 0..<n { buf.pointer[i] = xs[start + i] * w[i] }
          plan.forward(buf, spec)
          let base = t * bins
          for k in 0..<bins {
            let re = spec.pointer[2 * k], im = spec.pointer[2 * k + 1]
            let c: Float = (k == 0 || k == bins - 1) ? 1 : 2
            o[base + k] = c * (re * re + im * im) * scale
          }
        }
      }
    }
    power = out
  }

  /// The bin range [low, high) covering `lowHz`..`highHz` (clamped to the spectrum; may be empty).
  func bins(_ lowHz: Double, _ highHz: Double) -> Range<Int> {
    let a = max(0, min(binCount, Int((lowHz / binHz).rounded(.up))))
    let b = max(a, min(binCount, Int((highHz / binHz).rounded(.down)) + 1))
    return a..<b
  }

  /// Per-frame power summed over `lowHz`..`highHz`.
  func bandPower(_ lowHz: Double, _ highHz: Double) -> [Double] {
    let r = bins(lowHz, highHz)
    var out = [Double](repeating: 0, count: frameCount)
    power.withUnsafeBufferPointer { p in
      for t in 0..<frameCount {
        var s: Float = 0
        let base = t * binCount
        for k in r { s += p[base + k] }
        out[t] = Double(s)
      }
    }
    return out
  }

  /// Mean power per bin over the frames where `include` is true (all frames when nil).
  func meanSpectrum(where include: [Bool]? = nil) -> [Double] {
    var acc = [Double](repeating: 0, count: binCount)
    var used = 0
    power.withUnsafeBufferPointer { p in
      for t in 0..<frameCount where include?[t] ?? true {
        let base = t * binCount
        for k in 0..<binCount { acc[k] += Double(p[base + k]) }
        used += 1
      }
    }
    if used > 0 { for k in 0..<binCount { acc[k] /= Double(used) } }
    return acc
  }
}

/// Power ↔ dB with a floor, for frame statistics (silence must not become −∞ in a mean).
@inline(__always) func powerDB(_ p: Double) -> Double { 10 * log10(max(p, 1e-14)) }

/// The q-quantile (0...1) of `sorted` by linear interpolation; nil when empty.
func quantile(sorted v: [Double], _ q: Double) -> Double? {
  guard !v.isEmpty else { return nil }
  let pos = q * Double(v.count - 1)
  let i = Int(pos.rounded(.down)), f = pos - Double(i)
  return i + 1 < v.count ? v[i] + f * (v[i + 1] - v[i]) : v[i]
}
