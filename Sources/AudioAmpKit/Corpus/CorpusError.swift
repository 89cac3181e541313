import Foundation

/// Problems with a corpus: its layout, one of its entries, or the output folder.
public enum CorpusError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The input path does not exist or is not a recognised corpus.
  case unrecognisedInput(path: String, detail: String)
  /// A file of the corpus could not be read.
  case unreadable(path: String, reason: String)
  /// One entry is malformed; `origin` is "file:line".
  case badEntry(origin: String, id: String?, detail: String)
  /// An id appears twice.
  case duplicateID(id: String, origin: String, firstOrigin: String)
  /// The output folder cannot be used.
  case badOutput(path: String, detail: String)

  /// The utterance id the problem concerns, when there is one.
  public var utteranceID: String? {
    switch self {
    case .badEntry(_, let id, _): return id
    case .duplicateID(let id, _, _): return id
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .unrecognisedInput(let path, let detail): return "\(path): \(detail)"
    case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))"
    case .badEntry(let origin, let id, let detail):
      return id.map { "\(origin): utterance '\($0)': \(detail)" } ?? "\(origin): \(detail)"
    case .duplicateID(let id, let origin, let first):
      return "\(origin): utterance id '\(id)' appears again (first at \(first)); ids must be unique because outputs are named after them"
    case .badOutput(let path, let detail): return "\(path): \(detail)"
    }
  }
}

extension CorpusError {
  /// The error for a corpus file that `open` refused, saying why when the reason is
  /// permissions (the commonest cause once the path is known to exist).
  static func cannotOpen(_ path: String) -> CorpusError {
    if access(path, R_OK) != 0 && errno == EACCES {
      return .unreadable(
        path: path,
        reason: "permission denied: the user running audioamp (uid \(getuid())) may not read it; make it readable (e.g. chmod a+r, and a+x on its folders) or run as a user who can")
    }
    return .unreadable(path: path, reason: "cannot open for reading; check that it is a readable file")
  }
}
