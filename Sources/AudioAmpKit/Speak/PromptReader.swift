import Foundation

/// One line of a prompt file: the text to speak and what to call it.
public struct Prompt: Sendable, Equatable {
  /// Prompt id: the TSV's `id` column, else `line<NNNNN>` from the line number (1-based), so ids
  /// stay the same from run to run as long as the lines do.
  public var id: String
  /// The text, byte for byte as written (it becomes every output's transcript).
  public var text: String
  /// "file:line", for messages.
  public var origin: String
  /// The TSV's other columns (`label`, `intent`...), carried into the manifest.
  public var extra: [(String, JSONValue)]

  /// Creates a prompt.
  public init(id: String, text: String, origin: String, extra: [(String, JSONValue)] = []) {
    self.id = id
    self.text = text
    self.origin = origin
    self.extra = extra
  }

  public static func == (a: Prompt, b: Prompt) -> Bool {
    a.id == b.id && a.text == b.text && a.origin == b.origin && JSONValue.object(a.extra) == JSONValue.object(b.extra)
  }
}

/// Reads `speak --text` files.
///
/// - `.tsv`: a header row naming the columns, one of them `text`; an `id` column names the
///   prompts (else `line<NNNNN>`), every other column is carried into the manifest as a field.
/// - anything else: plain UTF-8 text, one prompt per line; blank lines and lines starting with
///   `#` are skipped (their line numbers still count).
public enum PromptReader {
  /// Reads every prompt of `path`. Throws `badPrompt` naming the file and line for an unreadable
  /// file, a TSV without a `text` column, a row with the wrong number of fields, empty text or a
  /// repeated id; and when the file holds no prompt at all.
  public static func read(path: String) throws -> [Prompt] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SpeakError.badPrompt(origin: path, detail: "cannot read the file; check --text")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw SpeakError.badPrompt(origin: path, detail: "not UTF-8 text; convert it (e.g. iconv -t UTF-8)")
    }
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    var prompts: [Prompt] = []
    var firstSeen: [String: String] = [:]
    func add(_ p: Prompt) throws {
      if let first = firstSeen[p.id] {
        throw SpeakError.badPrompt(origin: p.origin, detail: "prompt id '\(p.id)' appears again (first at \(first)); ids must be unique")
      }
      firstSeen[p.id] = p.origin
      prompts.append(p)
    }
    if path.lowercased().hasSuffix(".tsv") {
      guard let header = lines.first else { throw SpeakError.badPrompt(origin: path, detail: "empty file; expected a header row with a text column") }
      let columns = header.components(separatedBy: "\t")
      guard let textColumn = columns.firstIndex(of: "text") else {
        throw SpeakError.badPrompt(
          origin: "\(path):1", detail: "the header row has no 'text' column (found: \(columns.joined(separator: ", "))); name the prompt column text")
      }
      let idColumn = columns.firstIndex(of: "id")
      for (n, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        let origin = "\(path):\(n + 1)"
        let fields = line.components(separatedBy: "\t")
        guard fields.count == columns.count else {
          throw SpeakError.badPrompt(origin: origin, detail: "\(fields.count) fields, the header has \(columns.count); separate columns with one tab")
        }
        let t = fields[textColumn]
        guard !t.trimmingCharacters(in: .whitespaces).isEmpty else { throw SpeakError.badPrompt(origin: origin, detail: "empty text") }
        let id = idColumn.map { fields[$0] } ?? lineID(n + 1)
        guard !id.isEmpty, !id.contains("/") else {
          throw SpeakError.badPrompt(origin: origin, detail: "id '\(id)' must be non-empty and contain no '/'")
        }
        let extra = columns.indices.filter { $0 != textColumn && $0 != idColumn }.map { (columns[$0], JSONValue.string(fields[$0])) }
        try add(Prompt(id: id, text: t, origin: origin, extra: extra))
      }
    } else {
      for (n, line) in lines.enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        try add(Prompt(id: lineID(n + 1), text: line, origin: "\(path):\(n + 1)"))
      }
    }
    guard !prompts.isEmpty else { throw SpeakError.badPrompt(origin: path, detail: "holds no prompt") }
    return prompts
  }

  static func lineID(_ n: Int) -> String { String(format: "line%05d", n) }
}
