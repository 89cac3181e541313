import Foundation

/// Sums up exported listener ratings against the run's manifest: the share of rated outputs
/// marked bad (and unintelligible) per effect and per parameter range.
public struct RatingsSummary: Sendable {
  /// One line of the summary.
  public struct Row: Sendable, Equatable {
    /// What the row groups: `all`, an effect name (`noise`), or `effect.parameter lo..hi`.
    public var group: String
    /// Rated outputs in the group.
    public var rated: Int
    /// Of those, marked bad.
    public var bad: Int
    /// Of those, marked unintelligible.
    public var unintelligible: Int
    /// bad / rated (0 when nothing was rated).
    public var badShare: Double { rated > 0 ? Double(bad) / Double(rated) : 0 }
  }

  /// The run key the ratings were made against.
  public var run: String
  /// Whether it matches the run folder's manifest (a mismatch means the run was remade).
  public var runMatches: Bool
  /// Ratings whose id is not in the manifest (ignored).
  public var unknownIDs: [String]
  /// `all`, then per effect (name order), then per numeric parameter range (4 equal-width bins
  /// between the smallest and largest rated value).
  public var rows: [Row]

  /// Rating values the page writes.
  public static let values = ["ok", "bad", "unintelligible"]

  /// Reads `ratingsPath` (the page's export) and the manifest of `runDirectory` and sums up.
  /// Throws ``ReviewError`` for a missing or malformed file.
  public static func summarize(ratingsPath: String, runDirectory: String, bins: Int = 4) throws -> RatingsSummary {
    guard let text = try? String(contentsOfFile: ratingsPath, encoding: .utf8) else {
      throw ReviewError.badRatings(path: ratingsPath, detail: "cannot read the file")
    }
    let doc: JSONValue
    do { doc = try JSONValue.parse(text) } catch let e as JSONParseError {
      throw ReviewError.badJSON(path: ratingsPath, line: 1, message: e.message)
    }
    guard case .array(let items) = doc["ratings"] ?? .null else {
      throw ReviewError.badRatings(path: ratingsPath, detail: "no \"ratings\" array")
    }
    var given: [(String, String)] = []
    for (i, item) in items.enumerated() {
      guard let id = item["id"]?.stringValue, let r = item["rating"]?.stringValue, values.contains(r) else {
        throw ReviewError.badRatings(
          path: ratingsPath, detail: "ratings[\(i)] needs \"id\" and \"rating\" (one of ok, bad, unintelligible)")
      }
      given.append((id, r))
    }
    let (manifestText, records) = try ReviewReport.readManifest(runDirectory: runDirectory)
    var byID: [String: JSONValue] = [:]
    for r in records { if let id = r["id"]?.stringValue { byID[id] = r } }
    let run = doc["run"]?.stringValue ?? ""
    var unknown: [String] = []
    var rated: [(JSONValue, String)] = []
    for (id, r) in given {
      if let rec = byID[id] { rated.append((rec, r)) } else { unknown.append(id) }
    }
    return RatingsSummary(
      run: run, runMatches: run == ReviewReport.runKey(manifestText: manifestText), unknownIDs: unknown,
      rows: rows(rated, bins: bins))
  }

  /// Groups `(manifest line, rating)` pairs into rows (see ``rows``).
  public static func rows(_ rated: [(JSONValue, String)], bins: Int = 4) -> [Row] {
    func row(_ name: String, _ group: [(JSONValue, String)]) -> Row {
      Row(group: name, rated: group.count, bad: group.filter { $0.1 == "bad" }.count,
        unintelligible: group.filter { $0.1 == "unintelligible" }.count)
    }
    var out = [row("all", rated)]
    var byEffect: [String: [(JSONValue, String)]] = [:]
    var byParam: [String: [(Double, String)]] = [:]
    for (rec, r) in rated {
      var seen = Set<String>()
      for eff in ReviewSampler.effects(of: rec) {
        guard let name = eff["effect"]?.stringValue, case .object(let pairs) = eff else { continue }
        if seen.insert(name).inserted { byEffect[name, default: []].append((rec, r)) }
        for (k, v) in pairs where k != "effect" {
          if let x = v.numberValue { byParam[name + "." + k, default: []].append((x, r)) }
        }
      }
    }
    for name in byEffect.keys.sorted() { out.append(row(name, byEffect[name]!)) }
    for key in byParam.keys.sorted() {
      let values = byParam[key]!
      let lo = values.map(\.0).min()!, hi = values.map(\.0).max()!
      if hi - lo < 1e-12 { continue }  // a constant parameter says nothing about quality
      let n = max(1, bins)
      var groups = [[(JSONValue, String)]](repeating: [], count: n)
      for (x, r) in values { groups[min(n - 1, Int((x - lo) / (hi - lo) * Double(n)))].append((.number(x), r)) }
      for (i, g) in groups.enumerated() where !g.isEmpty {
        let a = lo + (hi - lo) * Double(i) / Double(n), b = lo + (hi - lo) * Double(i + 1) / Double(n)
        out.append(row("\(key) \(Histogram.format(a))..\(Histogram.format(b))", g))
      }
    }
    return out
  }

  /// The summary as an aligned table for a person.
  public var text: String {
    var lines = ["ratings for run \(run)" + (runMatches ? "" : " (does not match this folder's manifest: the run was remade?)")]
    if !unknownIDs.isEmpty { lines.append("\(unknownIDs.count) rated ids not in the manifest, ignored: \(unknownIDs.prefix(5).joined(separator: ", "))") }
    let width = max(24, rows.map(\.group.count).max() ?? 0)
    lines.append("group".padding(toLength: width, withPad: " ", startingAt: 0) + "  rated    bad  unintell.  bad share")
    for r in rows {
      lines.append(
        r.group.padding(toLength: width, withPad: " ", startingAt: 0)
          + String(format: "  %5d  %5d  %9d  %8.0f%%", r.rated, r.bad, r.unintelligible, r.badShare * 100))
    }
    return lines.joined(separator: "\n")
  }
}
