import Foundation

/// Slow automatic gain control, as a phone or network applies it: brings the speech level to a
/// target over about `time_s`, without pumping up the pauses.
///
/// The signal is cut into 10 ms frames. A running level estimate (mean square) follows the
/// frames with time constant τ = `time_s`, but only frames that look like speech update it: at
/// least −70 dB and no more than 20 dB below the current estimate (the first such frame sets
/// it). The gain is target − estimate in dB, limited to ±`max_gain_db`, and interpolated
/// linearly from frame to frame so it never steps. A steady input settles within 0.5 dB of the
/// target after about 5τ of speech. Output length equals input length.
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
  func frameGainsDB(_ x: [Float], frame: Int, targetDB: Double) -> [Double] {
    let frames = (x.count + frame - 1) / frame
    let a = exp(-0.01 / spec.timeSeconds)
    var estimate: Double?
    var gains = [Double](repeating: 0, count: frames)
    var gain = 0.0
    for f in 0..<frames {
      let lo = f * frame
      let hi = min(x.count, lo + frame)
      var e = 0.0
      for i in lo..<hi { e += Double(x[i]) * Double(x[i]) }
      let power = e / Double(hi - lo)
      let powerDB = 10 * log10(max(power, 1e-20))
      if powerDB >= -70 {
        if let est = estimate {
          if powerDB >= 10 * log10(est) - 20 { estimate = a * est + (1 - a) * power }
        } else {
          estimate = power
        }
      }
      if let est = estimate {
        gain = max(-spec.maxGainDB, min(spec.maxGainDB, targetDB - 10 * log10(est)))
      }
      gains[f] = gain
    }
    return gains
  }

  public func apply(_ targetDB: Double, to audio: AudioBuffer) -> EffectOutput {
    guard !audio.samples.isEmpty else { return EffectOutput(audio: audio) }
    let frame = max(1, audio.sampleRate / 100)
    let gains = frameGainsDB(audio.samples, frame: frame, targetDB: targetDB)
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { s in
      for i in s.indices {
        // Gain of frame f applies at its centre; interpolate between centres.
        let pos = (Double(i) + 0.5) / Double(frame) - 0.5
        let f0 = max(0, min(gains.count - 1, Int(pos.rounded(.down))))
        let f1 = min(gains.count - 1, f0 + 1)
        let t = max(0, min(1, pos - Double(f0)))
        let g = gains[f0] + (gains[f1] - gains[f0]) * t
        s[i] *= Float(pow(10, g / 20))
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
