import Foundation

/// How `review` groups outputs before sampling, so that every group is represented.
public enum Stratification: String, Sendable, CaseIterable {
  /// By achieved SNR in 5 dB bins (`snr 5..10 dB`), plus `no noise`.
  case snr
  /// By the combination of effects applied (`noise+band_limit+speed`), clip guard excluded.
  case effect
  /// By noise category (`traffic`, `babble`…), plus `no noise`.
  case category

  /// The stratum `record` (one output manifest line) falls in.
  public func stratum(of record: JSONValue) -> String {
    let effects = ReviewSampler.effects(of: record)
    let noise = effects.first { $0["effect"]?.stringValue == "noise" }
    switch self {
    case .snr:
      guard let snr = noise?["achieved_snr_db"]?.numberValue ?? noise?["snr_db"]?.numberValue else {
        return "no noise"
      }
      let lo = Int((snr / 5).rounded(.down)) * 5
      return "snr \(lo)..\(lo + 5) dB"
    case .effect:
      let names = effects.compactMap { $0["effect"]?.stringValue }.filter { $0 != "clip_guard" }
      return names.isEmpty ? "none" : names.joined(separator: "+")
    case .category:
      guard let noise else { return "no noise" }
      return noise["category"]?.stringValue ?? "uncategorised"
    }
  }
}

/// Deterministic sampling of a run's outputs for review.
public enum ReviewSampler {
  /// The `effects` array of a manifest line (empty when missing).
  public static func effects(of record: JSONValue) -> [JSONValue] {
    if case .array(let a) = record["effects"] ?? .null { return a }
    return []
  }

  /// Picks up to `count` records, returned with their stratum names, in id order.
  ///
  /// Records are sorted by `id` first, so the corpus order does not matter. Each stratum (all
  /// records form one stratum named `all` when `stratify` is nil) is shuffled by Fisher–Yates
  /// with its own ``UtteranceRNG`` stream keyed by (`seed`, `review:` + stratum name); strata
  /// are then visited round-robin in name order, one record at a time, until `count` are
  /// chosen. So with `count` ≥ the number of strata every stratum is represented, and the same
  /// run, seed and count always give the same sample.
  public static func sample(
    _ records: [JSONValue], count: Int, stratify: Stratification?, seed: UInt64
  ) -> [(record: JSONValue, stratum: String)] {
    let sorted = records.sorted { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
    var groups: [String: [JSONValue]] = [:]
    for r in sorted { groups[stratify?.stratum(of: r) ?? "all", default: []].append(r) }
    let queues: [(String, [JSONValue])] = groups.keys.sorted().map { name in
      var items = groups[name]!
      var rng = UtteranceRNG(seed: seed, utteranceID: "review:" + name, variant: 0)
      if items.count > 1 {
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, rng.index(below: i + 1)) }
      }
      return (name, items)
    }
    var chosen: [(JSONValue, String)] = []
    var round = 0
    while chosen.count < count && queues.contains(where: { round < $0.1.count }) {
      for i in queues.indices where chosen.count < count && round < queues[i].1.count {
        chosen.append((queues[i].1[round], queues[i].0))
      }
      round += 1
    }
    return chosen.sorted { ($0.0["id"]?.stringValue ?? "") < ($1.0["id"]?.stringValue ?? "") }
      .map { (record: $0.0, stratum: $0.1) }
  }
}
