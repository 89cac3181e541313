import Foundation

/// Receives finished outputs in corpus order and writes the corpus description for them.
public protocol CorpusWriter {
  /// Adds one output whose audio is already complete on disk.
  func add(_ record: OutputRecord) throws
  /// Flushes and closes; files that must be sorted are written here, atomically.
  func finish() throws
}

/// Appends to a text file, one line at a time, flushing after every batch.
final class AppendFile {
  let path: String
  private let handle: FileHandle
  private var pending = Data()

  init(path: String, truncate: Bool) throws {
    self.path = path
    if truncate || !FileManager.default.fileExists(atPath: path) {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw CorpusError.badOutput(path: path, detail: "cannot create file; check the folder is writable")
      }
    }
    guard let h = FileHandle(forWritingAtPath: path) else {
      throw CorpusError.badOutput(path: path, detail: "cannot open for writing")
    }
    h.seekToEndOfFile()
    handle = h
  }

  func append(_ line: String) {
    pending.append(contentsOf: Array(line.utf8))
    pending.append(0x0A)
  }

  func flush() throws {
    guard !pending.isEmpty else { return }
    do {
      try handle.write(contentsOf: pending)
      try handle.synchronize()
    } catch {
      throw CorpusError.badOutput(path: path, detail: "write failed (\(error)); check free space")
    }
    pending.removeAll(keepingCapacity: true)
  }

  deinit { try? handle.close() }
}

/// Writes `DIR/manifest.jsonl`, one line per output (see `OutputRecord.manifestLine`).
public final class ManifestWriter: CorpusWriter {
  private let file: AppendFile

  /// Creates (truncating) `manifest.jsonl` in `directory`.
  public init(directory: String) throws {
    file = try AppendFile(path: (directory as NSString).appendingPathComponent("manifest.jsonl"), truncate: true)
  }

  public func add(_ record: OutputRecord) throws { file.append(record.manifestLine) }
  /// Makes the lines added so far durable (called after each batch).
  public func flush() throws { try file.flush() }
  public func finish() throws { try file.flush() }
}

/// Writes a Kaldi data directory (`wav.scp`, `text`, `utt2spk`, `spk2utt`) into `DIR`.
///
/// Kaldi needs these sorted by key in C (byte) order, so lines are collected and written at
/// `finish()`, each file under a temporary name and renamed. Outputs without a speaker get their
/// own id as speaker, Kaldi's convention for unknown speakers.
public final class KaldiDataDirWriter: CorpusWriter {
  private let directory: String
  private var rows: [(id: String, wav: String, text: String, speaker: String)] = []

  /// Creates a writer for `directory` (which must exist).
  public init(directory: String) { self.directory = directory }

  public func add(_ record: OutputRecord) throws {
    rows.append((record.id, record.audioPath, record.source.text, record.source.speaker ?? record.id))
  }

  public func finish() throws {
    let sorted = rows.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
    var spk2utt: [String: [String]] = [:]
    for r in sorted { spk2utt[r.speaker, default: []].append(r.id) }
    let speakers = spk2utt.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    try write("wav.scp", sorted.map { "\($0.id) \($0.wav)" })
    try write("text", sorted.map { $0.text.isEmpty ? $0.id : "\($0.id) \($0.text)" })
    try write("utt2spk", sorted.map { "\($0.id) \($0.speaker)" })
    try write("spk2utt", speakers.map { "\($0) \(spk2utt[$0]!.joined(separator: " "))" })
  }

  private func write(_ name: String, _ lines: [String]) throws {
    let path = (directory as NSString).appendingPathComponent(name)
    let body = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    do {
      try body.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw CorpusError.badOutput(path: path, detail: "cannot write (\(error.localizedDescription))")
    }
  }
}

/// Writes `DIR/failures.tsv`: `id`, `file`, `reason`, one bad utterance per line.
public final class FailureLog {
  private let file: AppendFile
  /// Number of failures logged.
  public private(set) var count = 0

  /// Creates (truncating) `failures.tsv` with its header in `directory`.
  public init(directory: String) throws {
    file = try AppendFile(path: (directory as NSString).appendingPathComponent("failures.tsv"), truncate: true)
    file.append("id\tfile\treason")
  }

  /// Logs one failure; tabs and newlines in the fields are replaced by spaces.
  public func add(id: String, file path: String, reason: String) {
    func clean(_ s: String) -> String {
      String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
    file.append("\(clean(id))\t\(clean(path))\t\(clean(reason))")
    count += 1
  }

  /// Makes the lines durable.
  public func flush() throws { try file.flush() }
}
