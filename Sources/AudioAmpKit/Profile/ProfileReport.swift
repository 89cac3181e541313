import Foundation

/// A small standalone HTML page showing a profile's histograms as inline SVG, or two profiles'
/// histograms overlaid (filled bars: the first, outlined bars: the second) with the KS and
/// Wasserstein-1 distances under each plot.
public enum ProfileReport {
  /// The page for one profile, or for `profile` against `other` when given.
  public static func html(_ profile: AudioProfile, against other: AudioProfile? = nil) -> String {
    let comparison = other.map { ProfileComparison(profile, $0) }
    let title = other == nil ? "Profile of \(profile.source)" : "\(profile.source) vs \(other!.source)"
    var body = "<h1>\(HTML.escape(title))</h1>\n"
    body += "<p>\(profile.files.count) files"
    if let o = other { body += " (filled) vs \(o.files.count) files (outlined)" }
    body += ". Narrowband: \(pct(profile.narrowbandShare))"
    if let o = other { body += " vs \(pct(o.narrowbandShare))" }
    body += ". Codec families: " + shares(profile.codecFamilyShares.map { ($0.0.rawValue, $0.1) })
    if let o = other { body += " vs " + shares(o.codecFamilyShares.map { ($0.0.rawValue, $0.1) }) }
    body += ". Noise categories: " + shares(profile.noiseCategoryShares)
    if let o = other { body += " vs " + shares(o.noiseCategoryShares) }
    body += ".</p>\n<div class=\"grid\">\n"
    let otherDists = other?.distributions
    for (i, d) in profile.distributions.enumerated() {
      body += "<figure>" + svg(d, otherDists?[i])
      if let row = comparison?.rows[i], let ks = row.ks, let w = row.wasserstein {
        body += String(format: "<figcaption>KS %.2f, W1 %.3f %@</figcaption>", ks, w, HTML.escape(row.unit))
      }
      body += "</figure>\n"
    }
    body += "</div>\n"
    return """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>\(HTML.escape(title))</title>
      <style>body{font:14px sans-serif;margin:2em}.grid{display:flex;flex-wrap:wrap;gap:12px}
      figure{margin:0}figcaption{font-size:12px;color:#444}svg text{font-size:11px}
      rect.a{fill:#4a7bb7}rect.b{fill:none;stroke:#d0602a;stroke-width:1.5}</style></head><body>
      \(body)</body></html>

      """
  }

  /// The histograms of `target` (filled) against `run` (outlined) as an HTML fragment for the
  /// listening report: a heading, the categorical shares, one figure per measure with its KS
  /// and Wasserstein-1 distance, and a list of the measures whose KS exceeds `warnKS`.
  public static func section(target: AudioProfile, run: AudioProfile, warnKS: Double = 0.3) -> String {
    let c = ProfileComparison(target, run)
    var h = "<section class=\"profile\"><h2>Profile: target vs this run</h2>\n"
    h += "<p>Target \(HTML.escape(target.source)), \(target.files.count) files (filled) vs \(run.files.count) outputs of this run (outlined)."
    h += " Narrowband \(pct(target.narrowbandShare)) vs \(pct(run.narrowbandShare));"
    h += " codec families " + shares(target.codecFamilyShares.map { ($0.0.rawValue, $0.1) }) + " vs "
      + shares(run.codecFamilyShares.map { ($0.0.rawValue, $0.1) }) + ";"
    h += " noise categories " + shares(target.noiseCategoryShares) + " vs " + shares(run.noiseCategoryShares) + ".</p>\n"
    let far = c.rows.filter { ($0.ks ?? 0) > warnKS }
    if !far.isEmpty {
      h += "<p class=\"far\">Far from the target (KS &gt; \(warnKS)): "
        + far.map { String(format: "%@ %.2f", HTML.escape($0.key), $0.ks ?? 0) }.joined(separator: ", ") + ".</p>\n"
    }
    h += "<div class=\"hists\">\n"
    let runDists = run.distributions
    for (i, d) in target.distributions.enumerated() {
      h += "<figure>" + svg(d, runDists[i])
      if let ks = c.rows[i].ks, let w = c.rows[i].wasserstein {
        h += String(format: "<figcaption>KS %.2f, W1 %.3f %@</figcaption>", ks, w, HTML.escape(c.rows[i].unit))
      }
      h += "</figure>\n"
    }
    return h + "</div></section>\n"
  }

  static func pct(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }

  static func shares(_ s: [(String, Double)]) -> String {
    let shown = s.filter { $0.1 > 0 }.map { "\(HTML.escape($0.0)) \(pct($0.1))" }
    return shown.isEmpty ? "none" : shown.joined(separator: ", ")
  }

  /// One measure's histogram (shares of files per bin, so sets of different sizes compare).
  static func svg(_ a: MeasureDistribution, _ b: MeasureDistribution?) -> String {
    let w = 320.0, h = 150.0, left = 10.0, right = 10.0, top = 22.0, bottom = 22.0
    func shares(_ d: MeasureDistribution) -> [Double] {
      let t = Double(max(1, d.values.count))
      return d.counts.map { Double($0) / t }
    }
    let sa = shares(a), sb = b.map(shares)
    let peak = max(sa.max() ?? 0, sb?.max() ?? 0, 1e-9)
    let bw = (w - left - right) / Double(sa.count)
    let label = a.key + (a.unit.isEmpty ? "" : " (\(a.unit))")
    var s = #"<svg viewBox="0 0 320 150" width="320" height="150" role="img" aria-label="\#(HTML.escape(label))">"#
    s += #"<text x="\#(left)" y="14" font-weight="bold">\#(HTML.escape(label))</text>"#
    func bars(_ v: [Double], _ cls: String) {
      for (i, x) in v.enumerated() where x > 0 {
        let bh = (h - top - bottom) * x / peak
        s += String(
          format: #"<rect class="%@" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%.0f%%</title></rect>"#, cls,
          left + Double(i) * bw + 1, h - bottom - bh, bw - 2, bh, x * 100)
      }
    }
    bars(sa, "a")
    if let sb { bars(sb, "b") }
    s += String(format: ##"<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#555"/>"##, left, h - bottom, w - right, h - bottom)
    s += #"<text x="\#(left)" y="\#(h - 6)">\#(Histogram.format(a.lower))</text>"#
    s += #"<text x="\#(w - right)" y="\#(h - 6)" text-anchor="end">\#(Histogram.format(a.upper))</text>"#
    let n = "n=\(a.values.count)" + (b.map { " / \($0.values.count)" } ?? "")
    s += #"<text x="\#(w - right)" y="14" text-anchor="end">\#(n)</text>"#
    return s + "</svg>"
  }
}
