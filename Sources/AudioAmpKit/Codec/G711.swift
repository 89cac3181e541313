/// ITU-T G.711 companding (µ-law and A-law), 8 bits per sample at 8 kHz.
///
/// Segment (chord) and step logic of ITU-T Rec. G.711 (1988), §2–3 and Tables 1a/2a, in the
/// bit-exact form of the Sun reference implementation used by ITU-T G.191's STL: µ-law biases
/// the 14-bit magnitude by 33 (0x84 at 16-bit scale) and codes a 3-bit segment plus 4-bit step,
/// inverted; A-law codes a 13-bit magnitude the same way and XORs even bits with 0x55. Both give
/// about 38 dB SNR for speech at normal levels, nearly independent of level over ~40 dB.
public enum G711 {
  /// The companding law.
  public enum Law: String, Sendable, CaseIterable {
    /// µ-law (North America, Japan).
    case mu
    /// A-law (Europe, most of the world).
    case a
  }

  /// Encodes one 16-bit sample to µ-law.
  public static func muLaw(_ sample: Int16) -> UInt8 {
    let bias = 0x84
    let clip = 32635
    var pcm = Int(sample)
    let sign = pcm < 0 ? 0x80 : 0
    if pcm < 0 { pcm = -pcm }
    if pcm > clip { pcm = clip }
    pcm += bias
    var exponent = 7
    var mask = 0x4000
    while exponent > 0 && pcm & mask == 0 {
      exponent -= 1
      mask >>= 1
    }
    let mantissa = (pcm >> (exponent + 3)) & 0x0F
    return UInt8(~(sign | (exponent << 4) | mantissa) & 0xFF)
  }

  /// Decodes one µ-law byte to a 16-bit sample.
  public static func muLawDecode(_ code: UInt8) -> Int16 {
    let u = Int(~code & 0xFF)
    var t = ((u & 0x0F) << 3) + 0x84
    t <<= (u & 0x70) >> 4
    return Int16(u & 0x80 != 0 ? 0x84 - t : t - 0x84)
  }

  /// Encodes one 16-bit sample to A-law.
  public static func aLaw(_ sample: Int16) -> UInt8 {
    var pcm = Int(sample) >> 3
    let mask: Int
    if pcm >= 0 {
      mask = 0xD5
    } else {
      mask = 0x55
      pcm = -pcm - 1
    }
    let segmentEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]
    var segment = 0
    while segment < 8 && pcm > segmentEnds[segment] { segment += 1 }
    if segment >= 8 { return UInt8(0x7F ^ mask) }
    var code = segment << 4
    code |= segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F
    return UInt8(code ^ mask)
  }

  /// Decodes one A-law byte to a 16-bit sample.
  public static func aLawDecode(_ code: UInt8) -> Int16 {
    let a = Int(code) ^ 0x55
    var t = (a & 0x0F) << 4
    let segment = (a & 0x70) >> 4
    switch segment {
    case 0: t += 8
    case 1: t += 0x108
    default:
      t += 0x108
      t <<= segment - 1
    }
    return Int16(a & 0x80 != 0 ? t : -t)
  }
}

/// G.711 as a ``SpeechCodec``: 8 kHz, 10 ms frames (80 bytes per packet as in RTP), no delay
/// and no concealment of its own (``CodecChain`` repeats and fades the last frame instead, the
/// simplest form of G.711 Appendix I).
public final class G711Codec: SpeechCodec {
  /// The companding law.
  public let law: G711.Law
  public var name: String { "g711" }
  public let sampleRate = 8000
  public let frameSize = 80
  public let delay = 0
  public let hasConcealment = false

  /// Creates a codec for `law`.
  public init(law: G711.Law) {
    self.law = law
    encodeTable = law == .mu ? Self.muEncode : Self.aEncode
    decodeTable = law == .mu ? Self.muDecode : Self.aDecode
  }

  /// This law's tables, taken once here rather than from the shared statics in every frame.
  private let encodeTable: [UInt8]
  private let decodeTable: [Int16]

  public var maxPacketBytes: Int { frameSize }

  /// Encoder tables indexed by sample + 32768 and decoder tables indexed by code, built once
  /// from ``G711`` (a 64 KiB lookup per law instead of the segment search per sample).
  private static let muEncode: [UInt8] = (0..<65536).map { G711.muLaw(Int16($0 - 32768)) }
  private static let aEncode: [UInt8] = (0..<65536).map { G711.aLaw(Int16($0 - 32768)) }
  private static let muDecode: [Int16] = (0..<256).map { G711.muLawDecode(UInt8($0)) }
  private static let aDecode: [Int16] = (0..<256).map { G711.aLawDecode(UInt8($0)) }

  public func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) -> Int {
    encodeTable.withUnsafeBufferPointer { t in
      for i in 0..<frameSize { packet[i] = t[Int(frame[i]) &+ 32768] }
    }
    return frameSize
  }

  public func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws {
    guard let packet else {
      throw CodecError.unsupported(codec: name, detail: "has no concealment of its own")
    }
    decodeTable.withUnsafeBufferPointer { t in
      for i in 0..<min(packet.count, output.count) { output[i] = t[Int(packet[i])] }
    }
  }
}
