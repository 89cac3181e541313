import Foundation

/// A feed-forward dynamic range compressor: above the threshold T, the output level rises by
/// 1/ratio dB per dB of input.
///
/// Log-domain design with a hard knee and a smooth branching peak detector on the gain
/// reduction (Giannoulis, Massberg & Reiss, "Digital dynamic range compressor design — a
/// tutorial and analysis", *J. Audio Eng. Soc.* 60(6), 2012, §2–3): per sample, x_dB =
/// 20·log10|x|, target reduction r = (x_dB − T)(1 − 1/ratio) above T, smoothed with the attack
/// time constant when rising and the release one when falling, then gain = makeup − r. A steady
/// tone of peak level P > T leaves with peak T + (P − T)/ratio (+ makeup). Output length equals
/// input length; ratio 1 with no makeup returns the input untouched.
public struct Compressor: Effect {
  public static let name = "compressor"
  /// The recipe's settings.
  public let spec: CompressorSpec

  /// Creates the effect.
  public init(spec: CompressorSpec) { self.spec = spec }

  /// The drawn threshold and ratio.
  public struct Parameters: Sendable, Equatable {
    /// Threshold, dB re amplitude 1.
    public var thresholdDB: Double
    /// Ratio, ≥ 1.
    public var ratio: Double
    /// Creates parameters.
    public init(thresholdDB: Double, ratio: Double) {
      self.thresholdDB = thresholdDB
      self.ratio = ratio
    }
  }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    Parameters(thresholdDB: spec.thresholdDB.draw(using: &rng), ratio: spec.ratio.draw(using: &rng))
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) -> EffectOutput {
    guard !audio.samples.isEmpty, p.ratio != 1 || spec.makeupDB != 0 else { return EffectOutput(audio: audio) }
    let rate = Double(audio.sampleRate)
    let attack = exp(-1 / (spec.attackMS / 1000 * rate))
    let release = exp(-1 / (spec.releaseMS / 1000 * rate))
    let slope = 1 - 1 / p.ratio
    var reduction = 0.0
    var maxReduction = 0.0
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { s in
      for i in s.indices {
        let level = 20 * log10(max(Double(abs(s[i])), 1e-10))
        let target = level > p.thresholdDB ? (level - p.thresholdDB) * slope : 0
        let a = target > reduction ? attack : release
        reduction = a * reduction + (1 - a) * target
        maxReduction = max(maxReduction, reduction)
        s[i] *= Float(pow(10, (spec.makeupDB - reduction) / 20))
      }
    }
    return EffectOutput(audio: out, measured: [("max_gain_reduction_db", .number((maxReduction * 1000).rounded() / 1000))])
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    [
      ("threshold_db", .number(p.thresholdDB)), ("ratio", .number(p.ratio)),
      ("attack_ms", .number(spec.attackMS)), ("release_ms", .number(spec.releaseMS)),
      ("makeup_db", .number(spec.makeupDB)),
    ]
  }
}

/// Settings of a `compressor` effect.
public struct CompressorSpec: Sendable, Equatable {
  /// Threshold in dB re amplitude 1, every possible value in −60…0 (`threshold_db`, required).
  public var thresholdDB: NumberSpec
  /// Ratio, every possible value in 1…20 (`ratio`, default 4).
  public var ratio: NumberSpec
  /// Attack time, ms, 0.1…200 (`attack_ms`, default 5).
  public var attackMS: Double
  /// Release time, ms, 1…2000 (`release_ms`, default 100).
  public var releaseMS: Double
  /// Make-up gain, dB, 0…40 (`makeup_db`, default 0).
  public var makeupDB: Double
  /// Creates compressor settings.
  public init(thresholdDB: NumberSpec, ratio: NumberSpec = .constant(4), attackMS: Double = 5, releaseMS: Double = 100, makeupDB: Double = 0) {
    self.thresholdDB = thresholdDB
    self.ratio = ratio
    self.attackMS = attackMS
    self.releaseMS = releaseMS
    self.makeupDB = makeupDB
  }
}

extension Compressor: RecipeEffect {
  public static let summary = """
    Feed-forward log-domain compressor with a smooth branching peak detector (Giannoulis, \
    Massberg & Reiss, JAES 2012). Records `max_gain_reduction_db`.
    """

  public static let keys: [RecipeKey] = [
    .number(
      "threshold_db", .closed(-60, 0, " dB"), required: true, example: "-20",
      help: "level above which gain is reduced, dB re amplitude 1"),
    .number("ratio", .closed(1, 20, ""), default: .constant(4), example: "4", help: "compression ratio"),
    .plain("attack_ms", .closed(0.1, 200, " ms"), default: 5, example: "5", help: "attack time, ms"),
    .plain(
      "release_ms", .closed(1, 2000, " ms"), default: 100, example: "100", help: "release time, ms"),
    .plain("makeup_db", .closed(0, 40, " dB"), default: 0, example: "6", help: "make-up gain, dB"),
  ]

  public static let example = "{threshold_db: -20, ratio: 4}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> CompressorSpec? {
    guard let threshold = settings.number("threshold_db"), let ratio = settings.number("ratio"),
      let attack = settings.plain("attack_ms"), let release = settings.plain("release_ms"),
      let makeup = settings.plain("makeup_db")
    else { return nil }
    return CompressorSpec(
      thresholdDB: threshold, ratio: ratio, attackMS: attack, releaseMS: release, makeupDB: makeup)
  }

  public init(spec: CompressorSpec, environment: EffectEnvironment) { self.init(spec: spec) }
}
