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
  ///
  /// The file was listed (indexed or scanned) before the run started, and the offset drawn from
  /// the length listed. A file deleted, truncated or shortened since then throws
  /// ``EffectError/unreadableNoise(path:detail:)`` naming its path, rather than quietly mixing a
  /// different stretch of noise than an uninterrupted run would have mixed.
  public static func read(_ file: NoiseFile, offsetSeconds: Double, count: Int, sampleRate: Int) throws -> [Float] {
    guard count > 0 else { return [] }
    do {
      return try readChecked(file, offsetSeconds: offsetSeconds, count: count, sampleRate: sampleRate)
    } catch let e as AudioFileError {
      throw EffectError.unreadableNoise(path: file.path, detail: e.reason)
    }
  }

  static func readChecked(_ file: NoiseFile, offsetSeconds: Double, count: Int, sampleRate: Int) throws -> [Float] {
    let sf = try SoundFile(readingFrom: file.path)
    if sf.headerDeclaresMoreThanPresent {
      throw AudioFileError.truncated(path: file.path, expectedFrames: sf.info.frames, readFrames: sf.info.frames)
    }
    let fileRate = sf.info.sampleRate
    let total = sf.info.frames
    // Index durations are rounded to the millisecond; anything shorter than that by more than
    // 50 ms is another file than the one listed.
    if file.durationSeconds > 0 && sf.info.durationSeconds + 0.05 < file.durationSeconds {
      throw AudioFileError.badRange(
        path: file.path,
        detail: String(
          format: "file is now %.3f s long but was listed as %.3f s when the run started (shortened or replaced)",
          sf.info.durationSeconds, file.durationSeconds))
    }
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
    // A compressed file cut short decodes fewer frames than its header promises.
    let expected = looping ? total : needed
    if raw.count < expected {
      throw AudioFileError.truncated(path: file.path, expectedFrames: total, readFrames: (looping ? 0 : start) + raw.count)
    }
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
