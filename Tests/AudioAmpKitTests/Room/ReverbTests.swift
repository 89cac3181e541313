import Foundation
import Testing
@testable import AudioAmpKit

/// The reverb effect and its convolution kernels: identity, alignment, length and level
/// policies, agreement with direct convolution, determinism.
@Suite struct ReverbTests {
  static let rate = 16000
  static let context = EffectContext(
    utterance: Utterance(id: "spk-001", audioPath: "x.wav", text: "t", origin: "test"), sampleRate: rate, sampleCount: rate)

  func rirFile(_ taps: [Float], name: String = "rir.wav", channels: [[Float]]? = nil) throws -> RIRFile {
    let dir = makeTempDir("reverb-rir")
    let path = dir + "/" + name
    try SoundFile.writeWAVFloat(taps, sampleRate: Self.rate, to: path)
    return RIRFile(path: path, name: name, channels: 1)
  }

  func reverb(_ files: [RIRFile], level: Reverb.LevelPolicy = .energy, length: Reverb.LengthPolicy = .same) -> Reverb {
    Reverb(Reverb.Settings(source: .files(files), level: level, length: length))
  }

  func run(_ effect: Reverb, _ x: [Float], key: UInt64 = 1) throws -> EffectOutput {
    var rng = UtteranceRNG(key: key)
    let p = try effect.draw(Self.context, using: &rng)
    return try effect.apply(p, to: AudioBuffer(samples: x, sampleRate: Self.rate))
  }

  /// Direct-form reference: y[i] = Σ_j h[j]·x[i + D − j].
  func direct(_ x: [Float], _ h: [Float], delay: Int, count: Int) -> [Float] {
    (0..<count).map { i in
      var s = 0.0
      for (j, t) in h.enumerated() {
        let k = i + delay - j
        if k >= 0 && k < x.count { s += Double(t) * Double(x[k]) }
      }
      return Float(s)
    }
  }

  @Test(arguments: [0, 100, 1234])
  func unitImpulseAtAnyDelayLeavesAudioByteIdentical(delay: Int) throws {
    var h = [Float](repeating: 0, count: delay + 400)
    h[delay] = 1
    let x = Signals.speechLike(seconds: 0.5, rate: Self.rate)
    for level in Reverb.LevelPolicy.allCases {
      let out = try run(reverb([try rirFile(h)], level: level), x)
      #expect(out.audio.samples == x, "delay \(delay), level \(level)")
      #expect(out.timeScale == 1)
    }
  }

  /// A delayed impulse plus a later reflection: the direct sound stays where the input was
  /// (cross-correlation peak at lag 0) and the reflection appears at its offset after it.
  @Test(arguments: [(37, 160), (500, 800), (2100, 2500)])
  func delayedImpulseShiftsNothing(delay: Int, reflection: Int) throws {
    var h = [Float](repeating: 0, count: reflection + 10)
    h[delay] = 0.8
    h[reflection] = 0.3
    var x = [Float](repeating: 0, count: 4000)
    x[1000] = 1
    let out = try run(reverb([try rirFile(h)], level: .direct), x)
    let y = out.audio.samples
    #expect(y.count == x.count)
    #expect(abs(y[1000] - 1) < 1e-4)
    #expect(abs(y[1000 + reflection - delay] - 0.375) < 1e-4)
    let peak = y.indices.max { abs(y[$0]) < abs(y[$1]) }!
    #expect(peak == 1000)
  }

  /// Both kernels agree with direct convolution for short and long RIRs, any delay, with and
  /// without the kept tail, to 1e-4 of the signal peak.
  @Test(arguments: [(50, 0), (300, 17), (2100, 250), (2300, 1900)])
  func kernelsMatchDirectConvolution(taps: Int, delay: Int) throws {
    var rng = UtteranceRNG(key: UInt64(taps))
    let h = (0..<taps).map { i in Float(rng.gaussian() * exp(-Double(i) / Double(taps / 3 + 1))) }
    let x = (0..<700).map { _ in Float(rng.gaussian() * 0.2) }
    for count in [x.count, x.count + taps - 1 - delay] {
      let want = direct(x, h, delay: delay, count: count)
      let peak = want.map { abs($0) }.max()!
      for got in [Convolution.apply(x, taps: h, delay: delay, count: count), PartitionedConvolver(taps: h, delay: delay, partition: 64).apply(x, count: count)] {
        #expect(got.count == count)
        let err = zip(got, want).map { abs($0 - $1) }.max()!
        #expect(err <= 1e-4 * peak, "taps \(taps) delay \(delay) count \(count): error \(err)")
      }
    }
  }

