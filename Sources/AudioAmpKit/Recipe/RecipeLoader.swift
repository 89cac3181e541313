import Foundation
import Yams

/// Reads recipe YAML into a validated `Recipe`, reporting every problem at once.
///
/// The loader walks Yams' composed node tree itself (instead of `Decodable`) so it can keep
/// going after a problem and give each one a file:line:column, the field path and a fix. Nothing
/// is defaulted silently: unknown keys, duplicate keys, quoted numbers and out-of-range values
/// are all errors. No audio or noise file is touched; `dir:` paths are not checked for existence.
public enum RecipeLoader {
  /// The noise-library categories accepted by `category:` and `categories:` when the caller
  /// doesn't pass its own list.
  public static let defaultNoiseCategories: [String] = ["cell-phone", "crowd", "traffic"]

  /// Reads and validates the recipe at `path` (relative paths are resolved against the current
  /// directory), accepting the `defaultNoiseCategories`.
  ///
  /// - Throws: `RecipeError.unreadable` if the file can't be read as UTF-8 text,
  ///   `RecipeError.invalid` with every problem found, in document order.
  public static func load(path: String) throws -> Recipe {
    try load(path: path, noiseCategories: defaultNoiseCategories)
  }

  /// Reads and validates the recipe at `path`, accepting the given noise categories (for
  /// example those listed in the noise library's manifest). An empty list accepts any name.
  public static func load(path: String, noiseCategories: [String]) throws -> Recipe {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
      let whereLooked =
        path.hasPrefix("/") ? "" : " (looked relative to \(manager.currentDirectoryPath))"
      throw RecipeError.unreadable(
        path: path,
        reason: "no such file\(whereLooked); check the path, or start from an example in recipes/")
    }
    if isDirectory.boolValue {
      throw RecipeError.unreadable(
        path: path, reason: "this is a folder; give the path of a .yaml recipe file")
    }
    guard let data = manager.contents(atPath: path) else {
      throw RecipeError.unreadable(
        path: path, reason: "the file can't be opened; check that it is readable (permissions)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw RecipeError.unreadable(
        path: path, reason: "the file is not UTF-8 text; save the recipe as UTF-8")
    }
    return try parse(yaml: text, path: path, noiseCategories: noiseCategories)
  }

  /// Validates recipe YAML held in memory, accepting the `defaultNoiseCategories`; `path` is
  /// only used in messages.
  ///
  /// - Throws: `RecipeError.invalid` with every problem found, in document order.
  public static func parse(yaml: String, path: String) throws -> Recipe {
    try parse(yaml: yaml, path: path, noiseCategories: defaultNoiseCategories)
  }

  /// Validates recipe YAML held in memory, accepting the given noise categories (an empty list
  /// accepts any name).
  public static func parse(yaml: String, path: String, noiseCategories: [String]) throws -> Recipe {
    var decoder = RecipeDecoder(path: path, noiseCategories: noiseCategories)
    switch composeTolerantly(yaml) {
    case .failure(let line, let column, let message):
      decoder.report(line: line, column: column, field: "", message)
      throw RecipeError.invalid(decoder.sortedDiagnostics)
    case .success(let root, let renamedKeys):
      decoder.renamedKeys = renamedKeys
      let recipe = decoder.decodeRecipe(root)
      let diagnostics = decoder.sortedDiagnostics
      guard diagnostics.isEmpty, let recipe else { throw RecipeError.invalid(diagnostics) }
      return recipe
    }
  }

  // MARK: - Composing

  enum ComposeResult {
    case success(Node?, renamedKeys: [String: String])
    case failure(line: Int, column: Int, message: String)
  }

  /// Composes the YAML, working around Yams' stop-at-first-duplicate-key behaviour.
  ///
  /// Yams throws on the first mapping with a repeated key, which would hide every other problem
  /// in the file. Each time, we rename the reported key occurrence in the text to a unique
  /// placeholder of the same length (private-use characters, so line and column of everything
  /// else stay put) and compose again. The decoder maps placeholders back to the original name
  /// and reports the later occurrence as a duplicate.
  static func composeTolerantly(_ yaml: String) -> ComposeResult {
    var text = yaml
    var renamed: [String: String] = [:]
    for attempt in 0..<2000 {
      do {
        return .success(try Yams.compose(yaml: text), renamedKeys: renamed)
      } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
        let key = duplicates.first ?? "?"
        let placeholder = String(
          String.UnicodeScalarView(
            [Unicode.Scalar(0xE000 + UInt32(attempt % 6000))!]
              + Array(
                repeating: Unicode.Scalar(0xF8FF)!, count: max(0, key.unicodeScalars.count - 1))))
        guard let replaced = replaceKey(key, at: context.mark, in: text, with: placeholder) else {
          return .failure(
            line: context.mark.line, column: context.mark.column,
            message: "duplicate key '\(key)' in one mapping; keep only one of them")
        }
        text = replaced
        renamed[placeholder] = key
      } catch let error as YamlError {
        return syntaxFailure(error)
      } catch {
        return .failure(line: 1, column: 1, message: "invalid YAML: \(error)")
      }
    }
    return .failure(line: 1, column: 1, message: "too many duplicate keys; remove the repeats")
  }

  /// Replaces the key written at `mark` (plain or quoted) by `placeholder`, or nil if the text
  /// there isn't simply the key.
  private static func replaceKey(
    _ key: String, at mark: Mark, in text: String, with placeholder: String
  )
    -> String?
  {
    var scalars = Array(text.unicodeScalars)
    var line = 1
    var start = 0
    while line < mark.line {
      guard let newline = scalars[start...].firstIndex(of: "\n") else { return nil }
      start = newline + 1
      line += 1
    }
    var position = start + mark.column - 1
    guard position < scalars.count else { return nil }
    if scalars[position] == "\"" || scalars[position] == "'" { position += 1 }
    let keyScalars = Array(key.unicodeScalars)
    guard !keyScalars.isEmpty, position + keyScalars.count <= scalars.count,
      Array(scalars[position..<position + keyScalars.count]) == keyScalars
    else { return nil }
    scalars.replaceSubrange(
      position..<position + keyScalars.count, with: Array(placeholder.unicodeScalars))
    return String(String.UnicodeScalarView(scalars))
  }

  private static func syntaxFailure(_ error: YamlError) -> ComposeResult {
    let fix = "check the indentation, colons, brackets and quotes around here"
    func describe(_ context: YamlError.Context?, _ problem: String) -> String {
      guard let context else { return problem }
      return
        "\(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
    }
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _):
      return .failure(
        line: mark.line, column: mark.column,
        message: "invalid YAML: \(describe(context, problem)); \(fix)")
    case .composer(let context, let problem, let mark, _):
      if problem == "but found another document" {
        return .failure(
          line: mark.line, column: mark.column,
          message: "a second YAML document starts here; a recipe file holds exactly one, so "
            + "remove the '---' line and what follows, or move it to its own file")
      }
      return .failure(
        line: mark.line, column: mark.column,
        message: "invalid YAML: \(describe(context, problem)); \(fix)")
    case .reader(let problem, let offset, _, let yaml):
      var line = 1
      var column = 1
      if let offset {
        for character in yaml.prefix(offset) {
          if character == "\n" || character == "\r\n" {
            line += 1
            column = 1
          } else {
            column += character.unicodeScalars.count
          }
        }
      }
      return .failure(
        line: line, column: column,
        message: "the text can't be read as YAML: \(problem); remove or retype this character")
    default:
      return .failure(line: 1, column: 1, message: "invalid YAML: \(error)")
    }
  }
}
