/// Why a review report or a ratings summary could not be made.
public enum ReviewError: Error, Sendable, CustomStringConvertible {
  /// The run folder has no readable manifest.jsonl.
  case noManifest(path: String)
  /// A manifest or ratings line is not valid JSON.
  case badJSON(path: String, line: Int, message: String)
  /// The ratings file lacks a field or has a wrong value.
  case badRatings(path: String, detail: String)
  /// The `--profile` target is not a readable profile.
  case badProfile(path: String, reason: String)
  /// An output or image could not be written.
  case unwritable(path: String, reason: String)

  public var description: String {
    switch self {
    case .noManifest(let path):
      return "\(path): no manifest.jsonl; pass the folder an `audioamp mix --output` run wrote"
    case .badJSON(let path, let line, let message):
      return "\(path):\(line): not valid JSON (\(message))"
    case .badRatings(let path, let detail):
      return "\(path): \(detail); export the file again from the review page (button \"Export ratings\")"
    case .badProfile(let path, let reason):
      return "--profile \(path): not a profile (\(reason)); write one with `audioamp profile TARGET --out \(path)`, or pass the target set itself"
    case .unwritable(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}