  @Test func lengthPolicies() throws {
    var h = [Float](repeating: 0, count: 900)
    h[100] = 1
    for i in 101..<900 { h[i] = 0.1 * Float(exp(-Double(i - 100) / 200)) }
    let x = Signals.speechLike(seconds: 0.25, rate: Self.rate)
    let file = try rirFile(h)
    let same = try run(reverb([file], length: .same), x)
    #expect(same.audio.count == x.count)
    let kept = try run(reverb([file], length: .keepTail), x)
    #expect(kept.audio.count == x.count + 900 - 1 - 100)
    // The first x.count samples are the same convolution (before level scaling).
    let a = same.audio.samples, b = Array(kept.audio.samples.prefix(x.count))
    let ratio = Levels.rms(a) / Levels.rms(b)
    #expect(abs(ratio - 1) < 1e-3)
  }

  /// Energy policy keeps the RMS exactly; direct policy keeps the direct sound at amplitude 1
  /// (and so adds the reverberant energy on top), across synthesized rooms and distances.
  @Test(arguments: [(0.3, 0.7), (0.8, 2.5), (1.2, 4.0)])
  func levelPolicies(rt60: Double, distance: Double) throws {
    let spec = RoomSpec(rt60Seconds: .constant(rt60), lengthM: .constant(8), widthM: .constant(6), heightM: .constant(3), distanceM: .constant(distance))
    let x = Signals.noise(seconds: 1, rate: Self.rate, rms: 0.1, key: 8)
    let energy = try run(Reverb(Reverb.Settings(source: .room(spec))), x, key: 5)
    #expect(abs(Levels.rms(energy.audio.samples) / Levels.rms(x) - 1) < 1e-4)
    let directOut = try run(Reverb(Reverb.Settings(source: .room(spec), level: .direct)), x, key: 5)
    // Same RIR, so the two outputs differ only by the recorded gain.
    let fields = Dictionary(uniqueKeysWithValues: energy.measured.map { ($0.0, $0.1) })
    guard case .number(let g)? = fields["gain_db"] else {
      Issue.record("no gain_db recorded")
      return
    }
    let expected = Levels.rms(directOut.audio.samples) * Levels.amplitude(dB: g)
    #expect(abs(expected / Levels.rms(energy.audio.samples) - 1) < 2e-3)
    // Direct sound amplitude 1, whole tail kept: for white noise the output energy is the input
    // energy times the RIR's energy over its direct tap's, to 0.5 dB.
    let effect = Reverb(Reverb.Settings(source: .room(spec), level: .direct, length: .keepTail))
    var rng = UtteranceRNG(key: 5)
    let ir = try effect.impulseResponse(for: try effect.draw(Self.context, using: &rng))
    #expect(ir.taps[0] == 1)
    let kept = try run(effect, x, key: 5)
    let want = 10 * log10(Levels.energy(ir.taps))
    let got = 10 * log10(Levels.energy(kept.audio.samples) / Levels.energy(x))
    #expect(abs(got - want) < 0.5, "rt60 \(rt60) distance \(distance): +\(got) dB, expected +\(want) dB")
    #expect(want > 0)
  }

