import Foundation
import Testing

@testable import AudioAmpKit

/// The codec fast paths: Opus complexity, the G.711 tables, the buffer forms of encode/decode
/// and the single-pass P.56 counting, each checked against what it replaced.
@Suite struct CodecFastPathTests {
  /// Opus at 12 kbit/s narrowband: complexity changes the coded speech measurably, higher
  /// complexity codes it at least as well (segmental SNR against the input), and every
  /// complexity keeps length and lag-0 alignment.
  @Test func opusComplexityChangesTheCoding() throws {
    let x = Signals.vowels(seconds: 3, rate: 16000)
    var seg: [Int: Double] = [:]
    var outputs: [Int: [Float]] = [:]
    for c in [0, 5, 10] {
      let y = try CodecChain.run(try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: c), x, sampleRate: 16000)
      #expect(y.count == x.count)
      seg[c] = CodecMeasure.segmentalSNRDB(x, y, sampleRate: 16000)
      outputs[c] = y
      let n = CodecTests.envelopedNoise(rate: 16000)
      let yn = try CodecChain.run(try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: c), n, sampleRate: 16000)
      #expect(CodecMeasure.xcorrPeakLag(n, yn) == 0, "complexity \(c): not aligned")
    }
    print("opus nb 12 kbit/s segmental SNR by complexity: \(seg.sorted { $0.key < $1.key })")
    // The three codings differ from each other by far more than rounding.
    let d05 = CodecMeasure.snrDB(outputs[0]!, outputs[5]!)
    let d510 = CodecMeasure.snrDB(outputs[5]!, outputs[10]!)
    #expect(d05 < 40 && d510 < 40, "complexities give near-identical output: \(d05) dB, \(d510) dB apart")
    #expect(seg[10]! >= seg[0]! + 0.3, "complexity 10: \(seg[10]!) dB, complexity 0: \(seg[0]!) dB")
    // Measured (libopus 1.3.1): 12.0, 12.1 and 12.5 dB for complexity 0, 5 and 10.
    #expect(seg[5]! >= seg[0]! - 0.5 && seg[5]! <= seg[10]! + 0.5, "complexity 5: \(seg[5]!) dB")
  }

  @Test func opusComplexityOutsideRangeIsRejected() {
    #expect(throws: CodecError.unsupported(codec: "opus", detail: "complexity 11 is outside 0…10; use 0 (fastest) to 10 (best)")) {
      try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: 11)
    }
  }

  /// The complexity used is recorded in the manifest fields, default stated by the codec.
  @Test func opusComplexityIsRecorded() {
    let effect = Codec(spec: CodecSpec(names: [.opus]))
    let fields = effect.record(Codec.Parameters(codec: .opus, bitrateKbps: 12))
    #expect(fields.contains { $0.0 == "complexity" && $0.1 == .number(Double(OpusCodec.defaultComplexity)) })
    #expect(OpusCodec.defaultComplexity == 5)
  }

  /// The 64 KiB encoder tables give exactly the codes of the segment search for every sample.
  @Test(arguments: G711.Law.allCases)
  func g711TablesMatchTheFormulas(_ law: G711.Law) throws {
    let codec = G711Codec(law: law)
    let all = (0..<65536).map { Int16($0 - 32768) }
    var packet = [UInt8](repeating: 0, count: codec.frameSize)
    var decoded = [Int16](repeating: 0, count: codec.frameSize)
    // Whole frames over all 65,536 values, the last one ending at 32767.
    let starts = Array(stride(from: 0, through: all.count - codec.frameSize, by: codec.frameSize)) + [all.count - codec.frameSize]
    for start in starts {
      let frame = Array(all[start..<(start + codec.frameSize)])
      let n = frame.withUnsafeBufferPointer { f in
        packet.withUnsafeMutableBufferPointer { codec.encode(f, frameIndex: 0, into: $0) }
      }
      #expect(n == codec.frameSize)
      let want = frame.map(law == .mu ? G711.muLaw : G711.aLaw)
      #expect(packet == want, "\(law): codes differ in the frame starting at \(frame[0])")
      try packet.withUnsafeBufferPointer { p in
        try decoded.withUnsafeMutableBufferPointer { try codec.decode(p, into: $0) }
      }
      #expect(decoded == want.map(law == .mu ? G711.muLawDecode : G711.aLawDecode))
    }
  }

  /// The array forms (used by callers outside the chain) and the buffer forms the chain uses
  /// give identical packets and samples, frame after frame, for every codec.
  @Test func arrayAndBufferFormsAgree() throws {
    let x = Signals.vowels(seconds: 1, rate: 8000).map { Int16(($0 * 32767).rounded()) }
    let makers: [(String, () throws -> SpeechCodec)] = [
      ("g711", { G711Codec(law: .a) }), ("gsm-fr", { try GSMCodec() }),
      ("amr-nb", { try AMRNBCodec(dtx: true) { _ in 7 } }),
      ("opus", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12) }),
    ]
    for (name, make) in makers {
      let a = try make()
      let b = try make()
      let size = a.frameSize
      var packet = [UInt8](repeating: 0, count: b.maxPacketBytes)
      var out = [Int16](repeating: 0, count: size)
      for f in 0..<(x.count / size) {
        let frame = Array(x[f * size..<(f + 1) * size])
        let pa = try a.encode(frame, frameIndex: f)
        let n = try frame.withUnsafeBufferPointer { fp in
          try packet.withUnsafeMutableBufferPointer { try b.encode(fp, frameIndex: f, into: $0) }
        }
        #expect(pa == Array(packet[0..<n]), "\(name): packet \(f) differs")
        let lost = a.hasConcealment && f % 7 == 3
        let da = try a.decode(lost ? nil : pa)
        if lost {
          try out.withUnsafeMutableBufferPointer { try b.decode(nil, into: $0) }
        } else {
          try packet.withUnsafeBufferPointer { p in
            try out.withUnsafeMutableBufferPointer { try b.decode(UnsafeBufferPointer(rebasing: p[0..<n]), into: $0) }
          }
        }
        #expect(da == out, "\(name): frame \(f) decodes differently")
      }
    }
  }

  /// The single-pass P.56 (sliding-window maximum of the threshold index) gives exactly the
  /// measurement of the direct per-threshold count it replaced, on speech with pauses, on
  /// continuous noise, on a lone click, on a very quiet signal and on very short inputs.
  @Test(arguments: ["vowels", "noise", "click", "quiet", "short", "pauses"])
  func p56MatchesTheDirectCount(_ kind: String) {
    let rate = 16000
    var x: [Float]
    switch kind {
    case "vowels": x = Signals.vowels(seconds: 3, rate: rate)
    case "noise": x = Signals.noise(seconds: 2, rate: rate, rms: 0.05)
    case "click":
      x = [Float](repeating: 0, count: rate)
      x[5000] = 0.9
    case "quiet": x = Signals.vowels(seconds: 2, rate: rate).map { $0 * 1e-5 }
    case "short": x = [0.1, -0.2, 0.3]
    default:
      x = Signals.vowels(seconds: 1, rate: rate) + [Float](repeating: 0, count: 2 * rate) + Signals.vowels(seconds: 1, rate: rate)
    }
    let fast = ActiveSpeechLevel.measure(x, sampleRate: rate)
    let direct = Self.directP56(x, sampleRate: rate)
    #expect(fast == direct, "\(kind): fast \(fast), direct \(direct)")
  }

  /// P.56 method B with the per-sample, per-threshold hangover count, as the library computed
  /// it before the single-pass version (the reference the fast one must equal exactly).
  static func directP56(_ x: [Float], sampleRate: Int) -> ActiveSpeechLevel.Measurement {
    let energy = Levels.energy(x)
    guard energy > 0 else { return .init(levelDB: -.infinity, activityFactor: 0) }
    let thresholdsDB = stride(from: -120.0, through: 0.0, by: 20 * log10(2.0)).map { $0 }
    let thresholds = thresholdsDB.map { pow(10, $0 / 20) }
    let g = exp(-1 / (Double(sampleRate) * ActiveSpeechLevel.timeConstantSeconds))
    let hang = Int((ActiveSpeechLevel.hangoverSeconds * Double(sampleRate)).rounded())
    var active = [Int](repeating: 0, count: thresholds.count)
    var sinceAbove = [Int](repeating: Int.max / 2, count: thresholds.count)
    var p = 0.0, q = 0.0
    for v in x {
      p = g * p + (1 - g) * Double(abs(v))
      q = g * q + (1 - g) * p
      for j in 0..<thresholds.count {
        if q >= thresholds[j] {
          active[j] += 1
          sinceAbove[j] = 0
        } else if sinceAbove[j] < hang {
          active[j] += 1
          sinceAbove[j] += 1
        }
      }
    }
    func level(_ j: Int) -> Double { active[j] > 0 ? 10 * log10(energy / Double(active[j])) : .infinity }
    func diff(_ j: Int) -> Double { level(j) - thresholdsDB[j] }
    let n = Double(x.count)
    let margin = ActiveSpeechLevel.marginDB
    if diff(0) <= margin { return .init(levelDB: 10 * log10(energy / n), activityFactor: 1) }
    for j in 1..<thresholds.count where active[j] > 0 && diff(j) <= margin {
      let d0 = diff(j - 1), d1 = diff(j)
      let f = (d0 - margin) / (d0 - d1)
      let lvl = level(j - 1) + f * (level(j) - level(j - 1))
      return .init(levelDB: lvl, activityFactor: min(1, pow(10, (10 * log10(energy / n) - lvl) / 10)))
    }
    let j = active.lastIndex(where: { $0 > 0 }) ?? 0
    return .init(levelDB: level(j), activityFactor: Double(active[j]) / n)
  }
}
