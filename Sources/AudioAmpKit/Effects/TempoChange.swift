/// Changes duration without changing pitch.
///
/// Factor f > 1 is faster: the output holds about n / f samples (within one vocoder hop) and
/// frequencies stay where they were. Uses the same phase vocoder as `PitchShift`. Factor 1
/// returns the input untouched.
public struct TempoChange: ScalarEffect {
  public static let name = "tempo"
  public static let parameterKey = "factor"
  /// Tempo factor.
  public let spec: NumberSpec

  /// Creates the effect.
  public init(factor: NumberSpec) { spec = factor }

  public func apply(_ f: Double, to audio: AudioBuffer) -> EffectOutput {
    guard f != 1 else { return EffectOutput(audio: audio) }
    let out = PhaseVocoder.stretch(audio.samples, by: 1 / f, sampleRate: audio.sampleRate)
    return EffectOutput(audio: AudioBuffer(samples: out, sampleRate: audio.sampleRate), timeScale: 1 / f)
  }
}
