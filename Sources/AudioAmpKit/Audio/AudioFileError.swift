import Foundation

/// Failures reading or writing audio files, each with a message a person can act on.
public enum AudioFileError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The file does not exist.
  case missing(path: String)
  /// libsndfile could not open the file (not audio, unknown format, corrupt header).
  case cannotOpen(path: String, reason: String)
  /// The file exists but the user running audioamp may not read it (permission bits, ACL).
  case permissionDenied(path: String)
  /// The file's data stops before the length its header declares.
  case truncated(path: String, expectedFrames: Int, readFrames: Int)
  /// The file holds no samples.
  case empty(path: String)
  /// A seek or read failed part-way through.
  case readFailed(path: String, reason: String)
  /// A write, close or rename failed.
  case writeFailed(path: String, reason: String)
  /// A request outside the file (offset past the end, negative duration).
  case badRange(path: String, detail: String)
  /// The output disk is full (ENOSPC); nothing was left under the final name. A run stops on
  /// this even with `--keep-going`, since every later output would fail the same way.
  case diskFull(path: String)

  public var description: String {
    switch self {
    case .missing(let path):
      return "\(path): no such file; check the path (relative paths resolve against the manifest's folder)"
    case .cannotOpen(let path, let reason):
      return "\(path): cannot be read as audio (\(reason)); check that it is a complete WAV, FLAC, OGG, Opus or MP3 file"
    case .permissionDenied(let path):
      return "\(path): permission denied: the user running audioamp (uid \(getuid())) may not read this file; make it readable (e.g. chmod a+r, and a+x on its folders) or run as a user who can read it"
    case .truncated(let path, let expected, let got):
      return "\(path): file is truncated: its header declares \(expected) frames but only \(got) could be read; re-copy or re-encode the file"
    case .empty(path: let path):
      return "\(path): file holds no audio samples (zero length)"
    case .readFailed(let path, let reason):
      return "\(path): read failed (\(reason))"
    case .writeFailed(let path, let reason):
      return "\(path): cannot write (\(reason)); check that the output folder exists, is writable and has free space"
    case .badRange(let path, let detail):
      return "\(path): \(detail)"
    case .diskFull(let path):
      return "\(path): cannot write: the disk is full (No space left on device); nothing was left under this name. Free some space and run the same command again to resume"
    }
  }
}

extension AudioFileError {
  /// True for `.diskFull`.
  public var isDiskFull: Bool {
    if case .diskFull = self { return true }
    return false
  }

  /// The file concerned.
  public var path: String {
    switch self {
    case .missing(let p), .cannotOpen(let p, _), .permissionDenied(let p), .truncated(let p, _, _), .empty(let p), .readFailed(let p, _),
      .writeFailed(let p, _), .badRange(let p, _), .diskFull(let p):
      return p
    }
  }

  /// The message without its leading "path: ", for wrapping in an error that names the file
  /// in its own words (a noise file, an impulse response).
  public var reason: String {
    if case .missing = self { return "no such file" }
    let d = description
    return d.hasPrefix(path + ": ") ? String(d.dropFirst(path.count + 2)) : d
  }
}
