import Foundation

/// Time-stretching and pitch-shifting with a phase vocoder using identity phase locking.
///
/// Analysis frames are taken every Hₐ = Hₛ/ratio input samples and resynthesised every
/// Hₛ = N/4 output samples (N ≈ 64 ms, a power of two: 1024 at 16 kHz), with a periodic Hann
/// window for analysis and synthesis (Σ w² = 1.5 at 4× overlap, so no normalisation pass is
/// needed). In each frame the spectral peaks (bins larger than their two neighbours on each side)
/// get their instantaneous frequency from the phase difference to the previous frame; each
/// peak's synthesis phase is advanced by that frequency times Hₛ, and every bin in the peak's
/// region of influence (half-way to the neighbouring peaks) is rotated by the same phasor, one
/// complex multiply per bin (Laroche & Dolson, "Improved phase vocoder time-scale modification
/// of audio", IEEE TSAP 7(3), 1999, §III "identity phase locking"). Locking the phases within
/// each peak region keeps the vertical phase coherence that plain phase vocoders lose
/// ("phasiness").
public enum PhaseVocoder {
  /// Frame length for `sampleRate`: the power of two nearest 64 ms, at least 64 samples.
  public static func frameSize(sampleRate: Int) -> Int {
    let target = max(64.0, 0.064 * Double(sampleRate))
    return 1 << Int(log2(target).rounded())
  }

  /// Stretches `x` in time by `ratio` without changing its pitch.
  ///
  /// - Parameters:
  ///   - ratio: output duration / input duration, in (0, 8]; 1 returns `x` unchanged.
  ///   - sampleRate: Hz, > 0; sets the frame length (see ``frameSize(sampleRate:)``).
  /// - Returns: exactly `Int((Double(x.count) * ratio).rounded())` samples. Output time t maps
  ///   to input time t/ratio; frames run from before the first to after the last sample (zero
  ///   padding outside the input, edge frames keeping the edge's time offset), so every output
  ///   sample gets all four overlapping frames and the first and last samples come out at full
  ///   level (no fade; a steady tone stays within 0.1 dB up to the edges). Inputs shorter than a
  ///   frame still give the exact length; empty input gives empty output.
  public static func stretch(_ x: [Float], by ratio: Double, sampleRate: Int) -> [Float] {
    precondition(ratio > 0 && ratio <= 8 && ratio.isFinite, "stretch ratio must be in (0, 8]")
    precondition(sampleRate > 0, "sample rate must be positive")
    if ratio == 1 { return x }
    let n = x.count
    let outCount = Int((Double(n) * ratio).rounded())
    guard n > 0, outCount > 0 else { return [Float](repeating: 0, count: max(outCount, 0)) }
    return Engine(frameSize: frameSize(sampleRate: sampleRate)).run(
      x, ratio: ratio, outCount: outCount)
  }

  /// Shifts the pitch of `x` by `semitones` while keeping its duration.
  ///
  /// Stretches by r = 2^(semitones/12) with ``stretch(_:by:sampleRate:)`` and resamples the
  /// result by factor r with ``PolyphaseResampler/resample(_:factor:)``, so every frequency is
  /// scaled by r.
  /// When a fraction p/q with q ≤ 512 lies within 0.05 cent of r (true for almost every
  /// practical shift, e.g. ±1…±4 semitones) it replaces r, which lets the resampler use exact
  /// polyphase phases instead of interpolated ones (about twice as fast); stretch and resample
  /// use the same value, so the length is unaffected and the pitch error stays below 0.05 cent,
  /// a hundredth of an audible difference.
  ///
  /// - Parameters:
  ///   - semitones: shift in equal-tempered semitones, in [−24, 24]; 0 returns `x` unchanged.
  ///   - sampleRate: Hz, > 0.
  /// - Returns: exactly `x.count` samples (the resampled signal is trimmed or zero-padded by at
  ///   most a sample).
  public static func pitchShift(_ x: [Float], semitones: Double, sampleRate: Int) -> [Float] {
    precondition(semitones.isFinite && abs(semitones) <= 24, "semitones must be in [-24, 24]")
    precondition(sampleRate > 0, "sample rate must be positive")
    if semitones == 0 || x.isEmpty { return x }
    let exact = pow(2, semitones / 12)
    let near = rationalApproximation(exact, maxDenominator: PolyphaseResampler.maxExactPhases)
    // 2.9e-5 relative ≈ 0.05 cent.
    let r = abs(near / exact - 1) < 2.9e-5 ? near : exact
    let stretched = stretch(x, by: r, sampleRate: sampleRate)
    var y = PolyphaseResampler.resample(stretched, factor: r)
    if y.count > x.count {
      y.removeLast(y.count - x.count)
    } else if y.count < x.count {
      y.append(contentsOf: [Float](repeating: 0, count: x.count - y.count))
    }
    return y
  }

