import Foundation

/// Atmospheric absorption of sound, ISO 9613-1:1993 (pure-tone attenuation coefficient from the
/// relaxation frequencies of oxygen and nitrogen), for the traffic generator's distant sources.
/// At 10 °C and 70 % relative humidity it gives the octave figures of ISO 9613-2 Table 2
/// (0.1, 0.4, 1.0, 1.9, 3.7, 9.7, 32.8, 117 dB/km from 63 Hz to 8 kHz).
enum AirAbsorption {
  /// Attenuation in dB per metre at `hz`, temperature `celsius`, relative humidity `humidity`
  /// (percent) and pressure `kPa`.
  static func dBPerMeter(_ hz: Double, celsius: Double = 15, humidity: Double = 70, kPa: Double = 101.325) -> Double {
    let reference = 101.325, t = celsius + 273.15, t0 = 293.15, triple = 273.16
    let pressure = kPa / reference
    let saturation = pow(10, -6.8346 * pow(triple / t, 1.261) + 4.6151)
    let h = humidity * saturation / pressure  // molar concentration of water vapour, %
    let fO = pressure * (24 + 4.04e4 * h * (0.02 + h) / (0.391 + h))
    let fN = pressure * pow(t / t0, -0.5) * (9 + 280 * h * exp(-4.170 * (pow(t / t0, -1.0 / 3) - 1)))
    let f2 = hz * hz
    let classical = 1.84e-11 / pressure * (t / t0).squareRoot()
    let oxygen = 0.01275 * exp(-2239.1 / t) / (fO + f2 / fO)
    let nitrogen = 0.1068 * exp(-3352 / t) / (fN + f2 / fN)
    return 8.686 * f2 * (classical + pow(t / t0, -2.5) * (oxygen + nitrogen))
  }

  /// The coefficient at 4 kHz, 15 °C, 70 %: about 27 dB/km.
  static let at4kHz = dBPerMeter(4000)

  /// Cutoff (Hz) of a one-pole low-pass that attenuates 4 kHz as much as `meters` of air does,
  /// at most `ceiling`: the running filter of a moving source.
  static func onePoleCutoff(meters: Double, ceiling: Double) -> Double {
    let loss = at4kHz * max(meters, 0)
    let excess = pow(10, loss / 10) - 1
    guard excess > 0 else { return ceiling }
    return min(ceiling, 4000 / excess.squareRoot())
  }
}
