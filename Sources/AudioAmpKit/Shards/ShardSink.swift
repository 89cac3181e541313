import Foundation

/// How `mix` cuts a sharded output into files: at most `maxBytes` of encoded payload per shard,
/// or `outputsPerShard` outputs, and the codec of the audio members.
public struct ShardOptions: Sendable, Equatable {
  /// Payload limit per shard in bytes (audio plus metadata members); default 1 GB.
  public var maxBytes: Int = 1_000_000_000
  /// Number of shards wanted (`--shard-count`); when set, each shard holds
  /// ceil(outputs / count) outputs and `maxBytes` is not used.
  public var count: Int?
  /// Codec of the audio members.
  public var audioFormat: AudioFileFormat = .flac16

  /// Default options: 1 GB shards of FLAC.
  public init() {}

  /// Parses a size such as `1GB`, `500MB`, `64KiB` or `1000000` (bytes); decimal (KB, MB, GB,
  /// TB) and binary (KiB, MiB, GiB, TiB) units. Nil for anything else or a size below 1 byte.
  public static func parseSize(_ text: String) -> Int? {
    let t = text.trimmingCharacters(in: .whitespaces)
    let digits = t.prefix { $0.isNumber || $0 == "." }
    guard let value = Double(digits), value > 0 else { return nil }
    let units: [String: Double] = [
      "": 1, "B": 1, "K": 1e3, "KB": 1e3, "M": 1e6, "MB": 1e6, "G": 1e9, "GB": 1e9, "T": 1e12, "TB": 1e12,
      "KIB": 1024, "MIB": 1_048_576, "GIB": 1_073_741_824, "TIB": 1_099_511_627_776,
    ]
    guard let scale = units[t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).uppercased()] else { return nil }
    let bytes = (value * scale).rounded()
    return bytes >= 1 && bytes < 9e18 ? Int(bytes) : nil
  }

  /// The part of the run's identity these options decide (a resumed run must use the same).
  var fingerprint: String {
    "\(audioFormat.rawValue);" + (count.map { "count=\($0)" } ?? "bytes=\(maxBytes)")
  }
}

/// Writes outputs into the shards of one layout, in corpus order, in one folder (the output
/// folder, or a `--shard K/N` task's part folder).
///
/// A shard fills until the next output would take it past the byte limit (or it holds the
/// per-shard count); then it is finished under a temporary name and renamed. Boundaries
/// therefore depend only on the outputs' encoded sizes in corpus order, never on `--jobs` or
/// timing. `state` (stored in the run's checkpoint) records the open shard's number, counts and
/// the lengths of its partial files; a sink created from it after a crash truncates those files
/// back and carries on, so the finished shards equal an uninterrupted run's byte for byte.
final class ShardSink {
  let format: OutputFormat
  let directory: String
  let options: ShardOptions
  /// Outputs per shard when `--shard-count` is used.
  let perShard: Int?
  let sampleRate: Int
  private(set) var index = 0
  private(set) var items = 0
  private(set) var bytes = 0
  private var tar: TarArchiveWriter?
  private var text: AppendFile?
  /// Partial files of closed shards, removed once a checkpoint no longer needs them.
  private var retired: [String] = []

  /// Creates the sink, resuming from a checkpoint's `state` when given.
  init(format: OutputFormat, directory: String, options: ShardOptions, perShard: Int?, sampleRate: Int, state: JSONValue?) throws {
    self.format = format
    self.directory = directory
    self.options = options
    self.perShard = perShard
    self.sampleRate = sampleRate
    let folder = ((directory as NSString).appendingPathComponent(ShardSink.fileNames(format, 0)[0]) as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw ShardFileError.write(path: folder, detail: "cannot create the shard folder")
    }
    guard let state, let n = state["shard"]?.numberValue else {
      // A fresh run (or one replacing another with --overwrite): no earlier shard may linger.
      removeShards(from: 0)
      return
    }
    index = Int(n)
    items = Int(state["items"]?.numberValue ?? 0)
    bytes = Int(state["bytes"]?.numberValue ?? 0)
    // Anything of later shards was written after the checkpoint: drop it (it is redone).
    removeShards(from: index + 1)
    // Finished shards' journals are removed only after the checkpoint that no longer needs them;
    // a kill between the two leaves them behind.
    for finished in 0..<index {
      for n in ShardSink.fileNames(format, finished) {
        for p in [path(n) + ".lines", path(n) + ".spool"] where FileManager.default.fileExists(atPath: p) {
          try? FileManager.default.removeItem(atPath: p)
        }
      }
    }
    guard items > 0 else {
      try discardOpenShard()
      return
    }
    try resumeOpenShard(state)
  }

