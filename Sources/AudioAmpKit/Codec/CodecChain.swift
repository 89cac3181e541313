/// Runs a ``SpeechCodec`` over a whole signal at any rate: resamples to the codec's rate,
/// encodes and decodes frame by frame with an optional loss pattern, removes the codec's delay
/// and resamples back.
///
/// The output has exactly the input's length and is aligned with it (cross-correlation peak at
/// lag 0): the codec rate signal is padded with zeros at the end by the codec's delay (rounded
/// up to whole frames), and the decoded signal is read from `delay` on. Resampling uses
/// libsamplerate's medium sinc converter (90 % bandwidth, ~121 dB stop band), which has no
/// delay of its own. A lost frame is concealed by the codec itself when it can (Opus, AMR-NB);
/// otherwise the last decoded frame is repeated with a linear fade, from full level to half over
/// the first lost frame and to silence over the second, after which silence is played until a
/// frame arrives (the simplest scheme of ITU-T G.711 Appendix I).
public enum CodecChain {
  /// Frames the codec will process for `count` input samples at `sampleRate`.
  public static func frameCount(_ count: Int, sampleRate: Int, codec: SpeechCodec) -> Int {
    let n = Int((Double(count) * Double(codec.sampleRate) / Double(sampleRate)).rounded())
    return (n + codec.delay + codec.frameSize - 1) / codec.frameSize
  }

  /// Codes `x` (at `sampleRate`) through `codec`, losing the frames marked true in `lost`
  /// (shorter patterns lose nothing past their end). Returns `x.count` samples; an empty input
  /// gives an empty output. Samples are quantised to 16 bits, clipping at ±1.
  public static func run(_ codec: SpeechCodec, _ x: [Float], sampleRate: Int, lost: [Bool] = []) throws -> [Float] {
    guard !x.isEmpty else { return [] }
    let atCodecRate = try SampleRateConverter.convert(x, from: sampleRate, to: codec.sampleRate, quality: .medium)
    let n = atCodecRate.count
    let frames = (n + codec.delay + codec.frameSize - 1) / codec.frameSize
    var pcm = [Int16](repeating: 0, count: frames * codec.frameSize)
    for i in 0..<n {
      pcm[i] = Int16(max(-32768, min(32767, (atCodecRate[i] * 32768).rounded())))
    }
    var decoded = [Int16]()
    decoded.reserveCapacity(pcm.count)
    var lastGood = [Int16](repeating: 0, count: codec.frameSize)
    var lostRun = 0
    for f in 0..<frames {
      let frame = Array(pcm[f * codec.frameSize..<(f + 1) * codec.frameSize])
      let packet = try codec.encode(frame, frameIndex: f)
      let isLost = f < lost.count && lost[f]
      if !isLost {
        let out = try codec.decode(packet)
        decoded += out
        lastGood = out
        lostRun = 0
      } else if codec.hasConcealment {
        decoded += try codec.decode(nil)
      } else {
        lostRun += 1
        let size = Double(codec.frameSize)
        let start = max(0, 1 - 0.5 * Double(lostRun - 1))
        let end = max(0, 1 - 0.5 * Double(lostRun))
        for (i, s) in lastGood.enumerated() {
          let g = start + (end - start) * Double(i) / size
          decoded.append(Int16((Double(s) * g).rounded()))
        }
      }
    }
    var y = [Float](repeating: 0, count: n)
    for i in 0..<n { y[i] = Float(decoded[i + codec.delay]) / 32768 }
    var back = try SampleRateConverter.convert(y, from: codec.sampleRate, to: sampleRate, quality: .medium)
    if back.count > x.count {
      back.removeLast(back.count - x.count)
    } else if back.count < x.count {
      back += [Float](repeating: 0, count: x.count - back.count)
    }
    return back
  }
}
