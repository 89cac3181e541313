/// Changes duration without changing pitch.
///
/// Factor f > 1 is faster: the output holds about n / f samples (within one vocoder hop) and
/// frequencies stay where they were. Uses the same phase vocoder as `PitchShift`. Factor 1
/// returns the input untouched.
public struct TempoChange: ScalarEffect {
  public static let name = "tempo"
  /// Tempo factor.
  public let spec: NumberSpec

  /// Creates the effect.
  public init(factor: NumberSpec) { spec = factor }

  /// Creates the effect (the recipe form).
  public init(_ spec: NumberSpec) { self.init(factor: spec) }

  public static let summary = """
    Duration change without pitch change: a phase vocoder with identity phase locking, \
    round(n / factor) samples. Word timings are rescaled. Records `factor`.
    """

  public static let altersTalker = true

  public static let keys: [RecipeKey] = [
    .number(
      "factor", .closed(0.25, 4, ""), required: true, example: "{uniform: [0.9, 1.1]}",
      help: "tempo factor: 1 unchanged, 2 halves the duration")
  ]

  public static func durationFactor(_ spec: NumberSpec) -> NumberSpec? { spec }


  public func apply(_ f: Double, to audio: AudioBuffer) -> EffectOutput {
    guard f != 1 else { return EffectOutput(audio: audio) }
    let out = PhaseVocoder.stretch(audio.samples, by: 1 / f, sampleRate: audio.sampleRate)
    return EffectOutput(audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate), timeScale: 1 / f)
  }
}
