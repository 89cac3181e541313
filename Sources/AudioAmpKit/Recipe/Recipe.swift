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
  /// `intelligibility`: measure ESTOI per output and optionally redraw those below a floor.
  public var intelligibility: IntelligibilityGuard?
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

/// One entry of a recipe's `effects` list: which effect, its validated settings, and where it
/// was declared.
public struct EffectSpec: Sendable, Equatable {
  /// The effect's type (from `EffectRegistry.all`).
  public let type: any RecipeEffect.Type
  /// The effect's validated settings (its `Spec`).
  public let settings: any Sendable
  /// Chance, 0…1, that the effect is applied to a given output; default 1.
  public var probability: Double
  /// Position in the `effects` list, starting at 0.
  public var index: Int
  /// Where the effect's key (`noise`, `speed`, …) is written.
  public var location: SourceLocation
  /// The effect's path for messages, e.g. `effects[2].noise`.
  public var fieldPath: String
  private let sameSettings: @Sendable (any Sendable) -> Bool
  private let makeStage: @Sendable (EffectSpec, EffectEnvironment) throws -> EffectStage
  private let factor: NumberSpec?

  /// Creates an effect entry for effect `E` with settings `spec`.
  public init<E: RecipeEffect>(
    _ type: E.Type, _ spec: E.Spec, probability: Double = 1, index: Int,
    location: SourceLocation, fieldPath: String
  ) {
    self.type = type
    self.settings = spec
    self.probability = probability
    self.index = index
    self.location = location
    self.fieldPath = fieldPath
    sameSettings = { ($0 as? E.Spec) == spec }
    makeStage = { entry, environment in
      EffectStage(
        try E(spec: spec, environment: environment), probability: entry.probability,
        index: entry.index, altersTalker: E.altersTalker)
    }
    factor = E.durationFactor(spec)
  }

  /// The effect's recipe name (`noise`, `band_limit`, ...).
  public var name: String { type.name }

  /// The settings as `S`, or nil when the effect's spec is another type.
  public func settings<S>(as _: S.Type) -> S? { settings as? S }

  /// The factor dividing the output duration (speed, tempo), if the effect changes it.
  public var durationFactor: NumberSpec? { factor }

  /// The runnable stage, resolving files through `environment`.
  func stage(_ environment: EffectEnvironment) throws -> EffectStage {
    try makeStage(self, environment)
  }

  public static func == (a: EffectSpec, b: EffectSpec) -> Bool {
    a.name == b.name && a.sameSettings(b.settings) && a.probability == b.probability
      && a.index == b.index && a.location == b.location && a.fieldPath == b.fieldPath
  }
}
