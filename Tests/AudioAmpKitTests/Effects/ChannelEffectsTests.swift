import Foundation
import Testing

@testable import AudioAmpKit

/// Handset, AGC, compressor, clipping and the codec effect through the Effect API.
@Suite struct ChannelEffectsTests {
  static let context = EffectContext(
    utterance: Utterance(id: "u1", audioPath: "/dev/null", text: "x", origin: "test"), sampleRate: 16000,
    sampleCount: 48000)

  @Test(arguments: [0.0001, 0.001, 0.01, 0.05, 0.2])
  func clippingFractionIsExact(_ fraction: Double) {
    let x = Signals.noise(seconds: 2, rate: 16000, rms: 0.1, key: 3)
    for soft in [false, true] {
      let effect = Clipping(spec: ClippingSpec(soft: soft, level: .fraction(.constant(fraction))))
      let out = effect.apply(fraction, to: AudioBuffer(samples: x, sampleRate: 16000))
      let k = Int((fraction * Double(x.count)).rounded())
      // Soft clipping bends samples just above the level by less than a float step, so count
      // those above the level; hard clipping changes exactly them.
      let level = effect.level(fraction, for: x)!
      let above = x.filter { abs($0) > level }.count
      #expect(above == k, "soft \(soft) fraction \(fraction)")
      if !soft { #expect(zip(x, out.audio.samples).filter { $0 != $1 }.count == k) }
      let recorded = out.measured.first { $0.0 == "clipped_fraction" }?.1
      #expect(recorded == .number((Double(k) / Double(x.count) * 1e6).rounded() / 1e6))
      let ceiling = soft ? level * Float(Levels.amplitude(dB: 3)) : level
      #expect(Levels.peak(out.audio.samples) <= ceiling * 1.0001)
    }
  }

  @Test func clippingByThresholdFlattensAtThreshold() {
    let x = Signals.sine(440, seconds: 1, rate: 16000, amplitude: 0.9)
    let effect = Clipping(spec: ClippingSpec(level: .thresholdDB(.constant(-6))))
    let out = effect.apply(-6, to: AudioBuffer(samples: x, sampleRate: 16000)).audio.samples
    #expect(abs(Double(Levels.peak(out)) - Levels.amplitude(dB: -6)) < 1e-6)
  }

  /// A tone 8 dB below target, then 6 dB above (a talker moving away from and back to the
  /// phone): 6τ after each change the output is within 0.5 dB of the target.
  @Test(arguments: [0.3, 1.0])
  func agcSettles(_ tau: Double) {
    let rate = 16000
    let seconds = 6 * tau + 0.3
    let quiet = Signals.sine(300, seconds: seconds, rate: rate, amplitude: Float(Levels.amplitude(dB: -34) * 2.squareRoot()))
    let loud = Signals.sine(300, seconds: seconds, rate: rate, amplitude: Float(Levels.amplitude(dB: -20) * 2.squareRoot()))
    let agc = AGC(spec: AGCSpec(targetDB: .constant(-26), maxGainDB: 20, timeSeconds: tau))
    let out = agc.apply(-26, to: AudioBuffer(samples: quiet + loud, sampleRate: rate)).audio.samples
    let n = quiet.count
    let tail = Int(0.3 * Double(rate))
    let first = 20 * log10(Levels.rms(Array(out[(n - tail)..<n])))
    let second = 20 * log10(Levels.rms(Array(out[(2 * n - tail)..<(2 * n)])))
    #expect(abs(first + 26) < 0.5, "τ \(tau): quiet part settles at \(first) dB")
    #expect(abs(second + 26) < 0.5, "τ \(tau): loud part settles at \(second) dB")
  }

  /// A steady tone of peak level P above threshold T leaves with peak T + (P − T)/ratio.
  @Test(arguments: [(-20.0, 4.0, -6.0), (-30.0, 2.0, -10.0), (-12.0, 10.0, -3.0)])
  func compressorStaticCurve(_ threshold: Double, _ ratio: Double, _ peakDB: Double) {
    let x = Signals.sine(500, seconds: 1, rate: 16000, amplitude: Float(Levels.amplitude(dB: peakDB)))
    let c = Compressor(spec: CompressorSpec(thresholdDB: .constant(threshold), ratio: .constant(ratio), attackMS: 1, releaseMS: 500))
    let out = c.apply(.init(thresholdDB: threshold, ratio: ratio), to: AudioBuffer(samples: x, sampleRate: 16000)).audio.samples
    let measured = 20 * log10(Double(Levels.peak(Array(out[8000...]))))
    let expected = threshold + (peakDB - threshold) / ratio
    #expect(abs(measured - expected) < 0.5, "T \(threshold) R \(ratio): \(measured) dB, expected \(expected)")
  }

  /// The handset filters' measured gains follow their tables within 1.5 dB in the pass band, and
  /// the IRS response is down by at least 20 dB at 100 Hz and 4.5 kHz.
  @Test(arguments: HandsetType.allCases)
  func handsetResponseShape(_ type: HandsetType) {
    let x = Signals.noise(seconds: 4, rate: 16000, rms: 0.1, key: 8)
    let y = Handset(types: [type]).apply(type, to: AudioBuffer(samples: x, sampleRate: 16000)).audio.samples
    #expect(y.count == x.count)
    let gains = Signals.transferGain(input: x, output: y, nfft: 1024)
    func measuredDB(_ hz: Double) -> Double { 20 * log10(gains[Int((hz / 16000 * 1024).rounded())]) }
    for hz in [400.0, 1000, 1500, 2000, 2500, 3000] {
      let asked = Handset.gainDB(type, hz: hz)
      #expect(abs(measuredDB(hz) - asked) < 1.5, "\(type) at \(hz) Hz: \(measuredDB(hz)) dB, table \(asked)")
    }
    if type == .irs {
      #expect(measuredDB(100) < -20)
      #expect(measuredDB(4500) < -20)
    }
    // Linear phase, delay compensated: the filtered noise peaks at lag 0.
    #expect(CodecMeasure.xcorrPeakLag(x, y, maxLag: 50) == 0)
  }

  @Test func codecEffectRecordsLossPatternAndKeepsLength() throws {
    let spec = CodecSpec(
      names: [.amrNB], amrMode: .choice([4.75, 7.95, 12.2]), modeSwitchSeconds: 1, dtx: true,
      packetLoss: PacketLossSpec(rate: .constant(0.1), burst: .constant(2)))
    let effect = Codec(spec: spec)
    let x = Signals.vowels(seconds: 3, rate: 16000)
    var rng = UtteranceRNG(seed: 1, utteranceID: "u1", variant: 0)
    let p = effect.draw(Self.context, using: &rng)
    #expect(p.amrModes.count == 3)
    let out = try effect.apply(p, to: AudioBuffer(samples: x, sampleRate: 16000))
    #expect(out.audio.count == x.count)
    let fields = Dictionary(uniqueKeysWithValues: (effect.record(p) + out.measured).map { ($0.0, $0.1) })
    for key in ["codec", "mode_kbps", "dtx", "packet_loss_rate", "packet_loss_burst", "loss_seed", "frames", "lost_frames", "achieved_loss_rate", "loss_bursts", "codec_delay_samples"] {
      #expect(fields[key] != nil, "missing \(key)")
    }
    // Same parameters, same output: apply is deterministic.
    #expect(try effect.apply(p, to: AudioBuffer(samples: x, sampleRate: 16000)).audio == out.audio)
  }
}
