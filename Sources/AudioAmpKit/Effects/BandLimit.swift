import Foundation

/// Band-limits with a linear-phase FIR filter run through the FFT core: band-pass with both
/// edges, high-pass with `low_hz` alone, low-pass with `high_hz` alone.
///
/// The filter is a Kaiser-windowed sinc designed for the recipe's stop-band attenuation (default
/// 60 dB) with pass-band ripple under 0.5 dB; its delay is compensated, so the output has the
/// input's length and stays aligned with the transcript. Filters are cached per design, so a
/// recipe with fixed edges designs its filter once per run.
public struct BandLimit: Effect {
  public static let name = "band_limit"
  /// Lower edge in Hz, or nil for low-pass.
  public let lowHz: NumberSpec?
  /// Upper edge in Hz, or nil for high-pass.
  public let highHz: NumberSpec?
  /// Stop-band attenuation in dB.
  public let stopbandDB: Double
  /// Transition width in Hz, or nil for the design's default.
  public let transitionHz: Double?
  private let cache = ConvolverCache()

  /// The drawn edges.
  public struct Parameters: Sendable, Hashable {
    /// Lower edge, Hz.
    public var lowHz: Double?
    /// Upper edge, Hz.
    public var highHz: Double?
  }

  /// Creates the effect.
  public init(lowHz: NumberSpec?, highHz: NumberSpec?, stopbandDB: Double = 60, transitionHz: Double? = nil) {
    self.lowHz = lowHz
    self.highHz = highHz
    self.stopbandDB = stopbandDB
    self.transitionHz = transitionHz
  }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    Parameters(lowHz: lowHz?.draw(using: &rng), highHz: highHz?.draw(using: &rng))
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) throws -> EffectOutput {
    guard !audio.samples.isEmpty else { return EffectOutput(audio: audio) }
    let key = ConvolverCache.Key(lowHz: p.lowHz, highHz: p.highHz, sampleRate: audio.sampleRate)
    let convolver = try cache.convolver(for: key) {
      FFTConvolver(
        taps: try FIRDesign.bandPass(
          lowHz: p.lowHz, highHz: p.highHz, sampleRate: audio.sampleRate, stopbandDB: stopbandDB,
          transitionHz: transitionHz))
    }
    return EffectOutput(audio: AudioBuffer(samples: convolver.apply(audio.samples), sampleRate: audio.sampleRate))
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    var out: [(String, JSONValue)] = []
    if let l = p.lowHz { out.append(("low_hz", .number(l))) }
    if let h = p.highHz { out.append(("high_hz", .number(h))) }
    out.append(("stopband_db", .number(stopbandDB)))
    return out
  }
}

/// Designed filters by edges and rate, shared by all threads of a run; bounded so that drawn
/// (random) edges do not grow it without limit.
final class ConvolverCache: @unchecked Sendable {
  struct Key: Hashable {
    var lowHz: Double?
    var highHz: Double?
    var sampleRate: Int
  }
  private let lock = NSLock()
  private var table: [Key: FFTConvolver] = [:]
  private let limit = 64

  func convolver(for key: Key, make: () throws -> FFTConvolver) throws -> FFTConvolver {
    lock.lock()
    if let c = table[key] {
      lock.unlock()
      return c
    }
    lock.unlock()
    let c = try make()
    lock.lock()
    defer { lock.unlock() }
    if table.count >= limit { table.removeAll() }
    table[key] = c
    return c
  }
}

/// Settings of a `band_limit` effect; at least one of `lowHz` and `highHz` is set.
public struct BandLimitSpec: Sendable, Equatable {
  /// High-pass cutoff in Hz (> 0), or nil for no high-pass.
  public var lowHz: NumberSpec?
  /// Low-pass cutoff in Hz, below the Nyquist frequency, or nil for no low-pass. When both are
  /// set, every possible `lowHz` is below every possible `highHz`.
  public var highHz: NumberSpec?
  /// Minimum stop-band attenuation in dB, 20…140; default 60.
  public var stopbandDB: Double
  /// Transition band width in Hz (> 0), or nil to let the filter design choose.
  public var transitionHz: Double?

