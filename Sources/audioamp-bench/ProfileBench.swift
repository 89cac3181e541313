import AudioAmpKit
import Foundation

/// Speed of `audioamp profile`: the blind measures on the bundled speech (half of it through
/// GSM so the codec-signature path runs, all of it with light noise), in memory, one thread;
/// then the whole `ProfileRun` (file reading included) on the benchmark corpus, one job.
/// The target is at least 200× realtime on one core.
enum ProfileBench {
  static func report(speech: [[Float]], corpus: String, repeats: Int) throws {
    print("\n-- profile (blind measures; one core, median of \(repeats))")
    var rng = UtteranceRNG(key: 0x9F0F)
    var set: [[Float]] = []
    for (i, x) in speech.enumerated() {
      var y = x.map { $0 + 0.003 * Float(rng.gaussian()) }
      if i % 2 == 0 {
        let codec = Codec(spec: CodecSpec(names: [.gsmFR]))
        y = try codec.apply(Codec.Parameters(codec: .gsmFR), to: AudioBuffer(samples: y, sampleRate: 16000)).audio.samples
      }
      set.append(y)
    }
    let seconds = set.reduce(0) { $0 + Double($1.count) } / 16000
    let hint = try NoiseCategoryHint(library: NoiseLibrary(root: "noise-library"))
    var times: [Double] = []
    var gsm = 0
    for _ in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      gsm = 0
      for (i, y) in set.enumerated() {
        let m = FileMeasures.measure(AudioBuffer(samples: y, sampleRate: 16000), id: "b\(i)", noiseHint: hint)
        if m.codecFamily == .gsm { gsm += 1 }
      }
      times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
    }
    guard gsm >= set.count / 2 - 2 else {
      throw BenchFailure(message: "profile bench: only \(gsm) of \((set.count + 1) / 2) GSM files read as GSM")
    }
    let rtf = seconds / times.sorted()[times.count / 2]
    print(String(format: "%@%9.0f× realtime  %.0f s of corpus speech, %d GSM detected", "FileMeasures.measure (in memory)".padding(toLength: 48, withPad: " ", startingAt: 0), rtf, seconds, gsm))

    var o = ProfileRun.Options(input: corpus)
    o.noiseLibrary = "noise-library"
    var runTimes: [Double] = []
    var measured = 0.0
    for _ in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      let p = try ProfileRun.run(o)
      runTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
      measured = p.files.reduce(0) { $0 + $1.durationSeconds }
    }
    let rtf2 = measured / runTimes.sorted()[runTimes.count / 2]
    print(String(format: "%@%9.0f× realtime  %.0f s in WAV files, read + measure + noise prototypes", "ProfileRun --jobs 1 (bench corpus)".padding(toLength: 48, withPad: " ", startingAt: 0), rtf2, measured))
  }
}

/// A benchmark's own consistency check failed.
struct BenchFailure: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