  /// The fraction p/q (q ≤ maxDenominator) nearest to `v`, returned as a Double equal to p/q.
  static func rationalApproximation(_ v: Double, maxDenominator: Int) -> Double {
    var best = v
    var bestErr = Double.infinity
    for q in 1...maxDenominator {
      let p = (v * Double(q)).rounded()
      guard p >= 1 else { continue }
      let err = abs(p / Double(q) - v)
      if err < bestErr - 1e-15 {
        bestErr = err
        best = p / Double(q)
      }
    }
    return best
  }

  /// For each j < count: (cos, sin) of scale·atan2(ny[j], nx[j]), the synthesis phase advance
  /// of one spectral peak.
  ///
  /// libm's atan2f, cosf and sinf, called once per peak, were about a seventh of a pitch shift's
  /// time. Here one branch-free loop over all of a frame's peaks (selects only, no calls) lets
  /// the compiler run four peaks per instruction. atan2: octant reduction to z = min/max of
  /// |nx|, |ny| in [0, 1], atan z = z·P(z²) with P of degree 7 in z² (least squares on Chebyshev
  /// nodes; 4.1e-8 rad before Float rounding). The angle times `scale` (|·| ≤ 8π for stretch
  /// ratios up to 8) is reduced to [−π, π] by a rounded multiple of 2π (magic-constant rounding,
  /// 2π split in two for an exact product), then sin and cos by odd/even least-squares
  /// polynomials of degree 13 and 14 on [−π, π] (≤ 1.3e-9 before rounding). Against libm the
  /// phasors differ by under 1e-6, 1 LSB at most in 16-bit output. Signed zeros give atan2's
  /// angles (±0, ±π).
  static func advancePhasors(
    _ ny: UnsafePointer<Float>, _ nx: UnsafePointer<Float>, count: Int, scale: Float,
    cos ca: UnsafeMutablePointer<Float>, sin sa: UnsafeMutablePointer<Float>
  ) {
    let halfPi: Float = 1.570_796_3
    let pi: Float = 3.141_592_7
    let inv2Pi: Float = 0.159_154_94
    let twoPiHi: Float = 6.281_25  // few mantissa bits: k·twoPiHi is exact for small k
    let twoPiLo: Float = 0.001_935_307_2
    let magic: Float = 12_582_912  // 1.5·2²³: (v + magic) − magic rounds v to an integer
    var j = 0
    while j < count {
      let y = ny[j]
      let x = nx[j]
      let ax = abs(x)
      let ay = abs(y)
      let mx = ax > ay ? ax : ay
      let mn = ax > ay ? ay : ax
      let z = mx > 0 ? mn / mx : 0
      let z2 = z * z
      var p: Float = -0.004_073_120_7
      p = p * z2 + 0.021_945_959
      p = p * z2 - 0.056_062_281
      p = p * z2 + 0.096_561_946
      p = p * z2 - 0.139_157_8
      p = p * z2 + 0.199_485_05
      p = p * z2 - 0.333_301_06
      p = p * z2 + 0.999_999_44
      var a = z * p
      a = ay > ax ? halfPi - a : a
      // Sign bits, not comparisons, so that signed zeros give atan2's ±0 and ±π: after digital
      // silence the previous spectrum is exactly zero, and those angles set the phase of the
      // first sounding frame (and, through the phase recursion, of all later ones).
      a = x.sign == .minus ? pi - a : a
      a = y.sign == .minus ? -a : a
      let g = a * scale
      let kk = (g * inv2Pi + magic) - magic
      let r = (g - kk * twoPiHi) - kk * twoPiLo
      let r2 = r * r
      var sp: Float = 1.344_991e-10
      sp = sp * r2 - 2.467_647e-8
      sp = sp * r2 + 2.752_939_3e-6
      sp = sp * r2 - 1.984_015_2e-4
      sp = sp * r2 + 8.333_310_3e-3
      sp = sp * r2 - 0.166_666_65
      sp = sp * r2 + 1
      var cp: Float = -9.722_445e-12
      cp = cp * r2 + 2.060_360_2e-9
      cp = cp * r2 - 2.753_480_3e-7
      cp = cp * r2 + 2.480_055_3e-5
      cp = cp * r2 - 1.388_886_3e-3
      cp = cp * r2 + 0.041_666_663
      cp = cp * r2 - 0.5
      cp = cp * r2 + 1
      ca[j] = cp
      sa[j] = r * sp
      j &+= 1
    }
  }

