import CFFTW3
import Foundation

/// A 16-byte-or-better aligned buffer of `Float`s from `fftwf_malloc`, freed in `deinit`.
///
/// FFTW's new-array execute functions need arrays with the same alignment as those used while
/// planning; every buffer handed to ``FFTPlan`` must therefore be one of these. Complex spectra
/// are stored interleaved (re, im), so a spectrum of `b` bins needs `2·b` floats. Contents start
/// zeroed.
public final class FFTBuffer: @unchecked Sendable {
  /// Base pointer (aligned as FFTW wants).
  public let pointer: UnsafeMutablePointer<Float>
  /// Number of floats.
  public let count: Int

  /// Allocates `count` zeroed floats (`count` ≥ 0; 0 allocates one float so the pointer is valid).
  public init(count: Int) {
    precondition(count >= 0, "FFTBuffer count must be ≥ 0")
    self.count = count
    let bytes = max(count, 1) * MemoryLayout<Float>.stride
    guard let raw = fftwf_malloc(bytes) else { fatalError("fftwf_malloc(\(bytes)) failed") }
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    pointer.initialize(repeating: 0, count: max(count, 1))
  }

  deinit { fftwf_free(pointer) }

  /// Sets every float to zero.
  public func zero() { pointer.update(repeating: 0, count: count) }
}

/// Real-input FFT of one size `n`: forward gives `n/2 + 1` complex bins, inverse takes them back.
///
/// Plans are made once per size under one global lock (FFTW's planner is not thread-safe) with
/// `FFTW_ESTIMATE`, which picks the same algorithm every run so outputs are byte-reproducible, and
/// cached for the life of the process. Execution uses `fftwf_execute_dft_r2c` / `_c2r` on
/// caller-owned ``FFTBuffer``s, which FFTW documents as safe to call from many threads on one plan.
/// Neither direction is normalised: `inverse(forward(x)) = n·x`.
public final class FFTPlan: @unchecked Sendable {
  /// Transform size in real samples.
  public let size: Int
  /// Number of complex bins, `size/2 + 1`.
  public var binCount: Int { size / 2 + 1 }
  private let forwardPlan: fftwf_plan
  private let inversePlan: fftwf_plan

  private static let lock = NSLock()
  nonisolated(unsafe) private static var cache: [Int: FFTPlan] = [:]
  nonisolated(unsafe) private static var planningNanoseconds: UInt64 = 0

  private init(size: Int) {
    self.size = size
    let real = FFTBuffer(count: size)
    let spectrum = FFTBuffer(count: 2 * (size / 2 + 1))
    let cplx = UnsafeMutableRawPointer(spectrum.pointer).assumingMemoryBound(to: fftwf_complex.self)
    let flags = UInt32(FFTW_ESTIMATE)
    guard let f = fftwf_plan_dft_r2c_1d(Int32(size), real.pointer, cplx, flags),
      let i = fftwf_plan_dft_c2r_1d(Int32(size), cplx, real.pointer, flags)
    else { fatalError("FFTW could not plan a real FFT of size \(size)") }
    forwardPlan = f
    inversePlan = i
  }

  deinit {
    fftwf_destroy_plan(forwardPlan)
    fftwf_destroy_plan(inversePlan)
  }

  /// The shared plan for size `n` (n ≥ 1), created on first use and cached.
  public static func shared(size n: Int) -> FFTPlan {
    precondition(n >= 1, "FFT size must be ≥ 1")
    lock.lock()
    defer { lock.unlock() }
    if let p = cache[n] { return p }
    let start = DispatchTime.now().uptimeNanoseconds
    let p = FFTPlan(size: n)
    planningNanoseconds += DispatchTime.now().uptimeNanoseconds - start
    cache[n] = p
    return p
  }

  /// Total wall time spent creating plans in this process, in seconds (for benchmarks).
  public static var totalPlanningSeconds: Double {
    lock.lock()
    defer { lock.unlock() }
    return Double(planningNanoseconds) * 1e-9
  }

  /// Forward transform: `input` holds `size` reals, `output` receives `binCount` interleaved
  /// complex bins. `input` is not modified.
  public func forward(_ input: FFTBuffer, _ output: FFTBuffer) {
    precondition(input.count >= size && output.count >= 2 * binCount, "FFT buffer too small")
    let cplx = UnsafeMutableRawPointer(output.pointer).assumingMemoryBound(to: fftwf_complex.self)
    fftwf_execute_dft_r2c(forwardPlan, input.pointer, cplx)
  }

  /// Inverse transform (unnormalised): `input` holds `binCount` interleaved complex bins and is
  /// overwritten (FFTW's c2r destroys its input); `output` receives `size` reals.
  public func inverse(_ input: FFTBuffer, _ output: FFTBuffer) {
    precondition(output.count >= size && input.count >= 2 * binCount, "FFT buffer too small")
    let cplx = UnsafeMutableRawPointer(input.pointer).assumingMemoryBound(to: fftwf_complex.self)
    fftwf_execute_dft_c2r(inversePlan, cplx, output.pointer)
  }

  /// The smallest n' ≥ `n` of the form 2^a·3^b·5^c·7^d (sizes FFTW handles fastest); 1 for n ≤ 1.
  public static func fastSize(atLeast n: Int) -> Int {
    var m = max(n, 1)
    while true {
      var r = m
      for p in [2, 3, 5, 7] { while r % p == 0 { r /= p } }
      if r == 1 { return m }
      m += 1
    }
  }

  /// The smallest power of two ≥ `n` (1 for n ≤ 1).
  public static func powerOfTwo(atLeast n: Int) -> Int {
    var m = 1
    while m < n { m <<= 1 }
    return m
  }
}
