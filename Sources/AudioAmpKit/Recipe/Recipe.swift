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

  /// The YAML key: "noise", "band_limit", "speed", "pitch", "tempo" or "gain".
  public var name: String {
    switch self {
    case .noise: return "noise"
    case .bandLimit: return "band_limit"
    case .speed: return "speed"
    case .pitch: return "pitch"
    case .tempo: return "tempo"
    case .gain: return "gain"
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

  /// Compares sources; `.categories` must match entry by entry, in order.
  public static func == (lhs: NoiseSource, rhs: NoiseSource) -> Bool {
    switch (lhs, rhs) {
    case (.category(let a), .category(let b)):
      return a == b
    case (.dir(let a), .dir(let b)):
      return a == b
    case (.categories(let a), .categories(let b)):
      return a.count == b.count
        && zip(a, b).allSatisfy { $0.name == $1.name && $0.weight == $1.weight }
    default:
      return false
    }
  }
}

/// Settings of a `noise` effect.
public struct NoiseSpec: Sendable, Equatable {
  /// Where the noise comes from.
  public var source: NoiseSource
  /// Target signal-to-noise ratio in dB; every possible value lies in -20…100.
  public var snrDB: NumberSpec

  /// Creates noise settings.
  public init(source: NoiseSource, snrDB: NumberSpec) {
    self.source = source
    self.snrDB = snrDB
  }
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
