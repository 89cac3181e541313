import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct NoiseLayersTests {
  static func file(_ name: String, seconds: Double) -> NoiseFile {
    NoiseFile(path: "/x/\(name)", name: name, category: "t", durationSeconds: seconds, sampleRate: 16000, licence: nil)
  }

  /// Across SNRs and level splits, the SNR of the sum is the target to 0.1 dB and each layer's
  /// share of the added power follows its drawn level.
  @Test(arguments: [(-5.0, [0.0, -6.0]), (5.0, [0.0, -3.0, -10.0]), (20.0, [-2.0, 0.0]), (40.0, [0.0])])
  func sumHitsTheSNRAndLayersTheirLevels(snr: Double, levels: [Double]) {
    let speech = Signals.noise(seconds: 3, rate: 16000, rms: 0.1, key: 1)
    let layers = levels.enumerated().map { NoiseLayers.Layer(label: "l\($0.offset)", file: Self.file("f\($0.offset)", seconds: 10), offsetSeconds: 0, levelDB: $0.element) }
    // Layers at very different raw levels: the mix must not care.
    let segments = levels.indices.map { k in Signals.noise(seconds: 3, rate: 16000, rms: Float(0.01 * Double(k + 1) * Double(k + 1)), key: UInt64(10 + k)) }
    let m = NoiseLayers.mix(speech: speech, speechPower: Levels.energy(speech) / Double(speech.count), segments: segments, layers: layers, snrDB: snr)
    let added = (0..<speech.count).map { m.samples[$0] - speech[$0] }
    let measured = Levels.dB(amplitude: Levels.rms(speech) / Levels.rms(added))
    #expect(abs(measured - snr) < 0.1 && abs(m.achievedSNRDB - snr) < 0.1, "\(snr) dB: measured \(measured)")
    let expected = NoiseLayers.shares(layers)
    for k in levels.indices { #expect(abs(m.shares[k] - expected[k]) < 0.02, "layer \(k): \(m.shares[k]) vs \(expected[k])") }
  }

  @Test func drawIsDeterministicAndOffsetsFit() {
    let sources = [
      NoiseLayers.Source(files: [Self.file("a", seconds: 60), Self.file("b", seconds: 2)], levelDB: 0...0, label: "traffic"),
      NoiseLayers.Source(files: [Self.file("c", seconds: 30)], levelDB: -12...(-6), label: "crowd"),
    ]
    var r1 = UtteranceRNG(key: 7), r2 = UtteranceRNG(key: 7)
    let a = NoiseLayers.draw(sources, seconds: 4, using: &r1)
    #expect(a == NoiseLayers.draw(sources, seconds: 4, using: &r2))
    for l in a where l.file.durationSeconds > 4 { #expect(l.offsetSeconds + 4 <= l.file.durationSeconds) }
    #expect((-12...(-6)).contains(a[1].levelDB))
    if case .array(let rows) = NoiseLayers.record(a, shares: NoiseLayers.shares(a)) { #expect(rows.count == 2) } else { Issue.record("not an array") }
  }

  @Test func silentLayersAddNothing() {
    let speech = Signals.noise(seconds: 1, rate: 16000, key: 3)
    let l = NoiseLayers.Layer(label: "s", file: Self.file("s", seconds: 5), offsetSeconds: 0, levelDB: 0)
    let m = NoiseLayers.mix(speech: speech, speechPower: 0.01, segments: [[Float](repeating: 0, count: 16000)], layers: [l], snrDB: 5)
    #expect(m.samples == speech && m.achievedSNRDB == .infinity)
  }
}
