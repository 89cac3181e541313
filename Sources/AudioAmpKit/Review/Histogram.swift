import Foundation

/// A histogram of a list of numbers, drawn as inline SVG for the review report.
public struct Histogram: Sendable {
  /// Title shown above the bars.
  public var title: String
  /// Unit appended to axis labels ("dB", "s", "").
  public var unit: String
  /// Lower edge of the first bin and upper edge of the last.
  public var lower: Double
  /// See ``lower``.
  public var upper: Double
  /// Count per bin.
  public var counts: [Int]
  /// Values that were not finite (left out of the bins).
  public var skipped: Int

  /// Bins the finite `values` into `bins` equal-width bins spanning their min and max (a single
  /// value, or equal values, get a bin ±0.5 wide around them). Empty input gives no bins.
  public init(title: String, unit: String, values: [Double], bins: Int = 12) {
    self.title = title
    self.unit = unit
    let finite = values.filter { $0.isFinite }
    skipped = values.count - finite.count
    guard var lo = finite.min(), var hi = finite.max() else {
      lower = 0
      upper = 0
      counts = []
      return
    }
    if hi - lo < 1e-9 {
      lo -= 0.5
      hi += 0.5
    }
    lower = lo
    upper = hi
    let n = max(1, bins)
    var c = [Int](repeating: 0, count: n)
    for v in finite { c[min(n - 1, Int((v - lo) / (hi - lo) * Double(n)))] += 1 }
    counts = c
  }

  /// Total of the counts.
  public var total: Int { counts.reduce(0, +) }

  /// The histogram as a self-contained `<svg>` element (320×140 user units) with its title,
  /// bars, the count on the tallest bar and labels at both ends of the axis.
  public var svg: String {
    let w = 320.0, h = 140.0, left = 10.0, right = 10.0, top = 22.0, bottom = 22.0
    var s = #"<svg class="hist" viewBox="0 0 320 140" width="320" height="140" role="img" aria-label="\#(HTML.escape(title))">"#
    s += #"<text x="\#(left)" y="14" class="ht">\#(HTML.escape(title))</text>"#
    guard !counts.isEmpty else {
      return s + #"<text x="\#(left)" y="70">no values</text></svg>"#
    }
    let peak = Double(max(counts.max() ?? 1, 1))
    let bw = (w - left - right) / Double(counts.count)
    for (i, c) in counts.enumerated() where c > 0 {
      let bh = (h - top - bottom) * Double(c) / peak
      let x = left + Double(i) * bw
      let y = h - bottom - bh
      s += String(format: #"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%d</title></rect>"#, x + 1, y, bw - 2, bh, c)
    }
    s += String(format: ##"<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#555"/>"##, left, h - bottom, w - right, h - bottom)
    s += #"<text x="\#(left)" y="\#(h - 6)">\#(Histogram.format(lower)) \#(unit)</text>"#
    s += #"<text x="\#(w - right)" y="\#(h - 6)" text-anchor="end">\#(Histogram.format(upper)) \#(unit)</text>"#
    s += #"<text x="\#(w - right)" y="14" text-anchor="end">n=\#(total)\#(skipped > 0 ? " (\(skipped) n/a)" : "")</text>"#
    return s + "</svg>"
  }

  static func format(_ v: Double) -> String {
    abs(v) >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v)
  }
}

/// Escaping for text placed in HTML.
public enum HTML {
  /// `s` with `& < > " '` replaced by entities (safe in text and in quoted attributes).
  public static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
