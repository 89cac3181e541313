import Foundation

/// Problems of `audioamp profile`: an input with nothing to measure, a profile file that cannot
/// be read back.
public enum ProfileError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The input holds no audio this tool reads.
  case noAudio(path: String)
  /// Every file failed; the first reason is given.
  case allFailed(path: String, count: Int, first: String)
  /// A profile JSON file is malformed (`field` names the place, e.g. `files[3].snr_db`).
  case badProfile(path: String, field: String, detail: String)

  public var description: String {
    switch self {
    case .noAudio(let path):
      return
        "\(path): no audio to profile; give a corpus (\(CorpusFormat.formatNames.joined(separator: ", "))) "
        + "or a folder holding audio files (\(AudioFileFormat.readableExtensions.sorted().joined(separator: ", ")))"
    case .allFailed(let path, let count, let first):
      return "\(path): none of the \(count) files could be measured; first problem: \(first)"
    case .badProfile(let path, let field, let detail):
      return "\(path): \(field): \(detail); write profiles with 'audioamp profile <input> --out <file>'"
    }
  }
}