  /// Creates band-limit settings.
  public init(
    lowHz: NumberSpec? = nil, highHz: NumberSpec? = nil, stopbandDB: Double = 60,
    transitionHz: Double? = nil
  ) {
    self.lowHz = lowHz
    self.highHz = highHz
    self.stopbandDB = stopbandDB
    self.transitionHz = transitionHz
  }
}

extension BandLimit: RecipeEffect {
  public static let summary = """
    Linear-phase Kaiser-windowed FIR through the FFT core (overlap-add): band-pass with both \
    edges, high-pass or low-pass with one. `low_hz`/`high_hz` are pass-band edges (ripple ≤ 0.5 \
    dB up to them); the stop band starts `transition_hz` outside them (default: the smallest of \
    200 Hz, half of `low_hz`, and half the gap from `high_hz` to Nyquist) and is at least \
    `stopband_db` down, measured. The delay is compensated, so length and alignment are kept. \
    300–3400 Hz at 16 kHz is a 411-tap filter. Records `low_hz`, `high_hz`, `stopband_db`.
    """

  public static let keys: [RecipeKey] = [
    .number(
      "low_hz", .positive(" Hz"), example: "300", whenAbsent: "for no high-pass",
      help: "high-pass cutoff (pass-band edge), Hz; give low_hz, high_hz or both"),
    .number(
      "high_hz", .positive(" Hz"), example: "3400", whenAbsent: "for no low-pass",
      help: "low-pass cutoff (pass-band edge), Hz, below Nyquist"),
    .plain(
      "stopband_db", .closed(20, 140, " dB"), default: 60, example: "60",
      help: "least stop-band attenuation, dB"),
    .plain(
      "transition_hz", .positive(" Hz"), example: "200",
      whenAbsent: "to let the filter design choose", help: "transition band width, Hz"),
  ]

  public static let example = "{low_hz: 300, high_hz: 3400}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> BandLimitSpec? {
    let low = settings.number("low_hz")
    let high = settings.number("high_hz")
    if !settings.isGiven("low_hz") && !settings.isGiven("high_hz")
      && settings.suggested.isDisjoint(with: ["low_hz", "high_hz"])
    {
      check.report(
        settings.location, settings.field,
        "give low_hz (high-pass cutoff), high_hz (low-pass cutoff) or both, in Hz, e.g. "
          + "'band_limit: {low_hz: 300, high_hz: 3400}'")
    }
    if let low, let high, low.range.upperBound >= high.range.lowerBound {
      let message: String
      if low.isConstant && high.isConstant {
        message =
          "\(format(low.range.upperBound)) Hz is not below high_hz "
          + "\(format(high.range.lowerBound)) Hz; the pass band runs from low_hz up to "
          + "high_hz, so low_hz must be the smaller"
      } else {
        message =
          "can be as high as \(format(low.range.upperBound)) Hz while high_hz can be as low as "
          + "\(format(high.range.lowerBound)) Hz; every low_hz must be below every high_hz, "
          + "so make the ranges not overlap"
      }
      check.report(settings.valueLocation("low_hz"), settings.field("low_hz"), message)
    }
    if let sampleRate = check.sampleRate {
      let nyquist = Double(sampleRate) / 2
      for (name, part) in [("low_hz", low), ("high_hz", high)] {
        guard let part, part.range.upperBound >= nyquist else { continue }
        let value = format(part.range.upperBound)
        let what = part.isConstant ? "\(value) Hz is" : "can reach \(value) Hz, which is"
        check.report(
          settings.valueLocation(name), settings.field(name),
          "\(what) not below the Nyquist frequency \(format(nyquist)) Hz (half of sample_rate "
            + "\(sampleRate)); lower it or raise sample_rate")
      }
    }
    guard low != nil || high != nil, let stopband = settings.plain("stopband_db") else { return nil }
    return BandLimitSpec(
      lowHz: low, highHz: high, stopbandDB: stopband, transitionHz: settings.plain("transition_hz"))
  }

  public init(spec: BandLimitSpec, environment: EffectEnvironment) {
    self.init(
      lowHz: spec.lowHz, highHz: spec.highHz, stopbandDB: spec.stopbandDB,
      transitionHz: spec.transitionHz)
  }
}
