import Foundation
import Testing
@testable import AudioAmpKit

/// MP3 at low bit rates: length kept, aligned to the input (delay measured, not declared),
/// band-limited by its codec rate, and lossy in the range low-rate MP3 is known for.
@Suite struct MP3CodecTests {
  @Test(arguments: [(8.0, 8000), (16.0, 8000), (24.0, 16000), (48.0, 16000)])
  func lowRateMP3KeepsLengthAndAlignment(kbps: Double, codecRate: Int) throws {
    let x = CodecTests.envelopedNoise(rate: 16000)
    let (y, delay, rate) = try MP3Codec.run(x, sampleRate: 16000, bitrateKbps: kbps)
    #expect(rate == codecRate && y.count == x.count)
    // 0 is legitimate: mpg123 honours LAME's gapless header and removes the delay itself at
    // some rates; the measured alignment below is what must hold either way.
    #expect(delay >= 0 && delay < 4000, "delay \(delay)")
    let lag = CodecMeasure.xcorrPeakLag(x, y, maxLag: 100)
    #expect(lag == 0, "\(kbps) kbit/s: cross-correlation peak at lag \(lag)")
    if codecRate == 8000 {
      #expect(CodecMeasure.energyAboveDB(y, hz: 4000, sampleRate: 16000) <= -40)
    }
  }

  @Test func moreBitsMoreFidelityAndAllBelowG711() throws {
    let x = Signals.vowels(seconds: 3, rate: 16000)
    let seg = { (kbps: Double) in CodecMeasure.segmentalSNRDB(x, try MP3Codec.run(x, sampleRate: 16000, bitrateKbps: kbps).samples, sampleRate: 16000) }
    let low = try seg(16), high = try seg(64)
    print(String(format: "MP3 segmental SNR on vowel-like speech: 16 kbit/s %.1f dB, 24 kbit/s %.1f dB, 64 kbit/s %.1f dB", low, try seg(24), high))
    let g711 = CodecMeasure.segmentalSNRDB(x, try CodecChain.run(G711Codec(law: .mu), x, sampleRate: 16000), sampleRate: 16000)
    #expect(high > low, "64 kbit/s \(high) dB, 16 kbit/s \(low) dB")
    #expect(low < g711, "16 kbit/s \(low) dB vs G.711 \(g711) dB")
  }

  @Test func recipesNameMP3WithItsBitRateAndRefuseLoss() throws {
    let r = try RecipeLoader.parse(yaml: "effects:\n  - codec: {name: mp3, mp3_bitrate_kbps: [16, 24, 32]}\n", path: "x.yaml")
    guard case .codec(let c) = r.effects[0].kind else { return }
    #expect(c.names == [.mp3] && c.mp3BitrateKbps == .choice([16, 24, 32]))
    do {
      _ = try RecipeLoader.parse(yaml: "effects:\n  - codec: {name: mp3, packet_loss: {rate: 0.1}}\n", path: "x.yaml")
      Issue.record("mp3 with packet_loss accepted")
    } catch let e as RecipeError {
      #expect(e.diagnostics.map(\.description) == ["x.yaml:2:24: effects[0].codec.packet_loss: applies to the frame codecs (g711, gsm-fr, amr-nb, opus), not mp3; put mp3 in a codec effect of its own"])
    }
  }
}
