import Foundation
import Testing

@testable import AudioAmpKit

/// Each codec through ``CodecChain`` at 16 kHz: bandwidth, SNR against its input in the range
/// the codec is known for, length and alignment. Test speech is ``Signals/vowels(seconds:rate:)``
/// (f0 glides, formants, pauses); alignment is checked on noise under the same syllable envelope,
/// because a harmonic signal's cross-correlation has peaks a pitch period apart.
@Suite struct CodecTests {
  struct Case: CustomStringConvertible, Sendable {
    var label: String
    var make: @Sendable () throws -> SpeechCodec
    /// Segmental SNR range, dB.
    var segSNR: ClosedRange<Double>
    /// Largest energy above 4 kHz relative to the total, dB (8 kHz codecs: −40).
    var maxAbove4kDB: Double
    var description: String { label }
  }

  // Figures measured on this build (debug, x86_64): G.711 ≈ 37 dB, GSM-FR ≈ 14, AMR-NB
  // 4.75 ≈ 5.6, 12.2 ≈ 6.6, Opus NB 12 kbit/s ≈ 12, WB 24 kbit/s ≈ 13.6.
  static let cases: [Case] = [
    Case(label: "g711-mu", make: { G711Codec(law: .mu) }, segSNR: 34...45, maxAbove4kDB: -40),
    Case(label: "g711-a", make: { G711Codec(law: .a) }, segSNR: 34...45, maxAbove4kDB: -40),
    Case(label: "gsm-fr", make: { try GSMCodec() }, segSNR: 8...22, maxAbove4kDB: -40),
    Case(label: "amr-nb 4.75", make: { try AMRNBCodec(dtx: false) { _ in 0 } }, segSNR: 2...12, maxAbove4kDB: -40),
    Case(label: "amr-nb 12.2", make: { try AMRNBCodec(dtx: false) { _ in 7 } }, segSNR: 4...16, maxAbove4kDB: -40),
    Case(label: "opus nb 12", make: { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12) }, segSNR: 6...25, maxAbove4kDB: -40),
    Case(label: "opus wb 24", make: { try OpusCodec(bandwidth: .wideband, bitrateKbps: 24) }, segSNR: 6...25, maxAbove4kDB: 0),
  ]

  /// Aperiodic speech-shaped test signal for alignment.
  static func envelopedNoise(rate: Int) -> [Float] {
    let envelope = Signals.vowels(seconds: 3, rate: rate)
    let noise = Signals.noise(seconds: 3, rate: rate, rms: 0.1)
    var smooth: Float = 0
    return zip(envelope, noise).map { e, n in
      smooth = 0.995 * smooth + 0.005 * abs(e)
      return 8 * smooth * n
    }
  }

  @Test(arguments: cases)
  func codecMeetsItsFigures(_ c: Case) throws {
    let x = Signals.vowels(seconds: 3, rate: 16000)
    let y = try CodecChain.run(try c.make(), x, sampleRate: 16000)
    #expect(y.count == x.count)
    let seg = CodecMeasure.segmentalSNRDB(x, y, sampleRate: 16000)
    let above = CodecMeasure.energyAboveDB(y, hz: 4000, sampleRate: 16000)
    #expect(c.segSNR.contains(seg), "\(c.label): segmental SNR \(seg) dB")
    #expect(above <= c.maxAbove4kDB, "\(c.label): energy above 4 kHz \(above) dB")
    let n = Self.envelopedNoise(rate: 16000)
    let yn = try CodecChain.run(try c.make(), n, sampleRate: 16000)
    let lag = CodecMeasure.xcorrPeakLag(n, yn)
    #expect(lag == 0, "\(c.label): cross-correlation peak at lag \(lag)")
    if !c.segSNR.contains(seg) || lag != 0 { Signals.dump("codec-\(c.label)", sampleRate: 16000, [("in", x), ("out", y)]) }
  }

  @Test func g711IsFarAboveLowRateCodecs() throws {
    let x = Signals.vowels(seconds: 3, rate: 16000)
    func seg(_ c: SpeechCodec) throws -> Double {
      CodecMeasure.segmentalSNRDB(x, try CodecChain.run(c, x, sampleRate: 16000), sampleRate: 16000)
    }
    let g711 = try seg(G711Codec(law: .a))
    #expect(g711 - (try seg(GSMCodec())) > 15)
    #expect(g711 - (try seg(AMRNBCodec(dtx: false) { _ in 0 })) > 20)
  }

  /// Every codec at input rates other than its own: length kept exactly, cross-correlation peak
  /// at lag 0 (±1 sample above 16 kHz, where one codec-rate sample spans several input samples).
  @Test(arguments: [8000, 11025, 22050, 44100, 48000])
  func anyInputRateKeepsLengthAndAlignment(_ rate: Int) throws {
    let x = Self.envelopedNoise(rate: rate)
    for c in Self.cases {
      let y = try CodecChain.run(try c.make(), x, sampleRate: rate)
      #expect(y.count == x.count, "\(c.label) at \(rate) Hz")
      let lag = CodecMeasure.xcorrPeakLag(x, y, maxLag: 100)
      #expect(abs(lag) <= (rate > 16000 ? 1 : 0), "\(c.label) at \(rate) Hz: lag \(lag)")
    }
  }

  @Test func g711KernelsRoundTripTheirOwnCodes() {
    // Every code decodes to a value that encodes back to the same code (bar the two zeros of
    // µ-law, 0x7F and 0xFF, which both decode to 0).
    for code in 0...255 {
      let c = UInt8(code)
      #expect(G711.aLaw(G711.aLawDecode(c)) == c)
      if c != 0x7F { #expect(G711.muLaw(G711.muLawDecode(c)) == c) }
    }
    #expect(G711.muLawDecode(G711.muLaw(0)) == 0)
    #expect(G711.muLaw(32767) == 0x80)
    #expect(G711.aLaw(32767) == 0xAA)
  }

  /// With every fifth frame lost, the lost frames are filled (by the codec's concealment or by
  /// repeat/fade), not left silent: overall level stays above 0.4 of the clean run's (AMR-NB's
  /// concealment attenuates for several frames after each loss, TS 26.091 §6), and lost frames
  /// that carried speech keep at least a tenth of their clean level (a repeated frame can be a
  /// quieter one from before a syllable onset).
  @Test func lossIsConcealedNotSilent() throws {
    let x = Signals.vowels(seconds: 3, rate: 8000)
    let makers: [() throws -> SpeechCodec] = [
      { try AMRNBCodec(dtx: false) { _ in 7 } }, { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 16) },
      { try GSMCodec() }, { G711Codec(law: .a) },
    ]
    for make in makers {
      let codec = try make()
      let frames = CodecChain.frameCount(x.count, sampleRate: 8000, codec: codec)
      let lost = (0..<frames).map { $0 % 5 == 2 }
      let y = try CodecChain.run(codec, x, sampleRate: 8000, lost: lost)
      let clean = try CodecChain.run(try make(), x, sampleRate: 8000)
      #expect(y.count == x.count)
      let ratio = Levels.rms(y) / Levels.rms(clean)
      #expect(ratio > 0.4 && ratio < 1.3, "\(codec.name): level ratio \(ratio) with 20 % loss")
      let size = codec.frameSize
      for f in stride(from: 2, to: x.count / size - 1, by: 5) {
        // Lost frame f covers output samples from f·size − delay on.
        let lo = max(0, f * size - codec.delay)
        let c = Levels.rms(Array(clean[lo..<(lo + size)]))
        guard c > 0.02 else { continue }
        let r = Levels.rms(Array(y[lo..<(lo + size)])) / c
        #expect(r > 0.1, "\(codec.name): lost frame \(f) at \(r) of its clean level")
      }
    }
  }

  @Test func amrModeSwitchingAndDTXRun() throws {
    let x = Signals.vowels(seconds: 3, rate: 8000)
    // One mode per second, 4.75 then 5.15 then 5.9, with DTX on (the pauses go out as SID).
    let codec = try AMRNBCodec(dtx: true) { frame in (frame / 50) % 8 }
    let y = try CodecChain.run(codec, x, sampleRate: 8000)
    let used = Set((0..<150).map { codec.modeForFrame($0) })
    #expect(y.count == x.count)
    #expect(used == [0, 1, 2])
    #expect(CodecMeasure.segmentalSNRDB(x, y, sampleRate: 8000) > 2)
  }

  /// The same file through sox's own G.711 and GSM coders (`sox -e mu-law` / `-t gsm`) gives a
  /// similar SNR and spectrum to ours.
  @Test(arguments: [("mu-law", "g711"), ("gsm", "gsm-fr")])
  func agreesWithSox(_ sox: String, _ ours: String) throws {
    guard let soxPath = ["/usr/bin/sox", "/usr/local/bin/sox", "/opt/homebrew/bin/sox"].first(where: { FileManager.default.fileExists(atPath: $0) }) else {
      return
    }
    let dir = makeTempDir("codec-sox-\(ours)")
    let x = Signals.vowels(seconds: 3, rate: 8000)
    let input = "\(dir)/in.wav"
    writeWAV(x, rate: 8000, to: input)
    let coded = sox == "gsm" ? "\(dir)/coded.gsm" : "\(dir)/coded.wav"
    let decoded = "\(dir)/decoded.wav"
    func run(_ args: [String]) throws {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: soxPath)
      p.arguments = args
      try p.run()
      p.waitUntilExit()
      #expect(p.terminationStatus == 0, "sox \(args.joined(separator: " "))")
    }
    if sox == "gsm" {
      try run([input, "-r", "8000", coded])
    } else {
      try run([input, "-e", "mu-law", "-r", "8000", coded])
    }
    try run([coded, "-e", "signed-integer", "-b", "16", decoded])
    let reference = try AudioLoader.load(path: decoded, sampleRate: 8000).samples
    let oursOut = try CodecChain.run(ours == "gsm-fr" ? try GSMCodec() : G711Codec(law: .mu), x, sampleRate: 8000)
    let n = min(reference.count, x.count)
    let soxSNR = CodecMeasure.segmentalSNRDB(Array(x[0..<n]), Array(reference[0..<n]), sampleRate: 8000)
    let ourSNR = CodecMeasure.segmentalSNRDB(x, oursOut, sampleRate: 8000)
    print("sox comparison \(ours): segmental SNR sox \(soxSNR) dB, ours \(ourSNR) dB")
    #expect(abs(soxSNR - ourSNR) < 1.5, "\(ours): sox \(soxSNR) dB, ours \(ourSNR) dB")
    // Spectra (1024-point Welch, 0-4 kHz in 250 Hz bands) agree within 2 dB where there is energy.
    let ps = CodecMeasure.powerSpectrum(Array(reference[0..<n]), nfft: 1024)
    let po = CodecMeasure.powerSpectrum(Array(oursOut[0..<n]), nfft: 1024)
    let total = po.reduce(0, +)
    for band in 0..<14 {
      let r = (band * 32 + 1)..<((band + 1) * 32 + 1)
      let a = ps[r].reduce(0, +)
      let b = po[r].reduce(0, +)
      guard b > total * 1e-4 else { continue }
      #expect(abs(10 * log10(a / b)) < 2, "\(ours): band \(band * 250) Hz differs by \(10 * log10(a / b)) dB")
    }
  }
}