  /// Removes the files of shards `first`, `first + 1`, ... up to the first number with none.
  private func removeShards(from first: Int) {
    var later = first
    while true {
      let names = ShardSink.fileNames(format, later)
      let paths = names.map { path($0) }
      let existing = (paths.flatMap { [$0, $0 + ".partial", $0 + ".lines", $0 + ".spool"] })
        .filter { FileManager.default.fileExists(atPath: $0) }
      if existing.isEmpty { break }
      for p in existing { try? FileManager.default.removeItem(atPath: p) }
      later += 1
    }
  }

  /// Reopens the shard a checkpoint left open, cutting its files back to the recorded lengths.
  private func resumeOpenShard(_ state: JSONValue) throws {
    let tarLength = Int(state["tar_bytes"]?.numberValue ?? 0)
    let textLength = Int(state["text_bytes"]?.numberValue ?? 0)
    let names = ShardSink.fileNames(format, index)
    if let t = tarName {
      let final = path(t)
      // The shard was finished and renamed after the checkpoint: take it back (its trailer is
      // cut off by the truncation).
      if !FileManager.default.fileExists(atPath: final + ".partial") && FileManager.default.fileExists(atPath: final) {
        guard rename(final, final + ".partial") == 0 else {
          throw ShardFileError.write(path: final, detail: "cannot reopen to resume (\(String(cString: strerror(errno))))")
        }
      }
      tar = try TarArchiveWriter(path: final + ".partial", resumingAt: tarLength)
    }
    if let s = textName {
      for n in names where n != tarName { try? FileManager.default.removeItem(atPath: path(n)) }
      try StateFile.truncate(path(s), to: textLength)
      text = try AppendFile(path: path(s), truncate: false)
    }
  }

  /// The files of shard `n` of `format`, relative to the folder.
  static func fileNames(_ format: OutputFormat, _ n: Int) -> [String] {
    switch format {
    case .webdataset: return [String(format: "shard-%06d.tar", n)]
    case .nemoTarred: return ["audio_\(n).tar"]
    // Shar's reader takes every file in its folder as a field, so the shards get a folder of
    // their own (beside manifest.jsonl and summary.json).
    case .lhotseShar: return [String(format: "shar/recording.%06d.tar", n), String(format: "shar/cuts.%06d.jsonl.gz", n)]
    default: return [String(format: "data/train-%05d.parquet", n)]
    }
  }

  /// The tar of the open shard, when the layout has one.
  private var tarName: String? { format == .parquet ? nil : ShardSink.fileNames(format, index)[0] }

  /// The text journal of the open shard: Shar's cut lines (gzipped when the shard closes) or
  /// Parquet's row spool.
  private var textName: String? {
    switch format {
    case .lhotseShar: return ShardSink.fileNames(format, index)[1] + ".lines"
    case .parquet: return ShardSink.fileNames(format, index)[0] + ".spool"
    default: return nil
    }
  }

  private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

  private func discardOpenShard() throws {
    for n in ShardSink.fileNames(format, index) {
      for p in [path(n), path(n) + ".partial", path(n) + ".lines", path(n) + ".spool"] { try? FileManager.default.removeItem(atPath: p) }
    }
  }

  /// What the checkpoint stores about the open shard.
  var state: JSONValue {
    .object([
      ("shard", .number(Double(index))), ("items", .number(Double(items))), ("bytes", .number(Double(bytes))),
      ("tar_bytes", .number(Double(tar?.length ?? 0))), ("text_bytes", .number(Double(text?.length ?? 0))),
    ])
  }

  /// Number of finished and open shards.
  var shardCount: Int { index + (items > 0 ? 1 : 0) }

  /// The member (tar) key of an output: its id with `.` and `/` (which WebDataset and Shar take
  /// as extension and folder separators) replaced by `_`.
  static func key(_ id: String) -> String { String(id.map { $0 == "." || $0 == "/" ? "_" : $0 }) }

