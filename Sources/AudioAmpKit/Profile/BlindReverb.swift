import Foundation

/// Blind reverberation time from the free decays that follow speech offsets.
///
/// When the talker stops, what reaches the microphone is the room's reverberant tail, whose
/// energy falls at 60/RT60 dB per second (Sabine's exponential decay); nothing in speech can make
/// the observed level fall faster than the room lets it, while gradual speech offsets make it
/// fall slower. So: in the 400–3400 Hz band of 10 ms frames, with the noise power (from the
/// noise-only frames) subtracted, every run that starts at a local maximum inside speech and
/// falls monotonically (each frame no more than 0.5 dB above the previous one) until it nears the
/// noise floor is a candidate free decay. A run counts when it lasts at least 50 ms and falls
/// far enough; its decay rate is the least-squares slope of its level in dB against time over
/// its last two thirds, from a few dB below its start (skipping the direct sound's and the
/// talker's offset), and its RT60 is
/// −60/slope. A robust statistic over the runs is the file's estimate (see
/// ``estimate(_:vad:)``); too few runs give nil. Long reverberation needs long pauses: on
/// 3–5 s utterances the estimate reads short above about 0.7 s (see README). This follows the
/// decay-rate idea of Ratnam et al. (JASA 114(5), 2003) and Löllmann et al. (IWAENC 2010: pick free-decay regions,
/// estimate each, take a robust statistic over them), with a log-energy regression instead of
/// their sample-domain maximum-likelihood fit.
///
/// The C50 estimate follows from RT60 alone under the diffuse exponential model with no direct
/// sound: C50 = 10·log10(exp(13.82·0.05/RT60) − 1). It is a lower bound for a talker close to
/// the microphone (a strong direct path raises C50) and is reported as such.
enum BlindReverb {
  /// Result for one file.
  struct Estimate {
    var rt60Seconds: Double
    var c50DB: Double
    var decays: Int
  }

  /// The file's estimate: the 30th percentile over runs falling ≥ 10 dB, fitted from 5 dB below
  /// their start (at least 2 runs); failing that, the same over runs falling ≥ 8 dB, fitted from
  /// 3 dB below their start (at least 3 runs), which finds more runs in dense speech but reads
  /// long reverberation shorter. A low percentile rather than the median, since a talker's own
  /// gradual offsets only ever make a run fall slower than the room.
  static func estimate(_ s: FrameSpectra, vad: FrameVAD) -> Estimate? {
    estimate(s, vad: vad, skipDB: 5, minDrop: 10, pct: 0.3, minRuns: 2)
      ?? estimate(s, vad: vad, skipDB: 3, minDrop: 8, pct: 0.3, minRuns: 3)
  }

  static func estimate(
    _ s: FrameSpectra, vad: FrameVAD, skipDB: Double, minDrop: Double, pct: Double, minRuns: Int
  ) -> Estimate? {
    // A 50 ms moving average in power: the tail's and the noise's own fluctuations would
    // otherwise end runs early, leaving only their steep first part (long reverberation then
    // read 36 % short at 1.2 s with 30 ms); an exponential decay keeps its slope under it.
    let raw = s.bandPower(400, 3400)
    let n = raw.count
    var band = raw
    for t in 0..<n {
      let a = max(0, t - 2), b = min(n - 1, t + 2)
      var acc = 0.0
      for u in a...b { acc += raw[u] }
      band[t] = acc / Double(b - a + 1)
    }
    guard n > 10 else { return nil }
    var nb = 0.0, nc = 0
    for t in 0..<n where vad.noise[t] { nb += band[t]; nc += 1 }
    let noise = nc > 0 ? nb / Double(nc) : 0
    let floor = 2 * noise + 1e-12
    let db = band.map { powerDB(max($0 - noise, 1e-14)) }
    let dt = s.hopSeconds
    var rt: [Double] = []
    var t = 1
    while t < n - 1 {
      guard vad.speech[t], band[t] > 4 * floor, db[t] >= db[t - 1], db[t] >= db[t + 1] else {
        t += 1
        continue
      }
      var j = t + 1
      while j < n, band[j] > floor, db[j] <= db[j - 1] + 0.5 { j += 1 }
      let drop = db[t] - (db[t + 1..<j].min() ?? db[t])
      if Double(j - t) * dt >= 0.05, drop >= minDrop {
        var xs: [Double] = [], ys: [Double] = []
        // The first third of a run still holds the direct sound's and the talker's own offset;
        // the room's tail is what remains.
        let late = t + 1 + (j - t - 1) / 3
        for u in late..<j where db[u] <= db[t] - skipDB {
          xs.append(Double(u) * dt)
          ys.append(db[u])
        }
        if xs.count >= 4 {
          let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
          var sxy = 0.0, sxx = 0.0
          for i in xs.indices {
            sxy += (xs[i] - mx) * (ys[i] - my)
            sxx += (xs[i] - mx) * (xs[i] - mx)
          }
          let slope = sxy / max(sxx, 1e-12)
          if slope < -1 { rt.append(min(5, -60 / slope))}
        }
      }
      t = max(j, t + 1)
    }
    guard rt.count >= minRuns else { return nil }
    rt.sort()
    let r = quantile(sorted: rt, pct)!
    return Estimate(rt60Seconds: r, c50DB: c50(rt60: r), decays: rt.count)
  }

  /// C50 in dB of an exponential decay with reverberation time `rt60` seconds (no direct sound).
  static func c50(rt60: Double) -> Double {
    10 * log10(max(exp(13.8155 * 0.05 / max(rt60, 0.01)) - 1, 1e-6))
  }
}
