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
  /// Compares bit patterns: with the sign bit cleared, a Float's bit pattern orders as its
  /// magnitude does, and an integer maximum vectorises where a Float `max` chain (NaN rules)
  /// stays scalar and latency-bound (it was 16 % of an identity `mix`: read, clip guard,
  /// write). The result is exact; NaN samples are ignored, as before.
  public static func peak(_ x: [Float]) -> Float {
    x.withUnsafeBufferPointer { p in
      var m: Int32 = 0
      for v in p {
        let b = Int32(bitPattern: v.bitPattern & 0x7FFF_FFFF)
        m = max(m, b > 0x7F80_0000 ? 0 : b)  // above +inf's pattern: NaN
      }
      return Float(bitPattern: UInt32(bitPattern: m))
    }
  }

  /// Amplitude ratio to decibels (20·log10); −inf for 0.
  public static func dB(amplitude a: Double) -> Double { a > 0 ? 20 * log10(a) : -.infinity }

  /// Decibels to an amplitude ratio (10^(dB/20)).
  public static func amplitude(dB d: Double) -> Double { pow(10, d / 20) }
}
