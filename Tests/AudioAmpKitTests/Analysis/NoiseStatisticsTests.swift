import AudioAmpTestSupport
import Foundation
import Testing
@testable import AudioAmpKit

private let repo = PythonTool.repoRoot

/// Gaussian noise filtered to `lo`..`hi` Hz (brick wall), RMS 0.1.
private func bandNoise(_ lo: Double, _ hi: Double, seconds: Double = 8, key: UInt64 = 1) -> [Float] {
  let x = Signals.noise(seconds: seconds, rate: 16000, key: key)
  return SynthKit.normalised(SynthKit.shape(x, sampleRate: 16000) { f in f >= lo && f < hi ? 1 : 0 }, rms: 0.1)
}

@Suite struct NoiseStatisticsTests {
  /// Band-limited noises whose centroid and band shares follow from their pass bands.
  @Test(arguments: [
    // (lo, hi, centroid, share below 300, share 300-3400)
    (100.0, 200.0, 150.0, 1.0, 0.0),
    (500.0, 1500.0, 1000.0, 0.0, 1.0),
    (1000.0, 5000.0, 3000.0, 0.0, 0.6),
    (200.0, 400.0, 300.0, 0.5, 0.5),
  ])
  func centroidAndSharesOfBandNoise(lo: Double, hi: Double, centroid: Double, low: Double, phone: Double) {
    let s = NoiseStatistics.measure(bandNoise(lo, hi), sampleRate: 16000)
    #expect(abs(s.centroidHz - centroid) < 0.03 * centroid, "\(lo)-\(hi): centroid \(s.centroidHz)")
    #expect(abs(s.shareBelow300Hz - low) < 0.03, "\(lo)-\(hi): below 300 \(s.shareBelow300Hz)")
    #expect(abs(s.shareTelephoneBand - phone) < 0.03, "\(lo)-\(hi): 300-3400 \(s.shareTelephoneBand)")
  }

  @Test(arguments: [250.0, 1000.0, 4000.0])
  func aSineFillsItsOwnThirdOctaveBand(hz: Double) {
    let x = Signals.sine(hz, seconds: 4, rate: 16000)
    let s = NoiseStatistics.measure(x, sampleRate: 16000)
    let k = NoiseStatistics.thirdOctaveCentresHz.firstIndex { abs(log2($0 / hz)) < 1.0 / 6 }!
    #expect(s.thirdOctaveDB[k] > -0.1, "\(hz) Hz: its band reads \(s.thirdOctaveDB[k]) dB")
    for j in s.thirdOctaveDB.indices where abs(j - k) > 1 { #expect(s.thirdOctaveDB[j] < -40, "\(hz) Hz: band \(j) \(s.thirdOctaveDB[j])") }
  }

  /// White noise has equal energy per hertz: a third-octave band's share is its width over 8 kHz.
  @Test func whiteNoiseThirdOctavesRiseThreeDecibelsPerOctave() {
    let s = NoiseStatistics.measure(Signals.noise(seconds: 10, rate: 16000), sampleRate: 16000)
    let c = NoiseStatistics.thirdOctaveCentresHz
    for k in [3, 6, 9, 12, 15] {  // 100 Hz ... 3.15 kHz, one octave up
      let rise = s.thirdOctaveDB[k + 3] - s.thirdOctaveDB[k]
      #expect(abs(rise - 3.01) < 0.5, "\(c[k]) Hz → \(c[k + 3]) Hz: \(rise) dB")
    }
  }

  /// Noise whose level steps between two values for known fractions of the time.
  @Test(arguments: [(0.3, 20.0), (0.5, 10.0), (0.7, 6.0)])
  func percentileLevelsOfASteppedNoise(loudFraction: Double, stepDB: Double) {
    // 100 frames of 125 ms: the first loudFraction of them stepDB louder.
    var x = Signals.noise(seconds: 12.5, rate: 16000, rms: 0.01)
    let loud = Int(loudFraction * 100) * 2000
    let g = Float(Levels.amplitude(dB: stepDB))
    for i in 0..<loud { x[i] *= g }
    let s = NoiseStatistics.measure(x, sampleRate: 16000)
    #expect(abs(s.l10DB - (-40 + stepDB)) < 0.5, "L10 \(s.l10DB)")
    #expect(abs(s.l90DB - (-40)) < 0.5, "L90 \(s.l90DB)")
    #expect(abs(s.l10MinusL90DB - stepDB) < 0.7)
    #expect(abs(s.l50DB - (loudFraction > 0.5 ? -40 + stepDB : loudFraction < 0.5 ? -40 : s.l50DB)) < 0.6)
  }

  /// A carrier whose intensity is 1 + m·cos(2πFt) reads m in F's octave band and little elsewhere.
  @Test(arguments: [(0.5, 0.5), (4.0, 0.5), (4.0, 0.1), (16.0, 0.8), (1.0, 0.3)])
  func modulationIndexOfAnIntensityModulatedTone(hz: Double, depth: Double) {
    let rate = 16000
    let n = 20 * rate
    let x = (0..<n).map { i -> Float in
      let t = Double(i) / Double(rate)
      return Float((1 + depth * cos(2 * Double.pi * hz * t)).squareRoot() * sin(2 * Double.pi * 1000 * t) * 0.1)
    }
    let s = NoiseStatistics.measure(x, sampleRate: rate)
    let k = NoiseStatistics.modulationCentresHz.firstIndex(of: hz)!
    let got = Levels.amplitude(dB: s.modulationDB[k])
    #expect(abs(got - depth) < 0.1 * depth, "\(hz) Hz: m \(got), expected \(depth)")
    for j in s.modulationDB.indices where abs(j - k) > 1 {
      #expect(s.modulationDB[j] < Levels.dB(amplitude: depth) - 20, "\(hz) Hz: band \(j) reads \(s.modulationDB[j]) dB")
    }
  }

  @Test func silenceGivesZerosNotNaN() {
    let s = NoiseStatistics.measure([Float](repeating: 0, count: 16000), sampleRate: 16000)
    #expect(s.centroidHz == 0 && s.shareTelephoneBand == 0 && s.l10DB == -120)
    #expect(!s.modulationDB.contains { $0.isNaN })
    let e = NoiseStatistics.measure([], sampleRate: 16000)
    #expect(e.durationSeconds == 0 && e.l50DB == -120)
  }
}

@Suite struct ESTOITests {
  static let speech: [Float] = try! AudioLoader.load(path: repo + "/corpus/audio/spk2-003.flac", sampleRate: 16000).samples

