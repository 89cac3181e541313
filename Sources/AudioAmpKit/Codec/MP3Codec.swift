import Foundation

/// MP3 at low bit rates, as heard on streamed or archived speech: encoded with LAME and decoded
/// with mpg123 through libsndfile, whole utterance at a time.
///
/// The codec runs at 16 kHz (MPEG-2, 8–160 kbit/s) or, at 16 kbit/s and below, at 8 kHz
/// (MPEG-2.5), with resampling in and out. LAME's delay (encoder look-ahead plus decoder delay)
/// depends on the library versions and on whether the decoder honours the gapless header, so
/// it is measured rather than declared: the decoded signal is aligned to the encoder's input at
/// the lag (0–4000 samples) where their normalised cross-correlation peaks, then trimmed or
/// padded to the input's length. MP3 is not a frame codec here, so `packet_loss` does not apply.
public enum MP3Codec {
  /// The rate MP3 runs at for a bit rate.
  public static func codecRate(bitrateKbps: Double) -> Int { bitrateKbps <= 16 ? 8000 : 16000 }

  /// Round-trips `x` through MP3; returns the output (same length as `x`) and the measured delay
  /// in samples at the codec rate.
  public static func run(_ x: [Float], sampleRate: Int, bitrateKbps: Double) throws -> (samples: [Float], delay: Int, codecRate: Int) {
    let rate = codecRate(bitrateKbps: bitrateKbps)
    let input = rate == sampleRate ? x : try SampleRateConverter.convert(x, from: sampleRate, to: rate, quality: .medium)
    // Two frames of silence after the end, so the encoder's flush carries the last samples.
    let padded = input + [Float](repeating: 0, count: 2 * 1152)
    let tmp = NSTemporaryDirectory() + "audioamp-mp3-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).mp3"
    defer { unlink(tmp) }
    try SoundFile.write(padded, sampleRate: rate, to: tmp, format: .mp3, bitrateKbps: bitrateKbps)
    let decoded = try AudioLoader.load(path: tmp, sampleRate: rate).samples
    let delay = alignment(of: decoded, to: input, maxLag: 4000)
    var aligned = [Float](repeating: 0, count: input.count)
    for i in 0..<input.count where delay + i < decoded.count { aligned[i] = decoded[delay + i] }
    var back = rate == sampleRate ? aligned : try SampleRateConverter.convert(aligned, from: rate, to: sampleRate, quality: .medium)
    if back.count > x.count { back.removeLast(back.count - x.count) }
    if back.count < x.count { back += [Float](repeating: 0, count: x.count - back.count) }
    return (back, delay, rate)
  }

  /// The lag (0…maxLag) at which `y` best matches `x` (normalised cross-correlation over the
  /// first three seconds' worth of samples).
  static func alignment(of y: [Float], to x: [Float], maxLag: Int) -> Int {
    let n = min(x.count, 48000)
    guard n > 0 else { return 0 }
    var best = 0
    var bestScore = -Double.infinity
    let ex = Levels.energy(Array(x.prefix(n)))
    for lag in 0...maxLag where lag + n <= y.count {
      var dot = 0.0, ey = 0.0
      y.withUnsafeBufferPointer { yp in
        x.withUnsafeBufferPointer { xp in
          for i in 0..<n {
            dot += Double(xp[i]) * Double(yp[lag + i])
            ey += Double(yp[lag + i]) * Double(yp[lag + i])
          }
        }
      }
      let score = dot / max(1e-12, (ex * ey).squareRoot())
      if score > bestScore {
        bestScore = score
        best = lag
      }
    }
    return best
  }
}
