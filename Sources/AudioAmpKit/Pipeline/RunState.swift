import Foundation

/// Integer totals of a run (or a shard of one). Sample counts rather than seconds, so that sums
/// are exact and do not depend on the order shards or batches are added up in.
public struct RunTotals: Sendable, Equatable {
  /// Corpus entries visited (including those assigned to other shards).
  public var entriesVisited = 0
  /// Utterances processed by this run or shard (good and bad).
  public var utterances = 0
  /// Outputs written.
  public var outputs = 0
  /// Utterances that failed.
  public var failures = 0
  /// Samples of source audio processed, at the recipe's rate.
  public var sourceSamples = 0
  /// Samples of audio written.
  public var outputSamples = 0
  /// Warning counts by cause.
  public var warnings: [String: Int] = [:]

  /// Adds `other` (for merging shards).
  public mutating func add(_ other: RunTotals) {
    entriesVisited = max(entriesVisited, other.entriesVisited)
    utterances += other.utterances
    outputs += other.outputs
    failures += other.failures
    sourceSamples += other.sourceSamples
    outputSamples += other.outputSamples
    for (k, v) in other.warnings { warnings[k, default: 0] += v }
  }

  var json: JSONValue {
    .object([
      ("entries_visited", .number(Double(entriesVisited))), ("utterances", .number(Double(utterances))),
      ("outputs", .number(Double(outputs))), ("failures", .number(Double(failures))),
      ("source_samples", .number(Double(sourceSamples))), ("output_samples", .number(Double(outputSamples))),
      ("warnings", .object(warnings.keys.sorted().map { ($0, .number(Double(warnings[$0]!))) })),
    ])
  }

  init() {}

  init?(json v: JSONValue) {
    func int(_ k: String) -> Int? { stateCount(v[k]?.numberValue) }
    guard let e = int("entries_visited"), let u = int("utterances"), let o = int("outputs"), let f = int("failures"),
      let s = int("source_samples"), let w = int("output_samples")
    else { return nil }
    entriesVisited = e
    utterances = u
    outputs = o
    failures = f
    sourceSamples = s
    outputSamples = w
    if case .object(let pairs) = v["warnings"] ?? .null {
      for (k, n) in pairs {
        guard let c = stateCount(n.numberValue) else { return nil }
        warnings[k] = c
      }
    }
  }
}

/// A count or byte length read back from a state file: a whole number from 0 to 2⁵³, else nil.
///
/// State files can be damaged (a torn write on a full disk, a hand edit): a value that is
/// negative, fractional, NaN, infinite or beyond what a Double holds exactly is refused here,
/// where converting it with `Int(_:)` would trap.
func stateCount(_ d: Double?) -> Int? {
  guard let d, d.isFinite, d >= 0, d <= 9_007_199_254_740_992, d == d.rounded(.towardZero) else { return nil }
  return Int(d)
}

/// What makes two runs the same run: resuming is allowed only when all of it matches.
struct RunFingerprint: Equatable {
  var recipeHash: String
  var input: String
  var inputStamp: String
  var seed: UInt64
  var variants: Int
  var outputFormat: String
  var shardCount: Int
  var version: String
  /// How a sharded output is cut (`ShardOptions.fingerprint`); empty for per-file formats.
  var shardOptions = ""
  /// `--balance` field and target, when balancing (absent from the JSON otherwise).
  var balance: String?

  init(
    recipePath: String, input: String, seed: UInt64, variants: Int, outputFormat: String, shardCount: Int,
    shardOptions: String = "", balance: String? = nil
  ) throws {
    self.shardOptions = shardOptions
    guard let bytes = FileManager.default.contents(atPath: recipePath) else {
      throw RecipeError.unreadable(path: recipePath, reason: "cannot read the file")
    }
    var h = FNV1a()
    for b in bytes { h.combine(byte: b) }
    recipeHash = hex16(h.value)
    self.input = URL(fileURLWithPath: input).standardizedFileURL.path
    // A changed input file changes the corpus order or content: resuming would be wrong.
    let attrs = try? FileManager.default.attributesOfItem(atPath: input)
    let size = (attrs?[.size] as? Int) ?? 0
    let isDir = (attrs?[.type] as? FileAttributeType) == .typeDirectory
    let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    inputStamp = isDir ? "dir" : "\(size):\(Int(mtime))"
    self.seed = seed
    self.variants = variants
    self.outputFormat = outputFormat
    self.shardCount = shardCount
    version = AudioAmpVersion.string
    self.balance = balance
  }

  var json: JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("recipe_fnv1a", .string(recipeHash)), ("input", .string(input)), ("input_stamp", .string(inputStamp)),
      ("seed", .number(Double(seed))), ("variants", .number(Double(variants))),
      ("output_format", .string(outputFormat)), ("shard_count", .number(Double(shardCount))),
      ("version", .string(version)),
    ]
    if !shardOptions.isEmpty { pairs.append(("shard_options", .string(shardOptions))) }
    if let balance { pairs.append(("balance", .string(balance))) }
    return .object(pairs)
  }

  /// The first field that differs from a stored fingerprint, for the refusal message.
  func difference(from stored: JSONValue) -> String? {
    guard case .object(let mine) = json else { return nil }
    for (k, v) in mine where stored[k] != v {
      return "\(k) was \(stored[k]?.serialized ?? "absent"), now \(v.serialized)"
    }
    // A key only the stored run has (balance) differs too.
    if stored["balance"] != nil, balance == nil { return "balance was \(stored["balance"]!.serialized), now absent" }
    return nil
  }
}

