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
  /// The decoder's input and the encoder's, allocated once per instance.
  private let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
  private let signal = UnsafeMutablePointer<Int16>.allocate(capacity: 160)
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
    scratch.deallocate()
    signal.deallocate()
  }

  /// Index into ``modes`` of `kbps`, if it is one of the eight.
  public static func modeIndex(_ kbps: Double) -> Int? {
    modes.firstIndex { abs($0 - kbps) < 1e-9 }
  }

  public var maxPacketBytes: Int { 64 }

  public func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
    let index = modeForFrame(frameIndex)
    guard (0..<8).contains(index) else {
      throw CodecError.unsupported(codec: name, detail: "mode index \(index) is not 0…7")
    }
    // Encoder_Interface_Encode declares its input const but rewrites it in place (opencore-amr
    // 0.1.6 pre-processes the speech buffer it is given): encode the codec's own copy.
    signal.update(from: frame.baseAddress!, count: frameSize)
    let n = Encoder_Interface_Encode(encoder, Mode(rawValue: UInt32(index)), signal, packet.baseAddress, 0)
    guard n > 0 else {
      throw CodecError.libraryFailed(codec: name, call: "Encoder_Interface_Encode", code: Int(n), message: "no frame produced")
    }
    return Int(n)
  }

  public func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws {
    // A lost frame goes in as the last received frame type with the bad-frame flag set: the
    // decoder then marks it RX_SPEECH_BAD (or RX_SID_BAD) and runs its error concealment
    // (TS 26.091) on it; a NO_DATA frame would be read as a DTX pause instead. The decoder
    // reads as many bytes as the header's frame type says, so the packet goes into a zeroed
    // scratch buffer 32 bytes longer than any frame.
    scratch.update(repeating: 0, count: 64)
    if let packet {
      if let header = packet.first { lastHeader = header }
      if let base = packet.baseAddress { scratch.update(from: base, count: min(32, packet.count)) }
    } else {
      scratch[0] = lastHeader
    }
    Decoder_Interface_Decode(decoder, scratch, output.baseAddress, packet == nil ? 1 : 0)
  }
}
