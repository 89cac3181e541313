import Foundation

/// Distances between the distributions of two profiles, measure by measure.
///
/// For each numeric measure: the two-sample Kolmogorov–Smirnov statistic
/// D = sup_x |F₁(x) − F₂(x)| (0: same distribution, 1: disjoint), and the Wasserstein-1
/// (earth mover's) distance W₁ = ∫ |F₁(x) − F₂(x)| dx, in the measure's unit (for two
/// constant sets, the gap between them), both over the empirical distribution functions of
/// the files' values. For the categorical measures (narrowband, codec family, noise category,
/// clipped, hum) the total-variation distance ½·Σ|p₁ − p₂| between the two shares.
public struct ProfileComparison: Sendable, Equatable {
  /// One numeric measure's distances.
  public struct Row: Sendable, Equatable {
    /// Measure key.
    public var key: String
    /// Unit of the medians and of W₁.
    public var unit: String
    /// Files with a value in each profile.
    public var countA: Int, countB: Int
    /// Medians, nil without values.
    public var medianA: Double?, medianB: Double?
    /// KS statistic, nil when either side has no values.
    public var ks: Double?
    /// Wasserstein-1 distance, nil when either side has no values.
    public var wasserstein: Double?
  }

  /// One categorical measure's distance.
  public struct CategoryRow: Sendable, Equatable {
    /// Measure key.
    public var key: String
    /// The shares on each side, "name share" pairs.
    public var sharesA: [(String, Double)], sharesB: [(String, Double)]
    /// Total-variation distance, 0...1.
    public var totalVariation: Double

    public static func == (a: CategoryRow, b: CategoryRow) -> Bool {
      a.key == b.key && a.totalVariation == b.totalVariation && a.sharesA.map(\.0) == b.sharesA.map(\.0)
        && a.sharesA.map(\.1) == b.sharesA.map(\.1) && a.sharesB.map(\.1) == b.sharesB.map(\.1)
    }
  }

  /// Sources of the two profiles.
  public var sourceA: String, sourceB: String
  /// Numeric rows, in ``ProfileMeasure/all`` order.
  public var rows: [Row]
  /// Categorical rows.
  public var categories: [CategoryRow]

  /// Compares `a` (usually the target) with `b` (usually an augmented set).
  public init(_ a: AudioProfile, _ b: AudioProfile) {
    sourceA = a.source
    sourceB = b.source
    rows = zip(a.distributions, b.distributions).map { da, db in
      let both = !da.values.isEmpty && !db.values.isEmpty
      return Row(
        key: da.key, unit: da.unit, countA: da.values.count, countB: db.values.count, medianA: da.quantile(0.5),
        medianB: db.quantile(0.5), ks: both ? Self.ks(da.values, db.values) : nil,
        wasserstein: both ? Self.wasserstein(da.values, db.values) : nil)
    }
    func shares(_ p: AudioProfile, _ key: String) -> [(String, Double)] {
      switch key {
      case "narrowband": return [("yes", p.narrowbandShare), ("no", 1 - p.narrowbandShare)]
      case "codec_family": return p.codecFamilyShares.map { ($0.0.rawValue, $0.1) }
      case "clipped":
        let s = p.share { $0.clippedFraction > AudioProfile.clippedFileFraction }
        return [("yes", s), ("no", 1 - s)]
      case "hum":
        let s = p.share { $0.humDB > AudioProfile.humFileDB }
        return [("yes", s), ("no", 1 - s)]
      default: return p.noiseCategoryShares
      }
    }
    categories = ["narrowband", "codec_family", "noise_category", "clipped", "hum"].map { key in
      let sa = shares(a, key), sb = shares(b, key)
      let names = Set(sa.map(\.0) + sb.map(\.0)).sorted()
      func get(_ s: [(String, Double)], _ n: String) -> Double { s.first { $0.0 == n }?.1 ?? 0 }
      let tv = 0.5 * names.reduce(0) { $0 + abs(get(sa, $1) - get(sb, $1)) }
      return CategoryRow(key: key, sharesA: sa, sharesB: sb, totalVariation: tv)
    }
  }

