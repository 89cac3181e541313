/// Changes the level by a drawn number of decibels.
///
/// Output length equals input length. 0 dB returns the input untouched. A gain that would push
/// samples past full scale is caught by the clip guard at the end of the chain, never silently.
public struct Gain: ScalarEffect {
  public static let name = "gain"
  /// Gain in dB.
  public let spec: NumberSpec

  /// Creates the effect.
  public init(db: NumberSpec) { spec = db }

  /// Creates the effect (the recipe form).
  public init(_ spec: NumberSpec) { self.init(db: spec) }

  public static let summary = """
    Level change. A gain that would clip is caught by the clip guard. Records `db`.
    """

  public static let keys: [RecipeKey] = [
    .number(
      "db", .closed(-60, 40, " dB"), required: true, example: "{uniform: [-6, 6]}",
      help: "level change in dB; 0 unchanged")
  ]


  public func apply(_ gainDB: Double, to audio: AudioBuffer) -> EffectOutput {
    guard gainDB != 0 else { return EffectOutput(audio: audio) }
    let g = Float(Levels.amplitude(dB: gainDB))
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { p in
      for i in p.indices { p[i] *= g }
    }
    return EffectOutput(audio: out)
  }
}
