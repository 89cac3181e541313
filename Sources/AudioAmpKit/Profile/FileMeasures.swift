import Foundation

/// Everything `audioamp profile` measures blindly in one recording (no clean reference, no
/// transcript).
///
/// See ``FileMeasures/measure(_:id:noiseHint:)`` for how each value is obtained; optional values
/// are nil when the estimator has too little to go on (no pauses for a noise estimate, fewer
/// than three free decays for RT60, silence).
public struct FileMeasures: Sendable, Equatable {
  /// Utterance id (or file name for a plain folder).
  public var id: String
  /// Duration, seconds.
  public var durationSeconds: Double
  /// The file's sample rate, Hz.
  public var sampleRate: Int
  /// Active speech level, dBFS (ITU-T P.56 method B); −∞ for silence.
  public var activeLevelDBFS: Double
  /// P.56 activity factor, 0...1.
  public var activityFactor: Double
  /// SNR from speech and noise frames, dB (see ``FrameVAD``), robust to non-stationary noise;
  /// when the frames do not separate into two classes, the WADA estimate instead.
  public var snrDB: Double?
  /// WADA-SNR, dB (Kim & Stern 2008, see ``BlindSNR``).
  public var wadaSNRDB: Double?
  /// Noise level of the noise-only frames, dBFS.
  public var noiseLevelDBFS: Double?
  /// Upper band edge, Hz (within 40 dB of the long-term spectrum's maximum).
  public var upperEdgeHz: Double
  /// Lower band edge, Hz (within 30 dB of the maximum).
  public var lowerEdgeHz: Double
  /// Narrowband (telephone band or an 8 kHz rate).
  public var narrowband: Bool
  /// Likely codec family.
  public var codecFamily: CodecFamily
  /// GSM regular-pulse lattice score (see ``ChannelSignature``), about 0 for non-GSM audio,
  /// 0 for wideband files (not computed).
  public var gsmLatticeScore: Double
  /// CELP sparsity of the quiet parts' LPC residual (see ``ChannelSignature``), 0 for wideband
  /// files (not computed).
  public var celpSparsity: Double = 0
  /// Fraction of samples clipped (flat tops or at the 16-bit ceiling), 0...1.
  public var clippedFraction: Double
  /// DC offset, dBFS (floored at −120).
  public var dcDBFS: Double
  /// Mains family of the strongest hum lines, 50 or 60 Hz.
  public var humHz: Double
  /// Largest line-to-neighbour power ratio of that family's first three harmonics, dB (a few
  /// dB without hum, 10 and more with audible hum).
  public var humDB: Double
  /// Blind RT60, seconds (see ``BlindReverb``).
  public var rt60Seconds: Double?
  /// C50 implied by the RT60 under the exponential model, dB.
  public var c50DB: Double?
  /// Free decays the RT60 estimate used.
  public var decayCount: Int
  /// Noise-only frames' statistics (see ``NoiseCategoryHint``), nil with too few noise frames.
  public var noiseFeatures: [Double]?
  /// Nearest noise-library category of those statistics.
  public var noiseCategory: String?
  /// Confidence of that hint, 0...1.
  public var noiseCategoryConfidence: Double?
  /// Syllable-like nuclei per second of speech.
  public var speakingRate: Double?

  /// Measures one recording. `noiseHint` classifies the noise frames (nil: no category).
  ///
  /// Cost: one 32 ms/10 ms STFT shared by all frame-based estimators, one P.56 pass, one WADA
  /// pass and 30 Goertzel passes over at most 30 s; well over 200× realtime in a release build.
  public static func measure(_ audio: AudioBuffer, id: String, noiseHint: NoiseCategoryHint? = nil) -> FileMeasures {
    let x = audio.samples
    let rate = audio.sampleRate
    let s = FrameSpectra(x, sampleRate: rate)
    let vad = FrameVAD(s)
    let p56 = ActiveSpeechLevel.measure(x, sampleRate: rate)
    let ch = ChannelSignature.measure(x, s, vad: vad)
    let rev = BlindReverb.estimate(s, vad: vad)
    let nf = NoiseCategoryHint.features(s, noise: vad.noise)
    let hint = nf.flatMap { noiseHint?.classify($0) }
    let wada = BlindSNR.wadaDB(x)
    return FileMeasures(
      id: id, durationSeconds: audio.durationSeconds, sampleRate: rate, activeLevelDBFS: p56.levelDB,
      activityFactor: p56.activityFactor, snrDB: vad.snrDB ?? wada, wadaSNRDB: wada,
      noiseLevelDBFS: vad.noisePower.map(powerDB), upperEdgeHz: ch.upperEdgeHz, lowerEdgeHz: ch.lowerEdgeHz,
      narrowband: ch.narrowband, codecFamily: ch.family, gsmLatticeScore: ch.gsmLatticeScore, celpSparsity: ch.celpSparsity, clippedFraction: ch.clippedFraction, dcDBFS: ch.dcDBFS,
      humHz: ch.humHz, humDB: ch.humToNeighbourDB, rt60Seconds: rev?.rt60Seconds, c50DB: rev?.c50DB,
      decayCount: rev?.decays ?? 0, noiseFeatures: nf, noiseCategory: hint?.category,
      noiseCategoryConfidence: hint?.confidence, speakingRate: SpeakingRate.nucleiPerSecond(s, vad: vad))
  }
}