  /// Per-call state: FFT buffers and the previous frame's spectra.
  private struct Engine {
    let size: Int
    let hop: Int
    let bins: Int
    let plan: FFTPlan
    let window: [Float]

    init(frameSize: Int) {
      size = frameSize
      hop = frameSize / 4
      bins = frameSize / 2 + 1
      plan = FFTPlan.shared(size: frameSize)
      window = Window.hann(frameSize, periodic: true)
    }

    func run(_ x: [Float], ratio: Double, outCount: Int) -> [Float] {
      let n = x.count
      let half = size / 2
      let frameBuf = FFTBuffer(count: size)
      let outBuf = FFTBuffer(count: size)
      let spec = FFTBuffer(count: 2 * bins)  // X, current analysis spectrum
      let synth = FFTBuffer(count: 2 * bins)  // Y, current synthesis spectrum
      let prevX = FFTBuffer(count: 2 * bins)
      let prevY = FFTBuffer(count: 2 * bins)
      var mag = [Float](repeating: -1, count: bins + 4)
      var peaks = [Int](repeating: 0, count: bins + 1)
      // Per peak: the phase-change vector (ny, nx) and its synthesis phasor (ca, sa).
      var peakScratch = [Float](repeating: 0, count: 4 * (bins + 1))
      var y = [Float](repeating: 0, count: outCount)
      // Σ w² = 1.5 for a periodic Hann at hop N/4; the inverse FFT is unnormalised.
      let scale = 1 / (Float(size) * 1.5)
      let hs = Double(hop)
      // Synthesis frame k spans [k·Hₛ − N/2, k·Hₛ + N/2). Starting at k = 1 − (N/2)/Hₛ = −1
      // gives every output sample, sample 0 included, all four overlapping frames, so the
      // Σ w² = 1.5 normalisation holds up to the edges and nothing fades in.
      var k = -(half / hop) + 1
      var prevTa = 0
      let endOffset = Int((Double(outCount) / ratio).rounded()) - outCount
      var first = true
      var advanceTables: [Int: [Float]] = [:]
      func expectedAdvance(_ ha: Int) -> [Float] {
        if let t = advanceTables[ha] { return t }
        var t = [Float](repeating: 0, count: 2 * bins)
        for p in 0..<bins {
          // Reduce p·Hₐ mod N first so the angle is exact for any hop.
          let angle = 2 * Double.pi * Double((p * ha) % size) / Double(size)
          t[2 * p] = Float(cos(angle))
          t[2 * p + 1] = Float(sin(angle))
        }
        advanceTables[ha] = t
        return t
      }
      window.withUnsafeBufferPointer { wp in
        x.withUnsafeBufferPointer { xp in
          y.withUnsafeMutableBufferPointer { yp in
            mag.withUnsafeMutableBufferPointer { mp in
              peaks.withUnsafeMutableBufferPointer { pkp in
               peakScratch.withUnsafeMutableBufferPointer { scp in
                let ny = scp.baseAddress!
                let nx = ny + (bins + 1)
                let ca = nx + (bins + 1)
                let sa = ca + (bins + 1)
                let w = wp.baseAddress!
                let xs = xp.baseAddress!
                let fb = frameBuf.pointer
                let X = spec.pointer
                let Y = synth.pointer
                let PX = prevX.pointer
                let PY = prevY.pointer
                let m = mp.baseAddress!
                let pk = pkp.baseAddress!
                while k * hop - half < outCount {
                  let ts = k * hop
                  // Output time tₛ maps to input time tₛ/ratio inside the signal; frames centred
                  // before its start or after its end keep the edge offset (slope 1) so that
                  // their samples that land inside the output read the input's first and last
                  // samples rather than the zero padding, which would dip the level at the edges.
                  let ta: Int
                  if ts <= 0 {
                    ta = ts
                  } else if ts >= outCount {
                    ta = endOffset + ts
                  } else {
                    ta = Int((Double(ts) / ratio).rounded())
                  }
                  // Windowed analysis frame centred on ta, zero outside the input.
                  let start = ta - half
                  if start >= 0 && start + size <= n {
                    let src = xs + start
                    for i in 0..<size { fb[i] = src[i] * w[i] }
                  } else {
                    for i in 0..<size {
                      let j = start + i
                      fb[i] = (j >= 0 && j < n) ? xs[j] * w[i] : 0
                    }
                  }
                  plan.forward(frameBuf, spec)
                  if first {
                    Y.update(from: X, count: 2 * bins)
                    first = false
                  } else {
                    // Squared magnitudes with two −1 sentinels at each end, then a branch-free
                    // peak test (larger than the two neighbours on each side, Laroche & Dolson).
                    let mm = m + 2
                    for b in 0..<bins { mm[b] = X[2 * b] * X[2 * b] + X[2 * b + 1] * X[2 * b + 1] }
                    var peakCount = 0
                    for b in 0..<bins {
                      let v = mm[b]
                      var f = v > 1e-24 ? 1 : 0
                      f &= v > mm[b - 1] ? 1 : 0
                      f &= v >= mm[b - 2] ? 1 : 0
                      f &= v >= mm[b + 1] ? 1 : 0
                      f &= v >= mm[b + 2] ? 1 : 0
                      pk[peakCount] = b
                      peakCount &+= f
                    }
                    if peakCount == 0 {
                      Y.update(from: X, count: 2 * bins)
                    } else {
                      let ha = ta - prevTa
                      // e^{iωₚ·Hₐ} for every bin, cached per analysis hop (it takes ≤ 2 values).
                      let expected = expectedAdvance(ha)
                      let hsOverHa = ha > 0 ? Float(hs) / Float(ha) : 0
                      // Every peak's heterodyned phase change first, then all their synthesis
                      // advances in one vectorisable pass (see ``advancePhasors``).
                      for pi in 0..<peakCount {
                        let p = pk[pi]
                        let xr = X[2 * p]
                        let xi = X[2 * p + 1]
                        // Phase change since the last frame, minus the bin-centre advance ωₚ·Hₐ:
                        // arg(X·conj(X_prev)·e^{−iωₚHₐ}) — the heterodyned deviation in [−π, π].
                        let pr = PX[2 * p]
                        let pim = PX[2 * p + 1]
                        let dr = xr * pr + xi * pim
                        let di = xi * pr - xr * pim
                        let c = expected[2 * p]
                        let s = expected[2 * p + 1]
                        ny[pi] = di * c - dr * s
                        nx[pi] = dr * c + di * s
                      }
                      // Synthesis advance ωᵢ·Hₛ = ωₚ·Hₛ + dev·Hₛ/Hₐ: e^{i·dev·Hₛ/Hₐ} here, and
                      // ωₚ·Hₛ = πp/2 since Hₛ = N/4, so e^{iωₚHₛ} is just iᵖ (below).
                      PhaseVocoder.advancePhasors(ny, nx, count: peakCount, scale: hsOverHa, cos: ca, sin: sa)
                      var lo = 0
                      var pi = 0
                      while pi < peakCount {
                        let p = pk[pi]
                        let hi = pi + 1 < peakCount ? (p + pk[pi + 1]) / 2 + 1 : bins
                        let xr = X[2 * p]
                        let xi = X[2 * p + 1]
                        var ar = ca[pi]
                        var ai = sa[pi]
                        switch p & 3 {
                        case 1: (ar, ai) = (-ai, ar)
                        case 2: (ar, ai) = (-ar, -ai)
                        case 3: (ar, ai) = (ai, -ar)
                        default: break
                        }
                        // Z = (Y_prev/|Y_prev|)·advance·(X*/|X|): rotates X[p] onto the advanced
                        // synthesis phase; the same Z is applied to the whole region.
                        var ur = PY[2 * p]
                        var ui = PY[2 * p + 1]
                        let ym2 = ur * ur + ui * ui
                        let xm = (xr * xr + xi * xi).squareRoot()
                        if ym2 > 1e-30 {
                          let inv = 1 / ym2.squareRoot()
                          ur *= inv
                          ui *= inv
                        } else {
                          ur = xr / xm
                          ui = xi / xm
                        }
                        let vr = ur * ar - ui * ai
                        let vi = ur * ai + ui * ar
                        let zr = (vr * xr + vi * xi) / xm
                        let zi = (vi * xr - vr * xi) / xm
                        for q in lo..<hi {
                          let br = X[2 * q]
                          let bi = X[2 * q + 1]
                          Y[2 * q] = br * zr - bi * zi
                          Y[2 * q + 1] = br * zi + bi * zr
                        }
                        lo = hi
                        pi += 1
                      }
                    }
                  }
                  PX.update(from: X, count: 2 * bins)
                  PY.update(from: Y, count: 2 * bins)
                  prevTa = ta
                  plan.inverse(synth, outBuf)
                  let ob = outBuf.pointer
                  let os = ts - half
                  let iStart = max(0, -os)
                  let iEnd = min(size, outCount - os)
                  if iStart < iEnd {
                    let dst = yp.baseAddress! + os
                    for i in iStart..<iEnd { dst[i] += ob[i] * w[i] * scale }
                  }
                  k += 1
                }
               }
              }
            }
          }
        }
      }
      return y
    }
  }
}
