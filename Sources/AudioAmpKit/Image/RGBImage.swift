/// An 8-bit RGB raster, row-major from the top-left corner, with a few drawing primitives.
///
/// Drawing outside the image is clipped silently, so callers can draw labels near edges.
public struct RGBImage: Sendable, Equatable {
  /// Width in pixels (≥ 1).
  public let width: Int
  /// Height in pixels (≥ 1).
  public let height: Int
  /// 3·width·height bytes: R, G, B for each pixel, rows top to bottom.
  public var pixels: [UInt8]

  /// An 8-bit colour.
  public struct Color: Sendable, Equatable {
    /// Red, green and blue, 0...255.
    public var r, g, b: UInt8
    /// Creates a colour from its components.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
      self.r = r
      self.g = g
      self.b = b
    }
    /// White.
    public static let white = Color(255, 255, 255)
    /// Black.
    public static let black = Color(0, 0, 0)
  }

  /// A `width`×`height` image filled with `background`.
  public init(width: Int, height: Int, background: Color = .white) {
    precondition(width >= 1 && height >= 1, "image must be at least 1×1")
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: 3 * width * height)
    fill(x: 0, y: 0, width: width, height: height, background)
  }

  /// The colour at (x, y); (0, 0) is the top-left pixel.
  public subscript(x: Int, y: Int) -> Color {
    get {
      let i = 3 * (y * width + x)
      return Color(pixels[i], pixels[i + 1], pixels[i + 2])
    }
    set { set(x, y, newValue) }
  }

  /// Sets one pixel (ignored outside the image).
  public mutating func set(_ x: Int, _ y: Int, _ c: Color) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let i = 3 * (y * width + x)
    pixels[i] = c.r
    pixels[i + 1] = c.g
    pixels[i + 2] = c.b
  }

  /// Fills the rectangle with top-left (x, y), clipped to the image.
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ c: Color) {
    let x0 = max(0, x), y0 = max(0, y)
    let x1 = min(width, x + w), y1 = min(height, y + h)
    guard x0 < x1, y0 < y1 else { return }
    for yy in y0..<y1 {
      for xx in x0..<x1 { set(xx, yy, c) }
    }
  }

  /// Draws `text` in the built-in 5×7 font (see ``BitmapFont``) with its top-left at (x, y),
  /// each font pixel drawn as `scale`×`scale` pixels. Characters the font lacks draw as blanks.
  public mutating func draw(text: String, x: Int, y: Int, scale: Int = 1, color: Color = .black) {
    var cx = x
    for ch in text {
      let rows = BitmapFont.glyph(ch)
      for (ry, bits) in rows.enumerated() {
        for rx in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - rx)) != 0 {
          fill(x: cx + rx * scale, y: y + ry * scale, width: scale, height: scale, color)
        }
      }
      cx += BitmapFont.advance * scale
    }
  }
}
