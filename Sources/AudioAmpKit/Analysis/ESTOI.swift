import Foundation

/// Short-time objective intelligibility of a degraded signal against its clean reference:
/// extended STOI (ESTOI; Jensen & Taal, "An algorithm for predicting the intelligibility of
/// speech masked by modulated noise maskers", IEEE/ACM TASLP 24(11), 2016) and classic STOI
/// (Taal, Hendriks, Heusdens & Jensen, IEEE TASLP 19(7), 2011).
///
/// Both signals are resampled to 10 kHz, cut into 256-sample Hann frames with 50 % overlap;
/// frames where the clean signal is more than 40 dB below its loudest frame are dropped from
/// both (and the rest overlap-added again), then analysed with a 512-point FFT into 15
/// one-third-octave bands from 150 Hz (band edges rounded to FFT bins). Envelopes are compared
/// over 30-frame (384 ms) segments. ESTOI normalises each segment's band × frame matrix by rows
/// (each band's envelope to zero mean, unit norm) and then by columns (each frame's spectrum),
/// and averages the inner products; STOI clips the degraded envelope at −15 dB SDR and averages
/// per-band correlations. The frame layout, the silent-frame rule and the band edges follow
/// `pystoi.stoi` (which follows the authors' MATLAB code), so figures agree with it to about
/// 0.01 (the 10 kHz resamplers differ).
///
/// Cost: one pass of 512-point FFTs at 10 kHz plus 15 × 30 products per frame, about 2 ms per
/// second of speech in a release build; safe to call from many threads.
public enum ESTOI {
  /// The analysis rate, Hz.
  public static let analysisRate = 10_000
  static let frameLength = 256
  static let fftSize = 512
  static let bandCount = 15
  static let lowestCentreHz = 150.0
  static let segmentFrames = 30
  static let dynamicRangeDB = 40.0

  /// ESTOI of `degraded` against `clean`, both at `sampleRate` (mono; the longer is cut to the
  /// shorter). Returns a value in about [−1, 1] (near 1 for a clean copy, near 0 for speech
  /// buried in noise); 0 when fewer than 30 non-silent frames remain (under ~0.4 s of speech),
  /// like pystoi's warning case.
  /// - Throws: ``DSPError`` when the rate cannot be converted to 10 kHz.
  public static func measure(clean: [Float], degraded: [Float], sampleRate: Int) throws -> Double {
    guard let (x, y) = try bandEnvelopes(clean: clean, degraded: degraded, sampleRate: sampleRate)
    else { return 0 }
    return extended(x, y)
  }

  /// Classic STOI (Taal et al. 2011) of `degraded` against `clean`; same conventions as
  /// ``measure(clean:degraded:sampleRate:)``.
  public static func classic(clean: [Float], degraded: [Float], sampleRate: Int) throws -> Double {
    guard let (x, y) = try bandEnvelopes(clean: clean, degraded: degraded, sampleRate: sampleRate)
    else { return 0 }
    return stoi(x, y)
  }

  /// The one-third-octave band matrix (band-major: `[band][frame]`) of both signals after
  /// resampling and silent-frame removal, or nil when too few frames remain.
  static func bandEnvelopes(clean: [Float], degraded: [Float], sampleRate: Int) throws
    -> (x: [[Double]], y: [[Double]])?
  {
    let n = min(clean.count, degraded.count)
    var x = Array(clean.prefix(n))
    var y = Array(degraded.prefix(n))
    if sampleRate != analysisRate {
      x = try SampleRateConverter.convert(x, from: sampleRate, to: analysisRate, quality: .medium)
      y = try SampleRateConverter.convert(y, from: sampleRate, to: analysisRate, quality: .medium)
    }
    (x, y) = removeSilentFrames(x, y)
    let bx = bands(x), by = bands(y)
    guard let frames = bx.first?.count, frames >= segmentFrames else { return nil }
    return (bx, by)
  }

