import CKernels
import Foundation
import Testing

@testable import AudioAmpKit

/// The codec chain's and the clip guard's C kernels (16-bit quantising, its inverse, the
/// decimator's odd-sample gather, the interleaved half-band interpolation and the peak scan) run an AVX version where the machine
/// has AVX and a baseline x86-64 version elsewhere. Both are compared bit for bit here, and
/// against a plain Swift statement of what they compute, on lengths that exercise the vector
/// blocks and the scalar tails and on the values at the edges (halves, full scale, ±inf, NaN).
@Suite("PCM kernels: AVX and baseline give the same bits")
struct PCMKernelDispatchTests {
  static let lengths = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1000, 16001]

  static func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

  /// Samples whose ×32768 lands on and beside every rounding and clipping edge, plus NaN and
  /// the infinities, then seeded noise reaching past full scale.
  static func edgeSamples() -> [Float] {
    var v: [Float] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, 1, -1, 2, -2, 1e30, -1e30, .leastNonzeroMagnitude]
    for q: Float in [0.5, 1.5, 2.5, 100.5, 32766.5, 32767, 32767.5, 32768, 32768.5, 40000] {
      for s: Float in [1, -1] {
        for w in [q.nextDown, q, q.nextUp] { v.append(s * w / 32768) }
      }
    }
    return v + Signals.noise(key: 99, count: 3000, sigma: 0.6)
  }

  /// What CodecChain asks of the quantiser: round half away from zero, clip to 16 bits, NaN to
  /// full scale.
  static func reference(_ x: Float) -> Int16 {
    if x.isNaN { return .max }
    let v = (Double(x) * 32768).rounded(.toNearestOrAwayFromZero)
    return Int16(max(-32768, min(32767, v)))
  }

  @Test("quantise to 16 bits: dispatched = baseline, and = rounding half away from zero, clipped", arguments: lengths + [0])
  func quantize(n: Int) {
    let edges = Self.edgeSamples()
    // Every length starts at a different place in the edge list, so each edge falls in a vector
    // block for some lengths and in the scalar tail for others.
    let x = (0..<n).map { edges[($0 * 7 + n) % edges.count] }
    var a = [Int16](repeating: 1, count: n)
    var b = [Int16](repeating: 2, count: n)
    aa_quantize16(x, &a, n)
    aa_quantize16_baseline(x, &b, n)
    #expect(a == b)
    #expect(a == x.map(Self.reference))
  }

  @Test("quantise: every edge value in both the vector block and the tail")
  func quantizeEdges() {
    let x = Self.edgeSamples()
    for offset in 0..<8 {
      let y = Array(x[offset...])
      var a = [Int16](repeating: 0, count: y.count)
      var b = [Int16](repeating: 0, count: y.count)
      aa_quantize16(y, &a, y.count)
      aa_quantize16_baseline(y, &b, y.count)
      #expect(a == b)
      #expect(a == y.map(Self.reference), "offset \(offset)")
    }
  }

  @Test("dequantise: every 16-bit value to q/32768 exactly, on both versions")
  func dequantize() {
    let q = (0..<65536).map { Int16(truncatingIfNeeded: $0 - 32768) }
    var a = [Float](repeating: 1, count: q.count)
    var b = [Float](repeating: 2, count: q.count)
    aa_dequantize16(q, &a, q.count)
    aa_dequantize16_baseline(q, &b, q.count)
    #expect(Self.bits(a) == Self.bits(b))
    #expect(Self.bits(a) == Self.bits(q.map { Float($0) / 32768 }))
    // Tails shorter than any block.
    for n in [1, 3, 7, 9] {
      var c = [Float](repeating: 0, count: n)
      aa_dequantize16(Array(q[100..<(100 + n)]), &c, n)
      #expect(Self.bits(c) == Self.bits(q[100..<(100 + n)].map { Float($0) / 32768 }))
    }
  }

  @Test("gather the odd samples: dispatched = baseline = x[2i + 1]", arguments: lengths + [0])
  func gatherOdd(n: Int) {
    let x = Signals.noise(key: UInt64(300 + n), count: 2 * n + 1, sigma: 0.3)
    var a = [Float](repeating: 1, count: n)
    var b = [Float](repeating: 2, count: n)
    aa_gather_odd(x, &a, n)
    aa_gather_odd_baseline(x, &b, n)
    #expect(Self.bits(a) == Self.bits(b))
    #expect(Self.bits(a) == Self.bits((0..<n).map { x[2 * $0 + 1] }))
  }

  @Test("half-band interpolate, interleaved: dispatched = baseline, and = input and midpoints interleaved", arguments: lengths)
  func halfbandInterpolate(n: Int) {
    let x = Signals.noise(key: UInt64(200 + n), count: n, sigma: 0.3)
    let c = HalfbandResampler.interpolationTaps
    let k = c.count
    var padded = [Float](repeating: 0, count: n + 2 * k + 16)
    for i in 0..<n { padded[k + i] = x[i] }
    var a = [Float](repeating: 0, count: 2 * n)
    var b = [Float](repeating: 1, count: 2 * n)
    var mid = [Float](repeating: 2, count: n)
    padded.withUnsafeBufferPointer { p in
      aa_halfband_interpolate(p.baseAddress! + k, c, k, &a, n)
      aa_halfband_interpolate_baseline(p.baseAddress! + k, c, k, &b, n)
      aa_halfband_midpoints_baseline(p.baseAddress! + k, c, k, &mid, n)
    }
    #expect(Self.bits(a) == Self.bits(b))
    #expect(Self.bits(a) == Self.bits((0..<(2 * n)).map { $0 % 2 == 0 ? x[$0 / 2] : mid[$0 / 2] }))
    #expect(Self.bits(a) == Self.bits(HalfbandResampler.interpolate(x)))
    #expect(c == HalfbandResampler.oddTaps.map { 2 * $0 })
  }

  @Test("peak: dispatched = baseline, and = the largest magnitude ignoring NaN", arguments: lengths + [0])
  func peak(n: Int) {
    let edges = Self.edgeSamples().filter { !$0.isInfinite }
    var x = (0..<n).map { edges[($0 * 5 + n) % edges.count] * 0.5 }
    let reference: ([Float]) -> Float = { v in v.reduce(Float(0)) { m, s in s.isNaN ? m : max(m, abs(s)) } }
    let a = x.withUnsafeBufferPointer { aa_peak_abs($0.baseAddress, n) }
    let b = x.withUnsafeBufferPointer { aa_peak_abs_baseline($0.baseAddress, n) }
    #expect(a.bitPattern == b.bitPattern)
    #expect(a.bitPattern == reference(x).bitPattern)
    #expect(Levels.peak(x).bitPattern == a.bitPattern)
    // The largest magnitude in every position (vector lanes, both registers, the tail), and +inf.
    let top = 2 * reference(x) + 7
    for i in stride(from: 0, to: n, by: max(1, n / 40)) {
      var y = x
      y[i] = -top
      #expect(aa_peak_abs(y, n) == top && aa_peak_abs_baseline(y, n) == top, "at \(i) of \(n)")
      y[i] = -.infinity
      #expect(aa_peak_abs(y, n) == .infinity && aa_peak_abs_baseline(y, n) == .infinity, "at \(i) of \(n)")
    }
    // All NaN or all −0 gives +0.
    x = [Float](repeating: .nan, count: n)
    #expect(aa_peak_abs(x, n).bitPattern == 0 && aa_peak_abs_baseline(x, n).bitPattern == 0)
    x = [Float](repeating: -0.0, count: n)
    #expect(aa_peak_abs(x, n).bitPattern == 0 && aa_peak_abs_baseline(x, n).bitPattern == 0)
  }
}
