import Foundation
import Testing

@testable import AudioAmpKit

@Suite struct ActiveSpeechLevelBurstTests {
  /// Bursts of noise separated by silence: the active level equals the level within the bursts
  /// (±0.5 dB; P.56 counts 0.2 s of hangover after each burst as active, which lowers it by
  /// 10·log10(1 + 0.28/on) dB, so bursts are at least 3 s long here), exceeds the RMS level by
  /// −10·log10(activity) (±0.5 dB), and the activity factor is the bursts' share plus at most
  /// the hangover.
  @Test(arguments: [(3.0, 3.0), (3.0, 9.0), (4.0, 1.0), (6.0, 12.0)])
  func burstsSeparatedBySilence(_ on: Double, _ off: Double) {
    let rate = 16000
    let burst = Signals.noise(seconds: on, rate: rate, rms: 0.05, key: 11)
    var x: [Float] = []
    for _ in 0..<3 {
      x += burst
      x += [Float](repeating: 0, count: Int(off * Double(rate)))
    }
    let p56 = ActiveSpeechLevel.measure(x, sampleRate: rate)
    let (level, activity) = (p56.levelDB, p56.activityFactor)
    let rmsDB = 20 * log10(Levels.rms(x))
    let burstDB = 20 * log10(0.05)
    let share = on / (on + off)
    #expect(abs(level - burstDB) <= 0.5, "on \(on) off \(off): active \(level) dB vs burst \(burstDB) dB")
    #expect(abs((level - rmsDB) - (-10 * log10(activity))) <= 0.5)
    #expect(abs((level - rmsDB) - (-10 * log10(share))) <= 0.5, "activity \(activity), share \(share)")
    #expect(activity >= share - 0.01 && activity <= share + 0.25 / (on + off) + 0.01)
  }

  /// On continuous noise, active level and RMS level agree within 0.5 dB.
  @Test(arguments: [0.001, 0.01, 0.1, 0.3])
  func continuousNoiseIsAllActive(_ rms: Float) {
    let x = Signals.noise(seconds: 5, rate: 16000, rms: rms, key: 5)
    let p56 = ActiveSpeechLevel.measure(x, sampleRate: 16000)
    let (level, activity) = (p56.levelDB, p56.activityFactor)
    #expect(abs(level - 20 * log10(Levels.rms(x))) <= 0.5)
    #expect(activity > 0.9)
  }

  @Test func speechLikeWithPausesHasActivityBelowOne() {
    let talk = Signals.speechLike(seconds: 3, rate: 16000)
    let x = talk + [Float](repeating: 0, count: 48000) + talk + [Float](repeating: 0, count: 48000)
    let p56 = ActiveSpeechLevel.measure(x, sampleRate: 16000)
    let (level, activity) = (p56.levelDB, p56.activityFactor)
    #expect(activity > 0.4 && activity < 0.6, "activity \(activity)")
    #expect(level > 20 * log10(Levels.rms(x)))
  }

  @Test func silentAndEmptyInput() {
    #expect(ActiveSpeechLevel.measure([], sampleRate: 16000).activityFactor == 0)
    #expect(ActiveSpeechLevel.measure([Float](repeating: 0, count: 100), sampleRate: 16000).levelDB == -.infinity)
  }
}
