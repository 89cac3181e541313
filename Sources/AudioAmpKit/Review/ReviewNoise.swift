import Foundation

/// The review page's noise section: the statistics of the noise a run actually added, per
/// category, against the category targets (``NoiseTargets``), and the intelligibility guard's
/// figures.
///
/// Intelligibility: an output record may carry, at its top level,
/// `"intelligibility": {"measure": "estoi", "estoi": X, "tries": N, "min_estoi": Y}` (written by
/// the guard: ESTOI between the talker's signal after speed, pitch and tempo and the output;
/// how many draws it took; the recipe's floor, when set). It is also read from an effect record
/// holding an `estoi` number.
public enum ReviewNoise {
  /// One category's pooled figures.
  public struct Row: Sendable {
    /// Category name.
    public var category: String
    /// Outputs whose noise was pooled.
    public var outputs: Int
    /// The pooled noise's figures.
    public var stats: NoiseStatistics
    /// Targets, when the category has them.
    public var targets: NoiseTargets?
    /// Figures outside the targets.
    public var violations: [String]
  }

  /// The ESTOI recorded for an output, if any.
  public static func estoi(_ record: JSONValue) -> Double? {
    if let v = record["intelligibility"]?["estoi"]?.numberValue { return v }
    return ReviewSampler.effects(of: record).compactMap { $0["estoi"]?.numberValue }.first
  }

  /// The guard's draw count for an output, if recorded.
  public static func tries(_ record: JSONValue) -> Double? {
    record["intelligibility"]?["tries"]?.numberValue
  }

  /// The ESTOI floor recorded for an output (the recipe's `min_estoi`), if any.
  public static func floor(_ record: JSONValue) -> Double? {
    record["intelligibility"]?["min_estoi"]?.numberValue
  }

  /// Reads the noise stretches of up to `maxOutputs` outputs (the first ones in manifest
  /// order) from the library at `noiseLibrary`, pooled per category, and measures them. Files
  /// that cannot be read are counted in `warnings` and skipped; babble (made per output) is not
  /// in the library and is skipped too.
  public static func rows(_ records: [JSONValue], noiseLibrary: String, maxOutputs: Int = 200, warnings: inout [String: Int]) -> [Row] {
    var pooled: [String: [Float]] = [:]
    var counts: [String: Int] = [:]
    for r in records.prefix(maxOutputs) {
      for fx in ReviewSampler.effects(of: r) where fx["effect"]?.stringValue == "noise" {
        guard let name = fx["noise_file"]?.stringValue, let category = fx["category"]?.stringValue else { continue }
        let offset = fx["noise_offset_s"]?.numberValue ?? 0
        let seconds = min(30, r["duration"]?.numberValue ?? 4)
        let path = name.hasPrefix("/") ? name : (noiseLibrary as NSString).appendingPathComponent(name)
        let file = NoiseFile(path: path, name: name, category: category, durationSeconds: 0, sampleRate: 16000, licence: nil)
        do {
          pooled[category, default: []] += try NoiseSegment.read(file, offsetSeconds: offset, count: Int(seconds * 16000), sampleRate: 16000)
          counts[category, default: 0] += 1
        } catch {
          warnings["noise statistics: cannot read \(path) (pass --noise-library DIR)", default: 0] += 1
        }
      }
    }
    return pooled.keys.sorted().map { c in
      let s = NoiseStatistics.measure(pooled[c]!, sampleRate: 16000)
      let t = NoiseTargets.categories[c]
      return Row(category: c, outputs: counts[c]!, stats: s, targets: t, violations: t?.violations(s) ?? [])
    }
  }

  /// The HTML table of `rows`: each figure with its target range, out-of-range ones marked.
  static func table(_ rows: [Row]) -> String {
    guard !rows.isEmpty else { return "" }
    func cell(_ v: Double, _ r: ClosedRange<Double>?, _ fmt: String) -> String {
      let text = String(format: fmt, v)
      guard let r else { return "<td>\(text)</td>" }
      let ok = r.contains(v)
      return "<td class=\"\(ok ? "in" : "out")\">\(text) <small>(\(String(format: fmt, r.lowerBound))–\(String(format: fmt, r.upperBound)))</small></td>"
    }
    var h = """
      <h3>Noise added, per category, against the targets of real noise</h3>
      <table class="noise"><tr><th>category</th><th>outputs</th><th>centroid Hz</th><th>300–3400 Hz share</th>\
      <th>below 300 Hz share</th><th>L10−L90 dB</th><th>2–8 Hz modulation dB</th></tr>
      """
    for r in rows {
      let s = r.stats, t = r.targets
      h += "<tr><td>\(HTML.escape(r.category))</td><td>\(r.outputs)</td>"
      h += cell(s.centroidHz, t?.centroidHz, "%.0f") + cell(s.shareTelephoneBand, t?.telephoneShare, "%.2f")
      h += cell(s.shareBelow300Hz, t?.below300Share, "%.2f") + cell(s.l10MinusL90DB, t?.l10MinusL90DB, "%.1f")
      h += cell(NoiseTargets.syllableModulation(s), t?.syllableModulationDB, "%.1f") + "</tr>\n"
    }
    return h + "</table>\n"
  }
}
