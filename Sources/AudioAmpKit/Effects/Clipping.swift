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
      var magnitudes = x.map { abs($0) }
      magnitudes.sort(by: >)
      return magnitudes[min(k, magnitudes.count - 1)]
    }
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
