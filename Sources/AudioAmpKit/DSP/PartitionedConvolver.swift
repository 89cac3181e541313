import Foundation

/// Linear convolution with a long impulse response by uniformly partitioned overlap-save.
///
/// The response (L taps) is cut into K = ⌈L/P⌉ partitions of P samples, each zero-padded to 2P and
/// transformed once at creation. The input is processed in blocks of P: each block's 2P-sample
/// window (previous block + this one) is transformed once, kept in a frequency-domain delay line
/// of K spectra, and the output block is the inverse transform of Σ_k H_k·X_{m−k}, whose last P
/// samples are valid linear-convolution samples (Wefers, *Partitioned convolution algorithms for
/// real-time auralization*, 2015, §5.3). Cost per output sample is O(log P + K), against
/// O(log L) for one big FFT, but with only 2P-point transforms, so memory and plan sizes stay
/// small for responses of seconds.
///
/// Same contract as ``FFTConvolver``: y[i] = Σ_j h[j]·x[i + D − j] for i in 0..<count, with D the
/// removed delay and x zero outside its range. Immutable after creation; one convolver can be
/// used from many threads at once.
public final class PartitionedConvolver: @unchecked Sendable {
  /// The impulse response.
  public let taps: [Float]
  /// Samples of delay removed from the output (0 ≤ delay < taps.count).
  public let delay: Int
  /// Partition length P, samples (a power of two).
  public let partition: Int
  private let plan: FFTPlan
  private let spectra: FFTBuffer  // K spectra of (P + 1) complex bins, back to back
  private let count: Int  // K

  /// Creates a convolver for `taps` (at least one), removing `delay` samples, with partitions of
  /// `partition` samples (a power of two ≥ 16; default: L/8 rounded up to a power of two,
  /// clamped to 256…4096, which keeps K ≤ 8 for responses up to 2 s at 16 kHz).
  public init(taps: [Float], delay: Int = 0, partition: Int? = nil) {
    precondition(!taps.isEmpty, "PartitionedConvolver needs at least one tap")
    precondition(delay >= 0 && delay < taps.count, "delay must lie within the taps")
    let p = partition ?? min(4096, max(256, FFTPlan.powerOfTwo(atLeast: taps.count) / 8))
    precondition(p >= 16 && p & (p - 1) == 0, "partition must be a power of two ≥ 16")
    self.taps = taps
    self.delay = delay
    self.partition = p
    plan = FFTPlan.shared(size: 2 * p)
    let k = (taps.count + p - 1) / p
    count = k
    let bins = p + 1
    spectra = FFTBuffer(count: 2 * bins * k)
    let input = FFTBuffer(count: 2 * p)
    let out = FFTBuffer(count: 2 * bins)
    let scale = 1 / Float(2 * p)
    for part in 0..<k {
      input.zero()
      let lo = part * p
      let hi = min(taps.count, lo + p)
      for i in lo..<hi { input.pointer[i - lo] = taps[i] * scale }
      plan.forward(input, out)
      (spectra.pointer + 2 * bins * part).update(from: out.pointer, count: 2 * bins)
    }
  }

  /// Convolves `x` and returns `count` samples (default `x.count`): y[i] = Σ_j h[j]·x[i + D − j].
  /// Asking for more than `x.count` keeps that much of the reverberant tail past the input's end.
  public func apply(_ x: [Float], count outCount: Int? = nil) -> [Float] {
    let n = outCount ?? x.count
    guard n > 0 else { return [] }
    let p = partition
    let bins = p + 1
    let k = count
    let window = FFTBuffer(count: 2 * p)
    let fdl = FFTBuffer(count: 2 * bins * k)
    let acc = FFTBuffer(count: 2 * bins)
    let spec = FFTBuffer(count: 2 * bins)
    let out = FFTBuffer(count: 2 * p)
    var y = [Float](repeating: 0, count: n)
    let d = delay
    // Full-convolution samples D..<D+n are needed; block m yields samples mP..<(m+1)P.
    let lastBlock = (d + n - 1) / p
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        let h = UnsafePointer(spectra.pointer)
        for m in 0...lastBlock {
          // Slide the window: old second half becomes the first half, new block after it.
          window.pointer.update(from: window.pointer + p, count: p)
          let lo = m * p
          let avail = max(0, min(p, xp.count - lo))
          if avail > 0 { (window.pointer + p).update(from: xp.baseAddress! + lo, count: avail) }
          if avail < p { (window.pointer + p + avail).update(repeating: 0, count: p - avail) }
          let slot = m % k
          let xs = fdl.pointer + 2 * bins * slot
          // FFTW wants the arrays aligned as at planning time, so transform into an aligned
          // buffer and copy the spectrum into its delay-line slot.
          plan.forward(window, spec)
          xs.update(from: spec.pointer, count: 2 * bins)
          let blockStart = lo
          // Skip blocks wholly before the removed delay (their output is discarded).
          if blockStart + p <= d { continue }
          acc.zero()
          let a = acc.pointer
          for part in 0..<min(k, m + 1) {
            let hs = h + 2 * bins * part
            let xk = UnsafePointer(fdl.pointer + 2 * bins * ((m - part) % k))
            for b in 0..<bins {
              let xr = xk[2 * b], xi = xk[2 * b + 1]
              let hr = hs[2 * b], hi = hs[2 * b + 1]
              a[2 * b] += xr * hr - xi * hi
              a[2 * b + 1] += xr * hi + xi * hr
            }
          }
          plan.inverse(acc, out)
          // out[p + j] is full-convolution sample blockStart + j → output index blockStart + j − D.
          let jStart = max(0, d - blockStart)
          let jEnd = min(p, n + d - blockStart)
          if jStart < jEnd {
            let src = out.pointer + p
            let dst = yp.baseAddress! + (blockStart - d)
            for j in jStart..<jEnd { dst[j] = src[j] }
          }
        }
      }
    }
    return y
  }
}

/// Convolution with an impulse response, choosing the kernel by length: one overlap-add FFT
/// (``FFTConvolver``) up to 2048 taps, uniformly partitioned overlap-save
/// (``PartitionedConvolver``) beyond.
public enum Convolution {
  /// Taps up to which the single-FFT convolver is used.
  public static let partitionThreshold = 2048

  /// y[i] = Σ_j h[j]·x[i + delay − j] for i in 0..<count (default x.count). Empty input or
  /// count 0 gives an empty output.
  public static func apply(_ x: [Float], taps h: [Float], delay: Int, count: Int? = nil) -> [Float] {
    let n = count ?? x.count
    guard n > 0 else { return [] }
    if h.count <= partitionThreshold {
      let input = n > x.count ? x + [Float](repeating: 0, count: n - x.count) : x
      let y = FFTConvolver(taps: h, delay: delay).apply(input)
      return n < y.count ? Array(y.prefix(n)) : y
    }
    return PartitionedConvolver(taps: h, delay: delay).apply(x, count: n)
  }
}
