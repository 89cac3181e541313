import Foundation

/// Window functions and Kaiser-window design formulas.
///
/// Sources: Harris, "On the use of windows for harmonic analysis with the discrete Fourier
/// transform", Proc. IEEE 66(1), 1978 (Hann); Kaiser, "Nonrecursive digital filter design using
/// the I0-sinh window function", ISCAS 1974, and Oppenheim & Schafer, *Discrete-Time Signal
/// Processing*, 3rd ed., §7.5.3 (Kaiser window, β and length formulas).
public enum Window {
  /// Hann window of length `n` (empty for n ≤ 0).
  ///
  /// `periodic: true` gives w[i] = 0.5 − 0.5·cos(2πi/n), whose shifts by n/4 sum to a constant
  /// (squares sum to 1.5), as STFT overlap-add needs; `periodic: false` gives the symmetric
  /// form with denominator n − 1 (used for filters and spectral estimates).
  public static func hann(_ n: Int, periodic: Bool = true) -> [Float] {
    guard n > 0 else { return [] }
    if n == 1 { return [1] }
    let d = Double(periodic ? n : n - 1)
    return (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / d)) }
  }

  /// Zeroth-order modified Bessel function of the first kind, I0(x), by its power series
  /// Σ ((x/2)^k / k!)², summed until the term is below 1e-17 of the total (Abramowitz & Stegun
  /// 9.6.12). Accurate to double precision for |x| ≤ 50, which covers β up to ~ 200 dB designs.
  public static func besselI0(_ x: Double) -> Double {
    let h = 0.25 * x * x
    var term = 1.0
    var sum = 1.0
    var k = 1.0
    while term > 1e-17 * sum {
      term *= h / (k * k)
      sum += term
      k += 1
    }
    return sum
  }

  /// Symmetric Kaiser window of length `n`: w[i] = I0(β·√(1 − (2i/(n−1) − 1)²)) / I0(β).
  public static func kaiser(_ n: Int, beta: Double) -> [Double] {
    guard n > 0 else { return [] }
    if n == 1 { return [1] }
    let denom = besselI0(beta)
    return (0..<n).map { i in
      let r = 2 * Double(i) / Double(n - 1) - 1
      return besselI0(beta * (max(0, 1 - r * r)).squareRoot()) / denom
    }
  }

  /// Kaiser window evaluated at a continuous position `t` in [−1, 1] (0 outside).
  public static func kaiser(at t: Double, beta: Double, i0Beta: Double) -> Double {
    guard abs(t) <= 1 else { return 0 }
    return besselI0(beta * (1 - t * t).squareRoot()) / i0Beta
  }

  /// Kaiser's β for a stop-band attenuation of `stopbandDB` (A):
  /// 0.1102(A − 8.7) for A > 50, 0.5842(A − 21)^0.4 + 0.07886(A − 21) for 21 ≤ A ≤ 50, else 0.
  public static func kaiserBeta(stopbandDB a: Double) -> Double {
    if a > 50 { return 0.1102 * (a - 8.7) }
    if a >= 21 { return 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21) }
    return 0
  }

  /// Kaiser's filter order M = (A − 7.95) / (2.285·Δω) for attenuation `stopbandDB` and a
  /// transition width of `transitionCyclesPerSample` (Δf / fs, so Δω = 2π·that). The filter has
  /// M + 1 taps. Returns at least 1.
  public static func kaiserOrder(stopbandDB a: Double, transitionCyclesPerSample df: Double)
    -> Int
  {
    precondition(df > 0, "transition width must be positive")
    let m = (a - 7.95) / (2.285 * 2 * Double.pi * df)
    return max(1, Int(m.rounded(.up)))
  }
}