  static func mix(_ clean: [Float], snrDB: Double, key: UInt64) -> [Float] {
    let n = Signals.noise(seconds: Double(clean.count) / 16000 + 1, rate: 16000, key: key)
    let g = Float((Levels.energy(clean) / Levels.energy(Array(n.prefix(clean.count))) / pow(10, snrDB / 10)).squareRoot())
    return (0..<clean.count).map { clean[$0] + g * n[$0] }
  }

  static let snrs: [Double] = [-10, -5, 0, 5, 10, 15, 20]

  @Test func risesMonotonicallyWithSNRAndIsOneForACleanCopy() throws {
    let values = try Self.snrs.map { try ESTOI.measure(clean: Self.speech, degraded: Self.mix(Self.speech, snrDB: $0, key: 5), sampleRate: 16000) }
    for i in 1..<values.count { #expect(values[i] > values[i - 1], "ESTOI \(values)") }
    #expect(values.first! < 0.3 && values.last! > 0.9, "ESTOI \(values)")
    let same = try ESTOI.measure(clean: Self.speech, degraded: Self.speech, sampleRate: 16000)
    #expect(abs(same - 1) < 1e-3)
    let classic = try Self.snrs.map { try ESTOI.classic(clean: Self.speech, degraded: Self.mix(Self.speech, snrDB: $0, key: 5), sampleRate: 16000) }
    for i in 1..<classic.count { #expect(classic[i] > classic[i - 1], "STOI \(classic)") }
  }

  @Test func tooShortGivesZero() throws {
    #expect(try ESTOI.measure(clean: Array(Self.speech.prefix(3000)), degraded: Array(Self.speech.prefix(3000)), sampleRate: 16000) == 0)
  }

  /// White noise at −10 … 20 dB: ESTOI and STOI within 0.02 of pystoi's on the same samples.
  @Test(.enabled(if: PythonTool.has("pystoi", "soundfile")))
  func matchesPystoiOnAWhiteNoiseTable() throws {
    let dir = NSTemporaryDirectory() + "audioamp-estoi-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Both sides measure the same 16-bit samples: written, then read back here.
    try SoundFile.writeWAV16(Self.speech.map { $0 * 0.5 }, sampleRate: 16000, to: dir + "/clean.wav")
    let x = try AudioLoader.load(path: dir + "/clean.wav", sampleRate: 16000).samples
    var ours: [(Double, Double)] = []
    for (i, snr) in Self.snrs.enumerated() {
      try SoundFile.writeWAV16(Self.mix(Self.speech, snrDB: snr, key: 11).map { $0 * 0.5 }, sampleRate: 16000, to: dir + "/mix\(i).wav")
      let y = try AudioLoader.load(path: dir + "/mix\(i).wav", sampleRate: 16000).samples
      ours.append((try ESTOI.measure(clean: x, degraded: y, sampleRate: 16000), try ESTOI.classic(clean: x, degraded: y, sampleRate: 16000)))
    }
    let script = """
      import sys, soundfile as sf
      from pystoi import stoi
      d = sys.argv[1]; x, fs = sf.read(d + '/clean.wav')
      for i in range(int(sys.argv[2])):
          y, _ = sf.read(d + '/mix%d.wav' % i)
          print(stoi(x, y, fs, extended=True), stoi(x, y, fs, extended=False))
      """
    let r = try PythonTool.script(script, [dir, "\(Self.snrs.count)"])
    #expect(r.status == 0, "\(r.stderr)")
    let theirs = r.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
    try #require(theirs.count == Self.snrs.count)
    for (i, snr) in Self.snrs.enumerated() {
      #expect(abs(ours[i].0 - theirs[i][0]) < 0.02, "\(snr) dB: ESTOI \(ours[i].0), pystoi \(theirs[i][0])")
      #expect(abs(ours[i].1 - theirs[i][1]) < 0.02, "\(snr) dB: STOI \(ours[i].1), pystoi \(theirs[i][1])")
    }
  }
}
