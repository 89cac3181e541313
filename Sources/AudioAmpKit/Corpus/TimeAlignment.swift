import Foundation

/// Rescales time-aligned annotations carried in manifest fields when an effect changes timing.
///
/// Recognised: the fields `words`, `alignment`, `segments`, `tokens` and `phones` when they
/// hold an array of objects with numeric `start`/`end` (or `start_time`/`end_time`) in
/// seconds. Each time is taken to a sample index at the output rate, scaled there and rounded
/// (s' = round(round(t · rate) · scale)), then clamped to the output's length, so boundaries
/// land on the same samples the speed or tempo change moved them to. Other fields are copied
/// unchanged.
public enum TimeAlignment {
  /// Fields whose arrays are rescaled.
  public static let fields: Set<String> = ["words", "alignment", "segments", "tokens", "phones"]
  static let timeKeys: Set<String> = ["start", "end", "start_time", "end_time"]

  /// `extra` with every recognised time scaled by `scale`.
  public static func rescale(_ extra: [(String, JSONValue)], by scale: Double, sampleRate: Int, outputSamples: Int) -> [(String, JSONValue)] {
    guard scale != 1 else { return extra }
    return extra.map { key, value in
      guard fields.contains(key), case .array(let items) = value else { return (key, value) }
      return (key, .array(items.map { item in
        guard case .object(let pairs) = item else { return item }
        return .object(pairs.map { k, v in
          guard timeKeys.contains(k), let t = v.numberValue else { return (k, v) }
          let s = (t * Double(sampleRate)).rounded()
          let scaled = min(Double(outputSamples), max(0, (s * scale).rounded()))
          return (k, .number(scaled / Double(sampleRate)))
        })
      }))
    }
  }
}
