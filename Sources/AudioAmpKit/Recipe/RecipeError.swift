/// One problem found in a recipe, with where it is and how to fix it.
public struct RecipeDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// The recipe path as given by the caller.
  public var path: String
  /// 1-based line of the offending value (or key, for unknown and duplicate keys).
  public var line: Int
  /// 1-based column, counted in Unicode scalars.
  public var column: Int
  /// The field path, e.g. `effects[2].noise.snr_db`; empty for whole-file problems.
  public var field: String
  /// What is wrong and how to fix it.
  public var message: String

  /// Creates a diagnostic.
  public init(path: String, line: Int, column: Int, field: String, message: String) {
    self.path = path
    self.line = line
    self.column = column
    self.field = field
    self.message = message
  }

  /// `path:line:column: field: message`, or `path:line:column: message` when `field` is empty.
  public var description: String {
    field.isEmpty
      ? "\(path):\(line):\(column): \(message)"
      : "\(path):\(line):\(column): \(field): \(message)"
  }
}

/// Why a recipe could not be loaded.
public enum RecipeError: Error, Sendable, CustomStringConvertible {
  /// The file could not be read at all (missing, a folder, no permission, not UTF-8 text).
  case unreadable(path: String, reason: String)
  /// The file was read but has problems; all of them, in document order.
  case invalid([RecipeDiagnostic])

  /// The problems, one per line; for `.unreadable`, what failed and what to do about it.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "\(path): cannot read recipe: \(reason)"
    case .invalid(let diagnostics):
      return diagnostics.map(\.description).joined(separator: "\n")
    }
  }

  /// The diagnostics of `.invalid`; empty for `.unreadable`.
  public var diagnostics: [RecipeDiagnostic] {
    if case .invalid(let list) = self { return list }
    return []
  }
}