  @Test func recordsRoomAndMeasuredFigures() throws {
    let spec = RoomSpec(rt60Seconds: .uniform(0.3, 0.9), lengthM: .uniform(4, 10), distanceM: .uniform(1, 3), profile: .furnished)
    let effect = Reverb(Reverb.Settings(source: .room(spec)))
    var rng = UtteranceRNG(key: 77)
    let p = try effect.draw(Self.context, using: &rng)
    let rec = Dictionary(uniqueKeysWithValues: effect.record(p).map { ($0.0, $0.1) })
    for k in ["rt60_s", "room_m", "source_m", "mic_m", "distance_m", "wall_profile", "tail_seed", "level_policy", "length_policy"] {
      #expect(rec[k] != nil, "missing \(k)")
    }
    let out = try effect.apply(p, to: AudioBuffer(samples: Signals.speechLike(seconds: 0.5, rate: Self.rate), sampleRate: Self.rate))
    let m = Dictionary(uniqueKeysWithValues: out.measured.map { ($0.0, $0.1) })
    guard case .number(let asked)? = rec["rt60_s"], case .number(let got)? = m["rt60_measured_s"] else {
      Issue.record("no rt60")
      return
    }
    #expect(abs(got / asked - 1) < 0.1)
    for k in ["t20_s", "t30_s", "drr_db", "c50_db", "direct_delay_removed_s", "gain_db"] { #expect(m[k] != nil, "missing \(k)") }
  }

  @Test func sameSeedSameBytesAndNoiseInTheSameRoom() throws {
    let spec = RoomSpec(rt60Seconds: .uniform(0.2, 1.0), lengthM: .uniform(3, 12), distanceM: .uniform(0.5, 4))
    let effect = Reverb(Reverb.Settings(source: .room(spec), noiseInRoom: true))
    let x = Signals.speechLike(seconds: 0.5, rate: Self.rate)
    let a = try run(effect, x, key: 3).audio.samples
    #expect(a == (try run(effect, x, key: 3).audio.samples))
    #expect(a != (try run(effect, x, key: 4).audio.samples))
    var rng = UtteranceRNG(key: 3)
    let p = try effect.draw(Self.context, using: &rng)
    let ir = try effect.impulseResponse(for: p)
    var nrng = UtteranceRNG(key: 99)
    let noise = try effect.noiseImpulseResponse(in: ir, parameters: p, using: &nrng)
    // Another position in the same room: same decay, different early part.
    let m = try RIRMeasure.measure(noise.taps, sampleRate: Self.rate)
    let t = try #require(m.t30Seconds ?? m.t20Seconds)
    let t0 = try #require(ir.measured.t30Seconds ?? ir.measured.t20Seconds)
    #expect(abs(t / t0 - 1) < 0.15)
    #expect(noise.taps != ir.taps)
    let diffuse = try #require(effect.diffuseImpulseResponse(in: ir, parameters: p, seed: 1))
    #expect(abs(Levels.energy(diffuse) - 1) < 1e-3)
  }

  @Test func multichannelFilesGiveOneDrawnChannel() throws {
    let dir = makeTempDir("reverb-multi")
    // Two channels: channel 0 an impulse at 10, channel 1 at 50; written with a tiny WAV writer.
    var inter = [Float](repeating: 0, count: 2 * 400)
    inter[2 * 10] = 1
    inter[2 * 50 + 1] = 0.5
    try writeStereoFloatWAV(inter, rate: Self.rate, to: dir + "/room1/array.wav")
    let files = try RIRSet.load(dir)
    #expect(files.count == 1 && files[0].channels == 2)
    var seen = Set<Int>()
    for key in 0..<12 {
      var rng = UtteranceRNG(key: UInt64(key))
      let effect = reverb(files)
      let p = try effect.draw(Self.context, using: &rng)
      guard case .file(_, let ch) = p.choice else { continue }
      seen.insert(ch)
      let ir = try effect.impulseResponse(for: p)
      #expect(ir.directSample == (ch == 0 ? 10 : 50))
    }
    #expect(seen == [0, 1])
  }

  /// A 32-bit float stereo WAV, written by hand (the product writes mono only).
  func writeStereoFloatWAV(_ interleaved: [Float], rate: Int, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    var d = Data()
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    let bytes = UInt32(interleaved.count * 4)
    d.append(contentsOf: Array("RIFF".utf8)); u32(36 + bytes); d.append(contentsOf: Array("WAVE".utf8))
    d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(3); u16(2); u32(UInt32(rate)); u32(UInt32(rate * 8)); u16(8); u16(32)
    d.append(contentsOf: Array("data".utf8)); u32(bytes)
    for v in interleaved { u32(v.bitPattern) }
    try d.write(to: URL(fileURLWithPath: path))
  }

  @Test func damagedRIRFileIsAClearError() throws {
    let dir = makeTempDir("reverb-bad")
    try Data("RIFF not really".utf8).write(to: URL(fileURLWithPath: dir + "/bad.wav"))
    #expect(throws: NoiseLibraryError.self) { try RIRSet.load(dir) }
    let silent = try rirFile([Float](repeating: 0, count: 100))
    var rng = UtteranceRNG(key: 1)
    let effect = reverb([silent])
    let p = try effect.draw(Self.context, using: &rng)
    do {
      _ = try effect.apply(p, to: AudioBuffer(samples: [0.1, 0.2], sampleRate: Self.rate))
      Issue.record("a silent RIR was accepted")
    } catch {
      #expect("\(error)".contains("rir.wav channel 0: impulse response: is silent"), "\(error)")
    }
  }
}
