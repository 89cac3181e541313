import Foundation

/// Clips the waveform, hard (flat tops) or soft, at a level given directly (`threshold_db`) or
/// as the fraction of samples to clip (`fraction`).
///
/// With `fraction` f, the level is the (k+1)-th largest |x| with k = round(f·n), so exactly k
/// samples lie above it (fewer only when samples tie at the level). Hard clipping sets those
/// samples to ±level. Soft clipping leaves samples up to the level untouched and bends the ones
/// above it smoothly towards a ceiling 3 dB higher: y = T + (C − T)·tanh((|x| − T)/(C − T)),
/// continuous with slope 1 at T. In both modes the samples changed are exactly those above the
/// level; their share is recorded as `clipped_fraction`. Output length equals input length; a
/// fraction of 0, or a level above the peak, returns the input untouched.
public struct Clipping: Effect {
  public static let name = "clipping"
  /// The recipe's settings.
  public let spec: ClippingSpec

  /// Creates the effect.
  public init(spec: ClippingSpec) { self.spec = spec }

  /// The drawn level: a threshold in dB or a fraction.
  public typealias Parameters = Double

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Double {
    switch spec.level {
    case .thresholdDB(let s), .fraction(let s): return s.draw(using: &rng)
    }
  }

  /// The clip level (amplitude) for `x` under parameter `value`; nil when nothing is clipped.
  public func level(_ value: Double, for x: [Float]) -> Float? {
    switch spec.level {
    case .thresholdDB:
      return Float(Levels.amplitude(dB: value))
    case .fraction:
      let k = Int((value * Double(x.count)).rounded())
      guard k > 0 else { return nil }
      return Clipping.largestMagnitude(rank: min(k, x.count - 1), in: x)
    }
  }

  /// The `rank`-th largest |x[i]| (0: the peak), exactly as sorting the magnitudes in
  /// descending order and indexing would give, in two linear passes instead of a sort.
  ///
  /// The bit pattern of a non-negative Float orders as the value does, so the magnitudes are
  /// counted in 65,536 bins by their top 16 bits; the bin holding the wanted rank is found from
  /// the top, and only its members (a few hundred at most for speech) are sorted. The sort was
  /// most of the clipping effect's cost on long utterances.
  static func largestMagnitude(rank: Int, in x: [Float]) -> Float {
    precondition(rank >= 0 && rank < x.count, "rank out of range")
    var counts = [Int32](repeating: 0, count: 65536)
    x.withUnsafeBufferPointer { p in
      counts.withUnsafeMutableBufferPointer { c in
        for v in p { c[Int((v.bitPattern & 0x7FFF_FFFF) >> 16)] &+= 1 }
      }
    }
    var bin = 65535
    var above = 0  // magnitudes in bins higher than `bin`
    while above + Int(counts[bin]) <= rank {
      above += Int(counts[bin])
      bin -= 1
    }
    var members: [Float] = []
    members.reserveCapacity(Int(counts[bin]))
    let key = UInt32(bin)
    for v in x where (v.bitPattern & 0x7FFF_FFFF) >> 16 == key { members.append(abs(v)) }
    members.sort(by: >)
    return members[rank - above]
  }

  public func apply(_ value: Double, to audio: AudioBuffer) -> EffectOutput {
    guard !audio.samples.isEmpty, let t = level(value, for: audio.samples) else {
      return EffectOutput(audio: audio, measured: [("clipped_fraction", .number(0))])
    }
    let ceiling = t * Float(Levels.amplitude(dB: 3))
    var out = audio
    var clipped = 0
    out.samples.withUnsafeMutableBufferPointer { s in
      for i in s.indices where abs(s[i]) > t {
        clipped += 1
        let sign: Float = s[i] < 0 ? -1 : 1
        if spec.soft {
          s[i] = sign * (t + (ceiling - t) * tanh((abs(s[i]) - t) / (ceiling - t)))
        } else {
          s[i] = sign * t
        }
      }
    }
    let fraction = Double(clipped) / Double(audio.count)
    return EffectOutput(
      audio: out,
      measured: [
        ("clip_level_db", .number((Levels.dB(amplitude: Double(t)) * 1000).rounded() / 1000)),
        ("clipped_fraction", .number((fraction * 1e6).rounded() / 1e6)),
      ])
  }

  public func record(_ value: Double) -> [(String, JSONValue)] {
    var out: [(String, JSONValue)] = [("mode", .string(spec.soft ? "soft" : "hard"))]
    switch spec.level {
    case .thresholdDB: out.append(("threshold_db", .number(value)))
    case .fraction: out.append(("fraction", .number(value)))
    }
    return out
  }
}

/// How a `clipping` effect sets its clip level.
public enum ClipLevel: Sendable, Equatable {
  /// A fixed level, dB re amplitude 1, every possible value in −40…0 (`threshold_db`).
  case thresholdDB(NumberSpec)
  /// The level that clips this fraction of the samples, every possible value in 0…0.5
  /// (`fraction`).
  case fraction(NumberSpec)
}

/// Settings of a `clipping` effect.
public struct ClippingSpec: Sendable, Equatable {
  /// Hard (flat top) or soft (tanh) clipping (`mode`, default hard).
  public var soft: Bool
  /// The clip level.
  public var level: ClipLevel
  /// Creates clipping settings.
  public init(soft: Bool = false, level: ClipLevel) {
    self.soft = soft
    self.level = level
  }
}

extension Clipping: RecipeEffect {
  public static let summary = """
    Hard: flat tops at the level. Soft: samples above the level bend towards a ceiling 3 dB \
    higher (tanh). Give exactly one of `threshold_db` and `fraction`. With `fraction` f the \
    level is the (k+1)-th largest \\|x\\|, k = round(f·n), so exactly k samples are clipped. \
    Records `clip_level_db` and `clipped_fraction`.
    """

  public static let keys: [RecipeKey] = [
    .keyword(
      "mode", [.init("hard", "flat tops"), .init("soft", "tanh saturation")], default: "hard",
      example: "soft", help: "hard (flat tops) or soft (tanh) clipping"),
    .number(
      "threshold_db", .closed(-40, 0, " dB"), example: "-6",
      help: "clip level, dB re amplitude 1 (or give fraction)"),
    .number(
      "fraction", .closed(0, 0.5, ""), example: "0.01",
      help: "clip level set so that this fraction of the samples is clipped (or give threshold_db)"),
  ]

  public static let example = "{fraction: {uniform: [0, 0.01]}}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> ClippingSpec? {
    let given = settings.given.filter { $0 == "threshold_db" || $0 == "fraction" }
    if given.isEmpty {
      if settings.suggested.isDisjoint(with: ["threshold_db", "fraction"]) {
        check.report(
          settings.location, settings.field,
          "give the clip level as threshold_db (e.g. 'threshold_db: -6') or as the fraction of "
            + "samples to clip (e.g. 'fraction: 0.01')")
      }
      return nil
    }
    if given.count > 1 {
      check.report(
        settings.keyLocation(given[1]), settings.field(given[1]),
        "give threshold_db or fraction, not both ('\(given[0])' is already given)")
      return nil
    }
    guard let mode = settings.words("mode")?.first else { return nil }
    let level: ClipLevel? =
      given[0] == "threshold_db"
      ? settings.number("threshold_db").map { .thresholdDB($0) }
      : settings.number("fraction").map { .fraction($0) }
    return level.map { ClippingSpec(soft: mode == "soft", level: $0) }
  }

  public init(spec: ClippingSpec, environment: EffectEnvironment) { self.init(spec: spec) }
}
