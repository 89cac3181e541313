import Foundation

/// How much a noise masks speech: the mean ESTOI of a fixed speech set mixed with the noise at
/// given SNRs. ESTOI tracks what a recognizer loses far better than the SNR alone does, because
/// it sees whether the noise fills the speech's spectro-temporal gaps.
///
/// The speech set is the bundled corpus (`corpus/manifest.jsonl`, six espeak-ng voices): every
/// third utterance in id order, 12 utterances, about 45 s. Utterance k is mixed with the noise
/// segment starting at k/12 of the noise's length (wrapping round), scaled so that the SNR over
/// the whole utterance (its leading and trailing 0.25 s of silence included) is the target.
public enum NoiseMasking {
  /// The fixed speech set: clips at one sample rate, in id order.
  public struct SpeechSet: Sendable {
    /// Utterance ids.
    public var ids: [String]
    /// Their samples.
    public var clips: [[Float]]
    /// Sample rate, Hz.
    public var sampleRate: Int

    /// Loads every third utterance (by id) of `corpus` at `sampleRate`.
    /// - Throws: ``CorpusError`` or ``AudioFileError`` for an unreadable corpus, and
    ///   ``NoiseLibraryError/badFile(path:detail:)`` when it holds no speech.
    public static func load(corpus: String, sampleRate: Int = 16000) throws -> SpeechSet {
      let reader = try CorpusFormat.reader(for: corpus)
      var all: [Utterance] = []
      let it = try reader.entries()
      while let e = it.next() {
        if case .success(let u) = e { all.append(u) }
      }
      all.sort { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
      let chosen = stride(from: 0, to: all.count, by: 3).map { all[$0] }
      guard !chosen.isEmpty else {
        throw NoiseLibraryError.badFile(path: corpus, detail: "no utterances to measure masking with; give a corpus with speech")
      }
      let clips = try chosen.map {
        try AudioLoader.load(path: $0.audioPath, offsetSeconds: $0.offsetSeconds, durationSeconds: $0.durationSeconds, sampleRate: sampleRate).samples
      }
      return SpeechSet(ids: chosen.map(\.id), clips: clips, sampleRate: sampleRate)
    }
  }

  /// Mean ESTOI of `speech` mixed with `noise` (at the set's rate) at each of `snrsDB`.
  /// A silent or empty noise gives 1 at every SNR (nothing is masked).
  public static func estoi(noise: [Float], speech: SpeechSet, snrsDB: [Double] = NoiseStatistics.maskingSNRsDB) throws -> [Double] {
    guard !noise.isEmpty, Levels.energy(noise) > 0 else { return snrsDB.map { _ in 1 } }
    var sums = [Double](repeating: 0, count: snrsDB.count)
    for (k, clip) in speech.clips.enumerated() {
      let start = noise.count * k / speech.clips.count
      let seg = (0..<clip.count).map { noise[(start + $0) % noise.count] }
      let es = Levels.energy(clip), en = Levels.energy(seg)
      guard es > 0, en > 0 else { continue }
      for (j, snr) in snrsDB.enumerated() {
        let g = Float((es / en / pow(10, snr / 10)).squareRoot())
        let mix = (0..<clip.count).map { clip[$0] + g * seg[$0] }
        sums[j] += try ESTOI.measure(clean: clip, degraded: mix, sampleRate: speech.sampleRate)
      }
    }
    return sums.map { $0 / Double(speech.clips.count) }
  }
}