/// The checkpoint written after every batch: how far through the corpus the run is, how long
/// its journal files were at that point, and the totals so far.
///
/// The manifest (and failures.tsv) are appended in corpus order, batch by batch, so they are
/// always a prefix of the finished files. After a crash, resuming truncates them back to the
/// lengths recorded here (dropping anything written after the last checkpoint, such as a torn
/// line) and skips the corpus entries already visited, which makes the final files
/// byte-identical to those of an uninterrupted run.
struct Checkpoint {
  var totals = RunTotals()
  var manifestBytes = 0
  var failuresBytes = 0
  var orderBytes = 0
  var complete = false
  /// The open output shard (`ShardSink.state`), for sharded formats.
  var sink: JSONValue? = nil

  var json: JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("totals", totals.json), ("manifest_bytes", .number(Double(manifestBytes))),
      ("failures_bytes", .number(Double(failuresBytes))), ("order_bytes", .number(Double(orderBytes))),
      ("complete", .bool(complete)),
    ]
    if let sink { pairs.append(("sink", sink)) }
    return .object(pairs)
  }

  init() {}

  init?(json v: JSONValue) {
    guard let t = v["totals"].flatMap(RunTotals.init(json:)), let m = stateCount(v["manifest_bytes"]?.numberValue),
      let f = stateCount(v["failures_bytes"]?.numberValue), let o = stateCount(v["order_bytes"]?.numberValue ?? 0)
    else { return nil }
    totals = t
    manifestBytes = m
    failuresBytes = f
    orderBytes = o
    complete = v["complete"] == .bool(true)
    sink = v["sink"]
  }
}

/// Reads and writes small JSON state files atomically (temporary name, then rename).
enum StateFile {
  static func read(_ path: String) -> JSONValue? {
    guard let d = FileManager.default.contents(atPath: path) else { return nil }
    return try? JSONValue.parse(String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  static func write(_ value: JSONValue, to path: String) throws {
    try writeText(value.serialized + "\n", to: path)
  }

  /// Writes `text` to `path` through a temporary file, synced, then renamed.
  static func writeText(_ text: String, to path: String) throws {
    let tmp = path + ".tmp-\(getpid())"
    let data = Data(text.utf8)
    // Written directly (not with FileManager.createFile, which writes atomically through a
    // `.dat.nosync…` file of its own that a kill -9 would leave behind in the output folder).
    guard (try? data.write(to: URL(fileURLWithPath: tmp), options: [])) != nil else {
      unlink(tmp)
      if SoundFile.outOfSpace(near: path, needing: data.count + 65536) {
        throw CorpusError.badOutput(
          path: path,
          detail: "cannot write run state: the disk is full (No space left on device); free some space and run the same command again to resume from the last checkpoint")
      }
      throw CorpusError.badOutput(path: path, detail: "cannot write run state; check the folder is writable")
    }
    if let h = FileHandle(forWritingAtPath: tmp) {
      try? h.synchronize()
      try? h.close()
    }
    guard rename(tmp, path) == 0 else {
      throw CorpusError.badOutput(path: path, detail: "cannot write run state (\(String(cString: strerror(errno))))")
    }
  }

  /// True when each journal a checkpoint describes holds at least the bytes it records and
  /// its recorded prefix ends at a line end: only then is truncating back to the checkpoint an
  /// exact resume. A journal shorter than its checkpoint (lost or damaged on disk) would be
  /// padded with zero bytes by truncate(2), so such a state is started afresh instead (the
  /// outputs are deterministic, so a fresh run writes the same bytes).
  static func journalsHold(_ cp: Checkpoint, manifest: String, failures: String, order: String) -> Bool {
    func holds(_ path: String, _ length: Int) -> Bool {
      guard length > 0 else { return true }
      guard let h = FileHandle(forReadingAtPath: path) else { return false }
      defer { try? h.close() }
      guard let end = try? h.seekToEnd(), end >= UInt64(length) else { return false }
      guard (try? h.seek(toOffset: UInt64(length - 1))) != nil, let last = try? h.read(upToCount: 1) else { return false }
      return last == Data([0x0A])
    }
    let fm = FileManager.default
    return holds(manifest, cp.manifestBytes)
      && (!fm.fileExists(atPath: failures) || holds(failures, cp.failuresBytes))
      && (!fm.fileExists(atPath: order) || holds(order, cp.orderBytes))
  }

  /// Cuts `path` back to `length` bytes (creating it empty when missing).
  static func truncate(_ path: String, to length: Int) throws {
    if !FileManager.default.fileExists(atPath: path) {
      FileManager.default.createFile(atPath: path, contents: nil)
    }
    guard truncateFile(path, length) == 0 else {
      throw CorpusError.badOutput(path: path, detail: "cannot truncate to resume (\(String(cString: strerror(errno))))")
    }
  }
}

/// The C library's truncate(2), named apart from `StateFile.truncate`.
private func truncateFile(_ path: String, _ length: Int) -> Int32 {
  truncate(path, off_t(length))
}
