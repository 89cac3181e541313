import CKernels

/// Runs a ``SpeechCodec`` over a whole signal at any rate: resamples to the codec's rate,
/// encodes and decodes frame by frame with an optional loss pattern, removes the codec's delay
/// and resamples back.
///
/// The output has exactly the input's length and is aligned with it (cross-correlation peak at
/// lag 0): the codec rate signal is padded with zeros at the end by the codec's delay (rounded
/// up to whole frames), and the decoded signal is read from `delay` on. Resampling (see
/// ``resample(_:from:to:)``) is exact 2:1 / 1:2 with ``HalfbandResampler`` when one rate is
/// twice the other (16 kHz ↔ 8 kHz, the common case), otherwise libsamplerate's medium sinc
/// converter (90 % bandwidth, ~121 dB stop band); neither has a delay of its own. A lost frame is
/// concealed by the codec itself when it can (Opus, AMR-NB); otherwise the last decoded frame is
/// repeated with a linear fade, from full level to half over the first lost frame and to
/// silence over the second, after which silence is played until a frame arrives (the simplest
/// scheme of ITU-T G.711 Appendix I). The frame loop works in buffers allocated once per call,
/// through the codecs' buffer forms of `encode` and `decode`.
public enum CodecChain {
  /// Frames the codec will process for `count` input samples at `sampleRate`.
  public static func frameCount(_ count: Int, sampleRate: Int, codec: SpeechCodec) -> Int {
    let n = Int((Double(count) * Double(codec.sampleRate) / Double(sampleRate)).rounded())
    return (n + codec.delay + codec.frameSize - 1) / codec.frameSize
  }

  /// Converts `x` from `from` Hz to `to` Hz for a codec: ``HalfbandResampler`` when one rate is
  /// exactly twice the other, libsamplerate medium otherwise, `x` itself when they are equal.
  /// Returns round(x.count·to/from) samples, aligned at sample 0.
  public static func resample(_ x: [Float], from: Int, to: Int) throws -> [Float] {
    if from == to { return x }
    if from == 2 * to { return HalfbandResampler.decimate(x) }
    if to == 2 * from { return HalfbandResampler.interpolate(x) }
    return try SampleRateConverter.convert(x, from: from, to: to, quality: .medium)
  }

  /// Codes `x` (at `sampleRate`) through `codec`, losing the frames marked true in `lost`
  /// (shorter patterns lose nothing past their end). Returns `x.count` samples; an empty input
  /// gives an empty output. Samples are quantised to 16 bits, clipping at ±1.
  public static func run(_ codec: SpeechCodec, _ x: [Float], sampleRate: Int, lost: [Bool] = []) throws -> [Float] {
    guard !x.isEmpty else { return [] }
    let atCodecRate = try resample(x, from: sampleRate, to: codec.sampleRate)
    let n = atCodecRate.count
    let size = codec.frameSize
    let delay = codec.delay
    let frames = (n + delay + size - 1) / size
    // Round half away from zero and clip to 16 bits (CKernels, vectorised, same bits on AVX and
    // baseline); the frames' tail past the signal is zeros.
    let pcm = [Int16](unsafeUninitializedCapacity: frames * size) { p, count in
      if n > 0 { atCodecRate.withUnsafeBufferPointer { a in aa_quantize16(a.baseAddress!, p.baseAddress!, n) } }
      if frames * size > n { (p.baseAddress! + n).initialize(repeating: 0, count: frames * size - n) }
      count = frames * size
    }
    // Zeros: a frame lost before any was heard stays silent.
    var decoded = [Int16](repeating: 0, count: frames * size)
    var packet = [UInt8](repeating: 0, count: max(1, codec.maxPacketBytes))
    try pcm.withUnsafeBufferPointer { pp in
      try decoded.withUnsafeMutableBufferPointer { dp in
        try packet.withUnsafeMutableBufferPointer { kp in
          var lastGood: Int? = nil  // first sample of the last frame decoded from a packet
          var lostRun = 0
          for f in 0..<frames {
            let lo = f * size
            let bytes = try codec.encode(UnsafeBufferPointer(rebasing: pp[lo..<(lo + size)]), frameIndex: f, into: kp)
            let out = UnsafeMutableBufferPointer(rebasing: dp[lo..<(lo + size)])
            let isLost = f < lost.count && lost[f]
            if !isLost {
              try codec.decode(UnsafeBufferPointer(rebasing: kp[0..<bytes]), into: out)
              lastGood = lo
              lostRun = 0
            } else if codec.hasConcealment {
              try codec.decode(nil, into: out)
            } else {
              lostRun += 1
              guard let good = lastGood else { continue }  // nothing heard yet: silence
              let fsize = Double(size)
              let start = max(0, 1 - 0.5 * Double(lostRun - 1))
              let end = max(0, 1 - 0.5 * Double(lostRun))
              for i in 0..<size {
                let g = start + (end - start) * Double(i) / fsize
                out[i] = Int16((Double(dp[good + i]) * g).rounded())
              }
            }
          }
        }
      }
    }
    // Back to float (exact: q/32768) with the codec's delay removed, written straight into the
    // resampler's buffer when the way back is the half-band interpolator.
    var back: [Float]
    if sampleRate == 2 * codec.sampleRate {
      back = decoded.withUnsafeBufferPointer { d in
        HalfbandResampler.interpolate(count: n) { aa_dequantize16(d.baseAddress! + delay, $0, n) }
      }
    } else {
      let y = [Float](unsafeUninitializedCapacity: n) { yp, count in
        if n > 0 { decoded.withUnsafeBufferPointer { d in aa_dequantize16(d.baseAddress! + delay, yp.baseAddress!, n) } }
        count = n
      }
      back = try resample(y, from: codec.sampleRate, to: sampleRate)
    }
    if back.count > x.count {
      back.removeLast(back.count - x.count)
    } else if back.count < x.count {
      back += [Float](repeating: 0, count: x.count - back.count)
    }
    return back
  }
}
