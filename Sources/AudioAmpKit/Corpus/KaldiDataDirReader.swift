import Foundation

/// Reads a Kaldi data directory: `wav.scp`, `text`, and when present `utt2spk` and `segments`.
///
/// Utterances come in the order of `text`. `wav.scp` must hold plain paths (relative ones resolve
/// against the current directory, Kaldi's convention of running from the recipe's top); a command
/// pipe (`... |`) or an archive offset (`file.ark:123`) is refused with a message saying how to
/// convert it. With `segments`, each text id is a segment of a recording in `wav.scp`.
/// The lookup tables (`wav.scp`, `utt2spk`, `segments`) are read into memory; `text` is streamed.
///
/// Word timings: with a CTM file (`ctm`, by default `<directory>/ctm` when it exists) keyed by
/// utterance id, each utterance gets an extra field `words`:
/// `[{"word": "HELLO", "start": 0.5, "end": 0.82}, ...]` (plus `"conf"` when given), times in
/// seconds from the utterance's start (for a segment, from the segment's start, as Kaldi's
/// `steps/get_ctm.sh` writes them). `text` and the CTM must then both be sorted by utterance id
/// in byte order (`LC_ALL=C sort`), which is checked before reading, so that they are merged in
/// one pass. CTM lines for ids not in `text` are ignored; an utterance without CTM lines gets no
/// `words`.
public struct KaldiDataDirReader: CorpusReader {
  /// The data directory as given.
  public let directory: String
  /// The CTM file given explicitly, or nil for `<directory>/ctm` when present.
  public let ctm: String?
  public var formatName: String { "kaldi" }

  /// Creates a reader for the data directory `directory`, with word timings from `ctm` (default
  /// `<directory>/ctm` when it exists).
  public init(directory: String, ctm: String? = nil) {
    self.directory = directory
    self.ctm = ctm
  }

  private func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

  /// Reads a two-column Kaldi table (`key rest-of-line`). Problems come back per key.
  private func table(_ name: String, required: Bool) throws -> [String: (value: String, line: Int)]? {
    let path = file(name)
    guard FileManager.default.fileExists(atPath: path) else {
      if required {
        throw CorpusError.unrecognisedInput(path: directory, detail: "Kaldi data directory has no \(name)")
      }
      return nil
    }
    var out: [String: (String, Int)] = [:]
    let lines = try LineReader(path: path)
    while let raw = lines.next() {
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
      guard let (key, rest) = Self.split(line) else { continue }
      if let first = out[key] {
        throw CorpusError.duplicateID(id: key, origin: "\(path):\(lines.lineNumber)", firstOrigin: "\(path):\(first.1)")
      }
      out[key] = (rest, lines.lineNumber)
    }
    return out
  }

  /// Splits "key<space/tab>rest" at the first run of blanks; `rest` keeps its bytes exactly.
  static func split(_ line: String) -> (String, String)? {
    guard let firstBlank = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
      return line.isEmpty ? nil : (line, "")
    }
    let key = String(line[..<firstBlank])
    var restStart = firstBlank
    while restStart < line.endIndex, line[restStart] == " " || line[restStart] == "\t" {
      restStart = line.index(after: restStart)
    }
    return key.isEmpty ? nil : (key, String(line[restStart...]))
  }

  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    let scpPath = file("wav.scp")
    guard let wav = try table("wav.scp", required: true) else { return AnyIterator { nil } }
    let spk = try table("utt2spk", required: false) ?? [:]
    let segments = try table("segments", required: false)
    guard FileManager.default.fileExists(atPath: file("text")) else {
      throw CorpusError.unrecognisedInput(path: directory, detail: "Kaldi data directory has no text file (transcripts)")
    }
    let textPath = file("text")
    var words: CTMReader? = nil
    let ctmPath = ctm ?? file("ctm")
    if ctm != nil || FileManager.default.fileExists(atPath: ctmPath) {
      try CTMReader.checkSorted(textPath, what: "text", fix: "sort it with LC_ALL=C sort (or utils/fix_data_dir.sh)")
      try CTMReader.checkSorted(ctmPath, what: "the ctm", fix: "sort it with LC_ALL=C sort -k1,1 -k3,3n")
      words = try CTMReader(path: ctmPath)
    }
    let lines = try LineReader(path: textPath)
    let cwd = FileManager.default.currentDirectoryPath
    var ids = IDRegistry()

    func audioPath(for rec: String, origin: String, id: String) -> Result<String, CorpusError> {
      guard let entry = wav[rec] else {
        return .failure(.badEntry(origin: origin, id: id, detail: "a transcript without audio: '\(rec)' is not in \(scpPath)"))
      }
      let spec = entry.value.trimmingCharacters(in: .whitespaces)
      let scpOrigin = "\(scpPath):\(entry.line)"
      if spec.hasSuffix("|") {
        return .failure(
          .badEntry(
            origin: scpOrigin, id: id,
            detail: "wav.scp entry is a command pipe ('\(spec)'); audioamp reads audio files only: run the command once to write a WAV/FLAC file and list that path instead"))
      }
      if let colon = spec.lastIndex(of: ":"), spec[spec.index(after: colon)...].allSatisfy(\.isNumber),
        spec.index(after: colon) < spec.endIndex
      {
        return .failure(
          .badEntry(
            origin: scpOrigin, id: id,
            detail: "wav.scp entry '\(spec)' is an archive offset; extract the audio to files (e.g. with Kaldi's wav-copy) and list plain paths"))
      }
      return .success(spec.hasPrefix("/") ? spec : (cwd as NSString).appendingPathComponent(spec))
    }

    return AnyIterator {
      while let raw = lines.next() {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        guard let (id, text) = Self.split(line) else { continue }
        let origin = "\(textPath):\(lines.lineNumber)"
        if let first = ids.claim(id, source: textPath, line: lines.lineNumber) {
          return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
        }
        var offset = 0.0
        var duration: Double? = nil
        var rec = id
        if let segments {
          guard let seg = segments[id] else {
            return .failure(.badEntry(origin: origin, id: id, detail: "a transcript without audio: '\(id)' is not in \(file("segments"))"))
          }
          let parts = seg.value.split(whereSeparator: { $0 == " " || $0 == "\t" })
          guard parts.count >= 3, let start = Double(parts[1]), let end = Double(parts[2]), start >= 0,
            end > start || end == -1
          else {
            return .failure(
              .badEntry(
                origin: "\(file("segments")):\(seg.line)", id: id,
                detail: "segments line must be '<utt-id> <recording-id> <start-s> <end-s>' with end > start"))
          }
          rec = String(parts[0])
          offset = start
          duration = end == -1 ? nil : end - start
        }
        var extra: [(String, JSONValue)] = []
        // An utterance refused before this point leaves its CTM lines unread; the next call
        // skips them, since they sort before the next id.
        switch words?.words(for: id) {
        case .failure(let e)?: return .failure(e)
        case .success(let w?)?: extra.append(("words", .array(w)))
        default: break
        }
        switch audioPath(for: rec, origin: origin, id: id) {
        case .failure(let e): return .failure(e)
        case .success(let path):
          return .success(
            Utterance(
              id: id, audioPath: path, offsetSeconds: offset, durationSeconds: duration, text: text,
              speaker: spk[id]?.value, origin: origin, extra: extra))
        }
      }
      return nil
    }
  }
}
