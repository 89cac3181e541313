import COpus

/// Opus (RFC 6716) through libopus, in its VoIP application mode with 20 ms frames.
///
/// Narrowband runs at 8 kHz, mediumband and wideband at 16 kHz, each with the encoder's
/// bandwidth forced to the one asked. The delay is the encoder's own lookahead
/// (`OPUS_GET_LOOKAHEAD`, 6.5 ms), which is also the whole decoded-signal delay. A lost packet
/// is decoded with `opus_decode(NULL)`, libopus' packet-loss concealment. The encoder runs at
/// ``complexity`` (``defaultComplexity`` 5, a phone's setting, unless asked otherwise).
public final class OpusCodec: SpeechCodec {
  /// Audio bandwidth.
  public enum Bandwidth: String, Sendable, CaseIterable {
    /// 4 kHz audio band, run at 8 kHz.
    case narrowband
    /// 6 kHz audio band, run at 16 kHz.
    case mediumband
    /// 8 kHz audio band, run at 16 kHz.
    case wideband
  }

  public var name: String { "opus" }
  public let sampleRate: Int
  public let frameSize: Int
  public let delay: Int
  public let hasConcealment = true
  private let encoder: OpaquePointer
  private let decoder: OpaquePointer
  /// The encoder's complexity, 0 (fastest) … 10 (best).
  public let complexity: Int

  /// Complexity used when none is given: 5, what WebRTC's Opus encoder runs on Android and
  /// iOS (`kDefaultComplexity` in its `AudioEncoderOpusConfig`; 9 on desktops), so a phone's
  /// encoder rather than libopus' own default of 9 or 10. Lower complexity drops the
  /// encoder's costlier analyses (SILK's pitch and noise-shaping search), so the coded speech
  /// is slightly noisier at the same bit rate.
  public static let defaultComplexity = 5

  /// Creates an encoder and decoder pair for `bandwidth` at `bitrateKbps` (6…64), the encoder
  /// at `complexity` (0…10, ``defaultComplexity`` unless given).
  public init(bandwidth: Bandwidth, bitrateKbps: Double, complexity: Int = OpusCodec.defaultComplexity) throws {
    guard (0...10).contains(complexity) else {
      throw CodecError.unsupported(codec: "opus", detail: "complexity \(complexity) is outside 0…10; use 0 (fastest) to 10 (best)")
    }
    self.complexity = complexity
    sampleRate = bandwidth == .narrowband ? 8000 : 16000
    frameSize = sampleRate / 50
    var err: Int32 = 0
    guard let enc = opus_encoder_create(Int32(sampleRate), 1, OPUS_APPLICATION_VOIP, &err), err == OPUS_OK
    else { throw Self.failure("opus_encoder_create", err) }
    encoder = enc
    guard let dec = opus_decoder_create(Int32(sampleRate), 1, &err), err == OPUS_OK else {
      opus_encoder_destroy(enc)
      throw Self.failure("opus_decoder_create", err)
    }
    decoder = dec
    let band: Int32
    switch bandwidth {
    case .narrowband: band = OPUS_BANDWIDTH_NARROWBAND
    case .mediumband: band = OPUS_BANDWIDTH_MEDIUMBAND
    case .wideband: band = OPUS_BANDWIDTH_WIDEBAND
    }
    var lookahead: Int32 = 0
    for (call, code) in [
      ("OPUS_SET_BITRATE", audioamp_opus_set_int(enc, OPUS_SET_BITRATE_REQUEST, Int32((bitrateKbps * 1000).rounded()))),
      ("OPUS_SET_BANDWIDTH", audioamp_opus_set_int(enc, OPUS_SET_BANDWIDTH_REQUEST, band)),
      ("OPUS_SET_MAX_BANDWIDTH", audioamp_opus_set_int(enc, OPUS_SET_MAX_BANDWIDTH_REQUEST, band)),
      ("OPUS_SET_COMPLEXITY", audioamp_opus_set_int(enc, OPUS_SET_COMPLEXITY_REQUEST, Int32(complexity))),
      ("OPUS_GET_LOOKAHEAD", audioamp_opus_get_lookahead(enc, &lookahead)),
    ] where code != OPUS_OK {
      opus_encoder_destroy(enc)
      opus_decoder_destroy(dec)
      throw Self.failure(call, code)
    }
    delay = Int(lookahead)
  }

  deinit {
    opus_encoder_destroy(encoder)
    opus_decoder_destroy(decoder)
  }

  static func failure(_ call: String, _ code: Int32) -> CodecError {
    .libraryFailed(codec: "opus", call: call, code: Int(code), message: String(cString: opus_strerror(code)))
  }

  public var maxPacketBytes: Int { 1500 }

  public func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
    let n = opus_encode(encoder, frame.baseAddress!, Int32(frameSize), packet.baseAddress!, Int32(packet.count))
    guard n >= 0 else { throw Self.failure("opus_encode", n) }
    return Int(n)
  }

  public func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws {
    let n: Int32
    if let packet {
      n = opus_decode(decoder, packet.baseAddress, Int32(packet.count), output.baseAddress!, Int32(frameSize), 0)
    } else {
      n = opus_decode(decoder, nil, 0, output.baseAddress!, Int32(frameSize), 0)
    }
    guard n >= 0 else { throw Self.failure("opus_decode", n) }
    guard Int(n) == frameSize else {
      throw CodecError.libraryFailed(codec: name, call: "opus_decode", code: Int(n), message: "decoded \(n) samples, expected \(frameSize)")
    }
  }
}
