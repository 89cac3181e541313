import AudioAmpKit
import Foundation

/// Times each codec and channel effect on a seeded 16 kHz speech-like signal, one thread.
///
/// Every codec runs through ``CodecChain`` exactly as the `codec` effect does (resampling in and
/// out, encode, decode, delay compensation), with and without 5 % frame loss; the channel
/// effects (handset, AGC, compressor, clipping) and the P.56 measurement run on the same signal.
/// The median of `repeats` runs gives the real-time factor; each run's output length is checked
/// against the input, and a wrong length stops the benchmark.
enum CodecBench {
  static let sampleRate = 16000

  /// Prints the section: a heading, then one aligned line per row (60 s of audio per run).
  /// Called from `Bench.run()` as `try CodecBench.report(repeats: repeats)`.
  static func report(repeats: Int) throws {
    print("\n-- codecs and channel effects (in memory, one core, median of \(repeats))")
    for row in try run(audioSeconds: 60, repeats: repeats) {
      let name = row.name.count >= 48 ? row.name + " " : row.name + String(repeating: " ", count: 48 - row.name.count)
      print(name + String(format: "%9.0f× realtime  ", row.realtimeFactor) + row.detail)
    }
  }

  static func run(audioSeconds: Double, repeats: Int) throws -> [KernelBenchRow] {
    precondition(audioSeconds > 0 && repeats >= 1)
    let fs = sampleRate
    let n = Int(audioSeconds * Double(fs))
    let x = KernelBench.speechLike(count: n, sampleRate: fs, syllables: true, noise: 0.005, key: 0xC0DEC)
    func median(_ t: [Double]) -> Double {
      let s = t.sorted()
      return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    func timed(_ name: String, _ body: () throws -> [Float]) throws -> KernelBenchRow {
      var times: [Double] = []
      for _ in 0..<repeats {
        let t0 = Date()
        let y = try body()
        times.append(Date().timeIntervalSince(t0))
        guard y.count == x.count else {
          throw CodecError.unsupported(codec: name, detail: "output length \(y.count) for input \(x.count)")
        }
      }
      let spread = String(format: "min %.3f s, max %.3f s", times.min()!, times.max()!)
      return KernelBenchRow(name: name, realtimeFactor: audioSeconds / median(times), detail: spread)
    }
    let codecs: [(String, () throws -> SpeechCodec)] = [
      ("codec g711 a-law", { G711Codec(law: .a) }),
      ("codec gsm-fr", { try GSMCodec() }),
      ("codec amr-nb 4.75", { try AMRNBCodec(dtx: false) { _ in 0 } }),
      ("codec amr-nb 12.2", { try AMRNBCodec(dtx: false) { _ in 7 } }),
      ("codec amr-nb 12.2 dtx", { try AMRNBCodec(dtx: true) { _ in 7 } }),
      ("codec opus nb 12 kbit/s, complexity 0", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: 0) }),
      ("codec opus nb 12 kbit/s, complexity \(OpusCodec.defaultComplexity) (default)", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12) }),
      ("codec opus nb 12 kbit/s, complexity 10", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: 10) }),
      ("codec opus wb 24 kbit/s", { try OpusCodec(bandwidth: .wideband, bitrateKbps: 24) }),
    ]
    var rows: [KernelBenchRow] = []
    for (name, make) in codecs {
      rows.append(try timed(name) { try CodecChain.run(try make(), x, sampleRate: fs) })
      rows.append(
        try timed(name + ", 5 % loss burst 2") {
          let codec = try make()
          let lost = GilbertElliott(lossRate: 0.05, meanBurst: 2).pattern(
            count: CodecChain.frameCount(x.count, sampleRate: fs, codec: codec), seed: 7)
          return try CodecChain.run(codec, x, sampleRate: fs, lost: lost)
        })
    }
    let audio = AudioBuffer(samples: x, sampleRate: fs)
    rows.append(try timed("handset irs") { Handset(types: [.irs]).apply(.irs, to: audio).audio.samples })
    rows.append(try timed("agc τ 1 s") { AGC(spec: AGCSpec()).apply(-26, to: audio).audio.samples })
    rows.append(
      try timed("compressor -20 dB 4:1") {
        Compressor(spec: CompressorSpec(thresholdDB: .constant(-20))).apply(.init(thresholdDB: -20, ratio: 4), to: audio).audio.samples
      })
    rows.append(
      try timed("clipping fraction 1 %") {
        Clipping(spec: ClippingSpec(level: .fraction(.constant(0.01)))).apply(0.01, to: audio).audio.samples
      })
    rows.append(
      try timed("P.56 active speech level") {
        _ = ActiveSpeechLevel.measure(x, sampleRate: fs)
        return x
      })
    return rows
  }
}
