import Foundation

/// Short-time Fourier transform with centred frames and a perfect-reconstruction inverse.
///
/// Frame k covers input samples [k·hop − frameSize/2, k·hop + frameSize/2) (zero outside the
/// signal), is multiplied by the analysis window and transformed with a real FFT. The inverse
/// applies the same window again, overlap-adds, and divides each sample by Σₖ w²(n − k·hop)
/// (weighted overlap-add; Griffin & Lim, "Signal estimation from modified short-time Fourier
/// transform", IEEE TASSP 32(2), 1984), so `synthesize(analyze(x), length: x.count)` returns x
/// to float rounding for any window whose shifted squares do not vanish (e.g. Hann with
/// hop ≤ frameSize/2).
public struct STFT: Sendable {
  /// Frame length in samples (even, ≥ 2).
  public let frameSize: Int
  /// Hop between frames in samples (1...frameSize).
  public let hop: Int
  /// Analysis and synthesis window, `frameSize` values.
  public let window: [Float]

  /// Complex spectra of consecutive frames, row-major: bin b of frame k is at index
  /// k·binCount + b in `real` and `imag`.
  public struct Frames: Sendable {
    /// Number of frames.
    public var frameCount: Int
    /// Bins per frame, frameSize/2 + 1 (DC to Nyquist).
    public var binCount: Int
    /// Real parts, frameCount·binCount values.
    public var real: [Float]
    /// Imaginary parts, frameCount·binCount values.
    public var imag: [Float]
  }

  /// Creates an STFT; `window` defaults to a periodic Hann window of `frameSize`.
  public init(frameSize: Int, hop: Int, window: [Float]? = nil) {
    precondition(frameSize >= 2 && frameSize % 2 == 0, "frameSize must be even and ≥ 2")
    precondition(hop >= 1 && hop <= frameSize, "hop must be in 1...frameSize")
    self.frameSize = frameSize
    self.hop = hop
    self.window = window ?? Window.hann(frameSize, periodic: true)
    precondition(self.window.count == frameSize, "window length must equal frameSize")
  }

  /// Bins per frame, frameSize/2 + 1.
  public var binCount: Int { frameSize / 2 + 1 }

  /// Frames produced for `length` input samples: ⌈length/hop⌉ + 1 (0 for empty input), so
  /// the last frame is centred at or beyond the final sample.
  public func frameCount(forLength length: Int) -> Int {
    length <= 0 ? 0 : (length + hop - 1) / hop + 1
  }

  /// Windowed spectra of `x` (see the type's description for frame positions).
  public func analyze(_ x: [Float]) -> Frames {
    let count = frameCount(forLength: x.count)
    let bins = binCount
    var frames = Frames(
      frameCount: count, binCount: bins,
      real: [Float](repeating: 0, count: count * bins),
      imag: [Float](repeating: 0, count: count * bins))
    guard count > 0 else { return frames }
    let plan = FFTPlan.shared(size: frameSize)
    let buf = FFTBuffer(count: frameSize)
    let spec = FFTBuffer(count: 2 * bins)
    let half = frameSize / 2
    for k in 0..<count {
      let start = k * hop - half
      for i in 0..<frameSize {
        let j = start + i
        buf.pointer[i] = (j >= 0 && j < x.count) ? x[j] * window[i] : 0
      }
      plan.forward(buf, spec)
      for b in 0..<bins {
        frames.real[k * bins + b] = spec.pointer[2 * b]
        frames.imag[k * bins + b] = spec.pointer[2 * b + 1]
      }
    }
    return frames
  }

  /// Weighted overlap-add inverse producing exactly `length` samples (frames beyond it are
  /// ignored; samples no frame covers are 0).
  public func synthesize(_ frames: Frames, length: Int) -> [Float] {
    guard length > 0 else { return [] }
    precondition(frames.binCount == binCount, "frames come from a different frame size")
    let plan = FFTPlan.shared(size: frameSize)
    let spec = FFTBuffer(count: 2 * binCount)
    let buf = FFTBuffer(count: frameSize)
    var out = [Double](repeating: 0, count: length)
    var norm = [Double](repeating: 0, count: length)
    let half = frameSize / 2
    let scale = 1 / Float(frameSize)
    for k in 0..<frames.frameCount {
      for b in 0..<binCount {
        spec.pointer[2 * b] = frames.real[k * binCount + b]
        spec.pointer[2 * b + 1] = frames.imag[k * binCount + b]
      }
      plan.inverse(spec, buf)
      let start = k * hop - half
      for i in 0..<frameSize {
        let j = start + i
        guard j >= 0 && j < length else { continue }
        let w = window[i]
        out[j] += Double(buf.pointer[i] * scale * w)
        norm[j] += Double(w * w)
      }
    }
    return (0..<length).map { norm[$0] > 1e-8 ? Float(out[$0] / norm[$0]) : 0 }
  }
}
