import CKernels
import Foundation

/// Exact 2:1 decimation and 1:2 interpolation with a zero-phase half-band FIR, for codecs that
/// run at half the signal's rate (16 kHz ↔ 8 kHz).
///
/// The filter is a Kaiser-windowed half-band low-pass at the higher rate: h[0] = ½, h[k] = 0 for
/// even k ≠ 0, h[k] = sin(πk/2)/(πk)·w(k) for odd k, normalised so Σh = 1 (unity gain at DC).
/// A half-band response is symmetric about a quarter of the higher rate, so its pass band ends
/// at ``passEdge`` of the lower rate's Nyquist frequency and its stop band starts at
/// 2 − ``passEdge`` of it (3,700 and 4,300 Hz for 8 kHz); the Kaiser design gives
/// ``designAttenuationDB`` of stop-band attenuation and a pass-band ripple of the same order
/// (far below 0.001 dB). Half the taps are zero and the rest are symmetric, so each output costs
/// about 60 multiply-adds (Crochiere & Rabiner, *Multirate Digital Signal Processing*, 1983,
/// §4.3; Vaidyanathan, *Multirate Systems and Filter Banks*, 1993, §4.6). The loops run in
/// `CKernels`, on AVX where the machine has it, with the same bits either way.
///
/// Alignment is exact: the filter is centred (zero phase), so decimated sample m is the
/// filtered input at sample 2m and interpolated sample 2m is input sample m itself (h[0]·2 = 1,
/// every other even tap zero). Samples outside the input are taken as zero. Aliases folded into
/// the band below ``passEdge`` are attenuated by at least ``designAttenuationDB``; between
/// ``passEdge`` and the lower Nyquist frequency the fold-over is the half-band's own (−6 dB at
/// the Nyquist frequency itself), which a telephone band (≤ 3,400 Hz at 8 kHz) never reaches.
public enum HalfbandResampler {
  /// Stop-band attenuation the kernel is designed for, in dB.
  public static let designAttenuationDB = 130.0
  /// Pass-band edge as a fraction of the lower rate's Nyquist frequency (0.925: 3,700 Hz of
  /// 4,000 at 8 kHz, beyond libsamplerate medium's 90 %).
  public static let passEdge = 0.925

  /// The odd taps h[1], h[3], … of the half-band kernel (h[−k] = h[k]).
  static let oddTaps: [Float] = {
    let fs = 0.25 * (2 - passEdge)  // stop edge, cycles per high-rate sample
    let fp = 0.25 * passEdge
    let order = Window.kaiserOrder(stopbandDB: designAttenuationDB, transitionCyclesPerSample: fs - fp)
    let support = Double(order) / 2 + 1  // kernel is zero for |k| ≥ support
    let beta = Window.kaiserBeta(stopbandDB: designAttenuationDB)
    let i0b = Window.besselI0(beta)
    var taps: [Double] = []
    var k = 1
    while Double(k) < support {
      let sinc = sin(Double.pi * Double(k) / 2) / (Double.pi * Double(k))
      taps.append(sinc * Window.kaiser(at: Double(k) / support, beta: beta, i0Beta: i0b))
      k += 2
    }
    // Σh = ½ + 2·Σ odd taps must be 1: scale the odd taps so they sum to ¼.
    let sum = taps.reduce(0, +)
    return taps.map { Float($0 * 0.25 / sum) }
  }()

  /// Number of odd taps on each side of the centre.
  static var halfLength: Int { oddTaps.count }

  /// Halves the sample rate of `x` (e.g. 16 kHz to 8 kHz).
  ///
  /// - Returns: exactly `(x.count + 1) / 2` samples (round(n/2), as
  ///   ``SampleRateConverter/convert(_:from:to:quality:)`` counts), y[m] = Σₖ h[k]·x[2m − k].
  ///   Empty input gives empty output.
  public static func decimate(_ x: [Float]) -> [Float] {
    let n = x.count
    let outCount = (n + 1) / 2
    guard n > 0 else { return [] }
    let taps = oddTaps
    let k = taps.count
    // The odd-indexed input samples o[i] = x[2i + 1], zero-padded by k on the left and by
    // k + 8 on the right, so every read of the block loop stays inside the buffer:
    // y[m] = ½·x[2m] + Σₗ cₗ·(o[m − l − 1] + o[m + l]).
    let oddCount = n / 2
    let width = oddCount + 2 * k + 16
    // Only the padding needs zeros: the samples and the output are written in full, so neither
    // buffer is cleared first (a pass over memory per call saved).
    let odd = [Float](unsafeUninitializedCapacity: width) { op, count in
      x.withUnsafeBufferPointer { xp in
        let o = op.baseAddress!
        o.initialize(repeating: 0, count: k)
        aa_gather_odd(xp.baseAddress!, o + k, oddCount)
        (o + k + oddCount).initialize(repeating: 0, count: width - k - oddCount)
      }
      count = width
    }
    let y = [Float](unsafeUninitializedCapacity: outCount) { yp, count in
      x.withUnsafeBufferPointer { xp in
        odd.withUnsafeBufferPointer { op in
          taps.withUnsafeBufferPointer { cp in
            // 32 outputs per pass in four independent accumulators, then 8, then one at a time;
            // each output sums its taps in the same order on either instruction set.
            aa_halfband_decimate(xp.baseAddress!, op.baseAddress! + k, cp.baseAddress!, k, yp.baseAddress!, outCount)
          }
        }
      }
      count = outCount
    }
    return y
  }

  /// Doubles the sample rate of `x` (e.g. 8 kHz to 16 kHz).
  ///
  /// - Returns: exactly `2 · x.count` samples: y[2m] = x[m] and
  ///   y[2m + 1] = Σₗ 2cₗ·(x[m − l] + x[m + 1 + l]), the band-limited value half-way between.
  ///   Empty input gives empty output.
  public static func interpolate(_ x: [Float]) -> [Float] {
    x.withUnsafeBufferPointer { xp in
      interpolate(count: x.count) { $0.initialize(from: xp.baseAddress!, count: x.count) }
    }
  }

  /// The odd taps doubled, as the interpolation kernel uses them.
  static let interpolationTaps: [Float] = oddTaps.map { 2 * $0 }

  /// ``interpolate(_:)`` of the `count` samples `fill` writes into the buffer it is given
  /// (exactly `count` long), so a caller can produce its signal in place (CodecChain converts
  /// decoded PCM straight into it). Returns `2 · count` samples; 0 gives an empty array.
  static func interpolate(count n: Int, fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    guard n > 0 else { return [] }
    let taps = interpolationTaps
    let k = taps.count
    let width = n + 2 * k + 16
    let padded = [Float](unsafeUninitializedCapacity: width) { p, count in
      let b = p.baseAddress!
      b.initialize(repeating: 0, count: k)
      fill(b + k)
      (b + k + n).initialize(repeating: 0, count: width - k - n)
      count = width
    }
    // y[2m] = x[m], y[2m + 1] = the midpoint, written interleaved by the kernel.
    return [Float](unsafeUninitializedCapacity: 2 * n) { yp, count in
      padded.withUnsafeBufferPointer { pp in
        taps.withUnsafeBufferPointer { cp in
          aa_halfband_interpolate(pp.baseAddress! + k, cp.baseAddress!, k, yp.baseAddress!, n)
        }
      }
      count = 2 * n
    }
  }
}
