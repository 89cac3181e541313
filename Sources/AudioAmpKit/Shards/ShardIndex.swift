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
