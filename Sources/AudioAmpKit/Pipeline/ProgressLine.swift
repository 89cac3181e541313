import Foundation

/// Human-readable progress for a running `mix`: a one-line bar for terminals and a plain line
/// for logs.
public enum ProgressLine {
  /// `[########------------]  41%  1234/3000 utt  0.52 h in  ×812 realtime  ETA 2m10s  3 failed`
  /// (the bar and ETA need `totalEntries`; without it the bar is left out).
  public static func bar(_ p: MixProgress, width: Int = 24) -> String {
    var parts: [String] = []
    if let total = p.totalEntries, total > 0 {
      let frac = min(1, Double(p.entriesVisited) / Double(total))
      let filled = Int((frac * Double(width)).rounded(.down))
      parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
      parts.append(String(format: "%3.0f%%", frac * 100))
      parts.append("\(p.entriesVisited)/\(total) utt")
    } else {
      parts.append("\(p.entriesVisited) utt")
    }
    parts.append(contentsOf: detail(p))
    return parts.joined(separator: "  ")
  }

  /// `mix: 1234/3000 utterances (41%), 6170 outputs, 3 failed, 0 resumed, ×812 realtime, ETA 2m10s`
  public static func log(_ p: MixProgress) -> String {
    var s = "mix: \(p.entriesVisited)"
    if let total = p.totalEntries, total > 0 {
      s += String(format: "/%d utterances (%.0f%%)", total, 100 * Double(p.entriesVisited) / Double(total))
    } else {
      s += " utterances"
    }
    return ([s] + detail(p)).joined(separator: ", ")
  }

  static func detail(_ p: MixProgress) -> [String] {
    var parts = ["\(p.totals.outputs) outputs"]
    let rtf = p.wallSeconds > 0 ? p.sourceSecondsThisAttempt / p.wallSeconds : 0
    parts.append(String(format: "×%.0f realtime", rtf))
    if let total = p.totalEntries, p.entriesVisited > p.resumedEntries, p.entriesVisited < total {
      let rate = Double(p.entriesVisited - p.resumedEntries) / max(p.wallSeconds, 1e-9)
      parts.append("ETA " + duration(Double(total - p.entriesVisited) / max(rate, 1e-9)))
    }
    if p.totals.failures > 0 { parts.append("\(p.totals.failures) failed") }
    if p.resumedEntries > 0 { parts.append("\(p.resumedEntries) resumed") }
    return parts
  }

  /// 75 → "1m15s", 4000 → "1h06m", 12 → "12s".
  public static func duration(_ s: Double) -> String {
    let t = Int(s.rounded())
    if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
    if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
    return "\(t)s"
  }
}
