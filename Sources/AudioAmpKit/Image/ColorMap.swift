/// Maps a value in [0, 1] to a colour for spectrograms and colour bars.
///
/// A sequential scale of this project's own design, piecewise linear through black, deep blue,
/// magenta, orange, yellow and near-white: brightness rises monotonically, so quiet and loud
/// parts stay distinguishable in greyscale print and for common colour-vision deficiencies.
public enum ColorMap {
  private static let stops: [(Double, Double, Double)] = [
    (0, 0, 0), (20, 10, 80), (110, 20, 130), (200, 50, 90), (245, 120, 30), (250, 210, 60),
    (255, 255, 220),
  ]

  /// The colour for `t` (clamped to [0, 1]; NaN maps to 0).
  public static func color(_ t: Double) -> RGBImage.Color {
    let u = t.isNaN ? 0 : min(1, max(0, t))
    let pos = u * Double(stops.count - 1)
    let i = min(stops.count - 2, Int(pos))
    let f = pos - Double(i)
    let a = stops[i], b = stops[i + 1]
    func mix(_ x: Double, _ y: Double) -> UInt8 { UInt8((x + (y - x) * f).rounded()) }
    return RGBImage.Color(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }
}
