import Foundation

/// A source of utterances, read lazily in the corpus's own order.
///
/// Each element is either an utterance or the problem with one entry, so that a run with
/// `--keep-going` can log the bad entry and continue with the next.
public protocol CorpusReader {
  /// The format's name as users write it (`jsonl`, `kaldi`).
  var formatName: String { get }
  /// Yields every entry once, in corpus order.
  func entries() throws -> AnyIterator<Result<Utterance, CorpusError>>
}

/// Picks the reader for an `--input` path: a file is a JSON-lines manifest, a folder with a
/// `wav.scp` is a Kaldi data directory.
public enum CorpusFormat {
  /// Opens `path` with the reader its layout calls for.
  public static func reader(for path: String) throws -> any CorpusReader {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw CorpusError.unrecognisedInput(
        path: path, detail: "no such file or folder; --input takes a JSON-lines manifest or a Kaldi data directory")
    }
    if !isDir.boolValue { return ManifestReader(path: path) }
    let scp = (path as NSString).appendingPathComponent("wav.scp")
    if FileManager.default.fileExists(atPath: scp) { return KaldiDataDirReader(directory: path) }
    throw CorpusError.unrecognisedInput(
      path: path,
      detail: "folder is not a Kaldi data directory (no wav.scp); pass a JSON-lines manifest file or a folder holding wav.scp and text")
  }
}

/// Reads a text file line by line without loading it whole. Lines are split on "\n"; a trailing
/// "\r" is kept (callers decide), and a final line without "\n" is still returned.
final class LineReader: Sequence, IteratorProtocol {
  private let handle: FileHandle
  private var buffer = Data()
  private var eof = false
  private(set) var lineNumber = 0

  init(path: String) throws {
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw CorpusError.unreadable(path: path, reason: "cannot open for reading")
    }
    handle = h
  }

  deinit { try? handle.close() }

  func next() -> String? {
    while true {
      if let nl = buffer.firstIndex(of: 0x0A) {
        let line = buffer[buffer.startIndex..<nl]
        buffer.removeSubrange(buffer.startIndex...nl)
        lineNumber += 1
        return String(decoding: line, as: UTF8.self)
      }
      if eof {
        guard !buffer.isEmpty else { return nil }
        let line = buffer
        buffer.removeAll()
        lineNumber += 1
        return String(decoding: line, as: UTF8.self)
      }
      let chunk = handle.readData(ofLength: 1 << 16)
      if chunk.isEmpty { eof = true } else { buffer.append(chunk) }
    }
  }
}
