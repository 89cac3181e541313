import CSampleRate
import Foundation
import Testing

@testable import AudioAmpKit

@Suite("DSP resampling")
struct DSPResamplerTests {
  static let randomFactors: [Double] = {
    var rng = UtteranceRNG(key: 2024)
    return (0..<4).map { _ in rng.uniform(0.75, 1.35) }
  }()

  @Test("output length is round(n / factor)", arguments: [0.8, 0.9, 1.1, 1.25] + randomFactors)
  func resampledLengthIsExact(factor: Double) {
    for n in [0, 1, 2, 7, 1000, 16001] {
      let y = PolyphaseResampler.resample(Signals.noise(key: 5, count: n), factor: factor)
      #expect(y.count == Int((Double(n) / factor).rounded()), "n \(n), factor \(factor)")
    }
  }

  @Test("factor 1 returns the input unchanged")
  func unitFactorIsIdentity() {
    let x = Signals.noise(key: 3, count: 1234)
    #expect(PolyphaseResampler.resample(x, factor: 1) == x)
  }

  @Test(
    "a sine's frequency moves by the factor (< 1 cent)",
    arguments: [0.8, 0.9, 1.1, 1.25] + randomFactors)
  func sineFrequencyScalesByFactor(factor: Double) {
    let fs = 16000
    for hz in [220.0, 1000.0, 3000.0] {
      let x = Signals.sine(hz, sampleRate: fs, count: fs)
      let y = PolyphaseResampler.resample(x, factor: factor)
      let got = Signals.peakFrequency(y, sampleRate: fs)
      let err = Signals.cents(got, hz * factor)
      print(String(format: "resample %.4f, sine %.0f Hz: %+.5f cents", factor, hz, err))
      #expect(abs(err) < 1, "factor \(factor), \(hz) Hz: \(got) Hz, \(err) cents")
      if abs(err) >= 1 { Signals.dump("resample-freq", sampleRate: fs, [("in", x), ("out", y)]) }
    }
  }

  @Test(
    "output sample m is the input at time m·factor (no delay)",
    arguments: [0.8, 1.1, 1.25] + randomFactors)
  func resampledSineFollowsContinuousTime(factor: Double) {
    let fs = 16000
    let hz = 1000.0
    let x = Signals.sine(hz, sampleRate: fs, count: fs)
    let y = PolyphaseResampler.resample(x, factor: factor)
    let w = 2 * Double.pi * hz / Double(fs)
    var worst = 0.0
    // Skip 200 samples at each end, where the kernel runs off the signal.
    for m in 200..<(y.count - 200) {
      worst = max(worst, abs(Double(y[m]) - 0.5 * sin(w * Double(m) * factor)))
    }
    #expect(worst < 1e-4, "factor \(factor): max deviation \(worst)")
  }

