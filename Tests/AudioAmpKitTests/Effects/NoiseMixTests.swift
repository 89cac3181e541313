import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct NoiseMixTests {
  /// A noise folder with one long brown-noise file and one short file.
  static let noiseDir: String = {
    let dir = makeTempDir("noise-fixture")
    writeWAV(Signals.brownNoise(seconds: 6, rate: 16000, key: 11), rate: 16000, to: dir + "/long.wav")
    writeWAV(Signals.noise(seconds: 0.7, rate: 22050, rms: 0.2, key: 12), rate: 22050, to: dir + "/short-22k.wav")
    return dir
  }()

  func effect(_ snr: NumberSpec, files: [NoiseFile]? = nil) throws -> NoiseMix {
    NoiseMix(pools: [.init(weight: 1, files: try files ?? NoiseLibrary.scan(folder: Self.noiseDir))], snrDB: snr)
  }

  func context(_ n: Int) -> EffectContext {
    EffectContext(
      utterance: Utterance(id: "u1", audioPath: "-", text: "t", origin: "test"), sampleRate: 16000, sampleCount: n)
  }

  @Test(arguments: [-5.0, 0, 5, 10, 20, 30, 40], [UInt64(1), 2, 3])
  func achievedSNRMatchesTarget(snr: Double, seed: UInt64) throws {
    let clean = Signals.speechLike(seconds: 2.5, rate: 16000)
    let fx = try effect(.constant(snr))
    var rng = UtteranceRNG(seed: seed, utteranceID: "u1", variant: 0)
    let p = fx.draw(context(clean.count), using: &rng)
    let out = try fx.apply(p, to: AudioBuffer(samples: clean, sampleRate: 16000))
    #expect(out.audio.count == clean.count)
    let added = zip(out.audio.samples, clean).map { $0 - $1 }
    let measured = Levels.dB(amplitude: Levels.rms(clean) / Levels.rms(added))
    #expect(abs(measured - snr) < 0.1, "file \(p.file.name) offset \(p.offsetSeconds): measured \(measured) dB for target \(snr)")
    let recorded = out.measured.first { $0.0 == "achieved_snr_db" }?.1.numberValue
    #expect(recorded.map { abs($0 - measured) < 0.01 } == true)
  }

  @Test func offsetsSpreadOverTheWholeFile() throws {
    // The classic bug: noise always taken from the start of the file.
    let long = try NoiseLibrary.scan(folder: Self.noiseDir).filter { $0.name.hasSuffix("long.wav") }
    let fx = try effect(.constant(10), files: long)
    var offsets: [Double] = []
    for v in 0..<200 {
      var rng = UtteranceRNG(seed: 1, utteranceID: "u1", variant: v)
      offsets.append(fx.draw(context(16000), using: &rng).offsetSeconds)
    }
    #expect(offsets.allSatisfy { $0 >= 0 && $0 + 1.0 <= 6.0 + 1e-9 })
    #expect(offsets.min()! < 0.5 && offsets.max()! > 4.5)
  }

  @Test func filesAreChosenInProportionToDuration() throws {
    let files = [
      NoiseFile(path: "a", name: "a", category: "x", durationSeconds: 1, sampleRate: 16000, licence: nil),
      NoiseFile(path: "b", name: "b", category: "x", durationSeconds: 9, sampleRate: 16000, licence: nil),
    ]
    let fx = try effect(.constant(10), files: files)
    var longCount = 0
    for v in 0..<4000 {
      var rng = UtteranceRNG(seed: 5, utteranceID: "u", variant: v)
      if fx.draw(context(100), using: &rng).file.name == "b" { longCount += 1 }
    }
    #expect(abs(Double(longCount) / 4000 - 0.9) < 0.02)
  }

  @Test func shortNoiseLoopsWithoutClicksOrDips() throws {
    let short = Signals.brownNoise(seconds: 0.5, rate: 16000, key: 7)
    let looped = NoiseSegment.loop(short, count: 16000 * 3, sampleRate: 16000)
    #expect(looped.count == 48000)
    func maxStep(_ x: ArraySlice<Float>) -> Float { zip(x.dropFirst(), x).map { abs($0 - $1) }.max() ?? 0 }
    let withinFile = maxStep(short[...])
    let fade = 1600
    // Seams sit every (n - fade) samples; look at a window around each.
    var seam = short.count - fade
    while seam + fade < looped.count {
      let lo = max(1, seam - 50), hi = min(looped.count, seam + fade + 50)
      let step = maxStep(looped[lo..<hi])
      #expect(step <= withinFile * 1.05, "seam at \(seam): step \(step) vs \(withinFile) within the file")
      seam += short.count - fade
    }
    // Level around seams stays within 2 dB of the file's own level.
    let ref = Levels.rms(short)
    for start in stride(from: 0, to: looped.count - 1600, by: 1600) {
      let w = Array(looped[start..<start + 1600])
      #expect(abs(Levels.dB(amplitude: Levels.rms(w) / ref)) < 6, "window at \(start)")
    }
  }

  @Test func loopedAndResampledNoiseStillHitsTheTarget() throws {
    let short = try NoiseLibrary.scan(folder: Self.noiseDir).filter { $0.name.hasSuffix("short-22k.wav") }
    let fx = try effect(.constant(12), files: short)
    let clean = Signals.speechLike(seconds: 3, rate: 16000)
    var rng = UtteranceRNG(key: 9)
    let p = fx.draw(context(clean.count), using: &rng)
    #expect(p.offsetSeconds == 0)
    let out = try fx.apply(p, to: AudioBuffer(samples: clean, sampleRate: 16000))
    let added = zip(out.audio.samples, clean).map { $0 - $1 }
    #expect(abs(Levels.dB(amplitude: Levels.rms(clean) / Levels.rms(added)) - 12) < 0.1)
  }

  @Test func silentUtteranceIsRefusedWithAReason() throws {
    let fx = try effect(.constant(10))
    var rng = UtteranceRNG(key: 1)
    let silent = [Float](repeating: 0, count: 8000)
    let p = fx.draw(context(silent.count), using: &rng)
    #expect(throws: EffectError.silentUtterance) { try fx.apply(p, to: AudioBuffer(samples: silent, sampleRate: 16000)) }
    #expect(EffectError.silentUtterance.description.contains("SNR") || EffectError.silentUtterance.description.contains("signal-to-noise"))
  }

  @Test func zeroLengthNoiseFileIsRefusedWhenScanned() throws {
    let dir = makeTempDir()
    FileManager.default.createFile(atPath: dir + "/empty.wav", contents: Data())
    #expect(throws: NoiseLibraryError.self) { try NoiseLibrary.scan(folder: dir) }
    do {
      _ = try NoiseLibrary.scan(folder: dir)
    } catch {
      #expect("\(error)".contains("empty.wav"))
    }
  }
}

