import Foundation

/// Problems that stop `audioamp merge`.
public enum MergeError: Error, Sendable, CustomStringConvertible, Equatable {
  /// No shard parts in the folder.
  case noShards(path: String)
  /// Parts disagree on the number of shards, or come from different runs.
  case mismatched(detail: String)
  /// Some shards are missing.
  case missing(shards: [String], directory: String)
  /// Some shards have not finished.
  case incomplete(shards: [String])

  public var description: String {
    switch self {
    case .noShards(let path):
      return "\(path): no shard parts (shards/shard-K-of-N/); run `audioamp mix ... --shard K/N --output \(path)` on each task first"
    case .mismatched(let d):
      return d
    case .missing(let shards, let dir):
      return "missing shard\(shards.count == 1 ? "" : "s") \(shards.joined(separator: ", ")) in \(dir)/shards: their tasks did not run or wrote elsewhere; run each with the same command and --shard K/N, then merge again"
    case .incomplete(let shards):
      return "shard\(shards.count == 1 ? "" : "s") not finished: \(shards.joined(separator: "; ")); rerun each unfinished task with the same command (it resumes), then merge again"
    }
  }
}

/// Joins the parts that `mix --shard K/N` tasks wrote into `DIR/shards/` into one run: the
/// manifest and failures in corpus order (byte-identical to a single-machine run with the same
/// seed), the format's index files, and summary.json. Fails, naming them, when any shard is
/// missing, unfinished or from a different run; nothing final is written then.
public enum MergeJob {
  /// Merges the shards of `directory`; returns the joined totals.
  @discardableResult
  public static func run(directory: String) throws -> RunTotals {
    let shardsDir = (directory as NSString).appendingPathComponent("shards")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: shardsDir)) ?? []).filter { $0.hasPrefix("shard-") }.sorted()
    guard !names.isEmpty else { throw MergeError.noShards(path: directory) }
    var count: Int? = nil
    var found: [Int: String] = [:]
    for n in names {
      let parts = n.split(separator: "-")
      guard parts.count == 4, let k = Int(parts[1]), let total = Int(parts[3]) else { continue }
      if let c = count, c != total {
        throw MergeError.mismatched(detail: "\(shardsDir) holds parts of runs split \(c) and \(total) ways; keep one split's parts")
      }
      count = total
      found[k - 1] = (shardsDir as NSString).appendingPathComponent(n)
    }
    guard let total = count else { throw MergeError.noShards(path: directory) }
    let missing = (0..<total).filter { found[$0] == nil }.map { ShardSpec(index: $0, count: total).description }
    if !missing.isEmpty { throw MergeError.missing(shards: missing, directory: directory) }

    var parts: [(spec: ShardSpec, paths: RunPaths, checkpoint: Checkpoint, run: JSONValue)] = []
    var unfinished: [String] = []
    for i in 0..<total {
      let spec = ShardSpec(index: i, count: total)
      let paths = RunPaths(output: directory, shard: spec)
      guard let run = StateFile.read(paths.runFile), let cp = StateFile.read(paths.checkpoint).flatMap(Checkpoint.init(json:)) else {
        unfinished.append("\(spec) has no run state (\(paths.journal))")
        continue
      }
      if !cp.complete {
        unfinished.append("\(spec) stopped after \(cp.totals.entriesVisited) corpus entries")
      }
      parts.append((spec, paths, cp, run))
    }
    if !unfinished.isEmpty { throw MergeError.incomplete(shards: unfinished) }
    // Every part must come from the same command (recipe, input, seed, variants, format).
    func identity(_ v: JSONValue) -> JSONValue {
      guard case .object(let pairs) = v else { return v }
      return .object(pairs.filter { $0.0 != "info" })
    }
    for p in parts.dropFirst() where identity(p.run) != identity(parts[0].run) {
      throw MergeError.mismatched(
        detail: "shard \(p.spec) was made by a different command than shard \(parts[0].spec) (compare \(p.paths.runFile) with \(parts[0].paths.runFile)); rerun it with the same recipe, input, seed, variants and format")
    }
    let run = parts[0].run
    let format = OutputFormat(rawValue: run["output_format"]?.stringValue ?? "jsonl") ?? .jsonl
    let info = run["info"] ?? .null
    let keepGoing = info["keep_going"] == .bool(true)
    // Sharded formats: each task numbered its shards from 0; in the joined output task K's
    // shards follow those of tasks 1..K-1.
    var shardOffsets: [Int] = []
    var shardTotal = 0
    for p in parts {
      shardOffsets.append(shardTotal)
      shardTotal += Int(p.checkpoint.sink?["shard"]?.numberValue ?? 0)
    }

    // K-way merge by corpus position. Each part's order.tsv lists, in append order, which
    // journal ("m" manifest, "f" failures) got a line for which corpus entry.
    struct Cursor {
      let order: LineReader
      let manifest: LineReader
      let failures: LineReader?
      var head: (kind: Character, index: Int)?
    }
    var cursors: [Cursor] = []
    for p in parts {
      let failures = FileManager.default.fileExists(atPath: p.paths.failures) ? try LineReader(path: p.paths.failures) : nil
      _ = failures?.next()  // header
      var c = Cursor(order: try LineReader(path: p.paths.order), manifest: try LineReader(path: p.paths.manifest), failures: failures, head: nil)
      c.head = Self.parseOrder(c.order.next())
      cursors.append(c)
    }
    let manifestOut = try IndexFile((directory as NSString).appendingPathComponent("manifest.jsonl"))
    let failuresOut = keepGoing ? try IndexFile((directory as NSString).appendingPathComponent("failures.tsv")) : nil
    failuresOut?.add("id\tfile\treason")
    while true {
      var best = -1
      for (i, c) in cursors.enumerated() {
        guard let h = c.head else { continue }
        if best < 0 || h.index < cursors[best].head!.index { best = i }
      }
      if best < 0 { break }
      let h = cursors[best].head!
      if h.kind == "m" {
        guard let line = cursors[best].manifest.next() else {
          throw MergeError.mismatched(detail: "\(parts[best].paths.manifest) is shorter than its order.tsv; rerun shard \(parts[best].spec)")
        }
        manifestOut.add(format.isSharded ? try ShardIndex.renumber(line, offset: shardOffsets[best], format: format) : line)
      } else {
        guard let line = cursors[best].failures?.next() else {
          throw MergeError.mismatched(detail: "\(parts[best].paths.failures) is shorter than its order.tsv; rerun shard \(parts[best].spec)")
        }
        failuresOut?.add(line)
      }
      cursors[best].head = Self.parseOrder(cursors[best].order.next())
    }
    if format.isSharded {
      for (i, p) in parts.enumerated() {
        let count = Int(p.checkpoint.sink?["shard"]?.numberValue ?? 0)
        try ShardIndex.moveShards(from: p.paths.journal, count: count, offset: shardOffsets[i], format: format, to: directory)
      }
    }
    try manifestOut.commit()
    try failuresOut?.commit()

    var totals = RunTotals()
    for p in parts { totals.add(p.checkpoint.totals) }
    try format.buildIndex(directory: directory)
    let rate = Int(info["sample_rate"]?.numberValue ?? 16000)
    try MixJob.writeSummary(
      totals, to: directory, rate: rate, recipe: info["recipe"]?.stringValue ?? "", input: info["input"]?.stringValue ?? "",
      seed: UInt64(run["seed"]?.numberValue ?? 0), variants: Int(run["variants"]?.numberValue ?? 1), format: format)
    return totals
  }

  static func parseOrder(_ line: String?) -> (kind: Character, index: Int)? {
    guard let line, let kind = line.first, let tab = line.firstIndex(of: "\t"), let i = Int(line[line.index(after: tab)...]) else {
      return nil
    }
    return (kind, i)
  }
}
