import Foundation

/// Gives speech the frequency response of a telephone handset, through the FFT core.
///
/// Two responses, each a table of gains (dB, 0 dB at 1 kHz) interpolated linearly in dB over
/// log-frequency:
/// - `irs`: shaped after the modified IRS send characteristic (ITU-T P.48 / P.830 Annex D): steep
///   cut below 300 Hz, a gentle rise to +4 dB near 3 kHz, steep cut above 3.4 kHz.
/// - `mobile`: a small mobile-handset microphone and housing: stronger low cut (−10 dB at 300 Hz),
///   a presence peak of +6 dB near 2.5 kHz, roll-off above 4 kHz (−20 dB at 6 kHz).
/// They are "-like" responses for augmentation, not certified masks. The filter is a
/// linear-phase FIR designed by frequency sampling (zero-phase cosine sum over an N-point grid,
/// N ≈ 64 ms, truncated to N/2 + 1 taps with a Hann window); its delay is compensated, so the
/// output has the input's length and stays aligned. Designs are cached per response and rate.
public struct Handset: Effect {
  public static let name = "handset"
  /// Responses to draw from.
  public let types: [HandsetType]
  private let cache = TapCache()

  /// Creates the effect; `types` is non-empty.
  public init(types: [HandsetType]) {
    precondition(!types.isEmpty, "Handset needs a type")
    self.types = types
  }

  /// The drawn response.
  public typealias Parameters = HandsetType

  /// The response table: (Hz, dB).
  public static func table(_ type: HandsetType) -> [(hz: Double, db: Double)] {
    switch type {
    case .irs:
      return [
        (50, -50), (100, -30), (200, -14), (300, -4), (500, -1), (1000, 0), (2000, 2), (3000, 4),
        (3400, 2), (3700, -10), (4000, -25), (5000, -45), (24000, -60),
      ]
    case .mobile:
      return [
        (50, -45), (100, -32), (200, -18), (300, -10), (500, -4), (1000, 0), (1800, 3), (2500, 6),
        (3200, 3), (4000, -3), (5000, -10), (6000, -20), (8000, -35), (24000, -60),
      ]
    }
  }

  /// The asked gain of `type` at `hz`, dB.
  public static func gainDB(_ type: HandsetType, hz: Double) -> Double {
    let t = table(type)
    if hz <= t[0].hz { return t[0].db }
    for k in 1..<t.count where hz <= t[k].hz {
      let u = (log(hz) - log(t[k - 1].hz)) / (log(t[k].hz) - log(t[k - 1].hz))
      return t[k - 1].db + u * (t[k].db - t[k - 1].db)
    }
    return t[t.count - 1].db
  }

  /// Linear-phase taps for `type` at `sampleRate` (odd length).
  public static func taps(_ type: HandsetType, sampleRate: Int) -> [Float] {
    var n = 256
    while n < sampleRate / 16 { n *= 2 }
    let half = n / 4
    let gains = (0...(n / 2)).map { k in Levels.amplitude(dB: gainDB(type, hz: Double(k) * Double(sampleRate) / Double(n))) }
    return (-half...half).map { m -> Float in
      var s = gains[0] + gains[n / 2] * (m % 2 == 0 ? 1 : -1)
      for k in 1..<(n / 2) { s += 2 * gains[k] * cos(2 * Double.pi * Double(k * m) / Double(n)) }
      let w = 0.5 + 0.5 * cos(Double.pi * Double(m) / Double(half + 1))
      return Float(s / Double(n) * w)
    }
  }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> HandsetType {
    types.count > 1 ? types[rng.index(below: types.count)] : types[0]
  }

  public func apply(_ type: HandsetType, to audio: AudioBuffer) -> EffectOutput {
    guard !audio.samples.isEmpty else { return EffectOutput(audio: audio) }
    let convolver = cache.convolver(type, sampleRate: audio.sampleRate)
    return EffectOutput(audio: AudioBuffer(samples: convolver.apply(audio.samples), sampleRate: audio.sampleRate))
  }

  public func record(_ type: HandsetType) -> [(String, JSONValue)] { [("type", .string(type.rawValue))] }

  /// Designed handset filters by response and rate (a handful at most).
  final class TapCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: FFTConvolver] = [:]

    func convolver(_ type: HandsetType, sampleRate: Int) -> FFTConvolver {
      let key = "\(type.rawValue)@\(sampleRate)"
      lock.lock()
      defer { lock.unlock() }
      if let c = table[key] { return c }
      let c = FFTConvolver(taps: Handset.taps(type, sampleRate: sampleRate))
      table[key] = c
      return c
    }
  }
}

/// Handset responses a `handset` effect can apply.
public enum HandsetType: String, Sendable, CaseIterable {
  /// IRS-like send response (ITU-T P.48 / P.830 modified IRS shape), 300–3400 Hz.
  case irs
  /// A mobile handset's microphone: strong low cut, presence peak near 2.5 kHz.
  case mobile
}

/// Settings of a `handset` effect.
public struct HandsetSpec: Sendable, Equatable {
  /// Responses, one drawn per output with equal chances (`type: irs` or a list).
  public var types: [HandsetType]
  /// Creates handset settings.
  public init(types: [HandsetType]) { self.types = types }
}

extension Handset: RecipeEffect {
  public static let summary = """
    Linear-phase FIR (frequency sampling, ~64 ms grid, Hann-windowed, through the FFT core, \
    delay compensated). `irs`: shaped after the modified IRS send response of ITU-T \
    P.48/P.830 (steep cut below 300 Hz and above 3.4 kHz, +4 dB near 3 kHz); `mobile`: a small \
    handset (−10 dB at 300 Hz, +6 dB presence peak near 2.5 kHz, −20 dB at 6 kHz). "-like" \
    responses for augmentation, not certified masks. Records `type`.
    """

  public static let keys: [RecipeKey] = [
    .keyword(
      "type", HandsetType.self,
      meanings: [.irs: "IRS-like send response", .mobile: "mobile handset"], list: true,
      required: true, example: "[irs, mobile]", help: "the response, or a list (one drawn per output)")
  ]

  public static let example = "{type: [irs, mobile]}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> HandsetSpec? {
    settings.keywords("type", as: HandsetType.self).map { HandsetSpec(types: $0) }
  }

  public init(spec: HandsetSpec, environment: EffectEnvironment) { self.init(types: spec.types) }
}
