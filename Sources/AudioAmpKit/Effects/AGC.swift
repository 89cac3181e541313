import Foundation

/// Slow automatic gain control, as a phone or network applies it: brings the speech level to a
/// target over about `time_s`, without pumping up the pauses.
///
/// The signal is cut into 10 ms frames. A running level estimate (mean square) follows the
/// frames with time constant τ = `time_s`, but only frames that look like speech update it:
/// those within 20 dB of the utterance's ITU-T P.56 active speech level (and above −70 dB), so
/// pauses and their noise do not pull the gain up. The estimate starts at that active level, as
/// if the AGC had already heard the talker, so the first syllable is not blasted by a gain
/// still at its maximum. The gain is target − estimate in dB, limited to ±`max_gain_db`, and
/// interpolated linearly between frame centres so it never steps. After a level change the
/// output settles within 0.5 dB of the target after about 5τ of speech. Output length equals
/// input length.
public struct AGC: Effect {
  public static let name = "agc"
  /// The recipe's settings.
  public let spec: AGCSpec

  /// Creates the effect.
  public init(spec: AGCSpec) { self.spec = spec }

  /// The drawn target level, dB.
  public typealias Parameters = Double

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Double {
    spec.targetDB.draw(using: &rng)
  }

  /// Per-frame gains in dB for `x` (frames of `frame` samples), the kernel of ``apply(_:to:)``.
  func frameGainsDB(_ x: [Float], frame: Int, sampleRate: Int, targetDB: Double) -> [Double] {
    let frames = (x.count + frame - 1) / frame
    let a = exp(-Double(frame) / Double(sampleRate) / spec.timeSeconds)
    let activeDB = ActiveSpeechLevel.measure(x, sampleRate: sampleRate).levelDB
    guard activeDB.isFinite else { return [Double](repeating: 0, count: frames) }
    let gateDB = max(-70, activeDB - 20)
    var estimate = pow(10, activeDB / 10)
    var gains = [Double](repeating: 0, count: frames)
    for f in 0..<frames {
      let lo = f * frame
      let hi = min(x.count, lo + frame)
      var e = 0.0
      for i in lo..<hi { e += Double(x[i]) * Double(x[i]) }
      let power = e / Double(hi - lo)
      let powerDB = 10 * log10(max(power, 1e-20))
      if powerDB >= gateDB { estimate = a * estimate + (1 - a) * power }
      gains[f] = max(-spec.maxGainDB, min(spec.maxGainDB, targetDB - 10 * log10(estimate)))
    }
    return gains
  }

  public func apply(_ targetDB: Double, to audio: AudioBuffer) -> EffectOutput {
    guard !audio.samples.isEmpty else { return EffectOutput(audio: audio) }
    let frame = max(1, audio.sampleRate / 100)
    let gains = frameGainsDB(audio.samples, frame: frame, sampleRate: audio.sampleRate, targetDB: targetDB)
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { s in
      // Between two frame centres the gain in dB is linear in the sample index, so the linear
      // gain is geometric: each sample's is the previous one's times 10^(step/20). Only the
      // first sample of each run between centres takes a pow (a pow per sample was the AGC's
      // whole cost); the product drifts from the per-sample pow by ~1e-14 relative over a
      // 10 ms run, far below Float's 6e-8, so the samples come out the same.
      // Outside the centres (before the first, after the last) the gain is constant.
      var runFrame = -1
      var runInside = false
      var linear = 1.0
      var ratio = 1.0
      for i in s.indices {
        // Gain of frame f applies at its centre; interpolate between centres.
        let pos = (Double(i) + 0.5) / Double(frame) - 0.5
        let f0 = max(0, min(gains.count - 1, Int(pos.rounded(.down))))
        let f1 = min(gains.count - 1, f0 + 1)
        let inside = pos >= Double(f0) && f1 > f0  // t unclamped: the gain moves per sample
        if f0 == runFrame && inside == runInside {
          if inside { linear *= ratio }
        } else {
          let t = max(0, min(1, pos - Double(f0)))
          let g = gains[f0] + (gains[f1] - gains[f0]) * t
          linear = pow(10, g / 20)
          ratio = inside ? pow(10, (gains[f1] - gains[f0]) / Double(frame) / 20) : 1
          runFrame = f0
          runInside = inside
        }
        s[i] *= Float(linear)
      }
    }
    let round3 = { (v: Double) in (v * 1000).rounded() / 1000 }
    return EffectOutput(
      audio: out,
      measured: [
        ("gain_db_min", .number(round3(gains.min() ?? 0))), ("gain_db_max", .number(round3(gains.max() ?? 0))),
        ("gain_db_final", .number(round3(gains.last ?? 0))),
      ])
  }

  public func record(_ targetDB: Double) -> [(String, JSONValue)] {
    [("target_db", .number(targetDB)), ("max_gain_db", .number(spec.maxGainDB)), ("time_s", .number(spec.timeSeconds))]
  }
}

/// Settings of an `agc` effect.
public struct AGCSpec: Sendable, Equatable {
  /// Target speech level, dB re RMS amplitude 1 (0 dB = a square wave at full scale), every
  /// possible value in −50…−6 (`target_db`, default −26).
  public var targetDB: NumberSpec
  /// Largest gain either way, dB, 0…40 (`max_gain_db`, default 20).
  public var maxGainDB: Double
  /// Time constant of the gain, seconds, 0.05…10 (`time_s`, default 1).
  public var timeSeconds: Double
  /// Creates AGC settings.
  public init(targetDB: NumberSpec = .constant(-26), maxGainDB: Double = 20, timeSeconds: Double = 1) {
    self.targetDB = targetDB
    self.maxGainDB = maxGainDB
    self.timeSeconds = timeSeconds
  }
}

extension AGC: RecipeEffect {
  public static let summary = """
    Slow automatic gain: a 10 ms-frame level estimate with time constant `time_s`, started at \
    the utterance's P.56 active level and updated only by frames within 20 dB of it (pauses \
    don't pump); gain = target − estimate, limited to ±`max_gain_db`, interpolated between \
    frames. Records the gain's min, max and final value.
    """

  public static let keys: [RecipeKey] = [
    .number(
      "target_db", .closed(-50, -6, " dB"), default: .constant(-26), example: "-26",
      help: "speech level to bring the output to, dB re RMS amplitude 1"),
    .plain(
      "max_gain_db", .closed(0, 40, " dB"), default: 20, example: "20",
      help: "largest gain either way, dB"),
    .plain(
      "time_s", .closed(0.05, 10, " s"), default: 1, example: "1",
      help: "time constant of the level estimate, seconds"),
  ]

  public static let example = "{target_db: -26}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> AGCSpec? {
    guard let target = settings.number("target_db"), let maxGain = settings.plain("max_gain_db"),
      let time = settings.plain("time_s")
    else { return nil }
    return AGCSpec(targetDB: target, maxGainDB: maxGain, timeSeconds: time)
  }

  public init(spec: AGCSpec, environment: EffectEnvironment) { self.init(spec: spec) }
}
