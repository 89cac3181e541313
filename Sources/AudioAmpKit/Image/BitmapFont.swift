/// A tiny 5×7 pixel font for axis labels: digits, a few letters used by units, and punctuation.
///
/// Designed for this project (each glyph is 7 rows of 5 bits, most significant bit leftmost).
/// Covers `0-9 . , - + : / % ( )` and the letters of `Hz kHz s ms dB dBFS min max` in either case
/// (upper-case forms are used where both exist). Anything else draws as a blank of the same width.
public enum BitmapFont {
  /// Glyph width in font pixels.
  public static let glyphWidth = 5
  /// Glyph height in font pixels.
  public static let glyphHeight = 7
  /// Horizontal distance between character origins, in font pixels (one pixel of spacing).
  public static let advance = 6

  /// Width in font pixels of `text` drawn at scale 1 (no trailing space).
  public static func width(of text: String) -> Int { max(0, text.count * advance - 1) }

  /// The 7 row bitmaps of `ch`; all zero for an unknown character.
  public static func glyph(_ ch: Character) -> [UInt8] {
    if let g = glyphs[ch] { return g }
    if let g = glyphs[Character(ch.uppercased())] { return g }
    return [0, 0, 0, 0, 0, 0, 0]
  }

  private static let glyphs: [Character: [UInt8]] = [
    "0": [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
    "1": [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
    "2": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
    "3": [0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110],
    "4": [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
    "5": [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
    "6": [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
    "7": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
    "8": [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
    "9": [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
    ".": [0, 0, 0, 0, 0, 0b01100, 0b01100],
    ",": [0, 0, 0, 0, 0b01100, 0b00100, 0b01000],
    "-": [0, 0, 0, 0b11111, 0, 0, 0],
    "+": [0, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0],
    ":": [0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0],
    "/": [0b00001, 0b00010, 0b00010, 0b00100, 0b01000, 0b01000, 0b10000],
    "%": [0b11001, 0b11010, 0b00010, 0b00100, 0b01000, 0b01011, 0b10011],
    "(": [0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010],
    ")": [0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000],
    "H": [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
    "Z": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111],
    "z": [0, 0, 0b11111, 0b00010, 0b00100, 0b01000, 0b11111],
    "K": [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001],
    "k": [0b10000, 0b10000, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010],
    "S": [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
    "s": [0, 0, 0b01111, 0b10000, 0b01110, 0b00001, 0b11110],
    "M": [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
    "m": [0, 0, 0b11010, 0b10101, 0b10101, 0b10001, 0b10001],
    "D": [0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100],
    "d": [0b00001, 0b00001, 0b01101, 0b10011, 0b10001, 0b10011, 0b01101],
    "B": [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110],
    "F": [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000],
    "I": [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
    "i": [0b00100, 0, 0b01100, 0b00100, 0b00100, 0b00100, 0b01110],
    "N": [0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001, 0b10001],
    "n": [0, 0, 0b10110, 0b11001, 0b10001, 0b10001, 0b10001],
    "A": [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
    "a": [0, 0, 0b01110, 0b00001, 0b01111, 0b10001, 0b01111],
    "X": [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001],
    "x": [0, 0, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001],
  ]
}
