import Foundation

/// One shard of a run spread over several machines: shard `index` (0-based) of `count`.
///
/// An utterance belongs to shard FNV-1a(id) mod count, a fixed hash, so every machine agrees on
/// the split without talking to the others, and the split does not depend on corpus order.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
  /// 0-based shard index.
  public var index: Int
  /// Number of shards.
  public var count: Int

  /// Creates shard `index` of `count` (0 ≤ index < count).
  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// The whole corpus as one shard.
  public static let whole = ShardSpec(index: 0, count: 1)

  /// "K/N" as users write it (1-based K).
  public var description: String { "\(index + 1)/\(count)" }

  /// The part folder name: `shard-00003-of-00100` (1-based, zero-padded for sorting).
  public var folderName: String { String(format: "shard-%05d-of-%05d", index + 1, count) }

  /// True when utterance `id` belongs to this shard.
  public func owns(_ id: String) -> Bool {
    if count == 1 { return true }
    var h = FNV1a()
    h.combine(id)
    return Int(h.value % UInt64(count)) == index
  }

  /// Parses `--shard`: `K/N` with 1 ≤ K ≤ N, or `auto`, which reads the cluster's array
  /// variables: SLURM (`SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, or with
  /// `SLURM_ARRAY_TASK_MIN`/`MAX`), or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, 0-based,
  /// with the count from `countOverride` or `AUDIOAMP_SHARD_COUNT`).
  public static func parse(_ text: String, environment: [String: String], countOverride: Int? = nil) throws -> ShardSpec {
    if text == "auto" {
      let env = environment
      if let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
        let minID = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
        var count = countOverride ?? env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
        if count == nil, let maxID = env["SLURM_ARRAY_TASK_MAX"].flatMap(Int.init) { count = maxID - minID + 1 }
        guard let count else {
          throw ShardError.auto("SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is; pass --shard-count N")
        }
        return try checked(index: id - minID, count: count, source: "SLURM_ARRAY_TASK_ID=\(id)")
      }
      if let id = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
        guard let count = countOverride ?? env["AUDIOAMP_SHARD_COUNT"].flatMap(Int.init) else {
          throw ShardError.auto("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is not: pass --shard-count N or set AUDIOAMP_SHARD_COUNT to the Job's completions")
        }
        return try checked(index: id, count: count, source: "JOB_COMPLETION_INDEX=\(id)")
      }
      throw ShardError.auto("--shard auto found neither SLURM_ARRAY_TASK_ID (SLURM array job) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job); give --shard K/N instead")
    }
    let parts = text.split(separator: "/")
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
      throw ShardError.syntax(text)
    }
    return try checked(index: k - 1, count: n, source: "--shard \(text)")
  }

  private static func checked(index: Int, count: Int, source: String) throws -> ShardSpec {
    guard count >= 1, index >= 0, index < count else {
      throw ShardError.range("\(source) gives shard \(index + 1) of \(count); shards are numbered 1 to N (0 to N-1 in the environment variables)")
    }
    return ShardSpec(index: index, count: count)
  }
}

/// A `--shard` value that cannot be used.
public enum ShardError: Error, Sendable, CustomStringConvertible, Equatable {
  case syntax(String)
  case range(String)
  case auto(String)

  public var description: String {
    switch self {
    case .syntax(let t): return "--shard \(t): write K/N (e.g. 3/100, shards numbered from 1) or auto"
    case .range(let m), .auto(let m): return m
    }
  }
}
