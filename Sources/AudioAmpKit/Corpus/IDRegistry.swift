/// Remembers which utterance ids a reader has produced, in 16 bytes per id rather than the id
/// itself, so that checking uniqueness over millions of utterances stays cheap.
///
/// Ids are kept as 64-bit FNV-1a hashes together with where they were first seen (an index into
/// a short list of sources, such as the one TSV file, plus a line number). Two different ids
/// share a hash with probability about n²/2⁶⁵ (3·10⁻⁸ for a million ids), the price of not
/// holding every id.
struct IDRegistry {
  private var first: [UInt64: UInt64] = [:]
  private var sources: [String] = []
  private var sourceIndex: [String: Int] = [:]

  /// Records `id` as declared at line `line` (0: no line) of `source`. Returns where it was
  /// first declared if it was seen before, else nil.
  mutating func claim(_ id: String, source: String, line: Int) -> String? {
    var h = FNV1a()
    h.combine(id)
    if let packed = first[h.value] {
      let s = sources[Int(packed >> 32)]
      let l = Int(packed & 0xFFFF_FFFF)
      return l == 0 ? s : "\(s):\(l)"
    }
    let index: Int
    if let i = sourceIndex[source] {
      index = i
    } else {
      index = sources.count
      sources.append(source)
      sourceIndex[source] = index
    }
    first[h.value] = UInt64(index) << 32 | UInt64(UInt32(clamping: line))
    return nil
  }
}
