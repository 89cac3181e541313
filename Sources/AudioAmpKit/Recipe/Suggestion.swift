/// "Did you mean …?" suggestions for misspelt keys and values.
enum Suggestion {
  /// The allowed word closest to `word`, if it is close enough to be a likely typo: equal when
  /// case, `-` and `_` are ignored; a prefix of at least three letters (`snr` → `snr_db`); or
  /// within an edit distance of about a third of the word's length (at most 3).
  static func closest(to word: String, among allowed: [String]) -> String? {
    let target = normalized(word)
    guard !target.isEmpty else { return nil }
    var best: (word: String, distance: Int)?
    for candidate in allowed {
      let other = normalized(candidate)
      var distance = editDistance(target, other)
      if target.count >= 3, other.starts(with: target) || target.starts(with: other) {
        distance = min(distance, 1)
      }
      if best == nil || distance < best!.distance { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let threshold = max(1, min(3, word.count / 3))
    return best.distance <= threshold ? best.word : nil
  }

  static func normalized(_ word: String) -> [Character] {
    Array(word.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
  }

  /// Levenshtein distance (insertions, deletions and substitutions each cost 1).
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
