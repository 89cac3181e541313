import Foundation

/// Speech from the corpus being augmented, held ready to make babble behind each utterance.
///
/// The pool keeps, per speaker, the `perSpeaker` utterances whose ids hash lowest (FNV-1a), and
/// at most `limit` utterances in all (again the lowest hashes), so which speech is used depends
/// on the ids only — not on corpus order — and memory stays bounded however large the corpus.
/// Utterances without a speaker are grouped by their id's first `-`-separated field.
public final class BabblePool: @unchecked Sendable {
  /// The talkers' audio by speaker, sorted by speaker.
  public let sources: CrowdGenerator.Sources

  /// Loads the pool from the corpus at `input` (the same reader `mix` uses).
  public init(input: String, inputFormat: String?, sampleRate: Int, perSpeaker: Int = 3, limit: Int = 300) throws {
    let reader = try CorpusFormat.reader(for: input, format: inputFormat)
    var best: [String: [(hash: UInt64, u: Utterance)]] = [:]
    let it = try reader.entries()
    while let e = it.next() {
      guard case .success(let u) = e else { continue }
      let spk = BabblePool.speaker(of: u)
      var h = FNV1a()
      h.combine(u.id)
      var list = best[spk, default: []]
      list.append((h.value, u))
      list.sort { $0.hash < $1.hash }
      if list.count > perSpeaker { list.removeLast() }
      best[spk] = list
    }
    let chosen = best.values.flatMap { $0 }.sorted { $0.hash < $1.hash }.prefix(limit)
    var bySpeaker: [String: [[Float]]] = [:]
    for c in chosen.sorted(by: { $0.u.id < $1.u.id }) {
      if let a = try? AudioLoader.load(
        path: c.u.audioPath, offsetSeconds: c.u.offsetSeconds, durationSeconds: c.u.durationSeconds, sampleRate: sampleRate),
        Levels.rms(a.samples) > 0
      {
        bySpeaker[BabblePool.speaker(of: c.u), default: []].append(a.samples)
      }
    }
    sources = CrowdGenerator.Sources(speakers: bySpeaker.keys.sorted().map { ($0, bySpeaker[$0]!) })
  }

  /// The speaker babble is grouped by.
  public static func speaker(of u: Utterance) -> String {
    u.speaker ?? String(u.id.split(separator: "-").first ?? Substring(u.id))
  }

  /// Babble for `target`: `talkers` talkers drawn from every speaker but the target's, `count`
  /// samples, unnormalised. Returns the samples and the talkers' speakers; fails when the corpus
  /// has no other speaker.
  public func babble(for target: Utterance, talkers: Int, count: Int, sampleRate: Int, seed: UInt64) throws -> (samples: [Float], speakers: [String]) {
    let own = BabblePool.speaker(of: target)
    let others = CrowdGenerator.Sources(speakers: sources.speakers.filter { $0.speaker != own })
    guard !others.speakers.isEmpty else {
      throw EffectError.badParameter(effect: "noise", detail: "babble needs speech from other speakers, and the corpus has none besides '\(own)'")
    }
    return CrowdGenerator(talkers: talkers, murmur: false).renderWithTalkers(
      seconds: Double(count) / Double(sampleRate), sampleRate: sampleRate, seed: seed, sources: others, finish: false)
  }
}
