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
    // A sample is active for threshold j when the envelope reached c_j at it or at one of the
    // `hang` samples before it. With k(i) the number of thresholds the envelope reaches at
    // sample i (the thresholds ascend), sample i is active for exactly the thresholds below
    // w(i) = max of k over the window [i − hang, i], so one sliding-window maximum (a monotone
    // queue, O(1) per sample) and a histogram of w give every a_j in a single pass: the same
    // counts as testing each threshold at each sample, at a fraction of the cost.
    let levels = thresholds.count
    var histogram = [Int](repeating: 0, count: levels + 1)
    let queueIndex = UnsafeMutablePointer<Int>.allocate(capacity: x.count)
    let queueLevel = UnsafeMutablePointer<UInt8>.allocate(capacity: x.count)
    defer {
      queueIndex.deallocate()
      queueLevel.deallocate()
    }
    var head = 0, tail = 0
    var p = 0.0, q = 0.0
    x.withUnsafeBufferPointer { xs in
      thresholds.withUnsafeBufferPointer { c in
        histogram.withUnsafeMutableBufferPointer { hist in
          for i in 0..<xs.count {
            p = g * p + (1 - g) * Double(abs(xs[i]))
            q = g * q + (1 - g) * p
            // k = number of thresholds ≤ q, by bisection over the ascending ladder.
            var lo = 0, hi = levels
            while lo < hi {
              let mid = (lo + hi) >> 1
              if q >= c[mid] { lo = mid + 1 } else { hi = mid }
            }
            let k = UInt8(lo)
            while tail > head && queueLevel[tail - 1] <= k { tail -= 1 }
            queueIndex[tail] = i
            queueLevel[tail] = k
            tail += 1
            while queueIndex[head] < i - hang { head += 1 }
            hist[Int(queueLevel[head])] += 1
          }
        }
      }
    }
    // a_j = number of samples whose window maximum exceeds j.
    var active = [Int](repeating: 0, count: levels)
    var above = 0
    for j in stride(from: levels - 1, through: 0, by: -1) {
      above += histogram[j + 1]
      active[j] = above
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
