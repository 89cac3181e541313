/// Plays the utterance faster or slower, changing tempo and pitch together (Kaldi's speed
/// perturbation: factors 0.9, 1.0, 1.1).
///
/// Factor f > 1 is faster: the output holds round(n / f) samples and every frequency is
/// multiplied by f. Resampling is band-limited (`PolyphaseResampler`), so a speed-up does not
/// fold high frequencies back into the band. Factor 1 returns the input untouched.
public struct SpeedChange: ScalarEffect {
  public static let name = "speed"
  /// Speed factor.
  public let spec: NumberSpec

  /// Creates the effect.
  public init(factor: NumberSpec) { spec = factor }

  /// Creates the effect (the recipe form).
  public init(_ spec: NumberSpec) { self.init(factor: spec) }

  public static let summary = """
    Resampling: tempo and pitch change together (Kaldi's 0.9/1.0/1.1 speed perturbation). Factor \
    > 1 is faster: the output has round(n / factor) samples. A polyphase Kaiser-windowed-sinc \
    resampler, band-limited at the lower of the two Nyquist rates, so a speed-up does not alias; \
    measured pass-band flatness, alias rejection and interpolation noise all better than \
    libsamplerate's medium converter. Word timings are rescaled. Records `factor`.
    """

  public static let altersTalker = true

  public static let keys: [RecipeKey] = [
    .number(
      "factor", .closed(0.25, 4, ""), required: true, example: "[0.9, 1.0, 1.1]",
      help: "speed factor: 1 unchanged, 1.1 is 10 % faster and higher")
  ]

  public static func durationFactor(_ spec: NumberSpec) -> NumberSpec? { spec }


  public func apply(_ f: Double, to audio: AudioBuffer) -> EffectOutput {
    guard f != 1 else { return EffectOutput(audio: audio) }
    return EffectOutput(
      audio: AudioBuffer(samples: PolyphaseResampler.resample(audio.samples, factor: f), sampleRate: audio.sampleRate),
      timeScale: 1 / f)
  }
}
