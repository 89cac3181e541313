import COpenCoreAMR

/// AMR-NB (3GPP TS 26.090) through opencore-amr: 8 kHz, 20 ms frames, eight modes from 4.75 to
/// 12.2 kbit/s, optional discontinuous transmission (DTX, TS 26.093) and the decoder's own
/// concealment of lost frames (TS 26.091).
///
/// The mode may change every frame (`modeForFrame`), as a network's rate adaptation does. A lost
/// frame is given to the decoder as a bad frame, which it conceals. The decoded signal lags
/// the input by the encoder's 5 ms lookahead (40 samples), measured by cross-correlation in the
/// tests.
public final class AMRNBCodec: SpeechCodec {
  /// The eight codec modes, kbit/s.
  public static let modes: [Double] = [4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2]

  public var name: String { "amr-nb" }
  public let sampleRate = 8000
  public let frameSize = 160
  public let delay = 40
  public let hasConcealment = true
  /// Mode (index into ``modes``) used for each frame.
  public let modeForFrame: @Sendable (Int) -> Int
  private let encoder: UnsafeMutableRawPointer
  private let decoder: UnsafeMutableRawPointer
  private var buffer = [UInt8](repeating: 0, count: 64)
  private var lastHeader: UInt8 = 0x3C

  /// Creates an encoder (with DTX if `dtx`) and a decoder; `modeForFrame` gives each frame's
  /// mode as an index 0…7 into ``modes``.
  public init(dtx: Bool, modeForFrame: @escaping @Sendable (Int) -> Int) throws {
    guard let enc = Encoder_Interface_init(dtx ? 1 : 0) else {
      throw CodecError.libraryFailed(codec: "amr-nb", call: "Encoder_Interface_init", code: 0, message: "out of memory")
    }
    guard let dec = Decoder_Interface_init() else {
      Encoder_Interface_exit(enc)
      throw CodecError.libraryFailed(codec: "amr-nb", call: "Decoder_Interface_init", code: 0, message: "out of memory")
    }
    encoder = enc
    decoder = dec
    self.modeForFrame = modeForFrame
  }

  deinit {
    Encoder_Interface_exit(encoder)
    Decoder_Interface_exit(decoder)
  }

  /// Index into ``modes`` of `kbps`, if it is one of the eight.
  public static func modeIndex(_ kbps: Double) -> Int? {
    modes.firstIndex { abs($0 - kbps) < 1e-9 }
  }

  public func encode(_ frame: [Int16], frameIndex: Int) throws -> [UInt8] {
    let index = modeForFrame(frameIndex)
    guard (0..<8).contains(index) else {
      throw CodecError.unsupported(codec: name, detail: "mode index \(index) is not 0…7")
    }
    let mode = Mode(rawValue: UInt32(index))
    let n = frame.withUnsafeBufferPointer { f in
      buffer.withUnsafeMutableBufferPointer { b in
        Encoder_Interface_Encode(encoder, mode, f.baseAddress, b.baseAddress, 0)
      }
    }
    guard n > 0 else {
      throw CodecError.libraryFailed(codec: name, call: "Encoder_Interface_Encode", code: Int(n), message: "no frame produced")
    }
    return Array(buffer[0..<Int(n)])
  }

  public func decode(_ packet: [UInt8]?) throws -> [Int16] {
    // A lost frame goes in as the last received frame type with the bad-frame flag set: the
    // decoder then marks it RX_SPEECH_BAD (or RX_SID_BAD) and runs its error concealment
    // (TS 26.091) on it; a NO_DATA frame would be read as a DTX pause instead.
    var bytes = packet ?? [lastHeader]
    if let packet, let header = packet.first { lastHeader = header }
    bytes += [UInt8](repeating: 0, count: 32)
    var out = [Int16](repeating: 0, count: frameSize)
    bytes.withUnsafeBufferPointer { b in
      out.withUnsafeMutableBufferPointer { o in
        Decoder_Interface_Decode(decoder, b.baseAddress, o.baseAddress, packet == nil ? 1 : 0)
      }
    }
    return out
  }
}
