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
