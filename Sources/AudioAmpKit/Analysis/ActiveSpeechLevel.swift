import Foundation

/// Active speech level by ITU-T P.56 (12/2011), method B.
///
/// The signal's envelope is |x| smoothed twice by a one-pole filter with a 0.03 s time
/// constant. For each threshold c_j (a ladder of levels 6.02 dB apart, from −120 dBFS up to
/// full scale) a sample counts as active when the envelope is at or above c_j, or when it lies
/// within a 0.2 s hangover after the last such sample. With a_j active samples and energy E,
/// the candidate level is A_j = 10·log10(E / a_j); the active level is where A_j − 20·log10(c_j)
/// falls to the margin M = 15.9 dB, found by linear interpolation in dB between the two
/// thresholds that bracket it. The activity factor is the interpolated a_j / N.
///
/// Edge cases: empty or all-zero input gives a level of −∞ and activity 0. When even the
/// loudest threshold leaves the difference above M (a very peaky signal), the top threshold's
/// value is used; when even the lowest is below M (continuous noise), every sample is active
/// and the level equals the RMS level.
public enum ActiveSpeechLevel {
  /// The result of a measurement.
  public struct Measurement: Sendable, Equatable {
    /// Active speech level in dBFS (a full-scale sine's RMS is −3.01 dBFS).
    public var levelDB: Double
    /// Fraction of samples judged active, 0...1.
    public var activityFactor: Double
  }

  /// Envelope time constant, seconds.
  public static let timeConstantSeconds = 0.03
  /// Hangover after the envelope last reached a threshold, seconds.
  public static let hangoverSeconds = 0.2
  /// Margin between active level and threshold, dB.
  public static let marginDB = 15.9

  /// Measures `x` sampled at `sampleRate` Hz.
  public static func measure(_ x: [Float], sampleRate: Int) -> Measurement {
    guard !x.isEmpty, sampleRate > 0 else { return Measurement(levelDB: -.infinity, activityFactor: 0) }
    let energy = Levels.energy(x)
    guard energy > 0 else { return Measurement(levelDB: -.infinity, activityFactor: 0) }
    let thresholdsDB = stride(from: -120.0, through: 0.0, by: 20 * log10(2.0)).map { $0 }
    let thresholds = thresholdsDB.map { pow(10, $0 / 20) }
    let g = exp(-1 / (Double(sampleRate) * timeConstantSeconds))
    let hang = Int((hangoverSeconds * Double(sampleRate)).rounded())
    var active = [Int](repeating: 0, count: thresholds.count)
    var sinceAbove = [Int](repeating: Int.max / 2, count: thresholds.count)
    var p = 0.0, q = 0.0
    for v in x {
      p = g * p + (1 - g) * Double(abs(v))
      q = g * q + (1 - g) * p
      for j in 0..<thresholds.count {
        if q >= thresholds[j] {
          active[j] += 1
          sinceAbove[j] = 0
        } else if sinceAbove[j] < hang {
          active[j] += 1
          sinceAbove[j] += 1
        }
      }
    }
    func level(_ j: Int) -> Double { active[j] > 0 ? 10 * log10(energy / Double(active[j])) : .infinity }
    func diff(_ j: Int) -> Double { level(j) - thresholdsDB[j] }
    let n = Double(x.count)
    if diff(0) <= marginDB {
      return Measurement(levelDB: 10 * log10(energy / n), activityFactor: 1)
    }
    for j in 1..<thresholds.count where active[j] > 0 && diff(j) <= marginDB {
      let d0 = diff(j - 1), d1 = diff(j)
      let f = (d0 - marginDB) / (d0 - d1)
      let lvl = level(j - 1) + f * (level(j) - level(j - 1))
      let activity = pow(10, (10 * log10(energy / n) - lvl) / 10)
      return Measurement(levelDB: lvl, activityFactor: min(1, activity))
    }
    // No crossing: take the highest threshold that still has active samples.
    let j = active.lastIndex(where: { $0 > 0 }) ?? 0
    return Measurement(levelDB: level(j), activityFactor: Double(active[j]) / n)
  }
}