  /// libsamplerate SRC_SINC_MEDIUM_QUALITY with the same time mapping (ratio = 1/factor).
  static func libsamplerateMedium(_ x: [Float], factor: Double) -> [Float] {
    let want = Int((Double(x.count) / factor).rounded())
    var out = [Float](repeating: 0, count: want + 16)
    var gen = 0
    x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { op in
        var d = SRC_DATA()
        d.data_in = xp.baseAddress
        d.data_out = op.baseAddress
        d.input_frames = x.count
        d.output_frames = op.count
        d.src_ratio = 1 / factor
        d.end_of_input = 1
        _ = src_simple(&d, Int32(SRC_SINC_MEDIUM_QUALITY), 1)
        gen = d.output_frames_gen
      }
    }
    return Array(out[0..<min(gen, want)])
  }

  struct Quality: CustomStringConvertible {
    var flatnessDB = 0.0  // worst |gain| in dB over the pass-band test tones
    var rejectionDB = Double.infinity  // worst attenuation of tones that must be removed
    /// Worst ratio of a pass-band tone to everything else in the output (images, aliases,
    /// kernel-interpolation and rounding noise), in dB.
    var toneToResidualDB = Double.infinity
    var description: String {
      String(
        format: "flatness %.4f dB, rejection %.1f dB, tone/residual %.1f dB", flatnessDB,
        rejectionDB, toneToResidualDB)
    }
  }

  /// Pass-band tones at 5–85 % of the output band, stop tones from 100 % of the new Nyquist up
  /// to the input Nyquist (for factor < 1: images, measured as everything except the tone).
  static func quality(factor: Double, resample: ([Float], Double) -> [Float]) -> Quality {
    let fs = 16000
    let n = fs
    let band = min(1, 1 / factor) * Double(fs) / 2  // band edge in input-rate Hz
    var q = Quality()
    for rel in [0.05, 0.2, 0.4, 0.6, 0.8, 0.85] {
      let hz = rel * band
      let amp = 0.5
      let y = resample(Signals.sine(hz, sampleRate: fs, count: n, amplitude: amp), factor)
      let fit = Signals.fitSine(
        y, hz: hz * factor, sampleRate: fs, range: y.count / 4..<(3 * y.count / 4))
      q.flatnessDB = max(q.flatnessDB, abs(20 * log10(fit.amplitude / amp)))
      let residualDB = -20 * log10(fit.residualRMS / (amp / 2.squareRoot()))
      q.toneToResidualDB = min(q.toneToResidualDB, residualDB)
      if factor < 1 { q.rejectionDB = min(q.rejectionDB, residualDB) }
    }
    if factor > 1 {
      for rel in [1.0, 1.01, 1.03, 1.06, 1.1, 1.15, 1.2] where rel * band < Double(fs) / 2 - 50 {
        let amp = 0.5
        let y = resample(Signals.sine(rel * band, sampleRate: fs, count: n, amplitude: amp), factor)
        let r = Signals.rms(y[(y.count / 4)..<(3 * y.count / 4)])
        q.rejectionDB = min(q.rejectionDB, -20 * log10(max(r, 1e-12) / (amp / 2.squareRoot())))
      }
    }
    return q
  }

  @Test(
    "alias/image rejection, residual and flatness at least as good as libsamplerate medium",
    arguments: [1.1, 1.25, 0.8, 0.9317, 1.1224620483093730])
  func qualityMatchesLibsamplerateMedium(factor: Double) {
    let mine = Self.quality(factor: factor) { PolyphaseResampler.resample($0, factor: $1) }
    let theirs = Self.quality(factor: factor) { Self.libsamplerateMedium($0, factor: $1) }
    print("factor \(factor): polyphase \(mine); libsamplerate medium \(theirs)")
    #expect(mine.flatnessDB <= theirs.flatnessDB)
    #expect(mine.rejectionDB >= theirs.rejectionDB)
    #expect(mine.toneToResidualDB >= theirs.toneToResidualDB)
  }
}

@Suite("DSP sample-rate conversion")
struct DSPSampleRateConverterTests {
  @Test("converted length is round(n·to/from)")
  func convertedLengthIsExact() throws {
    let table: [(Int, Int, Int)] = [
      (16000, 8000, 16001), (44100, 16000, 44100), (8000, 16000, 999),
      (16000, 16000, 100), (22050, 16000, 0),
    ]
    for (from, to, n) in table {
      let x = Signals.sine(440, sampleRate: from, count: n)
      let y = try SampleRateConverter.convert(x, from: from, to: to, quality: .medium)
      #expect(y.count == Int((Double(n) * Double(to) / Double(from)).rounded()))
      if from == to { #expect(y == x) }
      if n > 1000 {
        let f = Signals.peakFrequency(y, sampleRate: to)
        #expect(abs(Signals.cents(f, 440)) < 1, "\(from)→\(to): \(f) Hz")
      }
    }
  }

  @Test("bad rates throw readable errors")
  func badRatesThrow() {
    #expect(throws: DSPError.invalidSampleRate(0)) {
      _ = try SampleRateConverter.convert([0, 1], from: 0, to: 16000)
    }
    #expect(throws: DSPError.self) {
      _ = try SampleRateConverter.convert([0, 1], from: 1, to: 16000)
    }
  }
}
