import Foundation

/// The location of audio stored as a member of a tar shard, written as an audio path:
/// `tar://<tar path>#<member name>`.
///
/// Corpus readers of sharded formats (WebDataset, NeMo tarred, Lhotse Shar) give utterances such
/// paths; `AudioLoader.load` reads them with one `pread` through the tar's cached `TarIndex`.
public struct TarMemberPath: Sendable, Equatable, CustomStringConvertible {
  /// The tar file.
  public var archive: String
  /// The member's name inside it.
  public var member: String

  /// Creates a member path.
  public init(archive: String, member: String) {
    self.archive = archive
    self.member = member
  }

  /// Parses `tar://ARCHIVE#MEMBER` (split at the last `#`), or nil for an ordinary path.
  public init?(_ path: String) {
    guard path.hasPrefix("tar://"), let hash = path.lastIndex(of: "#") else { return nil }
    archive = String(path[path.index(path.startIndex, offsetBy: 6)..<hash])
    member = String(path[path.index(after: hash)...])
  }

  public var description: String { "tar://\(archive)#\(member)" }

  /// The member's encoded bytes.
  public func bytes() throws -> [UInt8] {
    let index = try TarIndex.of(archive)
    guard let m = index.member(member) else {
      throw AudioFileError.missing(path: description)
    }
    return try index.read(m)
  }
}

extension AudioLoader {
  /// Loads audio that lives inside a tar shard (see `TarMemberPath`), with the same segment,
  /// mono downmix and rate conversion rules as `load(path:offsetSeconds:durationSeconds:sampleRate:)`.
  /// A nil `sampleRate` keeps the member's own rate.
  static func load(member: TarMemberPath, offsetSeconds: Double, durationSeconds: Double?, sampleRate: Int?) throws -> AudioBuffer {
    let label = member.description
    let (all, rate) = try SoundFile.decode(try member.bytes(), label: label)
    let start = Int((offsetSeconds * Double(rate)).rounded())
    guard offsetSeconds >= 0, start < all.count else {
      throw AudioFileError.badRange(path: label, detail: String(format: "offset %.3f s is outside the audio", offsetSeconds))
    }
    var end = all.count
    if let d = durationSeconds {
      guard d > 0 else { throw AudioFileError.badRange(path: label, detail: "segment duration \(d) s must be positive") }
      let want = Int((d * Double(rate)).rounded())
      if start + want > all.count + rate / 100 {
        throw AudioFileError.badRange(path: label, detail: String(format: "segment runs past the end of the audio (%.3f s long)", Double(all.count) / Double(rate)))
      }
      end = min(all.count, start + want)
    }
    let samples = start == 0 && end == all.count ? all : Array(all[start..<end])
    let target = sampleRate ?? rate
    if rate == target { return AudioBuffer(samples: samples, sampleRate: target) }
    return AudioBuffer(samples: try SampleRateConverter.convert(samples, from: rate, to: target, quality: .best), sampleRate: target)
  }

  /// The native sample rate of the audio at `path` (a file or a `tar://` member).
  public static func nativeSampleRate(path: String) throws -> Int {
    if let m = TarMemberPath(path) { return try SoundFile.decode(try m.bytes(), label: path).sampleRate }
    return try SoundFile(readingFrom: path).info.sampleRate
  }
}
