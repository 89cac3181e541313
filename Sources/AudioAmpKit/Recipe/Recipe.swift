/// A validated augmentation recipe: global settings plus an ordered list of effects.
///
/// Produced only by `RecipeLoader`, which has already checked every value against the ranges in
/// the recipe format (see `recipes/*.yaml` for commented examples), so nothing downstream needs
/// to re-validate it before reading audio.
public struct Recipe: Sendable, Equatable {
  /// The path as given by the caller; used in messages, never re-resolved.
  public var path: String
  /// Output sample rate in Hz, 8000…192000; `sample_rate` in YAML, default 16000.
  public var sampleRate: Int
  /// Augmented copies per input utterance, ≥ 1; nil when the recipe doesn't say (the caller
  /// chooses, e.g. from a command-line flag).
  public var variants: Int?
  /// Base seed for every utterance's `UtteranceRNG`; nil when the recipe doesn't say.
  public var seed: UInt64?
  /// What to do when the output would clip; `clip_guard` in YAML, default `.scale`.
  public var clipGuard: ClipGuard
  /// Free text from `description`, if given.
  public var description: String?
  /// The effects, applied in this order; may be empty (the recipe then only resamples).
  public var effects: [EffectSpec]

  /// Creates a recipe from already-validated parts.
  public init(
    path: String, sampleRate: Int = 16000, variants: Int? = nil, seed: UInt64? = nil,
    clipGuard: ClipGuard = .scale, description: String? = nil, effects: [EffectSpec]
  ) {
    self.path = path
    self.sampleRate = sampleRate
    self.variants = variants
    self.seed = seed
    self.clipGuard = clipGuard
    self.description = description
    self.effects = effects
  }
}

/// How the pipeline keeps an augmented utterance from clipping.
public enum ClipGuard: String, Sendable {
  /// Scale the whole utterance down so its peak fits (keeps the waveform shape).
  case scale
  /// Apply a peak limiter (keeps the overall level, alters the loudest peaks).
  case limit
}

/// A 1-based line and column in a recipe file (columns count Unicode scalars).
public struct SourceLocation: Sendable, Equatable {
  /// Line number, starting at 1.
  public var line: Int
  /// Column number, starting at 1.
  public var column: Int

  /// Creates a location.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
}

/// One entry of a recipe's `effects` list.
public struct EffectSpec: Sendable, Equatable {
  /// Which effect, with its settings.
  public var kind: EffectKind
  /// Chance, 0…1, that the effect is applied to a given output; default 1.
  public var probability: Double
  /// Position in the `effects` list, starting at 0.
  public var index: Int
  /// Where the effect's key (`noise`, `speed`, …) is written.
  public var location: SourceLocation
  /// The effect's path for messages, e.g. `effects[2].noise`.
  public var fieldPath: String

  /// Creates an effect entry.
  public init(
    kind: EffectKind, probability: Double = 1, index: Int, location: SourceLocation,
    fieldPath: String
  ) {
    self.kind = kind
    self.probability = probability
    self.index = index
    self.location = location
    self.fieldPath = fieldPath
  }
}

/// The effects a recipe can name, each with its settings.
public enum EffectKind: Sendable, Equatable {
  /// Additive noise at a drawn SNR (`noise`).
  case noise(NoiseSpec)
  /// Band-pass, high-pass or low-pass filtering (`band_limit`).
  case bandLimit(BandLimitSpec)
  /// Resampling speed change: tempo and pitch move together (`speed`).
  case speed(SpeedSpec)
  /// Pitch shift in semitones, duration kept (`pitch`).
  case pitch(PitchSpec)
  /// Tempo change, pitch kept (`tempo`).
  case tempo(TempoSpec)
  /// Level change in dB (`gain`).
  case gain(GainSpec)
  /// A speech codec, with optional frame loss inside its loop (`codec`).
  case codec(CodecSpec)
  /// A handset's frequency response (`handset`).
  case handset(HandsetSpec)
  /// Slow automatic gain control (`agc`).
  case agc(AGCSpec)
  /// Dynamic range compressor (`compressor`).
  case compressor(CompressorSpec)
  /// Hard or soft clipping (`clipping`).
  case clipping(ClippingSpec)

