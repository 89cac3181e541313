import Foundation
import Testing

@testable import AudioAmpKit

@Suite("DSP phase vocoder")
struct DSPPhaseVocoderTests {
  static let fs = 16000

  @Test(
    "pitch shift keeps the length and moves a sine by 2^(s/12)", arguments: [-4.0, -2, -1, 1, 2, 4])
  func pitchShiftMovesSine(semitones: Double) {
    let n = 3 * Self.fs / 2
    for hz in [220.0, 440.0, 1000.0] {
      let x = Signals.sine(hz, sampleRate: Self.fs, count: n)
      let y = PhaseVocoder.pitchShift(x, semitones: semitones, sampleRate: Self.fs)
      #expect(y.count == n)
      let want = hz * pow(2, semitones / 12)
      let got = Signals.peakFrequency(y, sampleRate: Self.fs)
      let err = Signals.cents(got, want)
      print(String(format: "pitch %+.0f st, sine %.0f Hz: %+.3f cents", semitones, hz, err))
      #expect(abs(err) < 5, "\(hz) Hz, \(semitones) st: \(got) Hz, want \(want), \(err) cents")
      if abs(err) >= 5 { Signals.dump("pitch-sine", sampleRate: Self.fs, [("in", x), ("out", y)]) }
    }
  }

  @Test(
    "pitch shift moves a harmonic tone's fundamental by 2^(s/12)",
    arguments: [-4.0, -2, -1, 1, 2, 4])
  func pitchShiftMovesHarmonicTone(semitones: Double) {
    let n = 3 * Self.fs / 2
    let f0 = 150.0
    let x = Signals.harmonicTone(f0, harmonics: 10, sampleRate: Self.fs, count: n)
    let y = PhaseVocoder.pitchShift(x, semitones: semitones, sampleRate: Self.fs)
    #expect(y.count == n)
    let want = f0 * pow(2, semitones / 12)
    let got = Signals.peakFrequency(y, sampleRate: Self.fs, minHz: want * 0.9, maxHz: want * 1.1)
    // The 5th harmonic must move by the same ratio (the spectrum is scaled, not shifted).
    let got5 = Signals.peakFrequency(
      y, sampleRate: Self.fs, minHz: 5 * want * 0.97, maxHz: 5 * want * 1.03)
    let err = Signals.cents(got, want)
    let err5 = Signals.cents(got5, 5 * want)
    print(
      String(
        format: "pitch %+.0f st, harmonic tone: f0 %+.3f, h5 %+.3f cents", semitones, err, err5))
    #expect(abs(err) < 5, "\(semitones) st: f0 \(got) Hz, want \(want), \(err) cents")
    #expect(abs(err5) < 5, "\(semitones) st: h5 \(got5) Hz, want \(5 * want), \(err5) cents")
    if abs(err) >= 5 || abs(err5) >= 5 {
      Signals.dump("pitch-harmonic", sampleRate: Self.fs, [("in", x), ("out", y)])
    }
  }

  @Test(
    "stretch gives round(n·ratio) samples and keeps the pitch", arguments: [0.8, 0.9, 1.1, 1.25])
  func stretchKeepsPitch(ratio: Double) {
    let n = 3 * Self.fs / 2
    for hz in [150.0, 440.0, 2000.0] {
      let x = Signals.sine(hz, sampleRate: Self.fs, count: n)
      let y = PhaseVocoder.stretch(x, by: ratio, sampleRate: Self.fs)
      #expect(abs(y.count - Int((Double(n) * ratio).rounded())) <= 256)
      let got = Signals.peakFrequency(y, sampleRate: Self.fs)
      let err = Signals.cents(got, hz)
      print(String(format: "stretch %.2f, sine %.0f Hz: %+.3f cents", ratio, hz, err))
      #expect(abs(err) < 5, "\(hz) Hz, ratio \(ratio): \(got) Hz, \(err) cents")
      // No fade-in: the first 256 samples carry the sine's level (within 1.5 dB).
      let head = 20 * log10(Signals.rms(y[0..<256]) / Signals.rms(x[0..<256]))
      let tail = 20 * log10(Signals.rms(y[(y.count - 256)...]) / Signals.rms(x[(n - 256)...]))
      #expect(
        abs(head) < 1.5 && abs(tail) < 1.5,
        "\(hz) Hz, ratio \(ratio): head \(head) dB, tail \(tail) dB")
      if abs(err) >= 5 || abs(head) >= 1.5 || abs(tail) >= 1.5 {
        Signals.dump("stretch", sampleRate: Self.fs, [("in", x), ("out", y)])
      }
    }
  }

  /// Loss of phase coherence between partials ("phasiness") shows up as a wobbling level on a
  /// steady harmonic tone; the 20 ms frame level must stay within 1 dB of its median.
  @Test(
    "stretched and pitch-shifted harmonic tones keep a steady level",
    arguments: [("stretch", 0.8), ("stretch", 1.25), ("pitch", -4), ("pitch", 3)])
  func harmonicToneLevelIsSteady(kind: String, amount: Double) {
    let n = 2 * Self.fs
    let x = Signals.harmonicTone(150, harmonics: 10, sampleRate: Self.fs, count: n)
    let y =
      kind == "stretch"
      ? PhaseVocoder.stretch(x, by: amount, sampleRate: Self.fs)
      : PhaseVocoder.pitchShift(x, semitones: amount, sampleRate: Self.fs)
    // Frames of a whole number of periods (≈ 60 ms), so a steady tone has a steady level.
    let period = Double(Self.fs) / (kind == "stretch" ? 150 : 150 * pow(2, amount / 12))
    let frame = Int((period * (0.06 * Double(Self.fs) / period).rounded()).rounded())
    var levels: [Double] = []
    var start = 0
    while start + frame <= y.count {
      levels.append(20 * log10(Signals.rms(y[start..<(start + frame)])))
      start += frame
    }
    let median = levels.sorted()[levels.count / 2]
    let worst = levels.map { abs($0 - median) }.max() ?? 0
    print("\(kind) \(amount): frame level within \(worst) dB of median")
    #expect(worst < 0.5, "\(kind) \(amount): level deviates \(worst) dB from its median")
    if worst >= 0.5 {
      Signals.dump("pv-level-\(kind)", sampleRate: Self.fs, [("in", x), ("out", y)])
    }
  }

  @Test("empty and shorter-than-a-frame inputs keep exact lengths")
  func shortInputsKeepLengths() {
    for n in [0, 1, 3, 100, 700, 1023, 1025] {
      let x = Signals.noise(key: UInt64(n), count: n)
      for ratio in [0.8, 1.25] {
        #expect(
          PhaseVocoder.stretch(x, by: ratio, sampleRate: Self.fs).count
            == Int((Double(n) * ratio).rounded()))
      }
      for s in [-3.0, 2.5] {
        #expect(PhaseVocoder.pitchShift(x, semitones: s, sampleRate: Self.fs).count == n)
      }
    }
  }

  @Test("identity parameters return the input")
  func identityReturnsInput() {
    let x = Signals.noise(key: 1, count: 5000)
    #expect(PhaseVocoder.stretch(x, by: 1, sampleRate: Self.fs) == x)
    #expect(PhaseVocoder.pitchShift(x, semitones: 0, sampleRate: Self.fs) == x)
  }
}
