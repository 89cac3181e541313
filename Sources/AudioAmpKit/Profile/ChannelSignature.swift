import Foundation

/// Likely codec family of a recording, from its spectrum alone.
public enum CodecFamily: String, Sendable, CaseIterable, Codable {
  /// Wideband, no codec signature found.
  case none
  /// Narrowband (≤ 4.4 kHz) without a GSM or CELP signature: G.711 or an analogue telephone
  /// band (these are not told apart).
  case telephone
  /// Narrowband with the GSM full-rate regular-pulse signature (see ``ChannelSignature``).
  case gsm
  /// Narrowband with the sparse excitation of a CELP codec such as AMR-NB (see
  /// ``ChannelSignature/celpSparsity(_:sampleRate:noiseFrames:hop:)``).
  case amr
  /// A steep low-pass well below Nyquist but above 4.4 kHz, as MP3 encoders apply.
  case mp3

  /// The `codec` recipe name that makes this family (`none` has none).
  public var recipeCodecName: String? {
    switch self {
    case .none: return nil
    case .telephone: return "g711"
    case .gsm: return "gsm-fr"
    case .amr: return "amr-nb"
    case .mp3: return "mp3"
    }
  }
}

/// Channel measures: band edges, narrowband and codec family, clipping, DC and mains hum.
///
/// - Band edges come from the long-term average spectrum of the frames (±3-bin smoothing, as
///   ``Bandwidth``): the upper edge is the highest frequency within 40 dB of the spectrum's
///   maximum, the lower edge the lowest frequency above 20 Hz within 30 dB of it.
/// - Narrowband: a rate of 8 kHz or less, or an upper edge at or below 4.4 kHz.
/// - GSM: the lattice score of ``latticeScore(_:sampleRate:)`` at or above ``gsmThreshold``
///   on a narrowband file; else AMR-NB (`amr`): the CELP sparsity of
///   ``celpSparsity(_:sampleRate:noiseFrames:hop:)`` at or above ``amrThreshold``; else `telephone` (G.711, an
///   analogue band).
/// - Clipping: samples in runs of two or more consecutive samples at ≥ 99.8 % of the file's peak
///   (flat tops), plus any sample at the 16-bit ceiling; reported as a fraction of all samples.
/// - DC: the mean in dBFS. Hum: the Goertzel power at 50 and 60 Hz and their 2nd and 3rd
///   harmonics over the first 30 s, against the mean of the powers 6 and 10 Hz either side; the
///   largest of the three line-to-neighbour ratios is the family's, and the family (50 or 60 Hz)
///   with the larger one is reported.
enum ChannelSignature {
  struct Result {
    var upperEdgeHz: Double
    var lowerEdgeHz: Double
    var narrowband: Bool
    var gsmLatticeScore: Double
    var celpSparsity: Double
    var family: CodecFamily
    var clippedFraction: Double
    var dcDBFS: Double
    var humHz: Double
    var humToNeighbourDB: Double
  }

  /// Lattice score at or above which a narrowband file is called GSM (measured: GSM-coded
  /// corpus speech 0.046–0.104, clean, G.711, AMR-NB and MP3 at most 0.016).
  static let gsmThreshold = 0.03

  /// CELP sparsity at or above which a narrowband non-GSM file is called AMR-NB. Measured on
  /// corpus speech with traffic, crowd and cell-phone noise at 0–30 dB SNR: G.711 and uncoded
  /// 0.702–0.729, AMR-NB 4.75 kbit/s 0.741–0.769, 7.95 and 12.2 kbit/s 0.757–0.836, GSM-FR
  /// 0.877–0.895. The margin at 4.75 kbit/s is small: read `amr` against `telephone` as a hint.
  static let amrThreshold = 0.735

  /// Blocks quieter than this (mean square; −55 dBFS) are left out of the CELP sparsity.
  static let celpFloorPower = pow(10, -55.0 / 10)

