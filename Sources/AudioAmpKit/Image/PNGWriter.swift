import CZlib
import Foundation

/// Why an image could not be encoded or written.
public enum ImageError: Error, Sendable, CustomStringConvertible {
  /// zlib's `compress2` failed; `code` is its return value.
  case compression(code: Int32, message: String)
  /// The file could not be written.
  case unwritable(path: String, reason: String)

  public var description: String {
    switch self {
    case .compression(let code, let message):
      return "PNG compression failed (zlib error \(code): \(message))"
    case .unwritable(let path, let reason):
      return "cannot write image \(path): \(reason); check that the folder exists and is writable"
    }
  }
}

/// Encodes ``RGBImage``s as PNG (8-bit truecolour, no interlace); the only file that calls zlib.
///
/// Layout per the PNG specification (W3C/ISO 15948, 2nd ed. 2003): the 8-byte signature, an IHDR
/// chunk (width, height, bit depth 8, colour type 2, compression 0, filter 0, interlace 0), one
/// IDAT chunk holding the zlib stream of all scanlines, each prefixed by filter byte 0 (None),
/// and an empty IEND. Every chunk carries its CRC-32 over type and data (zlib's `crc32`).
/// Output size: roughly 3·width·height/compression ratio; spectrograms typically compress 2–4×.
public enum PNGWriter {
  /// The PNG bytes of `image`. Throws ``ImageError/compression(code:message:)`` if zlib fails
  /// (only on memory exhaustion in practice).
  public static func encode(_ image: RGBImage) throws -> [UInt8] {
    var raw = [UInt8]()
    raw.reserveCapacity(image.height * (1 + 3 * image.width))
    let row = 3 * image.width
    for y in 0..<image.height {
      raw.append(0)  // filter type None: fast and adequate for these images
      raw.append(contentsOf: image.pixels[(y * row)..<((y + 1) * row)])
    }
    var bound = compressBound(uLong(raw.count))
    var packed = [UInt8](repeating: 0, count: Int(bound))
    let rc = packed.withUnsafeMutableBufferPointer { dst in
      raw.withUnsafeBufferPointer { src in
        compress2(dst.baseAddress, &bound, src.baseAddress, uLong(src.count), 6)
      }
    }
    guard rc == Z_OK else {
      throw ImageError.compression(code: rc, message: String(cString: zError(rc)))
    }
    packed.removeLast(packed.count - Int(bound))

    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var ihdr = [UInt8]()
    ihdr += bigEndian(UInt32(image.width))
    ihdr += bigEndian(UInt32(image.height))
    ihdr += [8, 2, 0, 0, 0]
    appendChunk("IHDR", ihdr, to: &out)
    appendChunk("IDAT", packed, to: &out)
    appendChunk("IEND", [], to: &out)
    return out
  }

  /// Encodes `image` and writes it to `path` (replacing any file there).
  public static func write(_ image: RGBImage, to path: String) throws {
    let bytes = try encode(image)
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
      throw ImageError.unwritable(path: path, reason: error.localizedDescription)
    }
  }

  /// CRC-32 (ISO 3309 / ITU-T V.42, as PNG uses) of `bytes`, by zlib.
  public static func crc(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
  }

  /// Inflates a zlib stream whose decompressed size is at most `capacity` bytes; nil when the
  /// stream is corrupt or larger. Used to check encoded images.
  public static func inflate(_ bytes: [UInt8], capacity: Int) -> [UInt8]? {
    var size = uLong(capacity)
    var out = [UInt8](repeating: 0, count: max(capacity, 1))
    let rc = out.withUnsafeMutableBufferPointer { dst in
      bytes.withUnsafeBufferPointer { src in
        uncompress(dst.baseAddress, &size, src.baseAddress, uLong(src.count))
      }
    }
    guard rc == Z_OK else { return nil }
    return Array(out.prefix(Int(size)))
  }

  private static func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
  }

  private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
    let typeBytes = Array(type.utf8)
    out += bigEndian(UInt32(data.count))
    out += typeBytes
    out += data
    out += bigEndian(crc(typeBytes + data))
  }
}
