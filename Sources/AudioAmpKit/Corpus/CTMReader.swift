import Foundation

/// Reads a Kaldi CTM file (`<utt-id> <channel> <start-s> <duration-s> <word> [<confidence>]` per
/// line) alongside a data directory's `text`, one utterance at a time.
///
/// Both files must be sorted by utterance id in byte order (Kaldi's own convention, which
/// `utils/validate_data_dir.sh` checks for `text`), so the two are merged in one pass holding
/// only the current utterance's words. `checkSorted` verifies that order before reading.
final class CTMReader {
  let path: String
  private let lines: LineReader
  /// The next unused line: its key, line number and fields.
  private var pending: (key: String, line: Int, fields: [Substring])? = nil

  init(path: String) throws {
    self.path = path
    lines = try LineReader(path: path)
  }

  /// Throws when the first blank-separated field of `file`'s lines is not in non-decreasing
  /// byte order (reading the file once, holding one key).
  static func checkSorted(_ file: String, what: String, fix: String) throws {
    let lines = try LineReader(path: file)
    var last: String? = nil
    while let raw = lines.next() {
      guard
        let key = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).first.map(
          String.init)
      else {
        continue
      }
      if let last, key.utf8.lexicographicallyPrecedes(last.utf8) {
        throw CorpusError.badEntry(
          origin: "\(file):\(lines.lineNumber)", id: key,
          detail:
            "\(what) is not sorted by utterance id ('\(key)' comes after '\(last)'); words from the ctm are matched to utterances in sorted order: \(fix)"
        )
      }
      last = key
    }
  }

  /// The words of utterance `id`, as `{"word", "start", "end"}` objects (plus `"conf"` when the
  /// line has a confidence), times in seconds from the utterance's start; nil when the ctm has
  /// none. Lines for ids before `id` (utterances not in `text`) are skipped. Ids must come in
  /// increasing byte order.
  func words(for id: String) -> Result<[JSONValue]?, CorpusError> {
    var out: [JSONValue] = []
    while true {
      if pending == nil {
        guard let raw = lines.next() else { break }
        let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let key = fields.first else { continue }
        pending = (String(key), lines.lineNumber, fields)
      }
      let (key, line, fields) = pending!
      if key.utf8.lexicographicallyPrecedes(id.utf8) {
        pending = nil
        continue
      }
      guard key == id else { break }
      pending = nil
      guard fields.count == 5 || fields.count == 6, let start = Double(fields[2]),
        let duration = Double(fields[3]),
        start >= 0, duration >= 0
      else {
        return .failure(
          .badEntry(
            origin: "\(path):\(line)", id: id,
            detail:
              "ctm line must be '<utt-id> <channel> <start-s> <duration-s> <word> [<confidence>]' with start and duration ≥ 0"
          ))
      }
      var word: [(String, JSONValue)] = [
        ("word", .string(String(fields[4]))), ("start", .number(start)),
        ("end", .number(start + duration)),
      ]
      if fields.count == 6 {
        guard let conf = Double(fields[5]) else {
          return .failure(
            .badEntry(
              origin: "\(path):\(line)", id: id,
              detail: "ctm confidence '\(fields[5])' is not a number"))
        }
        word.append(("conf", .number(conf)))
      }
      out.append(.object(word))
    }
    return .success(out.isEmpty ? nil : out)
  }
}
