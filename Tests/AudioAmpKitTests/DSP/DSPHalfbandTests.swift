import CSampleRate
import Foundation
import Testing

@testable import AudioAmpKit

/// The 2:1 / 1:2 half-band path codecs use between 16 and 8 kHz: a spec sheet of pass-band
/// flatness, alias and image rejection, exact lengths and exact (zero) delay.
@Suite("DSP half-band 2:1 / 1:2 resampler")
struct DSPHalfbandTests {
  static let high = 16000
  static let low = 8000

  @Test("lengths: decimate gives round(n/2), interpolate 2n", arguments: [0, 1, 2, 3, 15, 16, 17, 1001, 16000])
  func lengthsAreExact(n: Int) throws {
    let x = Signals.noise(key: 3, count: n)
    #expect(HalfbandResampler.decimate(x).count == (try SampleRateConverter.convert(x, from: 16000, to: 8000)).count)
    #expect(HalfbandResampler.decimate(x).count == (n + 1) / 2)
    #expect(HalfbandResampler.interpolate(x).count == 2 * n)
  }

  struct Band: CustomStringConvertible, Sendable {
    var hz: Double
    var description: String { "\(Int(hz)) Hz" }
  }

  /// Pass band: 50 Hz to 3,700 Hz (0.925 of 4 kHz) through each direction, gain within 0.01 dB
  /// and everything but the tone at least 110 dB down.
  @Test("pass band flat to 0.01 dB, tone/residual ≥ 110 dB", arguments: [50.0, 300, 1000, 2000, 3000, 3400, 3600, 3700].map(Band.init))
  func passBandIsFlat(_ b: Band) {
    let amp = 0.5
    let down = HalfbandResampler.decimate(Signals.sine(b.hz, sampleRate: Self.high, count: Self.high, amplitude: amp))
    let up = HalfbandResampler.interpolate(Signals.sine(b.hz, sampleRate: Self.low, count: Self.low, amplitude: amp))
    for (label, y, rate) in [("decimate", down, Self.low), ("interpolate", up, Self.high)] {
      let fit = Signals.fitSine(y, hz: b.hz, sampleRate: rate, range: y.count / 4..<(3 * y.count / 4))
      let gainDB = 20 * log10(fit.amplitude / amp)
      let residualDB = -20 * log10(fit.residualRMS / (amp / 2.squareRoot()))
      #expect(abs(gainDB) <= 0.01, "\(label) \(b): gain \(gainDB) dB")
      #expect(residualDB >= 110, "\(label) \(b): tone/residual \(residualDB) dB")
    }
  }

  /// Decimation: tones from the stop-band edge (4,300 Hz) to 7,950 Hz fold below 3,700 Hz and
  /// must come out at least 120 dB down; libsamplerate medium, the converter this path replaces
  /// (specified at 121 dB), is measured on the same tones, and wherever it rejects less than
  /// 121 dB this path must reject at least as much.
  @Test("alias rejection ≥ 120 dB from 4,300 Hz up", arguments: [4300.0, 4500, 5000, 6000, 7000, 7950].map(Band.init))
  func aliasesAreRejected(_ b: Band) throws {
    let amp = 0.5
    let x = Signals.sine(b.hz, sampleRate: Self.high, count: Self.high, amplitude: amp)
    func rejection(_ y: [Float]) -> Double {
      let r = Signals.rms(y[(y.count / 4)..<(3 * y.count / 4)])
      return -20 * log10(max(r, 1e-12) / (amp / 2.squareRoot()))
    }
    let ours = rejection(HalfbandResampler.decimate(x))
    let theirs = rejection(try SampleRateConverter.convert(x, from: Self.high, to: Self.low, quality: .medium))
    print("alias rejection at \(b): half-band \(ours) dB, libsamplerate medium \(theirs) dB")
    #expect(ours >= 120, "\(b): alias rejection \(ours) dB")
    #expect(ours >= min(theirs, 121), "\(b): ours \(ours) dB, libsamplerate medium \(theirs) dB")
  }

