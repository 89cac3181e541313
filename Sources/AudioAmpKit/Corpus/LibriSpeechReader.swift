import Foundation

/// Reads a LibriSpeech tree: `<speaker>/<chapter>/<speaker>-<chapter>.trans.txt` beside
/// `<utterance-id>.flac` files.
///
/// `directory` may be one split (`train-clean-100/`), a folder holding several splits
/// (`LibriSpeech/`), or a single speaker or chapter folder: every `*.trans.txt` below it is read,
/// folders in byte order of their names, lines in file order. Each line is
/// `<utterance-id> <TRANSCRIPT>`; the transcript is everything after the first run of blanks,
/// byte for byte (a trailing "\r" is dropped). The speaker is the id's first `-` field, and the
/// audio is `<utterance-id>.flac` in the transcript file's folder.
///
/// Refused, one entry at a time: a line with no transcript, an id that does not start with the
/// transcript file's `<speaker>-<chapter>-` (which is what keeps ids unique across chapters), an
/// id repeated within a file, a chapter file met twice (the same split copied twice), and a line
/// whose `.flac` is missing. A `.flac` with no transcript line is ignored (LibriSpeech ships
/// none). Memory holds one folder's listing and the chapters seen, not the utterances.
public struct LibriSpeechReader: CorpusReader {
  /// The folder as given.
  public let directory: String
  public var formatName: String { "librispeech" }

  /// Creates a reader for the LibriSpeech tree at `directory`.
  public init(directory: String) { self.directory = directory }

  static let transcriptSuffix = ".trans.txt"

  /// Throws `unrecognisedInput` when no `*.trans.txt` lies below `directory`.
  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    var walk = DirectoryWalk(root: directory)
    // Find the first chapter now, so that a folder with no transcripts fails before the run.
    guard var (folder, queue) = walk.first({ $0.files.filter { $0.hasSuffix(Self.transcriptSuffix) } }) else {
      throw CorpusError.unrecognisedInput(
        path: directory,
        detail:
          "no LibriSpeech transcripts (<speaker>-<chapter>.trans.txt) anywhere below this folder")
    }
    var folderFiles = Set(folder.files)
    var lines: LineReader? = nil
    var linesPath = ""
    var prefix = ""
    var idsInFile: [String: Int] = [:]
    var chapters: [String: String] = [:]

    func advance() -> Result<Utterance, CorpusError>?? {
      // Returns .some(x) to yield x (nil inside means "nothing, keep going"), nil when done.
      if lines == nil {
        while queue.isEmpty {
          guard let f = walk.next() else { return nil }
          queue = f.files.filter { $0.hasSuffix(Self.transcriptSuffix) }
          folder = f
          folderFiles = Set(f.files)
        }
        let name = queue.removeFirst()
        linesPath = folder.path + "/" + name
        let chapter = String(name.dropLast(Self.transcriptSuffix.count))
        prefix = chapter + "-"
        idsInFile = [:]
        if let first = chapters[chapter] {
          return .some(
            .failure(
              .badEntry(
                origin: linesPath, id: nil,
                detail:
                  "chapter \(chapter) appears again (first in \(first)); pass one copy of each split"
              )))
        }
        chapters[chapter] = linesPath
        do {
          lines = try LineReader(path: linesPath)
        } catch let e as CorpusError {
          return .some(.failure(e))
        } catch {
          return .some(.failure(.unreadable(path: linesPath, reason: "\(error)")))
        }
      }
      guard let reader = lines, let raw = reader.next() else {
        lines = nil
        return .some(nil)
      }
      let origin = "\(linesPath):\(reader.lineNumber)"
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
      guard let (id, text) = KaldiDataDirReader.split(line) else { return .some(nil) }
      if text.isEmpty {
        return .some(
          .failure(
            .badEntry(
              origin: origin, id: id,
              detail: "no transcript after the id; each line is '<utterance-id> <TRANSCRIPT>'")))
      }
      if !id.hasPrefix(prefix) || id.count == prefix.count {
        return .some(
          .failure(
            .badEntry(
              origin: origin, id: id,
              detail:
                "id does not belong to this chapter: ids in \((linesPath as NSString).lastPathComponent) must start with '\(prefix)'"
            )))
      }
      if let first = idsInFile[id] {
        return .some(
          .failure(.duplicateID(id: id, origin: origin, firstOrigin: "\(linesPath):\(first)")))
      }
      idsInFile[id] = reader.lineNumber
      let flac = id + ".flac"
      guard folderFiles.contains(flac) else {
        return .some(
          .failure(
            .badEntry(
              origin: origin, id: id,
              detail: "a transcript without audio: \(folder.path)/\(flac) not found")))
      }
      let speaker = String(id[..<id.firstIndex(of: "-")!])
      return .some(
        .success(
          Utterance(
            id: id, audioPath: folder.path + "/" + flac, text: text, speaker: speaker,
            origin: origin)))
    }

    return AnyIterator {
      while let step = advance() {
        if let r = step { return r }
      }
      return nil
    }
  }
}