  /// The numeric row for `key`.
  public func row(_ key: String) -> Row? { rows.first { $0.key == key } }
  /// The categorical row for `key`.
  public func category(_ key: String) -> CategoryRow? { categories.first { $0.key == key } }

  /// Two-sample KS statistic of two sorted, non-empty samples.
  public static func ks(_ a: [Double], _ b: [Double]) -> Double {
    var i = 0, j = 0, d = 0.0
    let na = Double(a.count), nb = Double(b.count)
    while i < a.count && j < b.count {
      let x = min(a[i], b[j])
      while i < a.count && a[i] <= x { i += 1 }
      while j < b.count && b[j] <= x { j += 1 }
      d = max(d, abs(Double(i) / na - Double(j) / nb))
    }
    return d
  }

  /// Wasserstein-1 distance of two sorted, non-empty samples: ∫|F_a − F_b| dx.
  public static func wasserstein(_ a: [Double], _ b: [Double]) -> Double {
    let all = (a + b).sorted()
    var i = 0, j = 0, w = 0.0
    for k in 0..<(all.count - 1) {
      let x = all[k]
      while i < a.count && a[i] <= x { i += 1 }
      while j < b.count && b[j] <= x { j += 1 }
      w += abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)) * (all[k + 1] - x)
    }
    return w
  }

  /// An aligned table for people.
  public var text: String {
    func f(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
    var lines = ["A: \(sourceA)", "B: \(sourceB)", ""]
    lines.append(
      "measure".padding(toLength: 22, withPad: " ", startingAt: 0) + "   n A   n B    median A    median B     KS   Wasserstein-1")
    for r in rows {
      lines.append(
        r.key.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%6d%6d", r.countA, r.countB)
          + f(r.medianA, 3).leftPad(12) + f(r.medianB, 3).leftPad(12) + f(r.ks).leftPad(7)
          + (f(r.wasserstein, 3) + (r.unit.isEmpty ? "" : " " + r.unit)).leftPad(16))
    }
    lines.append("")
    lines.append("category".padding(toLength: 22, withPad: " ", startingAt: 0) + "  TV   shares A | shares B")
    for c in categories {
      func sh(_ s: [(String, Double)]) -> String {
        s.filter { $0.1 > 0 }.map { "\($0.0) \(Int(($0.1 * 100).rounded()))%" }.joined(separator: ", ")
      }
      lines.append(
        c.key.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%5.2f", c.totalVariation) + "   "
          + sh(c.sharesA) + " | " + sh(c.sharesB))
    }
    return lines.joined(separator: "\n")
  }

  /// The comparison as JSON: `{"a":…, "b":…, "measures": {key: {n_a, n_b, median_a, median_b,
  /// ks, wasserstein1, unit}}, "categories": {key: {total_variation, a: {…}, b: {…}}}}`.
  public var json: JSONValue {
    func n(_ v: Double?) -> JSONValue { v.map { .number(($0 * 1e4).rounded() / 1e4) } ?? .null }
    return .object([
      ("a", .string(sourceA)), ("b", .string(sourceB)),
      ("measures", .object(rows.map { r in
        (r.key, .object([
          ("unit", .string(r.unit)), ("n_a", .number(Double(r.countA))), ("n_b", .number(Double(r.countB))),
          ("median_a", n(r.medianA)), ("median_b", n(r.medianB)), ("ks", n(r.ks)), ("wasserstein1", n(r.wasserstein)),
        ]))
      })),
      ("categories", .object(categories.map { c in
        (c.key, .object([
          ("total_variation", n(c.totalVariation)),
          ("a", .object(c.sharesA.map { ($0.0, n($0.1)) })), ("b", .object(c.sharesB.map { ($0.0, n($0.1)) })),
        ]))
      })),
    ])
  }
}

extension String {
  fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
