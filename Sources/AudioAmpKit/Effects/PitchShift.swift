/// Shifts pitch by a drawn number of semitones without changing duration.
///
/// A phase vocoder with identity phase locking stretches time by 2^(s/12), then a band-limited
/// resampler brings the length back, so every frequency moves by 2^(s/12) and the output keeps
/// the input's exact sample count. 0 semitones returns the input untouched.
public struct PitchShift: ScalarEffect {
  public static let name = "pitch"
  /// Shift in semitones (positive is higher).
  public let spec: NumberSpec

  /// Creates the effect.
  public init(semitones: NumberSpec) { spec = semitones }

  /// Creates the effect (the recipe form).
  public init(_ spec: NumberSpec) { self.init(semitones: spec) }

  public static let summary = """
    Pitch shift without changing duration: a phase vocoder with identity phase locking (so \
    speech does not go "phasey") followed by band-limited resampling. Output length equals input \
    length. Records `semitones`.
    """

  public static let altersTalker = true

  public static let keys: [RecipeKey] = [
    .number(
      "semitones", .closed(-24, 24, " semitones"), required: true, example: "{uniform: [-2, 2]}",
      help: "pitch shift in semitones; 0 unchanged")
  ]


  public func apply(_ s: Double, to audio: AudioBuffer) -> EffectOutput {
    guard s != 0 else { return EffectOutput(audio: audio) }
    let out = PhaseVocoder.pitchShift(audio.samples, semitones: s, sampleRate: audio.sampleRate)
    return EffectOutput(audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate))
  }
}
