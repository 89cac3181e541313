import Foundation

/// Reads a JSON-lines manifest: one JSON object per line with `audio_filepath`, `text`, and
/// optionally `duration`, `id`, `speaker`, `offset`.
///
/// Relative audio paths resolve against the manifest's folder. Without `offset` the whole file is
/// the utterance (`duration` is then informational); with `offset`, `duration` (when given) is
/// the segment length. A missing `id` becomes the audio file's name without extension (plus the
/// offset in milliseconds for segments). Other fields are carried through to the output. Blank
/// lines are skipped.
public struct ManifestReader: CorpusReader {
  /// The manifest path as given.
  public let path: String
  public var formatName: String { "jsonl" }

  /// Creates a reader for the manifest at `path`.
  public init(path: String) { self.path = path }

  private static let knownKeys: Set<String> = ["audio_filepath", "duration", "text", "id", "speaker", "offset"]

  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    let lines = try LineReader(path: path)
    let base = URL(fileURLWithPath: path).deletingLastPathComponent()
    var ids = IDRegistry()
    return AnyIterator {
      while let raw = lines.next() {
        let n = lines.lineNumber
        let origin = "\(path):\(n)"
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
        let result = Self.entry(line, origin: origin, base: base)
        if case .success(let u) = result {
          if let first = ids.claim(u.id, source: path, line: n) {
            return .failure(.duplicateID(id: u.id, origin: origin, firstOrigin: first))
          }
        }
        return result
      }
      return nil
    }
  }

  static func entry(_ line: String, origin: String, base: URL) -> Result<Utterance, CorpusError> {
    let value: JSONValue, pairs: [(String, JSONValue)]
    switch JSONValue.parseObjectLine(line, origin: origin, shape: #"{"audio_filepath": ..., "text": ...}"#) {
    case .failure(let e): return .failure(e)
    case .success(let parsed): (value, pairs) = parsed
    }
    var id: String? = nil
    if let v = value["id"] {
      guard let s = v.stringValue, !s.isEmpty else {
        return .failure(.badEntry(origin: origin, id: nil, detail: "\"id\" must be a non-empty string"))
      }
      id = s
    }
    func bad(_ detail: String) -> Result<Utterance, CorpusError> { .failure(.badEntry(origin: origin, id: id, detail: detail)) }
    guard let audio = value["audio_filepath"] else {
      return bad("no \"audio_filepath\": a transcript without audio; add the path of its audio file")
    }
    guard let audioRel = audio.stringValue, !audioRel.isEmpty else { return bad("\"audio_filepath\" must be a non-empty string") }
    let stem = URL(fileURLWithPath: audioRel).deletingPathExtension().lastPathComponent
    // Name the utterance in later messages even when the line has no "id".
    if id == nil { id = stem }
    guard let textValue = value["text"] else { return bad("no \"text\": every utterance needs its transcript") }
    guard let text = textValue.stringValue else { return bad("\"text\" must be a string") }
    var offset = 0.0
    var hasOffset = false
    if let o = value["offset"] {
      guard let d = o.numberValue, d >= 0 else { return bad("\"offset\" must be a number of seconds ≥ 0") }
      offset = d
      hasOffset = true
    }
    var duration: Double? = nil
    if let d = value["duration"] {
      guard let x = d.numberValue, x > 0 else { return bad("\"duration\" must be a positive number of seconds") }
      duration = x
    }
    var speaker: String? = nil
    if let s = value["speaker"] {
      switch s {
      case .string(let x): speaker = x
      case .number(let x): speaker = JSONValue.format(x)
      default: return bad("\"speaker\" must be a string")
      }
    }
    let resolved = audioRel.hasPrefix("/") ? audioRel : base.appendingPathComponent(audioRel).path
    let explicitID = value["id"] != nil
    let uttID = explicitID ? id! : (hasOffset ? "\(stem)-\(Int((offset * 1000).rounded()))" : stem)
    let extra = pairs.filter { !knownKeys.contains($0.0) }
    return .success(
      Utterance(
        id: uttID, audioPath: resolved, offsetSeconds: offset, durationSeconds: hasOffset ? duration : nil,
        text: text, speaker: speaker, origin: origin, extra: extra))
  }
}