  /// Interpolation: the image of a tone at f (8 kHz) lands at 8,000 − f; for every tone up to
  /// 3,700 Hz the output above 4,300 Hz must be at least 120 dB down (tone fitted and removed,
  /// residual measured).
  @Test("image rejection ≥ 120 dB", arguments: [300.0, 1000, 2500, 3400, 3700].map(Band.init))
  func imagesAreRejected(_ b: Band) {
    let amp = 0.5
    let y = HalfbandResampler.interpolate(Signals.sine(b.hz, sampleRate: Self.low, count: Self.low, amplitude: amp))
    let fit = Signals.fitSine(y, hz: b.hz, sampleRate: Self.high, range: y.count / 4..<(3 * y.count / 4))
    let residualDB = -20 * log10(fit.residualRMS / (amp / 2.squareRoot()))
    #expect(residualDB >= 120, "\(b): image \(residualDB) dB down")
  }

  /// Zero delay: an impulse at 16 kHz sample 2m decimates to a response centred exactly on
  /// 8 kHz sample m (symmetric about it, peak there); interpolation keeps every input sample
  /// at twice its index, bit for bit.
  @Test("delay is exactly zero in both directions")
  func delayIsZero() {
    for m in [0, 1, 57, 400, 999] {
      var x = [Float](repeating: 0, count: 2000 * 2)
      x[2 * m] = 1
      let y = HalfbandResampler.decimate(x)
      #expect(y.indices.max(by: { abs(y[$0]) < abs(y[$1]) }) == m)
      for j in 1..<40 where m - j >= 0 {
        #expect(y[m - j] == y[m + j], "decimated impulse at \(m) not symmetric at ±\(j)")
      }
    }
    let x = Signals.noise(key: 9, count: 4001)
    let up = HalfbandResampler.interpolate(x)
    #expect((0..<x.count).allSatisfy { up[2 * $0] == x[$0] })
  }

  /// A signal band-limited below 3,700 Hz survives 8 → 16 → 8 kHz within −100 dB; and in the
  /// telephone band (tones to 3,400 Hz) the half-band and libsamplerate medium conversions of
  /// the same signal agree closely (the difference is libsamplerate's own pass-band ripple),
  /// which bounds how much codec outputs change with the switch.
  @Test("round trip 8 → 16 → 8 kHz returns the input")
  func roundTripReturnsInput() throws {
    // Sum of tones below 3,600 Hz at 8 kHz with a slow envelope, so the ends matter little.
    let n = Self.low * 2
    var x = [Float](repeating: 0, count: n)
    for (k, hz) in [120.0, 440, 975, 1800, 2650, 3333, 3590].enumerated() {
      let w = 2 * Double.pi * hz / Double(Self.low)
      for i in 0..<n { x[i] += Float(0.07 * sin(w * Double(i) + Double(k))) }
    }
    let back = HalfbandResampler.decimate(HalfbandResampler.interpolate(x))
    let mid = (n / 4)..<(3 * n / 4)
    let err = zip(x[mid], back[mid]).map { $0 - $1 }
    let snr = 20 * log10(Signals.rms(x[mid]) / max(Signals.rms(err[...]), 1e-12))
    #expect(snr >= 100, "round-trip SNR \(snr) dB")
    var phone = [Float](repeating: 0, count: n)
    for (k, hz) in [120.0, 440, 975, 1800, 2650, 3333, 3400].enumerated() {
      let w = 2 * Double.pi * hz / Double(Self.low)
      for i in 0..<n { phone[i] += Float(0.07 * sin(w * Double(i) + Double(k))) }
    }
    let ours = HalfbandResampler.interpolate(phone)
    let theirs = try SampleRateConverter.convert(phone, from: Self.low, to: Self.high, quality: .medium)
    let mid2 = (2 * n / 4)..<(6 * n / 4)
    let diff = zip(ours[mid2], theirs[mid2]).map { $0 - $1 }
    let agreement = 20 * log10(Signals.rms(ours[mid2]) / max(Signals.rms(diff[...]), 1e-12))
    print("half-band vs libsamplerate medium, 8 → 16 kHz: \(agreement) dB")
    #expect(agreement >= 60, "half-band and libsamplerate medium differ: \(agreement) dB")
  }
}
