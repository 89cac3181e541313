import Foundation

/// Appends to a journal file, one line at a time; `flush` makes a batch durable (fsync).
final class AppendFile {
  let path: String
  private let handle: FileHandle
  private var pending = Data()
  /// Bytes in the file once everything appended has been flushed.
  private(set) var length = 0

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
    length = Int(h.seekToEndOfFile())
    handle = h
  }

  func append(_ line: String) {
    pending.append(contentsOf: Array(line.utf8))
    pending.append(0x0A)
  }

  /// Appends raw bytes (a binary journal record).
  func appendRaw(_ bytes: [UInt8]) {
    pending.append(contentsOf: bytes)
  }

  /// Hands the pending lines to the OS (no fsync).
  func write() throws {
    guard !pending.isEmpty else { return }
    do {
      try handle.write(contentsOf: pending)
      length += pending.count
    } catch {
      throw CorpusError.badOutput(path: path, detail: "write failed (\(error)); check free space")
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Writes the pending lines and makes everything written durable (fsync).
  func flush() throws {
    try write()
    do {
      try handle.synchronize()
    } catch {
      throw CorpusError.badOutput(path: path, detail: "sync failed (\(error)); check the disk")
    }
  }

  deinit { try? handle.close() }
}

