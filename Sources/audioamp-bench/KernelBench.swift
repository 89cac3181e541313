import AudioAmpKit
import Foundation

/// One line of the kernel benchmark.
struct KernelBenchRow {
  /// Kernel and parameters, e.g. "resample factor 1.1".
  let name: String
  /// Median seconds of audio processed per second of wall time.
  let realtimeFactor: Double
  /// Setup cost (FFTW planning, table building, filter design) and timing spread.
  let detail: String
}

/// Times each DSP kernel on seeded 16 kHz signals, one thread.
///
/// Each kernel is first run once on a short signal so that FFTW planning and table building
/// are timed separately ("setup"); then it runs `repeats` times on `audioSeconds` of audio and
/// the median wall time gives the real-time factor. Output lengths are checked on every run and
/// a wrong length stops the benchmark, so a fast but wrong kernel cannot pass for a speed-up.
enum KernelBench {
  static let sampleRate = 16000

  /// The benchmarks' speech-like test signal: a harmonic tone gliding 100–180 Hz (10 harmonics),
  /// optionally under a 4 Hz syllable envelope, plus seeded white noise of RMS `noise`.
  static func speechLike(count n: Int, sampleRate fs: Int, syllables: Bool, noise: Double, key: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: key)
    var phase = 0.0
    return (0..<n).map { i in
      let t = Double(i) / Double(fs)
      let f0 = 140 + 40 * sin(2 * Double.pi * 0.7 * t)
      phase += 2 * Double.pi * f0 / Double(fs)
      var s = 0.0
      for k in 1...10 { s += sin(Double(k) * phase) / Double(k) }
      let envelope = syllables ? max(0, sin(2 * Double.pi * 4 * t)) : 1
      return Float(0.15 * s * envelope + noise * rng.gaussian())
    }
  }

  static func run(audioSeconds: Double, repeats: Int) -> [KernelBenchRow] {
    precondition(audioSeconds > 0 && repeats >= 1)
    let fs = sampleRate
    let n = Int(audioSeconds * Double(fs))
    let x = speechLike(count: n, sampleRate: fs, syllables: false, noise: 0.02, key: 0xBE7C)
    let short = Array(x.prefix(fs / 2))
    var rows: [KernelBenchRow] = []

    func bench(
      _ name: String, expected: (Int) -> Int, setup: () -> Void = {},
      _ kernel: ([Float]) -> [Float]
    ) {
      let plan0 = FFTPlan.totalPlanningSeconds
      let s0 = DispatchTime.now().uptimeNanoseconds
      setup()
      let warm = kernel(short)
      let setupSeconds = Double(DispatchTime.now().uptimeNanoseconds - s0) * 1e-9
      let planSeconds = FFTPlan.totalPlanningSeconds - plan0
      check(name, warm.count, expected(short.count))
      var times: [Double] = []
      for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let y = kernel(x)
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        check(name, y.count, expected(n))
        times.append(dt)
      }
      times.sort()
      let median = times[times.count / 2]
      rows.append(
        KernelBenchRow(
          name: name, realtimeFactor: audioSeconds / median,
          detail: String(
            format:
              "median %.2f ms for %.0f s; min %.2f, max %.2f ms; "
              + "setup %.1f ms (FFTW planning %.2f ms)",
            median * 1e3, audioSeconds, times.first! * 1e3, times.last! * 1e3, setupSeconds * 1e3,
            planSeconds * 1e3)))
    }

    var taps: [Float] = []
    let designStart = DispatchTime.now().uptimeNanoseconds
    do {
      taps = try FIRDesign.bandPass(lowHz: 300, highHz: 3400, sampleRate: fs)
    } catch { fatalError("band-pass design failed: \(error)") }
    let designMs = Double(DispatchTime.now().uptimeNanoseconds - designStart) * 1e-6
    let conv = FFTConvolver(taps: taps)
    bench(
      "band-pass 300-3400 Hz (\(taps.count) taps; design \(String(format: "%.1f", designMs)) ms)",
      expected: { $0 }
    ) { conv.apply($0) }

    for factor in [1.1, 0.9, 1.0734] {
      bench("resample factor \(factor)", expected: { Int((Double($0) / factor).rounded()) }) {
        PolyphaseResampler.resample($0, factor: factor)
      }
    }
    bench(
      "libsamplerate medium factor 1.1 (reference)",
      expected: { Int((Double($0) / 1.1).rounded()) }
    ) {
      // to/from = 1/1.1 ⇔ from 17600 to 16000
      (try? SampleRateConverter.convert($0, from: 17600, to: 16000, quality: .medium)) ?? []
    }
    for ratio in [1.1, 0.8] {
      bench("stretch ratio \(ratio)", expected: { Int((Double($0) * ratio).rounded()) }) {
        PhaseVocoder.stretch($0, by: ratio, sampleRate: fs)
      }
    }
    for s in [2.0, -3.0, 0.5] {
      bench("pitchShift \(s) semitones", expected: { $0 }) {
        PhaseVocoder.pitchShift($0, semitones: s, sampleRate: fs)
      }
    }
    let stft = STFT(frameSize: 512, hop: 128)
    bench("STFT 512/128 analysis+synthesis", expected: { $0 }) {
      stft.synthesize(stft.analyze($0), length: $0.count)
    }
    return rows
  }

  private static func check(_ name: String, _ got: Int, _ want: Int) {
    if got != want {
      FileHandle.standardError.write(
        "\(name): output length \(got), expected \(want)\n".data(using: .utf8)!)
      exit(1)
    }
  }
}
