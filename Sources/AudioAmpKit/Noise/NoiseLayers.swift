import Foundation

/// A layered noise scene: several noise sources heard at once (traffic + distant crowd + hum +
/// a broadband bed), each at its own level relative to the total, the SNR then applied to the
/// sum. The kernel for the `noise` effect's `layers:` (drawing is separate from mixing, as for
/// every effect, and every layer's file, offset and level is recorded).
///
/// Levels: layer k's share of the noise power is wₖ = 10^(Lₖ/10) / Σⱼ 10^(Lⱼ/10), where Lₖ is
/// its drawn level in dB relative to the others (only differences matter; the loudest may be
/// 0 dB). Each layer is first scaled to unit RMS, then by √wₖ, so the sum's power is 1 for
/// uncorrelated layers, and the sum is scaled to the target SNR against the speech with its
/// achieved power (not the nominal 1), so the SNR holds exactly whatever the layers' correlation.
public enum NoiseLayers {
  /// One layer's source and its drawing range.
  public struct Source: Sendable {
    /// The files to draw from (sorted; one is chosen by duration-weighted index).
    public var files: [NoiseFile]
    /// Level relative to the other layers, dB: drawn uniformly from this range.
    public var levelDB: ClosedRange<Double>
    /// A name for the manifest (a category, or the `dir:` path).
    public var label: String

    /// Creates a layer source.
    public init(files: [NoiseFile], levelDB: ClosedRange<Double>, label: String) {
      self.files = files
      self.levelDB = levelDB
      self.label = label
    }
  }

  /// One drawn layer: which stretch of which file, at what relative level.
  public struct Layer: Sendable, Equatable {
    /// Source label.
    public var label: String
    /// The file.
    public var file: NoiseFile
    /// Where in the file the stretch starts, s.
    public var offsetSeconds: Double
    /// Drawn level relative to the other layers, dB.
    public var levelDB: Double
  }

  /// What mixing did, per layer and in total (for the manifest).
  public struct Mixed: Sendable {
    /// The speech plus the scaled layers.
    public var samples: [Float]
    /// Each layer's share of the added noise's power (0…1, sums to about 1), in layer order.
    public var shares: [Double]
    /// The SNR achieved over the utterance, dB (speech power over the added noise's power).
    public var achievedSNRDB: Double
  }

  /// Draws one layer per source: a file (weighted by duration), an offset where a stretch of
  /// `seconds` fits (0 when the file is shorter: it is looped when read) and a level. Draws
  /// happen in source order from `rng`, so the same stream gives the same scene.
  public static func draw(_ sources: [Source], seconds: Double, using rng: inout UtteranceRNG) -> [Layer] {
    sources.map { s in
      let total = s.files.map(\.durationSeconds).reduce(0, +)
      var u = rng.nextUnit() * total
      var pick = s.files.count - 1
      for (i, f) in s.files.enumerated() {
        if u < f.durationSeconds { pick = i; break }
        u -= f.durationSeconds
      }
      let file = s.files[max(0, pick)]
      let room = file.durationSeconds - seconds
      let offset = room > 0 ? (rng.nextUnit() * room * 1000).rounded(.down) / 1000 : 0
      let level = s.levelDB.lowerBound + rng.nextUnit() * (s.levelDB.upperBound - s.levelDB.lowerBound)
      return Layer(label: s.label, file: file, offsetSeconds: offset, levelDB: level)
    }
  }

  /// Each layer's power share from its drawn level: 10^(L/10) normalised to sum 1.
  public static func shares(_ layers: [Layer]) -> [Double] {
    let top = layers.map(\.levelDB).max() ?? 0
    let p = layers.map { pow(10, ($0.levelDB - top) / 10) }
    let sum = p.reduce(0, +)
    return p.map { $0 / sum }
  }

  /// Mixes `segments` (one per layer, each at least `speech.count` samples, already read from
  /// the files) under `speech` at `snrDB`, with `speechPower` as the speech's reference power
  /// (mean square: over the whole utterance, or the active level for P.56). A silent layer adds
  /// nothing (its share goes to the others); when every layer is silent the speech is returned
  /// unchanged with an infinite SNR.
  public static func mix(speech: [Float], speechPower: Double, segments: [[Float]], layers: [Layer], snrDB: Double) -> Mixed {
    precondition(segments.count == layers.count, "one segment per layer")
    let n = speech.count
    let w = shares(layers)
    var sum = [Float](repeating: 0, count: n)
    var layerPower = [Double](repeating: 0, count: layers.count)
    for (k, seg) in segments.enumerated() {
      precondition(seg.count >= n, "a layer segment is shorter than the speech")
      let rms = Levels.rms(Array(seg.prefix(n)))
      guard rms > 0 else { continue }
      let g = Float(w[k].squareRoot() / rms)
      var e = 0.0
      for i in 0..<n {
        let v = g * seg[i]
        sum[i] += v
        e += Double(v) * Double(v)
      }
      layerPower[k] = e / Double(max(1, n))
    }
    let noisePower = Levels.energy(sum) / Double(max(1, n))
    guard noisePower > 0, n > 0 else {
      return Mixed(samples: speech, shares: layers.map { _ in 0 }, achievedSNRDB: .infinity)
    }
    let gain = Float((speechPower / (noisePower * pow(10, snrDB / 10))).squareRoot())
    var out = speech
    for i in 0..<n { out[i] += gain * sum[i] }
    let added = noisePower * Double(gain) * Double(gain)
    let total = layerPower.reduce(0, +)
    return Mixed(
      samples: out, shares: layerPower.map { total > 0 ? $0 / total : 0 },
      achievedSNRDB: 10 * log10(speechPower / added))
  }

  /// The manifest record of a layered mix: `layers` as an array of objects with each layer's
  /// label, file, offset, drawn level and achieved power share.
  public static func record(_ layers: [Layer], shares: [Double]) -> JSONValue {
    .array(zip(layers, shares).map { l, s in
      .object([
        ("source", .string(l.label)), ("file", .string(l.file.name)),
        ("offset_s", .number((l.offsetSeconds * 1000).rounded() / 1000)),
        ("level_db", .number((l.levelDB * 100).rounded() / 100)),
        ("share", .number((s * 10000).rounded() / 10000)),
      ])
    })
  }
}
