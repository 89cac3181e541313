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
  /// One frame of input and one packet, allocated once per instance.
  private let signal = UnsafeMutablePointer<Int16>.allocate(capacity: 160)
  private let frame = UnsafeMutablePointer<UInt8>.allocate(capacity: 33)

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
    signal.deallocate()
    frame.deallocate()
  }

  public var maxPacketBytes: Int { 33 }

  public func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) -> Int {
    // gsm_encode takes a non-const signal pointer: give it the codec's own copy.
    signal.update(from: frame.baseAddress!, count: frameSize)
    gsm_encode(encoder, signal, packet.baseAddress)
    return 33
  }

  public func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws {
    guard let packet, packet.count == 33 else {
      throw CodecError.unsupported(codec: name, detail: "needs a 33-byte frame (no concealment of its own)")
    }
    frame.update(from: packet.baseAddress!, count: 33)
    let code = gsm_decode(decoder, frame, output.baseAddress)
    guard code == 0 else {
      throw CodecError.libraryFailed(codec: name, call: "gsm_decode", code: Int(code), message: "invalid frame (bad magic)")
    }
  }
}
