import Foundation

/// Linear convolution with a fixed FIR filter by FFT overlap-add, returning a "same"-length,
/// delay-compensated output.
///
/// The input is cut into blocks of B = N − L + 1 samples (L taps, N a power of two ≥ 4L, or
/// smaller for short inputs); each block is transformed, multiplied by the taps' spectrum and
/// transformed back, and the N-sample results are added at their block offset (Oppenheim &
/// Schafer, *Discrete-Time Signal Processing*, 3rd ed., §8.7.3). The taps' spectrum is computed
/// once per block size and cached. Calls share no mutable state apart from that cache (guarded by
/// a lock), so one convolver can be used from many threads at once.
public final class FFTConvolver: @unchecked Sendable {
  /// The filter taps.
  public let taps: [Float]
  /// Delay removed from the output: (L − 1)/2 samples (rounded down), the group delay of a
  /// linear-phase filter with L taps, unless given at creation.
  public let delay: Int
  private let lock = NSLock()
  private var spectra: [Int: FFTBuffer] = [:]

  /// Creates a convolver for `taps` (at least one tap).
  public init(taps: [Float]) {
    precondition(!taps.isEmpty, "FFTConvolver needs at least one tap")
    self.taps = taps
    self.delay = (taps.count - 1) / 2
  }

  /// Creates a convolver that removes `delay` samples (0 ≤ delay < taps.count) instead of the
  /// linear-phase group delay: for an impulse response whose direct sound is tap `delay`, the
  /// output then keeps the input's timing.
  public init(taps: [Float], delay: Int) {
    precondition(!taps.isEmpty, "FFTConvolver needs at least one tap")
    precondition(delay >= 0 && delay < taps.count, "delay must lie within the taps")
    self.taps = taps
    self.delay = delay
  }

  /// Filters `x` and returns exactly `x.count` samples: y[i] = Σ_j h[j]·x[i + D − j] with
  /// D = ``delay`` and x taken as zero outside its range. Empty input gives empty output.
  public func apply(_ x: [Float]) -> [Float] {
    let n = x.count
    guard n > 0 else { return [] }
    let l = taps.count
    let fftSize = min(
      FFTPlan.powerOfTwo(atLeast: max(4 * l, 64)),
      FFTPlan.powerOfTwo(atLeast: n + l - 1))
    let block = fftSize - l + 1
    let plan = FFTPlan.shared(size: fftSize)
    let h = spectrum(size: fftSize, plan: plan)
    let bins = plan.binCount
    let inBuf = FFTBuffer(count: fftSize)
    let spec = FFTBuffer(count: 2 * bins)
    let outBuf = FFTBuffer(count: fftSize)
    var y = [Float](repeating: 0, count: n)
    let d = delay
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        let hp = UnsafePointer(h.pointer)
        let sp = spec.pointer
        var s = 0
        while s < n {
          let len = min(block, n - s)
          inBuf.pointer.update(from: xp.baseAddress! + s, count: len)
          if len < fftSize { (inBuf.pointer + len).update(repeating: 0, count: fftSize - len) }
          plan.forward(inBuf, spec)
          for k in 0..<bins {
            let ar = sp[2 * k]
            let ai = sp[2 * k + 1]
            let br = hp[2 * k]
            let bi = hp[2 * k + 1]
            sp[2 * k] = ar * br - ai * bi
            sp[2 * k + 1] = ar * bi + ai * br
          }
          plan.inverse(spec, outBuf)
          // outBuf[k] is full-convolution index s + k, which lands at output index s + k − D.
          let kStart = max(0, d - s)
          let kEnd = min(len + l - 1, n + d - s)
          if kStart < kEnd {
            let op = outBuf.pointer
            let dst = yp.baseAddress! + (s - d)
            for k in kStart..<kEnd { dst[k] += op[k] }
          }
          s += block
        }
      }
    }
    return y
  }

  /// The taps' spectrum for FFT size `size`, scaled by 1/size so the inverse needs no scaling.
  private func spectrum(size: Int, plan: FFTPlan) -> FFTBuffer {
    lock.lock()
    defer { lock.unlock() }
    if let s = spectra[size] { return s }
    let input = FFTBuffer(count: size)
    let scale = 1 / Float(size)
    for (i, t) in taps.enumerated() { input.pointer[i] = t * scale }
    let s = FFTBuffer(count: 2 * plan.binCount)
    plan.forward(input, s)
    spectra[size] = s
    return s
  }
}
