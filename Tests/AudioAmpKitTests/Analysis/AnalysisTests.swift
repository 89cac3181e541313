import Foundation
import Testing

@testable import AudioAmpKit

/// Scales `noise` so that energy(clean) / energy(noise) is `snrDB`, and returns clean + noise.
private func mix(_ clean: [Float], _ noise: [Float], snrDB: Double) -> [Float] {
  let g = (Levels.energy(clean) / Levels.energy(noise) / pow(10, snrDB / 10)).squareRoot()
  return zip(clean, noise).map { $0 + Float(g) * $1 }
}

@Suite struct ActiveSpeechLevelTests {
  /// Noise bursts (0.5 s on, 0.5 s off): the active level exceeds the RMS level by exactly
  /// −10·log10(activity factor), the activity factor lies between the bursts' duty cycle and
  /// that plus the 0.2 s hangover and envelope decay, and the active level lies within the same
  /// bounds of the bursts' own RMS.
  @Test(arguments: [(0.5, 0.5), (0.3, 0.7), (1.0, 1.0)])
  func activeLevelOfBurstsFollowsTheActivityFactor(onSeconds: Double, offSeconds: Double) {
    let rate = 16000
    let noise = Signals.noise(seconds: 6, rate: rate, rms: 0.1, key: 11)
    let period = onSeconds + offSeconds
    let x: [Float] = noise.enumerated().map { i, v in
      (Double(i) / Double(rate)).truncatingRemainder(dividingBy: period) < onSeconds ? v : 0
    }
    let m = ActiveSpeechLevel.measure(x, sampleRate: rate)
    let rmsDB = Levels.dB(amplitude: Levels.rms(x))
    let burstDB = 20 * log10(0.1)
    #expect(abs(m.levelDB - rmsDB - (-10 * log10(m.activityFactor))) < 0.5)
    let duty = onSeconds / period
    let maxDuty = min(1, (onSeconds + 0.2 + 0.1) / period)
    #expect(m.activityFactor >= duty - 0.02 && m.activityFactor <= maxDuty, "activity \(m.activityFactor)")
    #expect(m.levelDB <= burstDB + 0.5 && m.levelDB >= burstDB + 10 * log10(duty / maxDuty) - 0.5, "level \(m.levelDB) dB")
    print(String(format: "P.56 bursts %.1f/%.1f s: rms %.2f, active %.2f dBFS (bursts %.2f), activity %.3f", onSeconds, offSeconds, rmsDB, m.levelDB, burstDB, m.activityFactor))
  }

  @Test(arguments: [0.01, 0.1, 0.3] as [Float])
  func continuousNoiseReadsItsRMSLevel(rms: Float) {
    let x = Signals.noise(seconds: 4, rate: 16000, rms: rms, key: 12)
    let m = ActiveSpeechLevel.measure(x, sampleRate: 16000)
    #expect(abs(m.levelDB - Levels.dB(amplitude: Levels.rms(x))) < 0.5)
    #expect(m.activityFactor > 0.95)
  }

  @Test func silenceAndEmptyInputGiveMinusInfinity() {
    #expect(ActiveSpeechLevel.measure([], sampleRate: 16000).levelDB == -.infinity)
    #expect(ActiveSpeechLevel.measure([Float](repeating: 0, count: 1000), sampleRate: 16000).activityFactor == 0)
  }
}

extension Signals {
  /// Voiced speech with syllables: a 140 Hz tone with 12 harmonics (amplitudes 1/k) under a
  /// 4 Hz syllable envelope |sin|³ whose loudness varies from syllable to syllable
  /// log-normally (σ = 0.7 neper ≈ 6 dB). Unlike `speechLike` it has no stretches of digital
  /// silence, so its amplitude distribution is close to the Gamma(0.4) that WADA-SNR assumes
  /// for speech (its G statistic is 1.7–1.9; the model's is 1.645).
  static func syllabicSpeech(seconds: Double, rate: Int, key: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: key)
    let loudness = (0..<Int(seconds * 4) + 1).map { _ in exp(0.7 * rng.gaussian()) }
    return (0..<Int(seconds * Double(rate))).map { i in
      let t = Double(i) / Double(rate)
      var v = 0.0
      for h in 1...12 { v += sin(2 * Double.pi * 140 * Double(h) * t + Double(h)) / Double(h) }
      let s = abs(sin(Double.pi * (t * 4).truncatingRemainder(dividingBy: 1)))
      return Float(0.1 * v * loudness[Int(t * 4)] * s * s * s)
    }
  }
}

@Suite struct BlindSNRTests {
  /// WADA-SNR on speech-like signals (voiced harmonic tone with a syllable envelope) plus white
  /// Gaussian noise, SNR measured over the whole file: within 3 dB from 0 to 20 dB, for 6
  /// different utterances at each SNR.
  @Test(arguments: [0.0, 5, 10, 15, 20])
  func wadaEstimateIsWithin3dBOnSpeechLikeSignals(snrDB: Double) {
    var errors: [Double] = []
    for key in [UInt64(3), 4, 5, 6, 7, 8] {
      let clean = Signals.syllabicSpeech(seconds: 6, rate: 16000, key: key)
      let noise = Signals.noise(seconds: 6, rate: 16000, rms: 0.1, key: key + 100)
      let est = BlindSNR.wadaDB(mix(clean, noise, snrDB: snrDB)) ?? .nan
      errors.append(est - snrDB)
      #expect(abs(est - snrDB) <= 3, "asked \(snrDB) dB, estimated \(est) dB (key \(key))")
    }
    print("WADA-SNR at \(snrDB) dB: errors " + errors.map { String(format: "%+.2f", $0) }.joined(separator: " ") + " dB")
  }