  /// The YAML key: "noise", "band_limit", "speed", "pitch", "tempo", "gain", "codec",
  /// "handset", "agc", "compressor" or "clipping".
  public var name: String {
    switch self {
    case .noise: return "noise"
    case .bandLimit: return "band_limit"
    case .speed: return "speed"
    case .pitch: return "pitch"
    case .tempo: return "tempo"
    case .gain: return "gain"
    case .codec: return "codec"
    case .handset: return "handset"
    case .agc: return "agc"
    case .compressor: return "compressor"
    case .clipping: return "clipping"
    }
  }
}

/// Where the noise for a `noise` effect comes from.
public enum NoiseSource: Sendable, Equatable {
  /// One category from the noise library (`category: cell-phone`).
  case category(String)
  /// Several categories, picked with the given weights (> 0; they need not sum to 1), in the
  /// order written (`categories: {traffic: 0.7, crowd: 0.3}`).
  case categories([(name: String, weight: Double)])
  /// Every audio file in a folder; the path exactly as written in the recipe (`dir: some/folder`).
  case dir(String)
  /// Every file of a noise index (`index: ~/data/musan`, a folder holding index.tsv, or the file).
  case index(String)
  /// Babble made live from other speakers of the corpus being augmented
  /// (`babble: {talkers: [3, 7]}`), never the target's own speaker.
  case babble(talkers: NumberSpec)

  /// Compares sources; `.categories` must match entry by entry, in order.
  public static func == (lhs: NoiseSource, rhs: NoiseSource) -> Bool {
    switch (lhs, rhs) {
    case (.category(let a), .category(let b)):
      return a == b
    case (.dir(let a), .dir(let b)), (.index(let a), .index(let b)):
      return a == b
    case (.babble(let a), .babble(let b)):
      return a == b
    case (.categories(let a), .categories(let b)):
      return a.count == b.count
        && zip(a, b).allSatisfy { $0.name == $1.name && $0.weight == $1.weight }
    default:
      return false
    }
  }
}

/// Which side of a noise set's train/test split to draw from.
public enum NoiseSplit: String, Sendable, CaseIterable {
  case train, test
}

/// Settings of a `noise` effect.
public struct NoiseSpec: Sendable, Equatable {
  /// Where the noise comes from.
  public var source: NoiseSource
  /// Target signal-to-noise ratio in dB; every possible value lies in -20…100.
  public var snrDB: NumberSpec
  /// What the speech level in the SNR is (`snr_reference`, default `.rms`).
  public var snrReference: SNRReference
  /// The noise index `category`/`categories` are looked up in, instead of the library's.
  public var index: String? = nil
  /// Only files of this split (`split: train|test`), so training and test sets draw disjoint noise.
  public var split: NoiseSplit? = nil
  /// Only files whose licence starts with one of these (case-insensitive), e.g. `[CC0, CC-BY-4]`.
  public var licences: [String]? = nil
  /// Leave out files whose licence contains any of these (case-insensitive), e.g. `[NC, ND]`.
  public var excludeLicences: [String]? = nil

  /// Creates noise settings.
  public init(source: NoiseSource, snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    self.source = source
    self.snrDB = snrDB
    self.snrReference = snrReference
  }
}

/// The speech level a `noise` effect's SNR is measured against.
public enum SNRReference: String, Sendable, CaseIterable {
  /// RMS over the whole utterance, pauses included.
  case rms
  /// ITU-T P.56 active speech level (method B): pauses do not count.
  case activeSpeech = "active_speech"
}

/// Settings of a `band_limit` effect; at least one of `lowHz` and `highHz` is set.
public struct BandLimitSpec: Sendable, Equatable {
  /// High-pass cutoff in Hz (> 0), or nil for no high-pass.
  public var lowHz: NumberSpec?
  /// Low-pass cutoff in Hz, below the Nyquist frequency, or nil for no low-pass. When both are
  /// set, every possible `lowHz` is below every possible `highHz`.
  public var highHz: NumberSpec?
  /// Minimum stop-band attenuation in dB, 20…140; default 60.
  public var stopbandDB: Double
  /// Transition band width in Hz (> 0), or nil to let the filter design choose.
  public var transitionHz: Double?

