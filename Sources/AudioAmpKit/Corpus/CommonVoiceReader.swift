import Foundation

/// Reads a Mozilla Common Voice release: one `<lang>/` folder with TSV files (`validated.tsv`,
/// `train.tsv`, `dev.tsv`, `test.tsv`, ...) and the audio in `clips/`.
///
/// `path` is either one `.tsv` file or the `<lang>/` folder; a folder means its `validated.tsv`
/// when present, else its `train.tsv`. Columns are found by their header names, so older and
/// newer releases both work: `path` and `sentence` are required, `client_id` gives the speaker.
/// Each row becomes one utterance:
///
/// - id: `path` without its extension (`common_voice_en_123.mp3` → `common_voice_en_123`);
/// - audio: `clips/<path>` beside the TSV file (it must exist);
/// - text: `sentence` byte for byte (the files are plain tab-separated, without quoting, so a
///   `"` is an ordinary character);
/// - speaker: `client_id` when non-empty;
/// - extra fields: `locale`, `gender`, `age` and `accents` (or `accent` in older releases), as
///   strings, each only when non-empty.
///
/// Refused, one row at a time: a row whose field count differs from the header's (usually a tab
/// inside a sentence), an empty `path`, a missing clip, and a repeated id. Blank lines are skipped.
/// The TSV is streamed; memory holds 16 bytes per id for the uniqueness check.
public struct CommonVoiceReader: CorpusReader {
  /// The `.tsv` file or release folder as given.
  public let path: String
  public var formatName: String { "commonvoice" }

  /// Creates a reader for a Common Voice `.tsv` file or `<lang>/` folder.
  public init(path: String) { self.path = path }

  /// The TSV file a folder stands for: `validated.tsv`, else `train.tsv`, else nil.
  public static func defaultTSV(in folder: String) -> String? {
    for name in ["validated.tsv", "train.tsv"] {
      let p = (folder as NSString).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: p) { return p }
    }
    return nil
  }

  static let extraColumns = ["locale", "gender", "age", "accents", "accent"]

  /// Throws when the TSV is missing or its header lacks `path` or `sentence`.
  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw CorpusError.unrecognisedInput(path: path, detail: "no such file or folder")
    }
    var tsv = path
    if isDir.boolValue {
      guard let t = Self.defaultTSV(in: path) else {
        throw CorpusError.unrecognisedInput(
          path: path,
          detail:
            "Common Voice folder has neither validated.tsv nor train.tsv; pass the .tsv file to read"
        )
      }
      tsv = t
    }
    let clips = ((tsv as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
      "clips")
    let lines = try LineReader(path: tsv)
    guard let rawHeader = lines.next() else {
      throw CorpusError.badEntry(
        origin: "\(tsv):1", id: nil,
        detail: "empty file; a Common Voice TSV starts with a header line")
    }
    let header = Self.fields(rawHeader)
    func column(_ name: String) -> Int? { header.firstIndex(of: name) }
    guard let pathCol = column("path"), let sentenceCol = column("sentence") else {
      let missing = column("path") == nil ? "path" : "sentence"
      throw CorpusError.badEntry(
        origin: "\(tsv):1", id: nil,
        detail:
          "header has no '\(missing)' column (found: \(header.joined(separator: ", "))); is this a Common Voice TSV?"
      )
    }
    let speakerCol = column("client_id")
    let extras = Self.extraColumns.compactMap { name in column(name).map { (name, $0) } }
    var ids = IDRegistry()

    return AnyIterator {
      while let raw = lines.next() {
        let n = lines.lineNumber
        let origin = "\(tsv):\(n)"
        if raw.isEmpty || raw == "\r" { continue }
        let row = Self.fields(raw)
        guard row.count == header.count else {
          return .failure(
            .badEntry(
              origin: origin, id: nil,
              detail:
                "row has \(row.count) tab-separated fields but the header has \(header.count); a tab or line break inside a sentence splits it, so remove it"
            ))
        }
        let file = row[pathCol]
        guard !file.isEmpty else {
          return .failure(
            .badEntry(
              origin: origin, id: nil, detail: "empty 'path': each row needs its clip's file name"))
        }
        let id = (file as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "-")
        let audio = clips + "/" + file
        guard FileManager.default.fileExists(atPath: audio) else {
          return .failure(
            .badEntry(
              origin: origin, id: id, detail: "a transcript without audio: \(audio) not found"))
        }
        if let first = ids.claim(id, source: tsv, line: n) {
          return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
        }
        let speaker = speakerCol.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        let extra: [(String, JSONValue)] = extras.compactMap { name, i in
          row[i].isEmpty ? nil : (name, .string(row[i]))
        }
        return .success(
          Utterance(
            id: id, audioPath: audio, text: row[sentenceCol], speaker: speaker, origin: origin,
            extra: extra))
      }
      return nil
    }
  }

  /// Splits one TSV line at every tab, keeping empty fields; a trailing "\r" is dropped.
  static func fields(_ raw: String) -> [String] {
    let line = raw.hasSuffix("\r") ? raw.dropLast() : Substring(raw)
    return line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
  }
}
