/// Output ids for a LibriSpeech tree, whatever the input's ids.
///
/// LibriSpeech readers find a recording from its id alone: lhotse's `prepare_librispeech` and
/// torchaudio's `LIBRISPEECH` split `<speaker>-<chapter>-<utterance>` at the dashes, look for
/// `<speaker>/<chapter>/<id>.flac`, and torchaudio turns each part into an integer. So every
/// output id in a LibriSpeech-format output is three runs of decimal digits joined by `-`:
///
/// - A LibriSpeech source id `S-C-U` (digits) keeps its speaker and chapter; the utterance
///   becomes `U` followed by the variant in three digits (`103-1240-0001`, variant 2 →
///   `103-1240-0001002`).
/// - Any other id is mapped through 64-bit FNV-1a, a fixed hash, so the same source always gets
///   the same output id whatever the corpus order, `--jobs` or shard: the speaker is the
///   speaker label when it is all digits, else a 9-digit number hashed from it (`unknown` when
///   the corpus names none); the chapter is `0`; the utterance is an 18-digit number hashed from
///   the source id, followed by the variant in three digits.
///
/// The manifest keeps the source id (`source_id`), the variant and the speaker label beside the
/// new id, so the mapping can always be read back. Two distinct source ids share an 18-digit
/// number with probability about n²/(2·9·10¹⁷) (6·10⁻⁷ for a million ids).
public enum LibriSpeechNaming {
  /// The LibriSpeech output id for `variant` (0-based) of `source`.
  public static func outputID(for source: Utterance, variant: Int) -> String {
    let v = variant < 1000 ? pad(variant, 3) : String(variant)
    if let (s, c, u) = libriSpeechParts(source.id) { return "\(s)-\(c)-\(u)\(v)" }
    let speaker: String
    let label = source.speaker ?? "unknown"
    if !label.isEmpty, label.utf8.count <= 18, label.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
      speaker = label
    } else {
      speaker = String(100_000_000 + hash(label) % 900_000_000)
    }
    let utterance = String(100_000_000_000_000_000 + hash(source.id) % 900_000_000_000_000_000)
    return "\(speaker)-0-\(utterance)\(v)"
  }

  /// The `(speaker, chapter)` folders of a LibriSpeech output id (its first two parts).
  public static func folders(ofOutputID id: String) -> (speaker: String, chapter: String) {
    let parts = id.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3 else { return ("unknown", "0") }
    return (String(parts[0]), String(parts[1]))
  }

  /// `(speaker, chapter, utterance)` when `id` is three non-empty runs of ASCII digits joined by
  /// `-`, as every LibriSpeech id is; nil otherwise.
  public static func libriSpeechParts(_ id: String) -> (String, String, String)? {
    let parts = id.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3,
      parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } })
    else { return nil }
    return (String(parts[0]), String(parts[1]), String(parts[2]))
  }

  private static func hash(_ s: String) -> UInt64 {
    var h = FNV1a()
    h.combine(s)
    return h.value
  }

  private static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
  }
}