  /// Creates band-limit settings.
  public init(
    lowHz: NumberSpec? = nil, highHz: NumberSpec? = nil, stopbandDB: Double = 60,
    transitionHz: Double? = nil
  ) {
    self.lowHz = lowHz
    self.highHz = highHz
    self.stopbandDB = stopbandDB
    self.transitionHz = transitionHz
  }
}

/// Settings of a `speed` effect.
public struct SpeedSpec: Sendable, Equatable {
  /// Speed factor, every possible value in 0.25…4 (1 = unchanged, 1.1 = 10 % faster and higher).
  public var factor: NumberSpec
  /// Creates speed settings.
  public init(factor: NumberSpec) { self.factor = factor }
}

/// Settings of a `pitch` effect.
public struct PitchSpec: Sendable, Equatable {
  /// Shift in semitones, every possible value in -24…24 (0 = unchanged).
  public var semitones: NumberSpec
  /// Creates pitch settings.
  public init(semitones: NumberSpec) { self.semitones = semitones }
}

/// Settings of a `tempo` effect.
public struct TempoSpec: Sendable, Equatable {
  /// Tempo factor, every possible value in 0.25…4 (1 = unchanged, 2 = half the duration).
  public var factor: NumberSpec
  /// Creates tempo settings.
  public init(factor: NumberSpec) { self.factor = factor }
}

/// Settings of a `gain` effect.
public struct GainSpec: Sendable, Equatable {
  /// Gain in dB, every possible value in -60…40 (0 = unchanged).
  public var db: NumberSpec
  /// Creates gain settings.
  public init(db: NumberSpec) { self.db = db }
}

/// The codecs a `codec` effect can run.
public enum CodecName: String, Sendable, CaseIterable {
  /// ITU-T G.711 (`law` µ or A), 8 kHz, 64 kbit/s.
  case g711
  /// GSM 06.10 full rate, 8 kHz, 13 kbit/s.
  case gsmFR = "gsm-fr"
  /// 3GPP AMR-NB, 8 kHz, 4.75–12.2 kbit/s.
  case amrNB = "amr-nb"
  /// Opus (RFC 6716), narrowband to wideband.
  case opus
  /// MPEG-1/2 Layer III at a low constant bit rate (LAME through libsndfile).
  case mp3
}

/// Frame loss inside a codec's loop, from a Gilbert–Elliott model (`packet_loss`).
public struct PacketLossSpec: Sendable, Equatable {
  /// Long-run fraction of lost frames, every possible value in 0…0.5.
  public var rate: NumberSpec
  /// Mean burst length in frames, every possible value in 1…50 (default 1: isolated losses).
  public var burst: NumberSpec
  /// Creates loss settings.
  public init(rate: NumberSpec, burst: NumberSpec = .constant(1)) {
    self.rate = rate
    self.burst = burst
  }
}

/// Settings of a `codec` effect. Settings that belong to a codec not named are rejected by the
/// loader, so a spec only carries what applies.
public struct CodecSpec: Sendable, Equatable {
  /// The codecs, one drawn per output with equal chances (`name: amr-nb` or a list).
  public var names: [CodecName]
  /// G.711 law (`law: mu | a`, default mu).
  public var law: G711.Law
  /// AMR-NB mode in kbit/s, every possible value one of 4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2,
  /// 12.2 (`mode`, default 12.2).
  public var amrMode: NumberSpec
  /// Seconds between AMR-NB mode draws (`mode_switch_s`, 0.02…60), or nil for one mode per
  /// output.
  public var modeSwitchSeconds: Double?
  /// AMR-NB discontinuous transmission (`dtx`, default false).
  public var dtx: Bool
  /// Opus bandwidth (`bandwidth`, default wideband).
  public var opusBandwidth: OpusCodec.Bandwidth
  /// Opus bit rate in kbit/s, every possible value in 6…64 (`bitrate_kbps`, default 16).
  public var bitrateKbps: NumberSpec
  /// MP3 constant bit rate, kbit/s (`mp3_bitrate_kbps`, 8–160, default 24).
  public var mp3BitrateKbps: NumberSpec = .constant(24)
  /// Frame loss, or nil for none.
  public var packetLoss: PacketLossSpec?

