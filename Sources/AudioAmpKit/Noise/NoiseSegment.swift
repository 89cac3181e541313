import Foundation

/// Reads exactly the stretch of noise an utterance needs.
public enum NoiseSegment {
  /// Crossfade length used when a short noise file is looped, seconds.
  public static let loopCrossfadeSeconds = 0.1

  /// Returns `count` samples of `file` at `sampleRate` Hz starting `offsetSeconds` into it.
  ///
  /// A file long enough is seeked and only the needed frames are decoded. A file shorter than
  /// the request (from `offsetSeconds`) is read whole and looped, each repetition joined to the
  /// last with an equal-power (sine/cosine) crossfade of `loopCrossfadeSeconds` (at most a
  /// quarter of the file), so the seams neither click nor dip in level for uncorrelated noise.
  /// A file at another rate is converted with libsamplerate's best converter.
  public static func read(_ file: NoiseFile, offsetSeconds: Double, count: Int, sampleRate: Int) throws -> [Float] {
    guard count > 0 else { return [] }
    let sf = try SoundFile(readingFrom: file.path)
    let fileRate = sf.info.sampleRate
    let total = sf.info.frames
    let start = min(max(0, Int((offsetSeconds * Double(fileRate)).rounded())), total - 1)
    let needed = fileRate == sampleRate ? count : Int((Double(count) * Double(fileRate) / Double(sampleRate)).rounded(.up)) + 64
    var raw: [Float]
    let looping = total - start < needed
    if looping {
      raw = try sf.readMono(count: total)
    } else {
      try sf.seek(toFrame: start)
      raw = try sf.readMono(count: needed)
    }
    if raw.isEmpty { throw EffectError.emptyNoise(file: file.name) }
    if fileRate != sampleRate {
      raw = try SampleRateConverter.convert(raw, from: fileRate, to: sampleRate, quality: .best)
    }
    // `loop` returns a plain prefix when the segment is already long enough.
    return loop(raw, count: count, sampleRate: sampleRate)
  }

  /// Tiles `x` to `count` samples with equal-power crossfades at the joins.
  static func loop(_ x: [Float], count: Int, sampleRate: Int) -> [Float] {
    let n = x.count
    if n >= count { return Array(x.prefix(count)) }
    let fade = max(1, min(Int(loopCrossfadeSeconds * Double(sampleRate)), n / 4))
    var out = [Float](repeating: 0, count: count)
    let copyLen = min(n, count)
    for i in 0..<copyLen { out[i] = x[i] }
    var pos = n - fade  // where the next copy starts, overlapping the tail by `fade`
    while pos < count {
      for i in 0..<n {
        let j = pos + i
        if j >= count { break }
        if i < fade {
          // Equal power: the faded-out tail and faded-in head add in power, not amplitude.
          let t = (Double(i) + 0.5) / Double(fade)
          let gIn = Float(sin(0.5 * Double.pi * t))
          let gOut = Float(cos(0.5 * Double.pi * t))
          out[j] = out[j] * gOut + x[i] * gIn
        } else {
          out[j] = x[i]
        }
      }
      pos += n - fade
    }
    return out
  }
}
