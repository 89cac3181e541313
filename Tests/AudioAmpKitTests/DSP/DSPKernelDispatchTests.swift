import CKernels
import Foundation
import Testing

@testable import AudioAmpKit

/// The resamplers' C kernels run an AVX version where the machine has AVX and a baseline x86-64
/// version elsewhere. Outputs must not depend on which: the two are compared bit for bit here,
/// and both against a plain double-precision evaluation of the formula they implement.
@Suite("DSP kernels: AVX and baseline give the same bits")
struct DSPKernelDispatchTests {
  static let lengths = [1, 7, 8, 9, 31, 32, 33, 100, 1000, 16001]

  static func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }

  /// The odd samples of x zero-padded as `HalfbandResampler.decimate` lays them out.
  static func oddPadded(_ x: [Float], k: Int) -> [Float] {
    var odd = [Float](repeating: 0, count: x.count / 2 + 2 * k + 16)
    for i in 0..<(x.count / 2) { odd[k + i] = x[2 * i + 1] }
    return odd
  }

  @Test("half-band decimate: dispatched = baseline bit for bit, and = the formula", arguments: lengths)
  func halfbandDecimate(n: Int) {
    let x = Signals.noise(key: UInt64(n), count: n, sigma: 0.3)
    let c = HalfbandResampler.oddTaps
    let k = c.count
    let odd = Self.oddPadded(x, k: k)
    let count = (n + 1) / 2
    var a = [Float](repeating: 0, count: count)
    var b = [Float](repeating: 1, count: count)
    odd.withUnsafeBufferPointer { o in
      aa_halfband_decimate(x, o.baseAddress! + k, c, k, &a, count)
      aa_halfband_decimate_baseline(x, o.baseAddress! + k, c, k, &b, count)
    }
    #expect(Self.bits(a) == Self.bits(b))
    #expect(Self.bits(a) == Self.bits(HalfbandResampler.decimate(x)))
    // y[m] = Σ h[j]·x[2m − j] with h[0] = ½ and h[±(2l+1)] = c[l].
    var worst = 0.0
    for m in 0..<count {
      var s = 0.5 * Double(x[2 * m])
      for l in 0..<k {
        let lo = 2 * m - (2 * l + 1), hi = 2 * m + (2 * l + 1)
        if lo >= 0 { s += Double(c[l]) * Double(x[lo]) }
        if hi < n { s += Double(c[l]) * Double(x[hi]) }
      }
      worst = max(worst, abs(s - Double(a[m])))
    }
    #expect(worst < 1e-6, "largest error \(worst)")
  }

  @Test("half-band midpoints: dispatched = baseline bit for bit, and = the formula", arguments: lengths)
  func halfbandMidpoints(n: Int) {
    let x = Signals.noise(key: UInt64(100 + n), count: n, sigma: 0.3)
    let c = HalfbandResampler.oddTaps.map { 2 * $0 }
    let k = c.count
    var padded = [Float](repeating: 0, count: n + 2 * k + 16)
    for i in 0..<n { padded[k + i] = x[i] }
    var a = [Float](repeating: 0, count: n)
    var b = [Float](repeating: 1, count: n)
    padded.withUnsafeBufferPointer { p in
      aa_halfband_midpoints(p.baseAddress! + k, c, k, &a, n)
      aa_halfband_midpoints_baseline(p.baseAddress! + k, c, k, &b, n)
    }
    #expect(Self.bits(a) == Self.bits(b))
    let up = HalfbandResampler.interpolate(x)
    #expect(Self.bits(a) == Self.bits((0..<n).map { up[2 * $0 + 1] }))
    var worst = 0.0
    for m in 0..<n {
      var s = 0.0
      for l in 0..<k {
        if m - l >= 0 { s += Double(c[l]) * Double(x[m - l]) }
        if m + 1 + l < n { s += Double(c[l]) * Double(x[m + 1 + l]) }
      }
      worst = max(worst, abs(s - Double(a[m])))
    }
    #expect(worst < 1e-6, "largest error \(worst)")
  }

  struct Factor: CustomStringConvertible, Sendable {
    var value: Double
    var description: String { "\(value)" }
  }

  /// 1.1 and 0.9 take the exact path (11/10, 9/10), 1.0837 and 0.9413 the interpolated one.
  @Test("polyphase: dispatched = baseline bit for bit, and = the formula", arguments: [1.1, 0.9, 1.0837, 0.9413].map(Factor.init))
  func polyphase(_ f: Factor) {
    let factor = f.value
    let x = Signals.noise(key: 7, count: 4001, sigma: 0.3)
    let table = PolyphaseResampler.Table.shared(factor: factor)
    let taps = table.tapCount, k = table.halfWidth
    let padCount = x.count + taps + k + 4
    var padded = [Float](repeating: 0, count: padCount)
    for i in 0..<x.count { padded[k + i] = x[i] }
    let count = Int((Double(x.count) / factor).rounded())
    var a = [Float](repeating: 0, count: count)
    var b = [Float](repeating: 0, count: count)
    if let (p, q) = table.ratio {
      aa_polyphase_exact(padded, padCount, table.coefficients, taps, p, q, &a, count)
      aa_polyphase_exact_baseline(padded, padCount, table.coefficients, taps, p, q, &b, count)
    } else {
      let phases = PolyphaseResampler.interpolatedPhases
      aa_polyphase_interpolated(padded, padCount, table.coefficients, table.differences!, taps, factor, phases, &a, count)
      aa_polyphase_interpolated_baseline(padded, padCount, table.coefficients, table.differences!, taps, factor, phases, &b, count)
    }
    #expect((table.ratio != nil) == (factor == 1.1 || factor == 0.9))
    #expect(Self.bits(a) == Self.bits(b))
    #expect(Self.bits(a) == Self.bits(PolyphaseResampler.resample(x, factor: factor)))
    // Output m reads padded[⌊m·factor⌋ + 1 + t] against its phase row (interpolated between
    // rows on the irrational path), evaluated here in doubles.
    var worst = 0.0
    for m in stride(from: 0, to: count, by: 37) {
      var i0: Int, row: Int, w = 0.0
      if let (p, q) = table.ratio {
        (i0, row) = ((m * p) / q, (m * p) % q)
      } else {
        let t = Double(m) * factor
        let pos = (t - t.rounded(.down)) * Double(PolyphaseResampler.interpolatedPhases)
        i0 = Int(t.rounded(.down))
        row = min(Int(pos), PolyphaseResampler.interpolatedPhases - 1)
        w = pos - Double(row)
      }
      var s = 0.0
      for i in 0..<taps {
        var h = Double(table.coefficients[row * taps + i])
        if let d = table.differences { h += w * Double(d[row * taps + i]) }
        s += Double(padded[i0 + 1 + i]) * h
      }
      worst = max(worst, abs(s - Double(a[m])))
    }
    #expect(worst < 1e-5, "largest error \(worst)")
  }

  @Test("dispatch matches the CPU: AVX on an x86-64 Linux machine that has it")
  func dispatchReport() throws {
    #if arch(x86_64) && os(Linux)
      let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
      let hasAVX = flags.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx") ?? false
      #expect((aa_kernels_use_avx() == 1) == hasAVX)
      #expect(DSPKernels.instructionSet == (hasAVX ? "avx" : "baseline"))
    #else
      #expect(aa_kernels_use_avx() == 0)
    #endif
  }
}