  static func measure(_ x: [Float], _ s: FrameSpectra, vad: FrameVAD) -> Result {
    let rate = s.sampleRate
    let nyq = Double(rate) / 2
    let ltas = s.meanSpectrum()
    var smooth = ltas
    for k in 0..<ltas.count {
      let a = max(0, k - 3), b = min(ltas.count - 1, k + 3)
      var acc = 0.0
      for u in a...b { acc += ltas[u] }
      smooth[k] = acc / Double(b - a + 1)
    }
    let peak = smooth.max() ?? 0
    var upper = 0.0, lower = 0.0
    if peak > 0 {
      let lim = peak * 1e-4
      if let last = smooth.lastIndex(where: { $0 >= lim }) { upper = Double(last) * s.binHz }
      let lim30 = peak * 1e-3
      let first = Int((20 / s.binHz).rounded(.up))
      if first < smooth.count, let f = smooth[first...].firstIndex(where: { $0 >= lim30 }) {
        lower = Double(f) * s.binHz
      }
    }
    let narrow = rate <= 8000 || (upper > 0 && upper <= 4400)
    let lattice = narrow ? latticeScore(x, sampleRate: rate) : 0
    let celp = narrow ? celpSparsity(x, sampleRate: rate, noiseFrames: vad.noise, hop: Int((s.hopSeconds * Double(rate)).rounded())) : 0
    var family = CodecFamily.none
    if narrow {
      family = lattice >= gsmThreshold ? .gsm : celp >= amrThreshold ? .amr : .telephone
    } else if upper > 4400 && upper < 0.94 * nyq {
      let k = Int((upper / s.binHz).rounded())
      let d = Int((300 / s.binHz).rounded())
      if k - d >= 0, k + d < smooth.count, powerDB(smooth[k - d]) - powerDB(smooth[k + d]) >= 25 {
        family = .mp3
      }
    }
    // Clipping: flat tops at the peak, or samples at the 16-bit ceiling.
    let pk = Levels.peak(x)
    var clipped = 0
    if pk > 0 {
      let lvl = pk * 0.998
      var run = 0
      for v in x {
        if abs(v) >= lvl { run += 1 } else {
          if run >= 2 { clipped += run } else if run == 1 && pk >= AudioInspection.clipThreshold { clipped += 1 }
          run = 0
        }
      }
      if run >= 2 || (run == 1 && pk >= AudioInspection.clipThreshold) { clipped += run }
    }
    var mean = 0.0
    for v in x { mean += Double(v) }
    mean /= Double(max(1, x.count))
    let (humHz, humDB) = hum(x, sampleRate: rate)
    return Result(
      upperEdgeHz: upper, lowerEdgeHz: lower, narrowband: narrow, gsmLatticeScore: lattice,
      celpSparsity: celp, family: family, clippedFraction: x.isEmpty ? 0 : Double(clipped) / Double(x.count),
      dcDBFS: max(-120, Levels.dB(amplitude: abs(mean))), humHz: humHz, humToNeighbourDB: humDB)
  }

  /// (50 or 60, largest line-to-neighbour ratio in dB of that family's first three harmonics).
  static func hum(_ x: [Float], sampleRate: Int) -> (Double, Double) {
    let n = min(x.count, 30 * sampleRate)
    guard n >= sampleRate / 2 else { return (50, 0) }
    func goertzel(_ f: Double) -> Double {
      let w = 2 * Double.pi * f / Double(sampleRate)
      let c = 2 * cos(w)
      var s1 = 0.0, s2 = 0.0
      x.withUnsafeBufferPointer { xs in
        for i in 0..<n {
          let s0 = Double(xs[i]) + c * s1 - s2
          s2 = s1
          s1 = s0
        }
      }
      return max(s1 * s1 + s2 * s2 - c * s1 * s2, 1e-30)
    }
    var best = (50.0, -Double.infinity)
    for base in [50.0, 60.0] {
      var ratio = -Double.infinity
      for h in 1...3 {
        let f = base * Double(h)
        let line = goertzel(f)
        let around = [-10.0, -6, 6, 10].map { goertzel(f + $0) }.reduce(0, +) / 4
        ratio = max(ratio, 10 * log10(line / around))
      }
      if ratio > best.1 { best = (base, ratio) }
    }
    return best
  }
}

extension ChannelSignature {
  /// GSM full-rate lattice score: how much of the LPC residual's energy, in 5 ms blocks at
  /// 8 kHz, sits on one of the three sample phases n mod 3.
  ///
  /// GSM 06.10's regular-pulse excitation keeps every third residual sample in each 40-sample
  /// subframe (ETSI GSM 06.10 §3.1.20), so after inverse LPC filtering (order 8, autocorrelation
  /// method, 20 ms frames) a GSM-decoded signal's residual concentrates on one phase per
  /// subframe; for other audio the three phases share it about equally. Audio above 8 kHz is
  /// decimated by taking every (rate/8000)-th sample, trying each starting phase (the codec
  /// chain's 8 kHz samples survive band-limited interpolation on one of them), and the best
  /// phase is kept. The score is the mean over the loudest half of the 40-sample blocks of
  /// max-phase energy / block energy, minus the same for blocks shifted by 20 samples
  /// (which straddle two subframes), so misaligned or non-GSM audio reads near 0.
  static func latticeScore(_ x: [Float], sampleRate: Int) -> Double {
    guard sampleRate % 8000 == 0 else { return 0 }
    var best = -1.0
    for y in phases8k(x, sampleRate: sampleRate) {
      best = max(best, latticeScore8k(y))
    }
    return max(best, 0)
  }

  static func latticeScore8k(_ y: [Double]) -> Double {
    guard y.count >= 4 * 160 else { return 0 }
    let e = lpcResidual8k(y, order: 8)
    func score(offset: Int) -> Double {
      var blocks: [(Double, Double)] = []
      var b = offset
      while b + 40 <= e.count {
        var p = [0.0, 0.0, 0.0]
        for n in b..<(b + 40) { p[n % 3] += e[n] * e[n] }
        let tot = p[0] + p[1] + p[2]
        if tot > 0 { blocks.append((tot, p.max()! / tot)) }
        b += 40
      }
      guard !blocks.isEmpty else { return 0 }
      blocks.sort { $0.0 > $1.0 }
      let top = blocks.prefix(max(1, blocks.count / 2))
      return top.reduce(0) { $0 + $1.1 } / Double(top.count)
    }
    var bestAligned = 0.0, bestShifted = 0.0
    for o in stride(from: 0, to: 40, by: 4) {
      let s = score(offset: o)
      if s > bestAligned { bestAligned = s; bestShifted = score(offset: (o + 20) % 40) }
    }
    return bestAligned - bestShifted
  }

