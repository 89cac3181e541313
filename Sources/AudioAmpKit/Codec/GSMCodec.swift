import CGSM

/// GSM 06.10 full-rate (RPE-LTP, 13 kbit/s) through libgsm: 8 kHz, 20 ms frames of 160 samples
/// into 33-byte packets.
///
/// The codec has no lookahead, so its delay is 0. GSM 06.11's substitution of lost frames is
/// not in libgsm; ``CodecChain`` repeats and fades the last good frame instead.
public final class GSMCodec: SpeechCodec {
  public var name: String { "gsm-fr" }
  public let sampleRate = 8000
  public let frameSize = 160
  public let delay = 0
  public let hasConcealment = false
  private let encoder: gsm
  private let decoder: gsm

  /// Creates an encoder and a decoder.
  public init() throws {
    guard let enc = gsm_create() else {
      throw CodecError.libraryFailed(codec: "gsm-fr", call: "gsm_create", code: 0, message: "out of memory")
    }
    guard let dec = gsm_create() else {
      gsm_destroy(enc)
      throw CodecError.libraryFailed(codec: "gsm-fr", call: "gsm_create", code: 0, message: "out of memory")
    }
    encoder = enc
    decoder = dec
  }

  deinit {
    gsm_destroy(encoder)
    gsm_destroy(decoder)
  }

  public func encode(_ frame: [Int16], frameIndex: Int) -> [UInt8] {
    var input = frame
    var packet = [UInt8](repeating: 0, count: 33)
    input.withUnsafeMutableBufferPointer { i in
      packet.withUnsafeMutableBufferPointer { p in gsm_encode(encoder, i.baseAddress, p.baseAddress) }
    }
    return packet
  }

  public func decode(_ packet: [UInt8]?) throws -> [Int16] {
    guard var bytes = packet, bytes.count == 33 else {
      throw CodecError.unsupported(codec: name, detail: "needs a 33-byte frame (no concealment of its own)")
    }
    var out = [Int16](repeating: 0, count: frameSize)
    let code = bytes.withUnsafeMutableBufferPointer { b in
      out.withUnsafeMutableBufferPointer { o in gsm_decode(decoder, b.baseAddress, o.baseAddress) }
    }
    guard code == 0 else {
      throw CodecError.libraryFailed(codec: name, call: "gsm_decode", code: Int(code), message: "invalid frame (bad magic)")
    }
    return out
  }
}
