/// Plays the utterance faster or slower, changing tempo and pitch together (Kaldi's speed
/// perturbation: factors 0.9, 1.0, 1.1).
///
/// Factor f > 1 is faster: the output holds round(n / f) samples and every frequency is
/// multiplied by f. Resampling is band-limited (`PolyphaseResampler`), so a speed-up does not
/// fold high frequencies back into the band. Factor 1 returns the input untouched.
public struct SpeedChange: Effect {
  public static let name = "speed"
  /// Speed factor.
  public let factor: NumberSpec

  /// Creates the effect.
  public init(factor: NumberSpec) { self.factor = factor }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Double {
    factor.draw(using: &rng)
  }

  public func apply(_ f: Double, to audio: AudioBuffer) -> EffectOutput {
    guard f != 1 else { return EffectOutput(audio: audio) }
    return EffectOutput(
      audio: AudioBuffer(samples: PolyphaseResampler.resample(audio.samples, factor: f), sampleRate: audio.sampleRate))
  }

  public func record(_ f: Double) -> [(String, JSONValue)] { [("factor", .number(f))] }
}