  /// `x` (at a multiple of 8 kHz) decimated to 8 kHz by taking every (rate/8000)-th sample, once
  /// per starting phase: the codec chain's own 8 kHz samples survive band-limited interpolation
  /// on one of them.
  static func phases8k(_ x: [Float], sampleRate: Int) -> [[Double]] {
    let step = sampleRate / 8000
    return (0..<step).map { phase in
      var y: [Double] = []
      y.reserveCapacity(x.count / step + 1)
      var i = phase
      while i < x.count { y.append(Double(x[i])); i += step }
      return y
    }
  }

  /// The LPC residual of 8 kHz audio: order `order`, autocorrelation method over a 240-sample
  /// Hann window centred on each 20 ms frame, each frame inverse-filtered with its own
  /// coefficients.
  static func lpcResidual8k(_ y: [Double], order: Int) -> [Double] {
    let frame = 160
    var e = [Double](repeating: 0, count: y.count)
    var t = 0
    while t + frame <= y.count {
      let a0 = max(0, t - 40), a1 = min(y.count, t + frame + 40)
      let len = a1 - a0
      var w = [Double](repeating: 0, count: len)
      for n in 0..<len { w[n] = y[a0 + n] * (0.5 - 0.5 * cos(2 * Double.pi * (Double(n) + 0.5) / Double(len))) }
      var r = [Double](repeating: 0, count: order + 1)
      for k in 0...order { for n in k..<len { r[k] += w[n] * w[n - k] } }
      guard r[0] > 1e-12 else { t += frame; continue }
      r[0] *= 1.0001
      var a = [Double](repeating: 0, count: order + 1)
      a[0] = 1
      var err = r[0]
      for m in 1...order {
        var acc = r[m]
        for k in 1..<m { acc += a[k] * r[m - k] }
        let k = -acc / err
        var na = a
        for j in 1..<m { na[j] = a[j] + k * a[m - j] }
        na[m] = k
        a = na
        err *= (1 - k * k)
        if err <= 0 { break }
      }
      for n in t..<(t + frame) {
        var v = y[n]
        for k in 1...order where n - k >= 0 { v += a[k] * y[n - k] }
        e[n] = v
      }
      t += frame
    }
    return e
  }

  /// How sparse the LPC residual is where only the noise is heard, 0...1: the share of each
  /// 40-sample block's residual energy (order 10, at 8 kHz) held by its 10 largest samples,
  /// averaged over the blocks inside noise-only frames (``FrameVAD``) and above −55 dBFS; 0 with
  /// fewer than 8 such blocks (no pauses, or digital silence in them).
  ///
  /// A CELP decoder (AMR-NB: ACELP, 3GPP TS 26.090) rebuilds every 5 ms subframe from an
  /// adaptive-codebook (pitch) part and an algebraic codebook of a few signed pulses (2 to 10
  /// per 40 samples, by mode): background noise comes out with that sparseness (about
  /// 0.74–0.84), while waveform coding (G.711) or none leaves it Gaussian-like (about 0.71, the
  /// share of the largest quarter of Gaussian samples). Speech itself is no help: a voiced
  /// residual is a pulse per pitch period whatever the codec, hence noise frames only. As for the
  /// GSM lattice, audio above 8 kHz is decimated on each starting phase, keeping the sparsest.
  static func celpSparsity(_ x: [Float], sampleRate: Int, noiseFrames: [Bool], hop: Int) -> Double {
    guard sampleRate % 8000 == 0 else { return 0 }
    let step = sampleRate / 8000
    var best = 0.0
    for y in phases8k(x, sampleRate: sampleRate) {
      guard y.count >= 4 * 160 else { return 0 }
      let e = lpcResidual8k(y, order: 10)
      var blocks: [(energy: Double, share: Double)] = []
      var b = 0
      var en = [Double](repeating: 0, count: 40)
      while b + 40 <= e.count {
        var level = 0.0
        for n in 0..<40 { en[n] = e[b + n] * e[b + n]; level += y[b + n] * y[b + n] }
        en.sort(by: >)
        var top = 0.0, tot = 0.0
        for n in 0..<40 { tot += en[n]; if n < 10 { top += en[n] } }
        // Near the 16-bit or G.711 floor, quantization alone makes the residual sparse (most
        // samples 0 or one step): such blocks say nothing about the codec.
        let frame = min(noiseFrames.count - 1, (b + 20) * step / max(1, hop))
        if frame >= 0, noiseFrames[frame], tot > 1e-14, level / 40 >= Self.celpFloorPower { blocks.append((tot, top / tot)) }
        b += 40
      }
      guard blocks.count >= 8 else { continue }
      let q = blocks.reduce(0) { $0 + $1.share } / Double(blocks.count)
      if q > best { best = q }
    }
    return best
  }
}
