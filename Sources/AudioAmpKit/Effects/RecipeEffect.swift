import Foundation

/// What an effect may need, beyond its recipe settings, to become runnable: files it draws from
/// (the noise library, the corpus for babble), resolved when a run starts, not when a recipe is
/// checked.
public struct EffectEnvironment {
  /// The recipe's path, for messages.
  public var recipePath: String
  /// The recipe's output sample rate, Hz.
  public var sampleRate: Int
  /// The noise library (`--noise-library`), opened on first use.
  public var noiseLibrary: () throws -> NoiseLibrary
  /// The speech for babble (the corpus being augmented), loaded at most once on first use; nil
  /// outside `mix` and `plan`.
  public var babble: (@Sendable () throws -> BabblePool)?

  /// Creates an environment.
  public init(
    recipePath: String, sampleRate: Int, noiseLibrary: @escaping () throws -> NoiseLibrary,
    babble: (@Sendable () throws -> BabblePool)? = nil
  ) {
    self.recipePath = recipePath
    self.sampleRate = sampleRate
    self.noiseLibrary = noiseLibrary
    self.babble = babble
  }
}

/// An effect a recipe can name. Everything about it lives in its own file: its recipe name, its
/// keys (type, range, default, help), how the settings become a validated `Spec`, how the spec
/// becomes a runnable effect, and (from `Effect`) how it draws, applies and records.
///
/// The generic decoder reads the keys, so an effect only states what no declaration can:
/// problems between keys (low_hz below high_hz, a setting for a codec not named).
public protocol RecipeEffect: Effect {
  /// The validated settings, as checked at recipe load (no files read).
  associatedtype Spec: Sendable & Equatable
  /// What the effect does, for `recipe keys` and the README (Markdown, one paragraph).
  static var summary: String { get }
  /// The recipe keys, in the order messages and docs list them (`probability` is added).
  static var keys: [RecipeKey] { get }
  /// A settings mapping to show in messages, e.g. `{db: {uniform: [-6, 6]}}`.
  static var example: String { get }
  /// Reads decoded settings into a spec, reporting problems between keys to `check`. Called
  /// even when some key was invalid (its accessor then returns nil), so that one pass finds
  /// everything; the spec is dropped when anything in the effect was reported.
  static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> Spec?
  /// The runnable effect for `spec`, resolving files through `environment`.
  init(spec: Spec, environment: EffectEnvironment) throws
  /// For `plan`: the factor that divides the output duration (speed, tempo), if any.
  static func durationFactor(_ spec: Spec) -> NumberSpec?
  /// True for effects that change the talker (speed, pitch, tempo) rather than what is added
  /// to or done with the talker's signal: the intelligibility guard measures against the audio
  /// after them. Default false.
  static var altersTalker: Bool { get }
}

extension RecipeEffect {
  public static func durationFactor(_ spec: Spec) -> NumberSpec? { nil }

  public static var altersTalker: Bool { false }

  /// The keys with `probability` last, as the decoder accepts them.
  static var allKeys: [RecipeKey] { keys + [.probability] }
}

/// The effects a recipe can name, in the order messages and docs list them. Adding an effect:
/// one file declaring a `RecipeEffect`, one entry here, and its tests.
public enum EffectRegistry {
  /// Every effect type.
  public static let all: [any RecipeEffect.Type] = [
    NoiseMix.self, BandLimit.self, SpeedChange.self, PitchShift.self, TempoChange.self,
    Gain.self, Codec.self, Handset.self, AGC.self, Compressor.self, Clipping.self, Reverb.self,
  ]

  /// Effect names, in registry order.
  public static var names: [String] { all.map { $0.name } }

  /// The effect type named `name`.
  public static func type(named name: String) -> (any RecipeEffect.Type)? {
    all.first { $0.name == name }
  }

  /// Builds the stages of `recipe`. Files are resolved here, before any audio is read: an
  /// unknown category or an unusable noise folder is reported against the recipe line that
  /// names it.
  ///
  /// `babble` loads the speech for `babble:` sources (the corpus being augmented); it is called
  /// at most once, on the first output that needs babble. Without it, such a source fails when
  /// used.
  public static func stages(
    for recipe: Recipe, noiseLibrary: @escaping () throws -> NoiseLibrary,
    babble: (@Sendable () throws -> BabblePool)? = nil
  ) throws -> [EffectStage] {
    let environment = EffectEnvironment(
      recipePath: recipe.path, sampleRate: recipe.sampleRate, noiseLibrary: noiseLibrary,
      babble: babble)
    var problems: [RecipeDiagnostic] = []
    var stages: [EffectStage] = []
    for spec in recipe.effects {
      do {
        stages.append(try spec.stage(environment))
      } catch let e as NoiseLibraryError {
        problems.append(
          RecipeDiagnostic(
            path: recipe.path, line: spec.location.line, column: spec.location.column,
            field: spec.fieldPath, message: e.description))
      }
    }
    if !problems.isEmpty { throw RecipeError.invalid(problems) }
    return stages
  }
}

/// An effect driven by one drawn number (speed factor, semitones, dB), declared as its only key:
/// decoding, drawing and recording come for free, so the effect itself only says how to apply
/// the number.
public protocol ScalarEffect: RecipeEffect where Parameters == Double, Spec == NumberSpec {
  /// How the number is drawn.
  var spec: NumberSpec { get }
  /// Creates the effect drawing its number from `spec`.
  init(_ spec: NumberSpec)
}

extension ScalarEffect {
  /// The recipe and manifest key of the number (`factor`, `semitones`, `db`): the one key.
  public static var parameterKey: String { keys[0].name }

  public static var example: String { "{\(keys[0].exampleLine)}" }

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> NumberSpec? {
    settings.number(parameterKey)
  }

  public init(spec: NumberSpec, environment: EffectEnvironment) { self.init(spec) }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Double {
    spec.draw(using: &rng)
  }

  public func record(_ value: Double) -> [(String, JSONValue)] { [(Self.parameterKey, .number(value))] }
}
