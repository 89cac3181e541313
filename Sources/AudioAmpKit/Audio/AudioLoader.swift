import Foundation

/// Reads whole files or segments of them as mono audio at a requested sample rate.
public enum AudioLoader {
  /// Reads `path` from `offsetSeconds` for `durationSeconds` (to the end when nil), downmixed to
  /// mono and converted to `sampleRate` Hz with libsamplerate's best converter when the file's
  /// rate differs.
  ///
  /// Only the requested segment is read: the file is opened, seeked and read from there, so a
  /// segment of a long file costs only its own length. Throws `AudioFileError` for a missing,
  /// unreadable, empty or truncated file and for a segment outside the file. Output length:
  /// `round(frames · sampleRate / fileRate)`.
  public static func load(
    path: String, offsetSeconds: Double = 0, durationSeconds: Double? = nil, sampleRate: Int
  ) throws -> AudioBuffer {
    if let member = TarMemberPath(path) {
      return try load(member: member, offsetSeconds: offsetSeconds, durationSeconds: durationSeconds, sampleRate: sampleRate)
    }
    let file = try SoundFile(readingFrom: path)
    if file.headerDeclaresMoreThanPresent {
      throw AudioFileError.truncated(path: path, expectedFrames: file.info.frames, readFrames: file.info.frames)
    }
    let rate = file.info.sampleRate
    // Offsets and durations come from manifests: check them as numbers before any conversion to
    // Int (which would trap on NaN, infinity or 1e300).
    guard offsetSeconds.isFinite, offsetSeconds >= 0, offsetSeconds < file.info.durationSeconds + 1,
      case let start = Int((offsetSeconds * Double(rate)).rounded()), start < file.info.frames
    else {
      throw AudioFileError.badRange(
        path: path,
        detail: String(
          format: "offset %.3f s is outside the file (%.3f s long)", offsetSeconds,
          file.info.durationSeconds))
    }
    var count = file.info.frames - start
    if let d = durationSeconds {
      guard d.isFinite, d > 0 else {
        throw AudioFileError.badRange(path: path, detail: "segment duration \(d) s must be a positive number")
      }
      guard d <= file.info.durationSeconds + 1 else {
        throw AudioFileError.badRange(
          path: path,
          detail: String(
            format: "segment %.3f–%.3f s runs past the end of the file (%.3f s long)", offsetSeconds,
            offsetSeconds + d, file.info.durationSeconds))
      }
      let want = Int((d * Double(rate)).rounded())
      // Manifests round durations; a request at most 10 ms past the end is taken as "to the end".
      if want > count + rate / 100 {
        throw AudioFileError.badRange(
          path: path,
          detail: String(
            format: "segment %.3f–%.3f s runs past the end of the file (%.3f s long)", offsetSeconds,
            offsetSeconds + d, file.info.durationSeconds))
      }
      count = min(want, count)
    }
    if start > 0 { try file.seek(toFrame: start) }
    let samples = try file.readMono(count: count)
    if samples.count < count {
      throw AudioFileError.truncated(
        path: path, expectedFrames: start + count, readFrames: start + samples.count)
    }
    if rate == sampleRate { return AudioBuffer(samples: samples, sampleRate: sampleRate) }
    let converted = try SampleRateConverter.convert(samples, from: rate, to: sampleRate, quality: .best)
    return AudioBuffer(samples: converted, sampleRate: sampleRate)
  }
}