  /// The known weakness, measured rather than hidden: long stretches of digital silence (here
  /// 60 % of the file) make WADA read high once the SNR passes ~10 dB, because the noise-only
  /// stretches look like very quiet speech. The test pins the direction and rough size so a
  /// change in behaviour is noticed.
  @Test func wadaReadsHighOnSpeechWithLongDigitalSilences() {
    let clean = Signals.speechLike(seconds: 4, rate: 16000, key: 3)
    let noise = Signals.noise(seconds: 4, rate: 16000, rms: 0.1, key: 103)
    let low = BlindSNR.wadaDB(mix(clean, noise, snrDB: 5))! - 5
    let high = BlindSNR.wadaDB(mix(clean, noise, snrDB: 20))! - 20
    print(String(format: "WADA-SNR on speech with 60%% silence: error %+.1f dB at 5 dB, %+.1f dB at 20 dB", low, high))
    #expect(abs(low) < 3 && high > 5 && high < 20)
  }

  @Test func wadaOnSilenceIsNil() {
    #expect(BlindSNR.wadaDB([Float](repeating: 0, count: 100)) == nil)
    #expect(BlindSNR.wadaDB([]) == nil)
  }

  @Test func wadaModelCurveIsMonotonic() {
    let t = BlindSNR.table
    #expect(t.count == 161)
    #expect(zip(t, t.dropFirst()).allSatisfy { $0.g <= $1.g })
    #expect(t.last!.g - t.first!.g > 1)
  }
}

@Suite struct BandwidthAndInspectionTests {
  /// White noise low-passed at a cut-off (80 dB stop band, 100 Hz transition) reads that
  /// cut-off within 5 %.
  @Test(arguments: [(4000.0, 16000), (3400, 8000), (6000, 16000), (7000, 22050)])
  func effectiveBandwidthOfLowPassedNoiseIsTheCutoff(cutoffHz: Double, rate: Int) throws {
    let noise = Signals.noise(seconds: 3, rate: rate, rms: 0.1, key: 21)
    let lp = BandLimit(lowHz: nil, highHz: .constant(cutoffHz), stopbandDB: 80, transitionHz: 100)
    let y = try lp.apply(BandLimit.Parameters(lowHz: nil, highHz: cutoffHz), to: AudioBuffer(samples: noise, sampleRate: rate)).audio
    let bw = Bandwidth.effectiveHz(y.samples, sampleRate: rate)
    #expect(abs(bw - cutoffHz) <= 0.05 * cutoffHz, "cut-off \(cutoffHz) Hz read as \(bw) Hz")
    let full = Bandwidth.effectiveHz(noise, sampleRate: rate)
    #expect(full >= 0.95 * Double(rate) / 2)
  }

  @Test func clippedCountIsExactAndLevelsAreThoseOfTheSignal() {
    var x = Signals.sine(440, seconds: 1, rate: 16000, amplitude: 0.5)
    let positions = [10, 500, 501, 9000, 15999]
    for (i, p) in positions.enumerated() { x[p] = i % 2 == 0 ? 1 : -1 }
    x[2000] = 0.9999  // just under the 16-bit ceiling: not clipped
    let r = AudioInspection.measure(AudioBuffer(samples: x, sampleRate: 16000), path: "t.wav")
    #expect(r.clippedSamples == positions.count)
    #expect(abs(r.peakDBFS) < 1e-6)
    #expect(abs(r.durationSeconds - 1) < 1e-9 && r.sampleRate == 16000)
    let sine = AudioInspection.measure(AudioBuffer(samples: Signals.sine(440, seconds: 1, rate: 16000, amplitude: 0.5), sampleRate: 16000))
    #expect(abs(sine.rmsDBFS - (20 * log10(0.5) - 3.0103)) < 0.01)
    #expect(abs(sine.peakDBFS - 20 * log10(0.5)) < 0.01)
    #expect(abs(sine.activeLevelDBFS - sine.rmsDBFS) < 0.5)
    #expect(sine.clippedSamples == 0 && !sine.isSilent)
    #expect(sine.json["clipped_samples"] == .number(0) && sine.json["sample_rate"] == .number(16000))
  }

  @Test func inspectReadsAFileAndReportsItsChannels() throws {
    let dir = makeTempDir()
    let path = dir + "/tone.wav"
    writeWAV(Signals.sine(1000, seconds: 0.5, rate: 8000, amplitude: 0.25), rate: 8000, to: path)
    let r = try AudioInspection.inspect(path: path)
    #expect(r.sampleRate == 8000 && r.channels == 1 && abs(r.durationSeconds - 0.5) < 1e-9)
    #expect(abs(r.peakDBFS - 20 * log10(0.25)) < 0.01)
    #expect(r.text.contains("clipped") && r.json["path"] == .string(path))
  }
}
