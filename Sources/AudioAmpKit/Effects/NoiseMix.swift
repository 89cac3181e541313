import Foundation

/// Adds a stretch of recorded or synthesised noise at a drawn signal-to-noise ratio.
///
/// Which file: a pool (category) is chosen by its weight, then a file within it with probability
/// proportional to its duration, so long files are not under-used; then a random offset such
/// that the segment fits (files shorter than the utterance loop with a crossfade). The SNR
/// reference (`snr_reference`) is the whole-utterance RMS of the audio reaching the effect
/// (`rms`, the default) or its ITU-T P.56 active speech level (`active_speech`, see
/// ``ActiveSpeechLevel``), which ignores pauses, so a sentence with long pauses is not given too
/// little noise. The noise gain is set so that level(speech) / RMS(gain · noise) equals the drawn
/// SNR, and the SNR of what was actually added, under the same reference, is measured and
/// recorded as `achieved_snr_db` (with `speech_activity` for `active_speech`). Output length
/// equals input length.
public struct NoiseMix: Effect {
  public static let name = "noise"

  /// A group of files drawn with a relative weight.
  public struct Pool: Sendable {
    /// Relative weight (> 0).
    public var weight: Double
    /// The files, sorted by name.
    public var files: [NoiseFile]
    /// Creates a pool.
    public init(weight: Double, files: [NoiseFile]) {
      self.weight = weight
      self.files = files
    }
  }

  /// The drawn parameters.
  public struct Parameters: Sendable {
    /// The noise file.
    public var file: NoiseFile
    /// Where the segment starts in the file, seconds (a whole number of the file's frames).
    public var offsetSeconds: Double
    /// Target SNR, dB.
    public var snrDB: Double
    /// For babble: how many talkers, the seed of their arrangement, and the target utterance
    /// (whose speaker is left out).
    public var babble: Babble? = nil
  }

  /// What a babble draw decides.
  public struct Babble: Sendable {
    public var talkers: Int
    public var seed: UInt64
    public var target: Utterance
  }

  /// Pools to draw from.
  public let pools: [Pool]
  /// Target SNR distribution, dB.
  public let snrDB: NumberSpec
  /// What the speech level in the SNR is.
  public let snrReference: SNRReference

  /// Creates the effect. `pools` must be non-empty, each with files.
  /// Babble made live from the corpus, when this mixes babble instead of files.
  public let babbleSource: BabbleSource?
  /// Talkers per output, for babble.
  public let talkers: NumberSpec?

  public init(pools: [Pool], snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    precondition(!pools.isEmpty && pools.allSatisfy { !$0.files.isEmpty }, "NoiseMix needs non-empty pools")
    self.pools = pools
    self.snrDB = snrDB
    self.snrReference = snrReference
    babbleSource = nil
    talkers = nil
  }

  /// Mixes babble of `talkers` other speakers of the corpus (never the target's own speaker).
  public init(babble: BabbleSource, talkers: NumberSpec, snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    pools = []
    self.snrDB = snrDB
    self.snrReference = snrReference
    babbleSource = babble
    self.talkers = talkers
  }

  static let babbleFile = NoiseFile(path: "", name: "babble", category: "babble", durationSeconds: 0, sampleRate: 0, licence: nil)

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    if let talkers {
      let n = Int(talkers.draw(using: &rng).rounded())
      return Parameters(
        file: Self.babbleFile, offsetSeconds: 0, snrDB: snrDB.draw(using: &rng),
        babble: Babble(talkers: max(1, n), seed: rng.next(), target: context.utterance))
    }
    let pool = pools[Self.weightedIndex(pools.map(\.weight), using: &rng)]
    let file = pool.files[Self.weightedIndex(pool.files.map(\.durationSeconds), using: &rng)]
    let needed = Double(context.sampleCount) / Double(context.sampleRate)
    var offset = 0.0
    if file.durationSeconds > needed {
      let frames = Int(((file.durationSeconds - needed) * Double(file.sampleRate)).rounded(.down))
      offset = Double(rng.index(below: max(1, frames + 1))) / Double(file.sampleRate)
    }
    return Parameters(file: file, offsetSeconds: offset, snrDB: snrDB.draw(using: &rng))
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) throws -> EffectOutput {
    guard !audio.samples.isEmpty else { throw EffectError.emptyUtterance }
    var speechRMS = Levels.rms(audio.samples)
    guard speechRMS > 0 else { throw EffectError.silentUtterance }
    var extra: [(String, JSONValue)] = []
    if snrReference == .activeSpeech {
      let p56 = ActiveSpeechLevel.measure(audio.samples, sampleRate: audio.sampleRate)
      let (levelDB, activity) = (p56.levelDB, p56.activityFactor)
      speechRMS = pow(10, levelDB / 20)
      extra.append(("speech_activity", .number((activity * 1000).rounded() / 1000)))
    }
    var noise: [Float]
    if let b = p.babble, let source = babbleSource {
      let (samples, speakers) = try source.pool().babble(
        for: b.target, talkers: b.talkers, count: audio.count, sampleRate: audio.sampleRate, seed: b.seed)
      noise = samples
      extra.append(("babble_speakers", .array(speakers.map { .string($0) })))
    } else {
      noise = try NoiseSegment.read(p.file, offsetSeconds: p.offsetSeconds, count: audio.count, sampleRate: audio.sampleRate)
    }
    let noiseRMS = Levels.rms(noise)
    guard noiseRMS > 1e-9 else { throw EffectError.silentNoise(file: p.file.name, offsetSeconds: p.offsetSeconds) }
    let gain = Float(speechRMS / (noiseRMS * Levels.amplitude(dB: p.snrDB)))
    noise.withUnsafeMutableBufferPointer { n in
      for i in n.indices { n[i] *= gain }
    }
    // Measured on the scaled noise actually added, not on the request.
    let achieved = Levels.dB(amplitude: speechRMS / Levels.rms(noise))
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { s in
      noise.withUnsafeBufferPointer { n in
        for i in s.indices { s[i] += n[i] }
      }
    }
    return EffectOutput(
      audio: out,
      measured: [("achieved_snr_db", .number((achieved * 1000).rounded() / 1000)), ("noise_gain_db", .number((Levels.dB(amplitude: Double(gain)) * 1000).rounded() / 1000))] + extra)
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    if let b = p.babble {
      return [
        ("noise_source", .string("babble")), ("babble_talkers", .number(Double(b.talkers))),
        ("babble_seed", .string(hex16(b.seed))),
        ("snr_reference", .string(snrReference.rawValue)), ("snr_db", .number(p.snrDB)),
      ]
    }
    return [
      ("noise_file", .string(p.file.name)), ("category", .string(p.file.category)),
      ("noise_offset_s", .number(p.offsetSeconds)),
      ("snr_reference", .string(snrReference.rawValue)), ("snr_db", .number(p.snrDB)),
    ]
  }

  /// Index drawn with probability proportional to `weights` (all > 0).
  static func weightedIndex(_ weights: [Double], using rng: inout UtteranceRNG) -> Int {
    if weights.count == 1 { return 0 }
    let total = weights.reduce(0, +)
    var u = rng.nextUnit() * total
    for (i, w) in weights.enumerated() {
      if u < w { return i }
      u -= w
    }
    return weights.count - 1
  }
}
