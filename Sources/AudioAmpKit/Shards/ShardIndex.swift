import Foundation

/// The index files of sharded outputs, and how `merge` ties the shards of several tasks together.
enum ShardIndex {
  /// Writes NeMo's `tarred_audio_manifest.json` from `manifest.jsonl`: one line per output with
  /// `audio_filepath` (the member name inside `audio_<shard_id>.tar`), `duration`, `text`,
  /// `shard_id` and every other manifest field, in corpus order.
  static func nemoManifest(directory: String) throws {
    let dir = directory as NSString
    let lines = try LineReader(path: dir.appendingPathComponent("manifest.jsonl"))
    let out = try IndexFile(dir.appendingPathComponent("tarred_audio_manifest.json"))
    while let line = lines.next() {
      guard !line.isEmpty, case .object(let pairs) = try JSONValue.parse(line) else { continue }
      out.add(JSONValue.object(pairs.filter { $0.0 != "shard_file" }).serialized)
    }
    try out.commit()
  }

  /// A task's manifest line with its task-local shard number moved up by `offset` (the shards
  /// of the tasks before it), naming the file `merge` moves it to.
  static func renumber(_ line: String, offset: Int, format: OutputFormat) throws -> String {
    guard case .object(var pairs) = try JSONValue.parse(line),
      let i = pairs.firstIndex(where: { $0.0 == "shard_id" }), let local = pairs[i].1.numberValue
    else { return line }
    let global = Int(local) + offset
    pairs[i].1 = .number(Double(global))
    if let j = pairs.firstIndex(where: { $0.0 == "shard_file" }) {
      pairs[j].1 = .string(ShardSink.fileNames(format, global)[0])
    }
    return JSONValue.object(pairs).serialized
  }

  /// Moves (renames, never copies) task `part`'s `count` shards into `directory` as shards
  /// `offset ..< offset + count`. Safe to repeat after an interrupted merge: a shard already
  /// moved is left alone.
  static func moveShards(from part: String, count: Int, offset: Int, format: OutputFormat, to directory: String) throws {
    let fm = FileManager.default
    let folder = ((directory as NSString).appendingPathComponent(ShardSink.fileNames(format, 0)[0]) as NSString).deletingLastPathComponent
    try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for n in 0..<count {
      for (local, global) in zip(ShardSink.fileNames(format, n), ShardSink.fileNames(format, offset + n)) {
        let src = (part as NSString).appendingPathComponent(local)
        let dst = (directory as NSString).appendingPathComponent(global)
        if fm.fileExists(atPath: src) {
          guard rename(src, dst) == 0 else {
            throw ShardFileError.write(path: dst, detail: "cannot move \(src) here (\(String(cString: strerror(errno)))); shards must be on one file system")
          }
        } else if !fm.fileExists(atPath: dst) {
          throw ShardFileError.read(path: src, detail: "shard file missing; rerun this task (same command), then merge again")
        }
      }
    }
  }
}

extension ShardIndex {
  /// Where `review` finds the audio of a manifest record of run folder `dir`: the file itself,
  /// or for a sharded run the member of its tar shard (`shard_file` + `audio_filepath`). Parquet
  /// shards are not read back: the error says so.
  static func audioPath(_ record: JSONValue, runDirectory dir: String) throws -> String {
    let rel = record["audio_filepath"]?.stringValue ?? ""
    guard let shard = record["shard_file"]?.stringValue else { return (dir as NSString).appendingPathComponent(rel) }
    guard shard.hasSuffix(".tar") else {
      throw ShardFileError.read(path: (dir as NSString).appendingPathComponent(shard), detail: "review reads audio from tar shards only (webdataset, nemo-tarred, lhotse-shar), not from Parquet; load it with `datasets` instead")
    }
    return TarMemberPath(archive: (dir as NSString).appendingPathComponent(shard), member: rel).description
  }

  /// For a sharded record, copies its audio member to `folder` (so the review page can play it)
  /// and returns the record with `audio_filepath` pointing there (relative to `dir`); other
  /// records come back unchanged.
  static func extractForReview(_ record: JSONValue, runDirectory dir: String, folder: String) throws -> JSONValue {
    guard let member = TarMemberPath(try audioPath(record, runDirectory: dir)), case .object(var pairs) = record else { return record }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let name = (member.member as NSString).lastPathComponent
    let target = (folder as NSString).appendingPathComponent(name)
    guard FileManager.default.createFile(atPath: target, contents: Data(try member.bytes())) else {
      throw ShardFileError.write(path: target, detail: "cannot write the review copy")
    }
    let rel = String(target.dropFirst(dir.count).drop { $0 == "/" })
    if let i = pairs.firstIndex(where: { $0.0 == "audio_filepath" }) { pairs[i].1 = .string(rel) }
    return .object(pairs)
  }
}