  /// MATLAB's `hanning(n)`: the symmetric Hann window without its zero end points.
  static let window: [Double] = (1...frameLength).map { i in
    0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(frameLength + 1))
  }

  /// Frames start every `hop` samples while a whole frame plus one sample fits (pystoi's
  /// `range(0, len - framelen, hop)`).
  static func frameStarts(_ count: Int, hop: Int) -> StrideTo<Int> {
    stride(from: 0, to: count - frameLength, by: hop)
  }

  /// Drops the frames whose clean energy is more than 40 dB below the loudest one, from both
  /// signals, and overlap-adds the windowed frames that remain.
  static func removeSilentFrames(_ x: [Float], _ y: [Float]) -> ([Float], [Float]) {
    let hop = frameLength / 2
    let starts = Array(frameStarts(x.count, hop: hop))
    guard !starts.isEmpty else { return ([], []) }
    let energies = starts.map { s -> Double in
      var e = 0.0
      for i in 0..<frameLength { let v = window[i] * Double(x[s + i]); e += v * v }
      return 20 * log10(e.squareRoot() + Double.ulpOfOne)
    }
    let top = energies.max()!
    let kept = starts.indices.filter { top - dynamicRangeDB - energies[$0] < 0 }
    let length = kept.isEmpty ? 0 : (kept.count - 1) * hop + frameLength
    var ox = [Float](repeating: 0, count: length), oy = ox
    for (k, f) in kept.enumerated() {
      let s = starts[f], d = k * hop
      for i in 0..<frameLength {
        ox[d + i] += Float(window[i] * Double(x[s + i]))
        oy[d + i] += Float(window[i] * Double(y[s + i]))
      }
    }
    return (ox, oy)
  }

  /// FFT bin ranges [lo, hi) of the 15 bands: centre 150·2^(k/3) Hz, edges at 2^(±1/6) of it,
  /// each moved to the nearest bin.
  static let bandBins: [Range<Int>] = {
    let binHz = Double(analysisRate) / Double(fftSize)
    return (0..<bandCount).map { k in
      let lo = lowestCentreHz * pow(2, (2 * Double(k) - 1) / 6)
      let hi = lowestCentreHz * pow(2, (2 * Double(k) + 1) / 6)
      let l = min(fftSize / 2, Int((lo / binHz).rounded()))
      let h = min(fftSize / 2, Int((hi / binHz).rounded()))
      return l..<max(l, h)
    }
  }()

  /// Band amplitudes √(Σ|X|²) per frame, `[band][frame]`.
  static func bands(_ x: [Float]) -> [[Double]] {
    let starts = Array(frameStarts(x.count, hop: frameLength / 2))
    var out = [[Double]](repeating: [Double](repeating: 0, count: starts.count), count: bandCount)
    guard !starts.isEmpty else { return out }
    let plan = FFTPlan.shared(size: fftSize)
    let input = FFTBuffer(count: fftSize)
    let spectrum = FFTBuffer(count: 2 * (fftSize / 2 + 1))
    var power = [Double](repeating: 0, count: fftSize / 2 + 1)
    for (f, s) in starts.enumerated() {
      input.zero()
      for i in 0..<frameLength { input.pointer[i] = Float(window[i] * Double(x[s + i])) }
      plan.forward(input, spectrum)
      for b in 0...(fftSize / 2) {
        let re = Double(spectrum.pointer[2 * b]), im = Double(spectrum.pointer[2 * b + 1])
        power[b] = re * re + im * im
      }
      for (j, r) in bandBins.enumerated() {
        var e = 0.0
        for b in r { e += power[b] }
        out[j][f] = e.squareRoot()
      }
    }
    return out
  }

  /// ESTOI from the band matrices: mean over segments of Σ (row-then-column normalised x·y)/N.
  static func extended(_ x: [[Double]], _ y: [[Double]]) -> Double {
    let frames = x[0].count
    let segments = frames - segmentFrames + 1
    var total = 0.0
    var a = [Double](repeating: 0, count: bandCount * segmentFrames)
    var b = a
    for m in 0..<segments {
      normalise(x, from: m, into: &a)
      normalise(y, from: m, into: &b)
      var s = 0.0
      for i in a.indices { s += a[i] * b[i] }
      total += s / Double(segmentFrames)
    }
    return total / Double(segments)
  }

  /// The segment of `z` starting at frame `m` (band-major, `bandCount × segmentFrames`),
  /// each band row to zero mean and unit norm, then each frame column the same.
  static func normalise(_ z: [[Double]], from m: Int, into out: inout [Double]) {
    let n = segmentFrames
    for j in 0..<bandCount {
      var mean = 0.0
      for t in 0..<n { mean += z[j][m + t] }
      mean /= Double(n)
      var norm = 0.0
      for t in 0..<n {
        let v = z[j][m + t] - mean
        out[j * n + t] = v
        norm += v * v
      }
      let g = norm > 0 ? 1 / norm.squareRoot() : 0
      for t in 0..<n { out[j * n + t] *= g }
    }
    for t in 0..<n {
      var mean = 0.0
      for j in 0..<bandCount { mean += out[j * n + t] }
      mean /= Double(bandCount)
      var norm = 0.0
      for j in 0..<bandCount {
        let v = out[j * n + t] - mean
        out[j * n + t] = v
        norm += v * v
      }
      let g = norm > 0 ? 1 / norm.squareRoot() : 0
      for j in 0..<bandCount { out[j * n + t] *= g }
    }
  }

  /// Classic STOI from the band matrices: the degraded band envelope scaled to the clean one's
  /// norm and clipped at (1 + 10^(15/20)) times it, then the mean correlation over bands and
  /// segments.
  static func stoi(_ x: [[Double]], _ y: [[Double]]) -> Double {
    let frames = x[0].count
    let segments = frames - segmentFrames + 1
    let n = segmentFrames
    let clip = 1 + pow(10, 15.0 / 20)
    var total = 0.0
    var yp = [Double](repeating: 0, count: n)
    var xs = yp
    for m in 0..<segments {
      for j in 0..<bandCount {
        var nx = 0.0, ny = 0.0
        for t in 0..<n { nx += x[j][m + t] * x[j][m + t]; ny += y[j][m + t] * y[j][m + t] }
        let g = nx.squareRoot() / (ny.squareRoot() + Double.ulpOfOne)
        var my = 0.0, mx = 0.0
        for t in 0..<n {
          yp[t] = min(y[j][m + t] * g, x[j][m + t] * clip)
          xs[t] = x[j][m + t]
          my += yp[t]
          mx += xs[t]
        }
        my /= Double(n)
        mx /= Double(n)
        var dot = 0.0, ey = 0.0, ex = 0.0
        for t in 0..<n {
          let a = yp[t] - my, b = xs[t] - mx
          dot += a * b
          ey += a * a
          ex += b * b
        }
        total += dot / ((ey.squareRoot() + Double.ulpOfOne) * (ex.squareRoot() + Double.ulpOfOne))
      }
    }
    return total / Double(segments * bandCount)
  }
}