@Suite struct GainAndClipGuardTests {
  @Test(arguments: [-12.0, -6, 0, 3, 6])
  func gainChangesLevelByTheDrawnDecibels(db: Double) {
    let x = Signals.sine(440, seconds: 0.5, rate: 16000, amplitude: 0.2)
    let out = Gain(db: .constant(db)).apply(db, to: AudioBuffer(samples: x, sampleRate: 16000)).audio
    #expect(abs(Levels.dB(amplitude: Levels.rms(out.samples) / Levels.rms(x)) - db) < 0.001)
    if db == 0 { #expect(out.samples == x) }
  }

  @Test func scaleGuardBringsPeaksUnderFullScaleAndSaysSo() {
    let x = Signals.sine(300, seconds: 0.5, rate: 16000, amplitude: 1.8)
    let (out, record) = ClipGuard.scale.apply(to: AudioBuffer(samples: x, sampleRate: 16000))
    #expect(Levels.peak(out.samples) <= ClipGuard.ceiling + 1e-6)
    #expect(record?["mode"] == .string("scale"))
    // Shape kept: one gain for the whole utterance.
    #expect(abs(out.samples[100] / x[100] - out.samples[777] / x[777]) < 1e-6)
  }

  @Test func limitGuardOnlyTouchesTheLoudPart() {
    var x = Signals.sine(300, seconds: 1, rate: 16000, amplitude: 0.3)
    for i in 8000..<8400 { x[i] *= 5 }  // a 25 ms burst far over full scale
    let (out, record) = ClipGuard.limit.apply(to: AudioBuffer(samples: x, sampleRate: 16000))
    #expect(Levels.peak(out.samples) <= ClipGuard.ceiling + 1e-6)
    #expect(record?["mode"] == .string("limit"))
    #expect(out.samples[0..<7000] == x[0..<7000])
    #expect(out.samples[9500...] == x[9500...])
  }

  @Test func quietAudioPassesUntouched() {
    let x = Signals.sine(300, seconds: 0.2, rate: 16000, amplitude: 0.9)
    let (out, record) = ClipGuard.scale.apply(to: AudioBuffer(samples: x, sampleRate: 16000))
    #expect(out.samples == x && record == nil)
  }
}
