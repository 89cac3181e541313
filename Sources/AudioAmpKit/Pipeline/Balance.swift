import Foundation

/// What `--balance FIELD [--target N]` asks for.
public struct BalanceSpec: Sendable, Equatable {
  /// The field whose values are evened out: `speaker`, `text`, or any manifest field (`accent`,
  /// `label`...).
  public var field: String
  /// Outputs wanted per value; nil takes the largest value's count times the base variants.
  public var target: Int?

  /// Creates a spec.
  public init(field: String, target: Int? = nil) {
    self.field = field
    self.target = target
  }
}

/// Variants per utterance chosen so that every value of a field gets the same number of outputs.
///
/// A first pass over the whole corpus (all shards, no audio read) counts the utterances n_v of
/// each value v. With target T (by default max_v n_v × the base variants), value v gets exactly
/// T outputs: each of its utterances gets ⌊T / n_v⌋ variants and the first T mod n_v of them, in
/// the order of a seeded FNV-1a hash of their ids, one more. When n_v > T, T of them get one
/// variant and the rest none (they are read and counted but write nothing). So the counts per
/// value are all T, whatever the corpus order, `--jobs` or shard layout: every shard computes
/// the same counts from the same first pass and owns its utterances' share of them.
///
/// Memory: one 64-bit hash per utterance (80 MB for ten million), grouped by value.
public struct BalancePlan: Sendable {
  /// The balanced field.
  public let field: String
  /// Outputs per value.
  public let target: Int
  /// Variants per utterance without balancing (what the recipe or `--variants` says).
  public let baseVariants: Int
  /// Utterances per value, from the first pass.
  public let counts: [String: Int]
  /// Each value's utterance hashes, sorted (the rank of a hash decides who gets the extra one).
  private let hashes: [String: [UInt64]]
  private let seed: UInt64

  /// The value an utterance has for `field`: its speaker, its transcript, or another field
  /// (strings as they are, other JSON values serialized); `(none)` when it has none.
  public static func value(of u: Utterance, field: String) -> String {
    switch field {
    case "speaker": return u.speaker ?? "(none)"
    case "text": return u.text
    case "id": return u.id
    default:
      guard let v = u.extra.first(where: { $0.0 == field })?.1 else { return "(none)" }
      return v.stringValue ?? v.serialized
    }
  }

  /// Counts the corpus read by `reader` (at `path`, for messages; every entry, whatever the shard). Unreadable entries
  /// are not counted (the run reports them). Throws `CorpusError.badEntry` when no entry has the
  /// field at all, which is nearly always a misspelt field name.
  public static func build(
    reader: any CorpusReader, path: String, spec: BalanceSpec, baseVariants: Int, seed: UInt64
  ) throws -> BalancePlan {
    var groups: [String: [UInt64]] = [:]
    var withField = 0
    var total = 0
    var seenFields = Set<String>()
    let entries = try reader.entries()
    while let e = entries.next() {
      guard case .success(let u) = e else { continue }
      total += 1
      let v = value(of: u, field: spec.field)
      if v != "(none)" { withField += 1 }
      if seenFields.count < 64 { for (k, _) in u.extra { seenFields.insert(k) } }
      groups[v, default: []].append(rank(u.id, seed: seed))
    }
    if total > 0, withField == 0 {
      let known = (["speaker", "text"] + seenFields.sorted()).joined(separator: ", ")
      throw CorpusError.badEntry(
        origin: path, id: nil,
        detail: "--balance \(spec.field): no utterance has this field; fields present: \(known)")
    }
    for k in groups.keys { groups[k]!.sort() }
    let largest = groups.values.map(\.count).max() ?? 0
    let target = spec.target ?? largest * max(1, baseVariants)
    return BalancePlan(
      field: spec.field, target: target, baseVariants: baseVariants, counts: groups.mapValues(\.count), hashes: groups,
      seed: seed)
  }

  /// The utterance's place in its value's order: FNV-1a of (seed, id), independent of corpus order.
  static func rank(_ id: String, seed: UInt64) -> UInt64 {
    var h = FNV1a()
    h.combine(seed)
    h.combine("balance")
    h.combine(id)
    return h.value
  }

  /// Variants for utterance `u` (0 when its value already has more utterances than the target
  /// and `u` is not among the chosen ones).
  public func variants(for u: Utterance) -> Int {
    let v = BalancePlan.value(of: u, field: field)
    guard let group = hashes[v], !group.isEmpty else { return baseVariants }
    let h = BalancePlan.rank(u.id, seed: seed)
    // Lower bound: the number of hashes below h.
    var lo = 0, hi = group.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if group[mid] < h { lo = mid + 1 } else { hi = mid }
    }
    let n = group.count
    return target / n + (lo < target % n ? 1 : 0)
  }

  /// Variants for a corpus entry; an unreadable entry gets one slot so its failure is reported.
  func variants(for entry: Result<Utterance, CorpusError>) -> Int {
    if case .success(let u) = entry { return variants(for: u) }
    return 1
  }

  /// Outputs each value gets: every value with at least one readable utterance gets the target.
  public var outputsPerValue: [String: Int] { counts.mapValues { _ in target } }

  /// Outputs of the whole corpus.
  public var totalOutputs: Int { counts.count * target }

  /// The values, most utterances first (ties by value), for tables.
  public var valuesByCount: [String] {
    counts.keys.sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : $0 < $1 }
  }

  /// What the run's identity records: field and target.
  var identity: String { "\(field) target \(target)" }

  /// The counts per value before and after, for the run state and `plan --json`.
  public var json: JSONValue {
    .object([
      ("field", .string(field)), ("target", .number(Double(target))), ("base_variants", .number(Double(baseVariants))),
      ("values", .number(Double(counts.count))),
      (
        "distribution",
        .array(
          valuesByCount.map { v in
            .object([
              ("value", .string(v)), ("utterances", .number(Double(counts[v]!))),
              ("uniform_outputs", .number(Double(counts[v]! * baseVariants))), ("balanced_outputs", .number(Double(target))),
            ])
          })
      ),
    ])
  }

  /// A before/after table: value, utterances, outputs with uniform variants, outputs balanced.
  /// Past `limit` values, the largest and smallest `limit / 2` are shown with a count of the rest.
  public func table(limit: Int = 30) -> String {
    let values = valuesByCount
    let shown: [String?] =
      values.count <= limit ? values : Array(values.prefix(limit / 2)) + [nil] + Array(values.suffix(limit / 2))
    let width = min(40, max(field.count, 5, values.map(\.count).max() ?? 5))
    func pad(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count) }
    func num(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: " ", count: max(0, w - s.count)) + s }
    var lines = ["  \(pad(field, width))  utterances  uniform ×\(baseVariants)  balanced"]
    for v in shown {
      guard let v else {
        lines.append("  … \(values.count - 2 * (limit / 2)) more values")
        continue
      }
      lines.append("  \(pad(v, width))  \(num(counts[v]!, 10))  \(num(counts[v]! * baseVariants, 10))  \(num(target, 8))")
    }
    let before = values.map { counts[$0]! * baseVariants }
    lines.append(
      "  \(values.count) values; outputs per value \(before.min() ?? 0)–\(before.max() ?? 0) uniform, \(target) balanced; \(totalOutputs) outputs in all")
    return lines.joined(separator: "\n")
  }
}