  /// Adds one rendered output (with its encoded audio) to the open shard, starting a new shard
  /// first when this one would go over its limit. Returns the manifest line for the run's
  /// manifest.jsonl (the member name as `audio_filepath`, plus `shard_id` and `shard_file`).
  func add(_ record: OutputRecord) throws -> String {
    guard let audio = record.encodedAudio else {
      throw ShardFileError.write(path: directory, detail: "output \(record.id) has no encoded audio")
    }
    let key = ShardSink.key(record.id)
    let ext = options.audioFormat == .wav16 ? "wav" : options.audioFormat.rawValue
    let member = "\(key).\(ext)"
    var r = record
    r.relativeAudioPath = member
    let plain = r.manifestObject
    let payload: [UInt8]
    switch format {
    case .webdataset: payload = Array(plain.serialized.utf8)
    case .lhotseShar: payload = Array(ShardSink.sharRecording(key: key, r).serialized.utf8) + [0x0A]
    case .parquet: payload = []
    default: payload = []
    }
    let size = audio.count + payload.count
    if items > 0 && (perShard.map { items >= $0 } ?? (bytes + size > options.maxBytes)) {
      try closeShard()
      index += 1
    }
    if items == 0 { try openShard() }
    switch format {
    case .webdataset:
      try tar!.add(name: member, bytes: audio)
      try tar!.add(name: "\(key).json", bytes: payload)
    case .nemoTarred:
      try tar!.add(name: member, bytes: audio)
    case .lhotseShar:
      try tar!.add(name: member, bytes: audio)
      try tar!.add(name: "\(key).json", bytes: payload)
      text!.append(ShardSink.sharCut(key: key, r).serialized)
    default:
      text!.appendRaw(ParquetWriter.spoolRecord(ShardSink.parquetRow(member: member, audio: audio, r)))
    }
    items += 1
    bytes += size
    guard case .object(var pairs) = plain else { return plain.serialized }
    let shardFile = ShardSink.fileNames(format, index)[0]
    pairs.insert(("shard_id", .number(Double(index))), at: 1)
    pairs.insert(("shard_file", .string(shardFile)), at: 2)
    return JSONValue.object(pairs).serialized
  }

  private func openShard() throws {
    try discardOpenShard()
    if let t = tarName { tar = try TarArchiveWriter(path: path(t) + ".partial") }
    if let s = textName { text = try AppendFile(path: path(s), truncate: true) }
  }

  /// Finishes the open shard: trailer or footer written, renamed to its final name.
  private func closeShard() throws {
    let names = ShardSink.fileNames(format, index)
    try text?.write()
    if let tar {
      try tar.finish()
      self.tar = nil
    }
    switch format {
    case .lhotseShar:
      let lines = path(textName!)
      let gz = path(names[1])
      try Gzip.compressFile(lines, to: gz + ".partial")
      try commitRename(path(names[0]) + ".partial", path(names[0]))
      try commitRename(gz + ".partial", gz)
      retired.append(lines)
    case .parquet:
      let spool = path(textName!)
      let file = path(names[0])
      try ParquetWriter(columns: ShardSink.parquetColumns, metadata: [("huggingface", ShardSink.huggingFaceFeatures(sampleRate))])
        .write(spool: spool, to: file + ".partial")
      try commitRename(file + ".partial", file)
      retired.append(spool)
    default:
      try commitRename(path(names[0]) + ".partial", path(names[0]))
    }
    text = nil
    items = 0
    bytes = 0
  }

  private func commitRename(_ from: String, _ to: String) throws {
    guard rename(from, to) == 0 else {
      throw ShardFileError.write(path: to, detail: "rename failed (\(String(cString: strerror(errno))))")
    }
  }

  /// Makes the open shard's files durable, before the checkpoint that records their lengths.
  func sync() throws {
    try tar?.sync()
    try text?.flush()
  }

  /// Called after a checkpoint is on disk: removes the journals of shards it no longer needs.
  func checkpointWritten() {
    for p in retired { try? FileManager.default.removeItem(atPath: p) }
    retired.removeAll()
  }

  /// Finishes the last shard at the end of the run.
  func finish() throws {
    if items > 0 {
      try closeShard()
      index += 1
    }
  }

  // MARK: per-format records

  /// Lhotse's recording manifest for a Shar member: the audio lives in the shard, so its source
  /// is the `shar` placeholder lhotse fills in when it loads the cut.
  static func sharRecording(key: String, _ r: OutputRecord) -> JSONValue {
    .object([
      ("id", .string(key)),
      ("sources", .array([.object([("type", .string("shar")), ("channels", .array([.number(0)])), ("source", .string(""))])])),
      ("sampling_rate", .number(Double(r.sampleRate))), ("num_samples", .number(Double(r.sampleCount))),
      ("duration", .number(r.durationSeconds)), ("channel_ids", .array([.number(0)])),
    ])
  }

