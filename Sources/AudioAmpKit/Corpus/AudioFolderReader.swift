import Foundation

/// Reads a Hugging Face "audiofolder" dataset: a folder with the audio files and one
/// `metadata.csv` or `metadata.jsonl` describing them.
///
/// Every row names its audio in `file_name`, a path relative to the folder (the file must
/// exist). The transcript comes from `textColumn` when given, else from the first of
/// `transcription`, `text`, `sentence`, `transcript` that the metadata has (the CSV header, or the
/// first JSON-lines object); the text is kept byte for byte. The speaker comes from `speaker_id`,
/// else `speaker`. The id is `file_name` without its extension, with each `/` replaced by `-`
/// (`clips/a/x.wav` → `clips-a-x`); two rows mapping to the same id are refused, since outputs
/// are named after ids. Every other column is carried to the output as an extra field: from the
/// CSV as strings (empty ones included, in header order), from JSON lines as JSON values.
///
/// The CSV follows RFC 4180 (quoted fields may hold commas, quotes and line breaks); see
/// `CSVReader`. Refused, one row at a time: a field count different from the header's, bad
/// quoting, an empty or missing `file_name`, a missing audio file, a missing transcript and a
/// repeated id. A folder holding both `metadata.csv` and `metadata.jsonl` is refused as a whole.
/// The metadata is streamed; memory holds 16 bytes per id for the uniqueness check.
public struct AudioFolderReader: CorpusReader {
  /// The dataset folder as given.
  public let directory: String
  /// The transcript column to use, or nil to pick the first of `textColumnCandidates` present.
  public let textColumn: String?
  public var formatName: String { "audiofolder" }

  /// Transcript columns tried in order when `textColumn` is nil.
  public static let textColumnCandidates = ["transcription", "text", "sentence", "transcript"]
  /// Speaker columns tried in order.
  public static let speakerColumnCandidates = ["speaker_id", "speaker"]
  /// Metadata file names, in the order they are looked for.
  public static let metadataNames = ["metadata.csv", "metadata.jsonl"]

  /// Creates a reader for the audiofolder at `directory`, optionally naming its transcript
  /// column.
  public init(directory: String, textColumn: String? = nil) {
    self.directory = directory
    self.textColumn = textColumn
  }

  /// The metadata file of `folder`, or nil when it has none. Throws when it has both kinds.
  public static func metadataFile(in folder: String) throws -> String? {
    let found = metadataNames.map { (folder as NSString).appendingPathComponent($0) }
      .filter { FileManager.default.fileExists(atPath: $0) }
    if found.count > 1 {
      throw CorpusError.unrecognisedInput(
        path: folder,
        detail: "audiofolder has both metadata.csv and metadata.jsonl; keep one of them")
    }
    return found.first
  }

