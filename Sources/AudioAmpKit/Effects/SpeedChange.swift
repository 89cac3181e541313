/// Plays the utterance faster or slower, changing tempo and pitch together (Kaldi's speed
/// perturbation: factors 0.9, 1.0, 1.1).
///
/// Factor f > 1 is faster: the output holds round(n / f) samples and every frequency is
/// multiplied by f. Resampling is band-limited (`PolyphaseResampler`), so a speed-up does not
/// fold high frequencies back into the band. Factor 1 returns the input untouched.
public struct SpeedChange: ScalarEffect {
  public static let name = "speed"
  public static let parameterKey = "factor"
  /// Speed factor.
  public let spec: NumberSpec

  /// Creates the effect.
  public init(factor: NumberSpec) { spec = factor }

  public func apply(_ f: Double, to audio: AudioBuffer) -> EffectOutput {
    guard f != 1 else { return EffectOutput(audio: audio) }
    return EffectOutput(
      audio: AudioBuffer(samples: PolyphaseResampler.resample(audio.samples, factor: f), sampleRate: audio.sampleRate),
      timeScale: 1 / f)
  }
}
