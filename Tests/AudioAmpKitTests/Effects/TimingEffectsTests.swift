import Foundation
import Testing
@testable import AudioAmpKit

/// Effect-level checks of speed, tempo, pitch and band_limit: the wiring from drawn parameters to
/// the DSP kernels (the kernels' own specs are checked in DSP/).
@Suite struct TimingEffectsTests {
  let rate = 16000
  var tone: [Float] { Signals.sine(500, seconds: 1.5, rate: rate, amplitude: 0.4) }

  @Test(arguments: [0.9, 1.1, 1.25, 0.8])
  func speedScalesLengthAndFrequencyTogether(factor: Double) {
    let out = SpeedChange(factor: .constant(factor)).apply(factor, to: AudioBuffer(samples: tone, sampleRate: rate)).audio
    let expected = Int((Double(tone.count) / factor).rounded())
    #expect(abs(out.count - expected) <= 1)
    let f = Signals.peakFrequency(Array(out.samples.dropFirst(500).dropLast(500)), rate: rate, near: 500 * factor)
    #expect(abs(Signals.cents(f, 500 * factor)) < 5, "measured \(f) Hz; audio in \(Signals.dump("speed", sampleRate: rate, [("in", tone), ("out", out.samples)]))")
  }

  @Test(arguments: [0.9, 1.1])
  func tempoScalesLengthButKeepsPitch(factor: Double) {
    let out = TempoChange(factor: .constant(factor)).apply(factor, to: AudioBuffer(samples: tone, sampleRate: rate)).audio
    let expected = Double(tone.count) / factor
    #expect(abs(Double(out.count) - expected) <= 256)
    let f = Signals.peakFrequency(Array(out.samples.dropFirst(1000).dropLast(1000)), rate: rate, near: 500)
    #expect(abs(Signals.cents(f, 500)) < 5, "measured \(f) Hz; audio in \(Signals.dump("tempo", sampleRate: rate, [("in", tone), ("out", out.samples)]))")
  }

  @Test(arguments: [-2.0, 2.0])
  func pitchMovesFrequencyButKeepsLength(semitones: Double) {
    let out = PitchShift(semitones: .constant(semitones)).apply(semitones, to: AudioBuffer(samples: tone, sampleRate: rate)).audio
    #expect(out.count == tone.count)
    let target = 500 * pow(2, semitones / 12)
    let f = Signals.peakFrequency(Array(out.samples.dropFirst(1000).dropLast(1000)), rate: rate, near: target)
    #expect(abs(Signals.cents(f, target)) < 5, "measured \(f) Hz for \(target); audio in \(Signals.dump("pitch", sampleRate: rate, [("in", tone), ("out", out.samples)]))")
  }

  @Test func identityParametersReturnTheInputUntouched() throws {
    let a = AudioBuffer(samples: tone, sampleRate: rate)
    #expect(SpeedChange(factor: .constant(1)).apply(1, to: a).audio == a)
    #expect(TempoChange(factor: .constant(1)).apply(1, to: a).audio == a)
    #expect(PitchShift(semitones: .constant(0)).apply(0, to: a).audio == a)
    #expect(Gain(db: .constant(0)).apply(0, to: a).audio == a)
  }

  @Test func bandLimitKeepsLengthAndRemovesOutOfBandTones() throws {
    let low = Signals.sine(100, seconds: 1, rate: rate, amplitude: 0.3)
    let mid = Signals.sine(1000, seconds: 1, rate: rate, amplitude: 0.3)
    let high = Signals.sine(6000, seconds: 1, rate: rate, amplitude: 0.3)
    let fx = BandLimit(lowHz: .constant(300), highHz: .constant(3400))
    let p = BandLimit.Parameters(lowHz: 300, highHz: 3400)
    for (x, passes) in [(low, false), (mid, true), (high, false)] {
      let out = try fx.apply(p, to: AudioBuffer(samples: x, sampleRate: rate)).audio
      #expect(out.count == x.count)
      let core = { (s: [Float]) in Array(s[2000..<14000]) }
      let ratio = Levels.dB(amplitude: Levels.rms(core(out.samples)) / Levels.rms(core(x)))
      if passes { #expect(abs(ratio) < 0.5) } else { #expect(ratio < -60, "attenuation only \(ratio) dB") }
    }
  }

  @Test func stagesDrawFromIndependentStreams() throws {
    // Adding a draw to one stage must not change what another stage draws.
    let u = Utterance(id: "u", audioPath: "-", text: "t", origin: "test")
    let ctx = EffectContext(utterance: u, sampleRate: rate, sampleCount: 100)
    let rng = UtteranceRNG(seed: 3, utteranceID: "u", variant: 0)
    let audio = AudioBuffer(samples: [Float](repeating: 0.1, count: 100), sampleRate: rate)
    let g1 = EffectStage(Gain(db: .uniform(-6, 6)), probability: 1, index: 1)
    let (_, alone) = try g1.run(audio, context: ctx, rng: rng)
    let g0 = EffectStage(Gain(db: .uniform(-6, 6)), probability: 0.5, index: 0)
    _ = try g0.run(audio, context: ctx, rng: rng)
    let (_, after) = try g1.run(audio, context: ctx, rng: rng)
    #expect(alone == after)
  }

  @Test func probabilityAppliesTheStageAboutThatOften() throws {
    let u = Utterance(id: "u", audioPath: "-", text: "t", origin: "test")
    let ctx = EffectContext(utterance: u, sampleRate: rate, sampleCount: 10)
    let audio = AudioBuffer(samples: [Float](repeating: 0.1, count: 10), sampleRate: rate)
    let stage = EffectStage(Gain(db: .constant(3)), probability: 0.3, index: 0)
    var applied = 0
    for v in 0..<3000 {
      let (_, r) = try stage.run(audio, context: ctx, rng: UtteranceRNG(seed: 1, utteranceID: "u", variant: v))
      if r != nil { applied += 1 }
    }
    #expect(abs(Double(applied) / 3000 - 0.3) < 0.03)
  }
}
