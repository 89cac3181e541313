/// Shifts pitch by a drawn number of semitones without changing duration.
///
/// A phase vocoder with identity phase locking stretches time by 2^(s/12), then a band-limited
/// resampler brings the length back, so every frequency moves by 2^(s/12) and the output keeps
/// the input's exact sample count. 0 semitones returns the input untouched.
public struct PitchShift: ScalarEffect {
  public static let name = "pitch"
  public static let parameterKey = "semitones"
  /// Shift in semitones (positive is higher).
  public let spec: NumberSpec

  /// Creates the effect.
  public init(semitones: NumberSpec) { spec = semitones }

  public func apply(_ s: Double, to audio: AudioBuffer) -> EffectOutput {
    guard s != 0 else { return EffectOutput(audio: audio) }
    let out = PhaseVocoder.pitchShift(audio.samples, semitones: s, sampleRate: audio.sampleRate)
    return EffectOutput(audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate))
  }
}