  /// Throws when the folder has no metadata file, or the CSV header lacks `file_name` or a
  /// transcript column.
  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    guard let metadata = try Self.metadataFile(in: directory) else {
      throw CorpusError.unrecognisedInput(
        path: directory,
        detail:
          "audiofolder has no metadata.csv or metadata.jsonl (with file_name and transcription columns)"
      )
    }
    let context = RowContext(directory: directory, metadata: metadata)
    return metadata.hasSuffix(".csv") ? try csvEntries(context) : try jsonlEntries(context)
  }

  /// What every row needs: where it is and how to turn it into an utterance.
  private final class RowContext {
    let directory: String
    let metadata: String
    var ids = IDRegistry()

    init(directory: String, metadata: String) {
      self.directory = directory
      self.metadata = metadata
    }

    /// Builds the utterance for one row once its fields have been picked out.
    func utterance(
      line: Int, fileName: String, text: String, speaker: String?, extra: [(String, JSONValue)]
    ) -> Result<Utterance, CorpusError> {
      let origin = "\(metadata):\(line)"
      guard !fileName.isEmpty else {
        return .failure(
          .badEntry(
            origin: origin, id: nil,
            detail: "empty \"file_name\": each row needs the path of its audio file"))
      }
      let id = (fileName as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "-")
      let audio = fileName.hasPrefix("/") ? fileName : directory + "/" + fileName
      guard FileManager.default.fileExists(atPath: audio) else {
        return .failure(
          .badEntry(
            origin: origin, id: id, detail: "a transcript without audio: \(audio) not found"))
      }
      if let first = ids.claim(id, source: metadata, line: line) {
        return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
      }
      return .success(
        Utterance(
          id: id, audioPath: audio, text: text, speaker: speaker, origin: origin, extra: extra))
    }
  }

  private func csvEntries(_ context: RowContext) throws -> AnyIterator<
    Result<Utterance, CorpusError>
  > {
    let path = context.metadata
    let csv = try CSVReader(path: path)
    let header: [String]
    switch csv.next() {
    case nil:
      throw CorpusError.badEntry(
        origin: "\(path):1", id: nil,
        detail: "empty file; metadata.csv starts with a header line naming its columns")
    case .failure(let e)?:
      throw CorpusError.badEntry(origin: "\(path):\(e.line)", id: nil, detail: e.message)
    case .success(let r)?:
      header = r.fields
    }
    guard let fileCol = header.firstIndex(of: "file_name") else {
      throw CorpusError.badEntry(
        origin: "\(path):1", id: nil,
        detail:
          "header has no 'file_name' column (found: \(header.joined(separator: ", "))); name the column holding the audio paths file_name"
      )
    }
    let textCol = try pickTextColumn(from: header, origin: "\(path):1")
    let textIndex = header.firstIndex(of: textCol)!
    let speakerIndex = Self.speakerColumnCandidates.lazy.compactMap { header.firstIndex(of: $0) }
      .first
    let used = Set([fileCol, textIndex] + (speakerIndex.map { [$0] } ?? []))
    let extraCols = header.indices.filter { !used.contains($0) }

    return AnyIterator {
      guard let next = csv.next() else { return nil }
      switch next {
      case .failure(let e):
        return .failure(.badEntry(origin: "\(path):\(e.line)", id: nil, detail: e.message))
      case .success(let r):
        guard r.fields.count == header.count else {
          return .failure(
            .badEntry(
              origin: "\(path):\(r.line)", id: nil,
              detail:
                "row has \(r.fields.count) fields but the header has \(header.count); quote any field holding a comma"
            ))
        }
        let speaker = speakerIndex.map { r.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        return context.utterance(
          line: r.line, fileName: r.fields[fileCol], text: r.fields[textIndex], speaker: speaker,
          extra: extraCols.map { (header[$0], .string(r.fields[$0])) })
      }
    }
  }

  /// The transcript column: the one asked for, else the first candidate in `names`.
  private func pickTextColumn(from names: [String], origin: String) throws -> String {
    if let textColumn {
      guard names.contains(textColumn) else {
        throw CorpusError.badEntry(
          origin: origin, id: nil,
          detail:
            "no '\(textColumn)' column, which was asked for as the transcript (found: \(names.joined(separator: ", ")))"
        )
      }
      return textColumn
    }
    guard let c = Self.textColumnCandidates.first(where: names.contains) else {
      throw CorpusError.badEntry(
        origin: origin, id: nil,
        detail:
          "no transcript column (looked for \(Self.textColumnCandidates.joined(separator: ", ")); found: \(names.joined(separator: ", "))); rename the column or name it explicitly"
      )
    }
    return c
  }

  private func jsonlEntries(_ context: RowContext) throws -> AnyIterator<
    Result<Utterance, CorpusError>
  > {
    let path = context.metadata
    let lines = try LineReader(path: path)
    // Picked from the first object, then required of every line.
    var textKey: String? = nil

    return AnyIterator {
      while let raw = lines.next() {
        let n = lines.lineNumber
        let origin = "\(path):\(n)"
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
        let value: JSONValue, pairs: [(String, JSONValue)]
        switch JSONValue.parseObjectLine(line, origin: origin, shape: #"{"file_name": ..., "transcription": ...}"#) {
        case .failure(let e): return .failure(e)
        case .success(let parsed): (value, pairs) = parsed
        }
        guard let fileValue = value["file_name"] else {
          return .failure(
            .badEntry(
              origin: origin, id: nil,
              detail: "no \"file_name\": each line needs the path of its audio file"))
        }
        guard let fileName = fileValue.stringValue else {
          return .failure(
            .badEntry(origin: origin, id: nil, detail: "\"file_name\" must be a string"))
        }
        if textKey == nil {
          do {
            textKey = try self.pickTextColumn(from: pairs.map(\.0), origin: origin)
          } catch let e as CorpusError {
            return .failure(e)
          } catch {
            return .failure(.badEntry(origin: origin, id: nil, detail: "\(error)"))
          }
        }
        let key = textKey!
        let id = (fileName as NSString).deletingPathExtension.replacingOccurrences(
          of: "/", with: "-")
        guard let textValue = value[key] else {
          return .failure(
            .badEntry(
              origin: origin, id: id,
              detail:
                "no \"\(key)\": every line needs its transcript (the column was picked from the first line)"
            ))
        }
        guard let text = textValue.stringValue else {
          return .failure(.badEntry(origin: origin, id: id, detail: "\"\(key)\" must be a string"))
        }
        let speakerKey = Self.speakerColumnCandidates.first { value[$0] != nil }
        var speaker: String? = nil
        if let speakerKey {
          switch value[speakerKey]! {
          case .string(let s): speaker = s.isEmpty ? nil : s
          case .number(let x): speaker = JSONValue.format(x)
          case .null: speaker = nil
          default:
            return .failure(
              .badEntry(
                origin: origin, id: id, detail: "\"\(speakerKey)\" must be a string or a number"))
          }
        }
        let used: Set<String> = ["file_name", key, speakerKey ?? "file_name"]
        return context.utterance(
          line: n, fileName: fileName, text: text, speaker: speaker,
          extra: pairs.filter { !used.contains($0.0) })
      }
      return nil
    }
  }
}
