import Foundation

/// Room-acoustic figures of one impulse response (ISO 3382-1 definitions).
public struct RIRMeasurement: Sendable, Equatable, Codable {
  /// Reverberation time from the −5 to −25 dB range of the Schroeder curve, ×3; nil when the
  /// curve never gets 25 dB down above the noise.
  public var t20Seconds: Double?
  /// From −5 to −35 dB, ×2; nil when the curve does not reach −35 dB.
  public var t30Seconds: Double?
  /// Early decay time, 0 to −10 dB, ×6.
  public var edtSeconds: Double?
  /// Direct-to-reverberant ratio: energy within ±2.5 ms of the direct sound over the energy after
  /// it, dB.
  public var drrDB: Double
  /// Clarity: energy up to 50 ms after the direct sound over the energy after that, dB.
  public var c50DB: Double
  /// Arrival of the direct sound, seconds (sub-sample, by parabolic interpolation of the peak).
  public var directDelaySeconds: Double
  /// Sample index of the direct sound's peak.
  public var directSample: Int
  /// Where the integration stopped (the Lundeby crossing with the noise floor, else the end), s.
  public var truncationSeconds: Double
  /// Noise floor relative to the direct sound's peak energy, dB; nil when the response decays to
  /// its end without reaching a floor (synthetic responses).
  public var noiseFloorDB: Double?

  enum CodingKeys: String, CodingKey {
    case t20Seconds = "t20_s", t30Seconds = "t30_s", edtSeconds = "edt_s", drrDB = "drr_db", c50DB = "c50_db"
    case directDelaySeconds = "direct_delay_s", directSample = "direct_sample", truncationSeconds = "truncation_s", noiseFloorDB = "noise_floor_db"
  }
}

/// Measures reverberation time, EDT, DRR, C50 and the direct-path delay of an impulse response.
///
/// - Direct sound: the largest sample within 1 ms of the first sample that comes within 20 dB of
///   the response's peak (ISO 3382-1 §A.3 onset), refined by a parabola through |h| around it.
/// - Noise floor and truncation (Lundeby, Vigran, Bietz & Vorländer, "Uncertainties of
///   measurements in room acoustics", Acustica 81, 1995, simplified): the energy envelope in
///   short blocks is fitted by a line from the peak down to 10 dB above the noise (the mean of the
///   last 10 % of the response, then of everything 5 dB of decay past the crossing); the
///   crossing of line and floor is where integration stops, and the energy the line predicts
///   beyond it is added back. When the last tenth is no more than 3 dB above what the line
///   predicts there, the response has no floor and is integrated to its end.
/// - Schroeder backward integration (JASA 37, 1965) gives the decay curve; T20, T30 and EDT are
///   −60 dB over the slope of a least-squares line through the curve's −5…−25, −5…−35 and
///   0…−10 dB ranges.
public enum RIRMeasure {
  /// Measures `h` at `sampleRate` Hz. Throws ``RoomError/badValue`` for an empty or silent
  /// response.
  public static func measure(_ h: [Float], sampleRate fs: Int) throws -> RIRMeasurement {
    guard !h.isEmpty else { throw RoomError.badValue(what: "impulse response", detail: "holds no samples") }
    let rate = Double(fs)
    var peak: Float = 0
    for v in h { peak = max(peak, abs(v)) }
    guard peak > 0, peak.isFinite else { throw RoomError.badValue(what: "impulse response", detail: "is silent (all samples zero) or not finite") }
    let onset = h.firstIndex { abs($0) >= peak * 0.1 }!
    var d = onset
    for i in onset..<min(h.count, onset + max(1, fs / 1000) + 1) where abs(h[i]) > abs(h[d]) { d = i }
    var directPos = Double(d)
    if d > 0 && d + 1 < h.count {
      let a = Double(abs(h[d - 1])), b = Double(abs(h[d])), c = Double(abs(h[d + 1]))
      let den = a - 2 * b + c
      if den < 0 { directPos += max(-0.5, min(0.5, 0.5 * (a - c) / den)) }
    }

    // Energy from the direct sound on.
    let e = h[d...].map { Double($0) * Double($0) }
    let (end, tail, floorDB) = lundeby(e, sampleRate: fs)
    // Schroeder integral, backwards, with the tail compensation.
    var schroeder = [Double](repeating: 0, count: end)
    var acc = tail
    for i in stride(from: end - 1, through: 0, by: -1) {
      acc += e[i]
      schroeder[i] = acc
    }
    let total = schroeder[0]
    let curve = schroeder.map { 10 * log10(max($0, 1e-300) / total) }
    func fit(_ hi: Double, _ lo: Double) -> Double? {
      guard let i0 = curve.firstIndex(where: { $0 <= hi }), let i1 = curve.firstIndex(where: { $0 <= lo }), i1 > i0 + 1 else { return nil }
      let slope = regressionSlope(curve, from: i0, to: i1) * rate  // dB per second
      return slope < 0 ? -60 / slope : nil
    }

    // DRR and C50 from the window start 2.5 ms before the direct sound.
    let w = Int((0.0025 * rate).rounded())
    let start = max(0, d - w)
    var direct = 0.0, early = 0.0, late = 0.0, rest = 0.0
    let all = h[start..<(d + end)].map { Double($0) * Double($0) }
    for (k, v) in all.enumerated() {
      let i = start + k
      if i <= d + w { direct += v } else { rest += v }
      if i < d + Int(0.05 * rate) { early += v } else { late += v }
    }
    rest += tail
    late += tail
    return RIRMeasurement(
      t20Seconds: fit(-5, -25), t30Seconds: fit(-5, -35), edtSeconds: fit(0, -10),
      drrDB: 10 * log10(max(direct, 1e-300) / max(rest, 1e-300)), c50DB: 10 * log10(max(early, 1e-300) / max(late, 1e-300)),
      directDelaySeconds: directPos / rate, directSample: d, truncationSeconds: Double(d + end) / rate, noiseFloorDB: floorDB)
  }

