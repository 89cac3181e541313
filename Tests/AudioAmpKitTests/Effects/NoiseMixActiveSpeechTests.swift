import Foundation
import Testing

@testable import AudioAmpKit

/// `snr_reference: active_speech`: the SNR is set and recorded against the P.56 active level.
@Suite struct NoiseMixActiveSpeechTests {
  /// Speech with long pauses (activity about 0.5): the achieved SNR against the active level is
  /// within 0.1 dB of the target, and the noise is about 10·log10(1/activity) dB louder than
  /// with the RMS reference at the same target.
  @Test(arguments: [0.0, 10, 20])
  func achievedActiveSpeechSNRMatchesTarget(_ snr: Double) throws {
    let talk = Signals.speechLike(seconds: 2, rate: 16000)
    let clean = talk + [Float](repeating: 0, count: 32000) + talk + [Float](repeating: 0, count: 32000)
    let files = try NoiseLibrary.scan(folder: NoiseMixTests.noiseDir)
    let ctx = EffectContext(
      utterance: Utterance(id: "u1", audioPath: "-", text: "t", origin: "test"), sampleRate: 16000, sampleCount: clean.count)
    func added(_ reference: SNRReference) throws -> ([Float], EffectOutput, NoiseMix.Parameters) {
      let fx = NoiseMix(pools: [.init(weight: 1, files: files)], snrDB: .constant(snr), snrReference: reference)
      var rng = UtteranceRNG(seed: 1, utteranceID: "u1", variant: 0)
      let p = fx.draw(ctx, using: &rng)
      let out = try fx.apply(p, to: AudioBuffer(samples: clean, sampleRate: 16000))
      return (zip(out.audio.samples, clean).map { $0 - $1 }, out, p)
    }
    let (noise, out, _) = try added(.activeSpeech)
    let p56 = ActiveSpeechLevel.measure(clean, sampleRate: 16000)
    let (active, activity) = (p56.levelDB, p56.activityFactor)
    let measured = active - 20 * log10(Levels.rms(noise))
    #expect(abs(measured - snr) < 0.1, "measured \(measured) dB for target \(snr)")
    let recorded = out.measured.first { $0.0 == "achieved_snr_db" }?.1.numberValue
    #expect(recorded.map { abs($0 - measured) < 0.01 } == true)
    let (rmsNoise, _, _) = try added(.rms)
    let louder = 20 * log10(Levels.rms(noise) / Levels.rms(rmsNoise))
    #expect(abs(louder + 10 * log10(activity)) < 0.01)
    #expect(activity > 0.4 && activity < 0.65)
  }
}
