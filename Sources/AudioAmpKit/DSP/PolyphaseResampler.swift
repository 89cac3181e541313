import CKernels
import Foundation

/// Band-limited resampling by an arbitrary factor, for speed changes.
///
/// Output sample m is the band-limited interpolation of the input at time t = m·factor (in input
/// samples): y[m] = Σⱼ x[j]·h(t − j), with h a Kaiser-windowed sinc whose cutoff scales with
/// min(1, 1/factor) so that it also removes what would alias when the output rate is lower
/// (Smith, "Digital Audio Resampling Home Page", CCRMA, 2002, §"Implementation"; Crochiere &
/// Rabiner, *Multirate Digital Signal Processing*, 1983, ch. 2–3).
///
/// The filter's pass band ends at 0.86 and its stop band starts at 1.0 of min(1, 1/factor) times
/// the input Nyquist frequency, with a 130 dB Kaiser design (β ≈ 13.4). When the factor is a ratio
/// p/q with q ≤ 512 (0.8, 1.1, 1.25, …) the kernel is tabulated exactly at the q phases needed;
/// otherwise it is tabulated at 1024 phases per sample and interpolated linearly between the two
/// nearest phases. Tables are cached per factor (exact) or per cutoff (interpolated, cutoff
/// rounded down to a 1/128 grid so nearby factors share one table) under a lock. The dot
/// products run in `CKernels`, on AVX where the machine has it, with the same bits either way.
public enum PolyphaseResampler {
  /// Stop-band attenuation the kernel is designed for, in dB.
  static let designAttenuationDB = 130.0
  /// Pass-band edge as a fraction of the (scaled) Nyquist frequency.
  static let passEdge = 0.86
  /// Phases per input sample for irrational factors.
  static let interpolatedPhases = 1024
  /// Largest denominator for the exact rational path.
  static let maxExactPhases = 512

  /// Resamples `x` so that it plays `factor` times faster (factor 1.1: 10 % faster, shorter).
  ///
  /// - Parameters:
  ///   - x: input samples (any rate; the kernel works in samples).
  ///   - factor: time compression, > 0 and finite. 1 returns `x` unchanged.
  /// - Returns: exactly `Int((Double(x.count) / factor).rounded())` samples with
  ///   y[m] ≈ x(m·factor); the input is taken as zero outside its range, so the last few
  ///   outputs see the filter's tail. Empty input gives empty output.
  public static func resample(_ x: [Float], factor: Double) -> [Float] {
    precondition(factor > 0 && factor.isFinite, "resampling factor must be positive and finite")
    if factor == 1 { return x }
    let outCount = Int((Double(x.count) / factor).rounded())
    guard outCount > 0, !x.isEmpty else { return [Float](repeating: 0, count: max(0, outCount)) }
    let table = Table.shared(factor: factor)
    let taps = table.tapCount
    let k = table.halfWidth
    // Zero-pad so every tap reads inside the buffer: x[i] sits at padded[i + k].
    let padCount = x.count + taps + k + 4
    var padded = [Float](repeating: 0, count: padCount)
    padded.withUnsafeMutableBufferPointer { p in
      x.withUnsafeBufferPointer { xp in
        (p.baseAddress! + k).update(from: xp.baseAddress!, count: x.count)
      }
    }
    var y = [Float](repeating: 0, count: outCount)
    padded.withUnsafeBufferPointer { pp in
      y.withUnsafeMutableBufferPointer { yp in
        let xb = pp.baseAddress!
        let out = yp.baseAddress!
        let coef = UnsafePointer(table.coefficients)
        if let (p, q) = table.ratio {
          // Exact phases: t = m·p/q, so i0 = ⌊m·p/q⌋ and the phase is (m·p mod q)/q. Outputs
          // m and m + q share a phase row, so the kernel computes them together (one load of
          // each coefficient serves both); each output's sum runs in a fixed order.
          aa_polyphase_exact(xb, padCount, coef, taps, p, q, out, outCount)
        } else {
          aa_polyphase_interpolated(
            xb, padCount, coef, UnsafePointer(table.differences!), taps, factor, interpolatedPhases, out, outCount)
        }
      }
    }
    return y
  }

  /// A tabulated kernel: `rows` phases × `tapCount` taps (a multiple of 16, zero-padded).
  final class Table: @unchecked Sendable {
    let tapCount: Int
    let halfWidth: Int
    /// (p, q) for the exact rational path, nil for the interpolated one.
    let ratio: (Int, Int)?
    let coefficients: UnsafeMutablePointer<Float>
    /// Row k+1 − row k, interpolated path only.
    let differences: UnsafeMutablePointer<Float>?
    let rowCount: Int

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: Table] = [:]

    static func shared(factor: Double) -> Table {
      var ratio: (Int, Int)? = nil
      for q in 1...maxExactPhases {
        let p = (factor * Double(q)).rounded()
        if p >= 1 && abs(p / Double(q) - factor) <= 1e-13 * factor {
          ratio = (Int(p), q)
          break
        }
      }
      // Cutoff in units of the input Nyquist; rounded down on a 1/128 grid for shared tables.
      var cut = min(1, 1 / factor)
      if ratio == nil { cut = max(1.0 / 128, (cut * 128).rounded(.down) / 128) }
      let key = ratio.map { "e\($0.0)/\($0.1)" } ?? "i\(Int(cut * 128))"
      lock.lock()
      defer { lock.unlock() }
      if let t = cache[key] { return t }
      if cache.count >= 32 { cache.removeAll() }
      let t = Table(cutoff: cut, ratio: ratio)
      cache[key] = t
      return t
    }

    private init(cutoff c: Double, ratio: (Int, Int)?) {
      self.ratio = ratio
      let stop = 0.5 * c
      let pass = passEdge * stop
      let fm = 0.5 * (pass + stop)  // cycles per input sample
      let order = Window.kaiserOrder(
        stopbandDB: designAttenuationDB, transitionCyclesPerSample: stop - pass)
      let support = Double(order) / 2  // kernel is zero for |τ| ≥ support
      halfWidth = Int(support.rounded(.up))
      tapCount = (2 * halfWidth + 15) / 16 * 16
      let beta = Window.kaiserBeta(stopbandDB: designAttenuationDB)
      let i0b = Window.besselI0(beta)
      rowCount = ratio?.1 ?? (interpolatedPhases + 1)
      let phases = Double(ratio?.1 ?? interpolatedPhases)
      coefficients = .allocate(capacity: rowCount * tapCount)
      let taps = tapCount
      let hw = halfWidth
      func h(_ tau: Double) -> Double {
        guard abs(tau) < support else { return 0 }
        let s = tau == 0 ? 2 * fm : sin(2 * Double.pi * fm * tau) / (Double.pi * tau)
        return s * Window.kaiser(at: tau / support, beta: beta, i0Beta: i0b)
      }
      for r in 0..<rowCount {
        let ph = Double(r) / phases
        for t in 0..<taps {
          // tap t reads x[i0 − hw + 1 + t]; its distance from the output time is τ.
          let tau = Double(t - hw + 1) - ph
          coefficients[r * taps + t] = Float(h(tau))
        }
      }
      if ratio == nil {
        let d = UnsafeMutablePointer<Float>.allocate(capacity: interpolatedPhases * taps)
        for r in 0..<interpolatedPhases {
          for t in 0..<taps {
            d[r * taps + t] = coefficients[(r + 1) * taps + t] - coefficients[r * taps + t]
          }
        }
        differences = d
      } else {
        differences = nil
      }
    }

    deinit {
      coefficients.deallocate()
      differences?.deallocate()
    }
  }
}