  /// Least-squares slope of y[i0..<i1] against the index.
  static func regressionSlope(_ y: [Double], from i0: Int, to i1: Int) -> Double {
    let n = Double(i1 - i0)
    var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
    for i in i0..<i1 {
      let x = Double(i - i0)
      sx += x
      sy += y[i]
      sxx += x * x
      sxy += x * y[i]
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx)
  }

  /// Where to stop integrating `e` (energy from the direct sound on), the energy to add for what
  /// lies beyond, and the noise floor in dB re the first sample's energy (nil when none).
  static func lundeby(_ e: [Double], sampleRate fs: Int) -> (end: Int, tail: Double, floorDB: Double?) {
    let n = e.count
    guard n >= 20 else { return (n, 0, nil) }
    func mean(_ a: Int, _ b: Int) -> Double {
      guard b > a else { return 0 }
      var s = 0.0
      for i in a..<b { s += e[i] }
      return s / Double(b - a)
    }
    let ref = max(e[0], 1e-300)
    func dB(_ v: Double) -> Double { 10 * log10(max(v, 1e-300) / ref) }
    var block = max(1, fs / 100)  // 10 ms to start with
    var noise = mean(n - max(1, n / 10), n)
    var cross = n
    var line: (a: Double, b: Double) = (0, 0)  // dB at sample 0, dB per sample
    for _ in 0..<4 {
      // Block energies in dB and their centres.
      var xs: [Double] = []
      var ys: [Double] = []
      var i = 0
      while i + block <= n {
        xs.append(Double(i) + Double(block) / 2)
        ys.append(dB(mean(i, i + block)))
        i += block
      }
      guard xs.count >= 3 else { return (n, 0, nil) }
      let noiseDB = dB(noise)
      // Start after the block holding the direct sound, whose peak would tilt the line.
      let top = min(ys.firstIndex(of: ys.max()!)! + 1, ys.count - 1)
      guard let last = ys.lastIndex(where: { $0 > noiseDB + 10 }), last > top + 1 else { return (n, 0, nil) }
      // Fit the envelope between its peak and 10 dB above the floor.
      var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
      for k in top...last {
        sx += xs[k]
        sy += ys[k]
        sxx += xs[k] * xs[k]
        sxy += xs[k] * ys[k]
      }
      let m = Double(last - top + 1)
      let b = (m * sxy - sx * sy) / (m * sxx - sx * sx)
      let a = (sy - b * sx) / m
      guard b < 0 else { return (n, 0, nil) }
      line = (a, b)
      // A response still decaying at its end has no floor: the "noise" is just its own tail.
      let predictedEnd = a + b * (Double(n) - Double(n / 10) / 2)
      if noiseDB <= predictedEnd + 3 { return (n, 0, nil) }
      cross = min(n, max(1, Int(((noiseDB - a) / b).rounded())))
      // Re-estimate the floor from 5 dB of decay past the crossing (at least the last 10 %).
      let from = min(max(cross + Int(-5 / b), 0), n - max(1, n / 10))
      noise = mean(from, n)
      // Blocks of about a fifth of the time the response takes to decay 10 dB.
      block = max(1, min(fs / 20, Int(-10 / b / 5)))
    }
    // Energy beyond the crossing, extrapolated along the fitted line (per-sample energies).
    let eCross = ref * pow(10, (line.a + line.b * Double(cross)) / 10)
    let ratio = pow(10, line.b / 10)
    let tail = eCross * ratio / (1 - ratio)
    return (cross, tail, dB(noise))
  }
}
