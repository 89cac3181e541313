import Foundation

/// Active speech level by ITU-T Rec. P.56 (12/2011), method B: the level of speech measured
/// only over the time it is active, so pauses do not pull it down.
///
/// The envelope is |x| smoothed twice by a first-order filter with a 0.03 s time constant. For
/// each of a ladder of thresholds c_j (3 dB apart, from −120 to 0 dB re amplitude 1) a sample
/// counts as active while the envelope is at or above c_j, or within the 0.2 s hangover after it
/// last was. With a_j active samples, the candidate level is A_j = 10·log10(Σx² / a_j); the
/// active level is where A_j − 20·log10(c_j) falls to the 15.9 dB margin M, interpolated between
/// the two thresholds that bracket it (as G.191's `sv56demo` does). The activity factor is
/// Σx² / (n · 10^(A/10)), so active level = RMS level − 10·log10(activity).
///
/// Levels are dB re a mean square of 1 (a full-scale square wave; a full-scale sine is −3 dB).
public enum ActiveSpeechLevel {
  /// Measures `x` at `sampleRate` Hz. Returns (−∞, 0) for empty or silent input.
  public static func measure(_ x: [Float], sampleRate: Int) -> (activeLevelDB: Double, activityFactor: Double) {
    let n = x.count
    guard n > 0, sampleRate > 0 else { return (-.infinity, 0) }
    let sumSquares = Levels.energy(x)
    guard sumSquares > 0 else { return (-.infinity, 0) }
    let thresholdsDB = stride(from: -120.0, through: 0, by: 3).map { $0 }
    let thresholds = thresholdsDB.map { pow(10, $0 / 20) }
    let hangover = Int((0.2 * Double(sampleRate)).rounded())
    let margin = 15.9
    let g = exp(-1 / (Double(sampleRate) * 0.03))
    var p = 0.0
    var q = 0.0
    var active = [Int](repeating: 0, count: thresholds.count)
    var hold = [Int](repeating: hangover, count: thresholds.count)
    for i in 0..<n {
      p = g * p + (1 - g) * Double(abs(x[i]))
      q = g * q + (1 - g) * p
      for j in thresholds.indices {
        if q >= thresholds[j] {
          active[j] += 1
          hold[j] = 0
        } else if hold[j] < hangover {
          active[j] += 1
          hold[j] += 1
        }
      }
    }
    var previous: (a: Double, delta: Double)?
    for j in thresholds.indices {
      guard active[j] > 0 else { break }
      let a = 10 * log10(sumSquares / Double(active[j]))
      let delta = a - thresholdsDB[j]
      if delta <= margin {
        var level = a
        if let prev = previous {
          let t = (prev.delta - margin) / (prev.delta - delta)
          level = prev.a + t * (a - prev.a)
        }
        let activity = sumSquares / (Double(n) * pow(10, level / 10))
        return (level, min(1, activity))
      }
      previous = (a, delta)
    }
    // Never reached the margin (e.g. a constant near full scale): everything counts as active.
    let level = 10 * log10(sumSquares / Double(n))
    return (level, 1)
  }
}
