import AudioAmpTestSupport
import Foundation
@testable import AudioAmpKit

/// Known conditions for the profile tests: bundled clean speech, library noise at a known
/// active-speech SNR (through ``NoiseMix``), codecs through ``Codec``, and reverberation by
/// convolution with synthetic RIRs of known RT60.
enum ProfileFixtures {
  static let repo = PythonTool.repoRoot
  static let rate = 16000

  /// Corpus utterance ids, spk1-001 … spk6-006 (sorted).
  static let ids: [String] = (1...6).flatMap { s in (1...6).map { String(format: "spk%d-%03d", s, $0) } }

  nonisolated(unsafe) private static var cache: [String: [Float]] = [:]
  private static let lock = NSLock()

  /// The clean utterance `id` at 16 kHz.
  static func clean(_ id: String) throws -> [Float] {
    lock.lock()
    defer { lock.unlock() }
    if let x = cache[id] { return x }
    let x = try AudioLoader.load(path: "\(repo)/corpus/audio/\(id).flac", sampleRate: rate).samples
    cache[id] = x
    return x
  }

  static let library: NoiseLibrary = try! NoiseLibrary(root: "\(repo)/noise-library")

  /// `x` with noise of `category` at `snrDB` (P.56 active speech reference), file and offset
  /// drawn from `seed`.
  static func noisy(_ x: [Float], category: String, snrDB: Double, seed: UInt64) throws -> [Float] {
    let mix = NoiseMix(
      pools: [.init(weight: 1, files: try library.files(in: category))], snrDB: .constant(snrDB),
      snrReference: .activeSpeech)
    let utt = Utterance(id: "u\(seed)", audioPath: "", text: "", origin: "test")
    var rng = UtteranceRNG(key: seed)
    let p = mix.draw(EffectContext(utterance: utt, sampleRate: rate, sampleCount: x.count), using: &rng)
    return try mix.apply(p, to: AudioBuffer(samples: x, sampleRate: rate)).audio.samples
  }

  /// A synthetic room impulse response: a unit direct sound, then from 2.5 ms a seeded Gaussian
  /// tail whose energy falls by 60 dB in `rt60` seconds, scaled so the direct-to-reverberant
  /// ratio is `drrDB`. Length 1.5·rt60.
  static func rir(rt60: Double, drrDB: Double = 0, seed: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: 0x5249_5200 ^ seed)
    let n = Int(1.5 * rt60 * Double(rate))
    let start = Int(0.0025 * Double(rate))
    var h = [Float](repeating: 0, count: n)
    var tailEnergy = 0.0
    for i in start..<n {
      let t = Double(i) / Double(rate)
      let v = rng.gaussian() * pow(10, -3 * t / rt60)  // amplitude: −60 dB energy at rt60
      h[i] = Float(v)
      tailEnergy += v * v
    }
    let g = Float((pow(10, -drrDB / 10) / tailEnergy).squareRoot())
    for i in start..<n { h[i] *= g }
    h[0] = 1
    return h
  }

  /// Causal convolution of `x` with `h`, same length as `x`, rescaled to the input's RMS.
  static func reverberate(_ x: [Float], _ h: [Float]) -> [Float] {
    let taps = [Float](repeating: 0, count: h.count - 1) + h
    var y = FFTConvolver(taps: taps).apply(x)
    let g = Float(Levels.rms(x) / max(Levels.rms(y), 1e-12))
    for i in y.indices { y[i] *= g }
    return y
  }

  /// `x` through `codec` (at the codec's rate and back to 16 kHz, delay compensated).
  static func coded(_ x: [Float], _ codec: CodecName, mp3Kbps: Double = 24) throws -> [Float] {
    let effect = Codec(spec: CodecSpec(names: [codec]))
    let p = Codec.Parameters(
      codec: codec, amrModes: codec == .amrNB ? [12.2] : [], bitrateKbps: codec == .mp3 ? mp3Kbps : 0)
    return try effect.apply(p, to: AudioBuffer(samples: x, sampleRate: rate)).audio.samples
  }

  /// The true active-speech SNR of `y` = `clean` + noise, dB (noise = y − clean).
  static func trueSNR(clean: [Float], noisy: [Float]) -> Double {
    let p56 = ActiveSpeechLevel.measure(clean, sampleRate: rate).levelDB
    var e = 0.0
    for i in clean.indices { let d = Double(noisy[i] - clean[i]); e += d * d }
    return p56 - 10 * log10(e / Double(clean.count))
  }

  static func measure(_ x: [Float], id: String = "t") -> FileMeasures {
    FileMeasures.measure(AudioBuffer(samples: x, sampleRate: rate), id: id, noiseHint: hint)
  }

  static let hint: NoiseCategoryHint = try! NoiseCategoryHint(library: library)
}
