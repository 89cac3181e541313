import CKernels
import Foundation

/// Signal levels: RMS, peak and decibel conversions.
///
/// Sums run in `Double` so that long utterances (millions of samples) do not lose precision.
public enum Levels {
  /// Root-mean-square of `x`; 0 for an empty buffer.
  public static func rms(_ x: [Float]) -> Double {
    guard !x.isEmpty else { return 0 }
    return (energy(x) / Double(x.count)).squareRoot()
  }

  /// Sum of squares of `x`, accumulated in Double in blocks (exact enough and vectorisable).
  public static func energy(_ x: [Float]) -> Double {
    x.withUnsafeBufferPointer { p -> Double in
      var total = 0.0
      var i = 0
      let n = p.count
      while i < n {
        let end = min(n, i + 4096)
        var block: Float = 0
        for j in i..<end { block += p[j] * p[j] }
        total += Double(block)
        i = end
      }
      return total
    }
  }

  /// Largest absolute sample value; 0 for an empty buffer.
  ///
  /// Runs in CKernels (`aa_peak_abs`: sign bit cleared, a running maximum by comparison in two
  /// 8-lane registers, AVX where the machine has it): a Float `max` chain in Swift stays scalar
  /// and latency-bound (it was 16 % of an identity `mix`: read, clip guard, write), and the
  /// bit-pattern maximum that replaced it has no 8-lane form on baseline x86-64. The result is
  /// exact; NaN samples are ignored and +inf counts.
  public static func peak(_ x: [Float]) -> Float {
    x.withUnsafeBufferPointer { p in p.isEmpty ? 0 : aa_peak_abs(p.baseAddress!, p.count) }
  }

  /// Amplitude ratio to decibels (20·log10); −inf for 0.
  public static func dB(amplitude a: Double) -> Double { a > 0 ? 20 * log10(a) : -.infinity }

  /// Decibels to an amplitude ratio (10^(dB/20)).
  public static func amplitude(dB d: Double) -> Double { pow(10, d / 20) }
}
