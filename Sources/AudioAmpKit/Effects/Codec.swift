import Foundation

/// Passes speech through a real speech codec (G.711, GSM-FR, AMR-NB or Opus) at the codec's own
/// rate, optionally losing frames inside the codec loop.
///
/// The codec is drawn per output from the recipe's list, then its own settings (AMR-NB mode per
/// `mode_switch_s` segment, Opus bit rate) and the loss model's rate and burst length, plus a
/// seed for the loss pattern. ``CodecChain`` resamples in and out, compensates the codec's
/// delay (output length = input length, aligned) and conceals lost frames: with the codec's own
/// concealment for Opus and AMR-NB, by repeating and fading the last frame for G.711 and GSM.
/// The loss pattern actually applied is recorded as bursts of `[first frame, length]`, along
/// with the achieved loss rate and mean burst length.
public struct Codec: Effect {
  public static let name = "codec"
  /// The recipe's settings.
  public let spec: CodecSpec

  /// Creates the effect.
  public init(spec: CodecSpec) { self.spec = spec }

  /// The drawn parameters.
  public struct Parameters: Sendable, Equatable {
    /// Which codec.
    public var codec: CodecName
    /// AMR-NB modes, kbit/s, one per `modeSwitchSeconds` segment (one entry without switching).
    public var amrModes: [Double]
    /// Opus bit rate, kbit/s.
    public var bitrateKbps: Double
    /// Target frame loss rate, 0 for none.
    public var lossRate: Double
    /// Target mean burst length, frames.
    public var lossBurst: Double
    /// Seed of the loss pattern (53 bits, exact in JSON).
    public var lossSeed: UInt64
    /// Opus encoder complexity, 0…10 (recorded for Opus only).
    public var opusComplexity: Int
    /// Creates parameters (e.g. to rebuild an output from its manifest line).
    public init(codec: CodecName, amrModes: [Double] = [], bitrateKbps: Double = 0, lossRate: Double = 0, lossBurst: Double = 1, lossSeed: UInt64 = 0, opusComplexity: Int = OpusCodec.defaultComplexity) {
      self.codec = codec
      self.amrModes = amrModes
      self.bitrateKbps = bitrateKbps
      self.lossRate = lossRate
      self.lossBurst = lossBurst
      self.lossSeed = lossSeed
      self.opusComplexity = opusComplexity
    }
  }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    let codec = spec.names.count > 1 ? spec.names[rng.index(below: spec.names.count)] : spec.names[0]
    var p = Parameters(codec: codec, amrModes: [], bitrateKbps: 0, lossRate: 0, lossBurst: 1, lossSeed: 0)
    switch codec {
    case .amrNB:
      let duration = Double(context.sampleCount) / Double(context.sampleRate)
      let segments = spec.modeSwitchSeconds.map { max(1, Int((duration / $0).rounded(.up))) } ?? 1
      p.amrModes = (0..<segments).map { _ in spec.amrMode.draw(using: &rng) }
    case .opus:
      p.bitrateKbps = spec.bitrateKbps.draw(using: &rng)
    case .mp3:
      p.bitrateKbps = spec.mp3BitrateKbps.draw(using: &rng)
    case .g711, .gsmFR:
      break
    }
    if let loss = spec.packetLoss {
      p.lossRate = loss.rate.draw(using: &rng)
      p.lossBurst = loss.burst.draw(using: &rng)
      p.lossSeed = rng.next() >> 11
    }
    return p
  }

  /// A fresh codec instance for `p`.
  public func makeCodec(_ p: Parameters) throws -> SpeechCodec {
    switch p.codec {
    case .g711:
      return G711Codec(law: spec.law)
    case .gsmFR:
      return try GSMCodec()
    case .opus:
      return try OpusCodec(bandwidth: spec.opusBandwidth, bitrateKbps: p.bitrateKbps, complexity: p.opusComplexity)
    case .mp3:
      throw CodecError.unsupported(codec: "mp3", detail: "MP3 runs whole utterances through MP3Codec, not frame by frame")
    case .amrNB:
      let modes = p.amrModes.map { AMRNBCodec.modeIndex($0) ?? 7 }
      let framesPerSegment = spec.modeSwitchSeconds.map { max(1, Int(($0 * 50).rounded())) } ?? Int.max
      return try AMRNBCodec(dtx: spec.dtx) { frame in
        modes[min(modes.count - 1, frame / framesPerSegment)]
      }
    }
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) throws -> EffectOutput {
    guard !audio.samples.isEmpty else { return EffectOutput(audio: audio) }
    if p.codec == .mp3 {
      let (out, delay, rate) = try MP3Codec.run(audio.samples, sampleRate: audio.sampleRate, bitrateKbps: p.bitrateKbps)
      return EffectOutput(
        audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate),
        measured: [("codec_rate", .number(Double(rate))), ("codec_delay_samples", .number(Double(delay)))])
    }
    let codec = try makeCodec(p)
    let frames = CodecChain.frameCount(audio.count, sampleRate: audio.sampleRate, codec: codec)
    var measured: [(String, JSONValue)] = [
      ("codec_rate", .number(Double(codec.sampleRate))),
      ("codec_delay_samples", .number(Double(codec.delay))),
      ("frame_ms", .number(Double(codec.frameSize) * 1000 / Double(codec.sampleRate))),
      ("frames", .number(Double(frames))),
    ]
    var lost: [Bool] = []
    if spec.packetLoss != nil {
      lost = GilbertElliott(lossRate: p.lossRate, meanBurst: p.lossBurst).pattern(count: frames, seed: p.lossSeed)
      let bursts = GilbertElliott.bursts(lost)
      let lostCount = bursts.reduce(0) { $0 + $1.length }
      measured += [
        ("lost_frames", .number(Double(lostCount))),
        ("achieved_loss_rate", .number(rounded(Double(lostCount) / Double(max(frames, 1))))),
        ("achieved_mean_burst", .number(rounded(bursts.isEmpty ? 0 : Double(lostCount) / Double(bursts.count)))),
        ("loss_bursts", .array(bursts.map { .array([.number(Double($0.start)), .number(Double($0.length))]) })),
        ("concealment", .string(codec.hasConcealment ? "codec" : "repeat_fade")),
      ]
    }
    let out = try CodecChain.run(codec, audio.samples, sampleRate: audio.sampleRate, lost: lost)
    return EffectOutput(audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate), measured: measured)
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    var out: [(String, JSONValue)] = [("codec", .string(p.codec.rawValue))]
    switch p.codec {
    case .g711:
      out.append(("law", .string(spec.law.rawValue)))
    case .gsmFR:
      break
    case .amrNB:
      out.append(("mode_kbps", .array(p.amrModes.map { .number($0) })))
      if let s = spec.modeSwitchSeconds { out.append(("mode_switch_s", .number(s))) }
      out.append(("dtx", .bool(spec.dtx)))
    case .opus:
      out.append(("bandwidth", .string(spec.opusBandwidth.rawValue)))
      out.append(("bitrate_kbps", .number(p.bitrateKbps)))
      out.append(("complexity", .number(Double(p.opusComplexity))))
    case .mp3:
      out.append(("bitrate_kbps", .number(p.bitrateKbps)))
    }
    if spec.packetLoss != nil {
      out += [
        ("packet_loss_rate", .number(p.lossRate)), ("packet_loss_burst", .number(p.lossBurst)),
        ("loss_seed", .number(Double(p.lossSeed))),
      ]
    }
    return out
  }

  private func rounded(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}
