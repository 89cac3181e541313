import Foundation

/// Sorts text lines in C (byte) order with bounded memory: lines are gathered in runs of at most
/// `runLimit`, each run is sorted and spilled to a temporary file, and `finish` merges the runs.
///
/// Kaldi's tables and similar index files must be sorted by key; a corpus of millions of outputs
/// cannot be held in memory, so this keeps at most one run in memory at a time.
final class ExternalLineSorter {
  private let runLimit: Int
  private let tempDirectory: String
  private var current: [[UInt8]] = []
  private var runs: [String] = []

  /// Creates a sorter spilling to `tempDirectory` (created if needed).
  init(tempDirectory: String, runLimit: Int = 200_000) {
    self.tempDirectory = tempDirectory
    self.runLimit = runLimit
  }

  /// Adds one line (without its newline).
  func add(_ line: String) throws {
    current.append(Array(line.utf8))
    if current.count >= runLimit { try spill() }
  }

  private func spill() throws {
    guard !current.isEmpty else { return }
    current.sort { $0.lexicographicallyPrecedes($1) }
    try FileManager.default.createDirectory(atPath: tempDirectory, withIntermediateDirectories: true)
    let path = (tempDirectory as NSString).appendingPathComponent("run-\(runs.count).txt")
    var data = Data()
    for l in current {
      data.append(contentsOf: l)
      data.append(0x0A)
    }
    try data.write(to: URL(fileURLWithPath: path))
    runs.append(path)
    current.removeAll(keepingCapacity: true)
  }

  /// Calls `body` with every line in sorted order, then removes the temporary runs.
  func finish(_ body: (String) throws -> Void) throws {
    defer { for r in runs { try? FileManager.default.removeItem(atPath: r) } }
    if runs.isEmpty {
      current.sort { $0.lexicographicallyPrecedes($1) }
      for l in current { try body(String(decoding: l, as: UTF8.self)) }
      return
    }
    try spill()
    let readers = try runs.map { try LineReader(path: $0) }
    var heads: [[UInt8]?] = readers.map { $0.next().map { Array($0.utf8) } }
    while true {
      var best = -1
      for (i, h) in heads.enumerated() {
        guard let h else { continue }
        if best < 0 || h.lexicographicallyPrecedes(heads[best]!) { best = i }
      }
      if best < 0 { break }
      try body(String(decoding: heads[best]!, as: UTF8.self))
      heads[best] = readers[best].next().map { Array($0.utf8) }
    }
  }
}