  /// A Lhotse `MonoCut` line for `cuts.NNNNNN.jsonl.gz`: one supervision with the transcript
  /// and speaker; every other manifest field goes into the cut's `custom`.
  static func sharCut(key: String, _ r: OutputRecord) -> JSONValue {
    var sup: [(String, JSONValue)] = [
      ("id", .string(key)), ("recording_id", .string(key)), ("start", .number(0)),
      ("duration", .number(r.durationSeconds)), ("channel", .number(0)), ("text", .string(r.source.text)),
    ]
    if let s = r.source.speaker { sup.append(("speaker", .string(s))) }
    var custom: [(String, JSONValue)] = []
    if case .object(let pairs) = r.manifestObject {
      custom = pairs.filter { !["audio_filepath", "duration", "text", "id", "speaker"].contains($0.0) }
    }
    return .object([
      ("id", .string(key)), ("start", .number(0)), ("duration", .number(r.durationSeconds)), ("channel", .number(0)),
      ("supervisions", .array([.object(sup)])), ("recording", sharRecording(key: key, r)),
      ("custom", .object(custom)), ("type", .string("MonoCut")),
    ])
  }

  /// Columns of the Parquet layout, as Hugging Face `datasets` writes an audio dataset.
  static let parquetColumns: [ParquetColumn] = [
    ParquetColumn(name: "audio", member: "bytes", kind: .binary),
    ParquetColumn(name: "audio", member: "path", kind: .string),
    ParquetColumn(name: "id", kind: .string),
    ParquetColumn(name: "transcription", kind: .string),
    ParquetColumn(name: "duration", kind: .double),
    ParquetColumn(name: "speaker", kind: .string),
    ParquetColumn(name: "source_id", kind: .string),
    ParquetColumn(name: "variant", kind: .int64),
    ParquetColumn(name: "fields", kind: .string),
  ]

  static func parquetRow(member: String, audio: [UInt8], _ r: OutputRecord) -> [ParquetCell] {
    [
      .bytes(audio), .bytes(Array(member.utf8)), .bytes(Array(r.id.utf8)), .bytes(Array(r.source.text.utf8)),
      .double(r.durationSeconds), r.source.speaker.map { .bytes(Array($0.utf8)) } ?? .null,
      .bytes(Array(r.source.id.utf8)), .int64(Int64(r.variant)), .bytes(Array(r.manifestObject.serialized.utf8)),
    ]
  }

  /// The `huggingface` schema metadata `datasets` reads to know `audio` is an Audio feature.
  static func huggingFaceFeatures(_ rate: Int) -> String {
    func value(_ dtype: String) -> JSONValue { .object([("dtype", .string(dtype)), ("_type", .string("Value"))]) }
    return JSONValue.object([
      ("info", .object([
        ("features", .object([
          ("audio", .object([("sampling_rate", .number(Double(rate))), ("_type", .string("Audio"))])),
          ("id", value("string")), ("transcription", value("string")), ("duration", value("float64")),
          ("speaker", value("string")), ("source_id", value("string")), ("variant", value("int64")),
          ("fields", value("string")),
        ]))
      ]))
    ]).serialized
  }
}

extension OutputFormat {
  /// True for the layouts that pack outputs into shard files instead of one file per output.
  public var isSharded: Bool { [.webdataset, .nemoTarred, .lhotseShar, .parquet].contains(self) }
}

extension OutputRecord {
  /// This record carrying `bytes` as its encoded audio.
  func withEncodedAudio(_ bytes: [UInt8]?) -> OutputRecord {
    var r = self
    r.encodedAudio = bytes
    return r
  }
}

extension MixJob {
  /// Opens the shard writer of a sharded run in its journal folder. With `--shard-count`, the
  /// outputs per shard come from counting this task's corpus entries (no audio is read).
  static func openSink(
    _ format: OutputFormat, options: MixOptions, reader: any CorpusReader, variants: Int, rate: Int, paths: RunPaths,
    state: JSONValue?
  ) throws -> ShardSink {
    var perShard: Int? = nil
    if let count = options.shardOptions.count {
      var owned = 0
      let it = try reader.entries()
      while let e = it.next() { if options.shard.owns(ownershipKey(e)) { owned += 1 } }
      perShard = max(1, (owned * variants + count - 1) / count)
    }
    return try ShardSink(
      format: format, directory: paths.journal, options: options.shardOptions, perShard: perShard, sampleRate: rate,
      state: state)
  }
}