  /// Creates codec settings.
  public init(
    names: [CodecName], law: G711.Law = .mu, amrMode: NumberSpec = .constant(12.2),
    modeSwitchSeconds: Double? = nil, dtx: Bool = false, opusBandwidth: OpusCodec.Bandwidth = .wideband,
    bitrateKbps: NumberSpec = .constant(16), packetLoss: PacketLossSpec? = nil
  ) {
    self.names = names
    self.law = law
    self.amrMode = amrMode
    self.modeSwitchSeconds = modeSwitchSeconds
    self.dtx = dtx
    self.opusBandwidth = opusBandwidth
    self.bitrateKbps = bitrateKbps
    self.packetLoss = packetLoss
  }
}

/// Handset responses a `handset` effect can apply.
public enum HandsetType: String, Sendable, CaseIterable {
  /// IRS-like send response (ITU-T P.48 / P.830 modified IRS shape), 300–3400 Hz.
  case irs
  /// A mobile handset's microphone: strong low cut, presence peak near 2.5 kHz.
  case mobile
}

/// Settings of a `handset` effect.
public struct HandsetSpec: Sendable, Equatable {
  /// Responses, one drawn per output with equal chances (`type: irs` or a list).
  public var types: [HandsetType]
  /// Creates handset settings.
  public init(types: [HandsetType]) { self.types = types }
}

/// Settings of an `agc` effect.
public struct AGCSpec: Sendable, Equatable {
  /// Target speech level, dB re RMS amplitude 1 (0 dB = a square wave at full scale), every
  /// possible value in −50…−6 (`target_db`, default −26).
  public var targetDB: NumberSpec
  /// Largest gain either way, dB, 0…40 (`max_gain_db`, default 20).
  public var maxGainDB: Double
  /// Time constant of the gain, seconds, 0.05…10 (`time_s`, default 1).
  public var timeSeconds: Double
  /// Creates AGC settings.
  public init(targetDB: NumberSpec = .constant(-26), maxGainDB: Double = 20, timeSeconds: Double = 1) {
    self.targetDB = targetDB
    self.maxGainDB = maxGainDB
    self.timeSeconds = timeSeconds
  }
}

/// Settings of a `compressor` effect.
public struct CompressorSpec: Sendable, Equatable {
  /// Threshold in dB re amplitude 1, every possible value in −60…0 (`threshold_db`, required).
  public var thresholdDB: NumberSpec
  /// Ratio, every possible value in 1…20 (`ratio`, default 4).
  public var ratio: NumberSpec
  /// Attack time, ms, 0.1…200 (`attack_ms`, default 5).
  public var attackMS: Double
  /// Release time, ms, 1…2000 (`release_ms`, default 100).
  public var releaseMS: Double
  /// Make-up gain, dB, 0…40 (`makeup_db`, default 0).
  public var makeupDB: Double
  /// Creates compressor settings.
  public init(thresholdDB: NumberSpec, ratio: NumberSpec = .constant(4), attackMS: Double = 5, releaseMS: Double = 100, makeupDB: Double = 0) {
    self.thresholdDB = thresholdDB
    self.ratio = ratio
    self.attackMS = attackMS
    self.releaseMS = releaseMS
    self.makeupDB = makeupDB
  }
}

/// How a `clipping` effect sets its clip level.
public enum ClipLevel: Sendable, Equatable {
  /// A fixed level, dB re amplitude 1, every possible value in −40…0 (`threshold_db`).
  case thresholdDB(NumberSpec)
  /// The level that clips this fraction of the samples, every possible value in 0…0.5
  /// (`fraction`).
  case fraction(NumberSpec)
}

/// Settings of a `clipping` effect.
public struct ClippingSpec: Sendable, Equatable {
  /// Hard (flat top) or soft (tanh) clipping (`mode`, default hard).
  public var soft: Bool
  /// The clip level.
  public var level: ClipLevel
  /// Creates clipping settings.
  public init(soft: Bool = false, level: ClipLevel) {
    self.soft = soft
    self.level = level
  }
}
