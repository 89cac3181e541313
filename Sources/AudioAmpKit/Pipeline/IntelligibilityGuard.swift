import Foundation

/// The recipe's `intelligibility` setting: measure how intelligible every output still is, and
/// optionally draw again the ones that fell below a floor.
///
/// The reference is the talker's own signal: the audio entering the first effect that does not
/// alter the talker (so after `speed`, `pitch` and `tempo`, before noise, room and channel).
/// The measure is ESTOI (Jensen & Taal 2016, ``ESTOI``) between that reference and the output
/// as written (after the clip guard), cut to the shorter of the two. With `min_estoi`, an output below it is
/// made again from the next child stream of its random stream (`retry[1]`, `retry[2]`, ...), at
/// most `max_tries` times in all; the try with the highest ESTOI is kept, so a run never
/// silently fills a set with unrecoverable examples, and the manifest says how many tries it took
/// and whether the floor was met. Redraws depend only on (seed, utterance id, variant), so they
/// are the same at any `--jobs`.
public struct IntelligibilityGuard: Sendable, Equatable {
  /// The measure (only `estoi` so far).
  public var measure: String
  /// Outputs below this ESTOI are drawn again; nil measures and records only.
  public var minimum: Double?
  /// At most this many tries per output (the first included).
  public var maxTries: Int

  /// Creates a guard.
  public init(measure: String = "estoi", minimum: Double? = nil, maxTries: Int = 5) {
    self.measure = measure
    self.minimum = minimum
    self.maxTries = maxTries
  }

  /// The recipe keys of the `intelligibility` mapping.
  public static let keys: [RecipeKey] = [
    .keyword(
      "measure", [.init("estoi", "extended short-time objective intelligibility")], default: "estoi",
      example: "estoi", help: "the intelligibility measure recorded for every output"),
    .plain(
      "min_estoi", .closed(0, 1, ""), example: "0.3", whenAbsent: "to measure and record only",
      help: "outputs below this are drawn again from the next child stream"),
    .integer(
      "max_tries", 1...50, default: 5, example: "5",
      help: "tries per output, the first included; the best one is kept"),
  ]

  /// Reads decoded settings.
  static func from(_ settings: RecipeSettings) -> IntelligibilityGuard? {
    guard let measure = settings.words("measure")?.first, let tries = settings.integer("max_tries") else {
      return nil
    }
    return IntelligibilityGuard(measure: measure, minimum: settings.plain("min_estoi"), maxTries: tries)
  }

  /// ESTOI of `output` against `reference` (rounded to 4 decimals, as recorded).
  func score(reference: [Float], output: [Float], sampleRate: Int) throws -> Double {
    (try ESTOI.measure(clean: reference, degraded: output, sampleRate: sampleRate) * 10000).rounded() / 10000
  }

  /// The manifest field: `{"measure", "estoi", "tries", "min_estoi", "met"}`.
  func record(score: Double, tries: Int) -> JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("measure", .string(measure)), ("estoi", .number(score)), ("tries", .number(Double(tries))),
    ]
    if let minimum {
      pairs.append(("min_estoi", .number(minimum)))
      pairs.append(("met", .bool(score >= minimum)))
    }
    return .object(pairs)
  }
}

/// What the effect chain made of one output.
struct RenderedAudio {
  /// The stream the kept try was drawn from.
  var rng: UtteranceRNG
  /// The audio after the effects and the clip guard.
  var audio: AudioBuffer
  /// One record per effect applied (and the clip guard's, when it acted).
  var records: [JSONValue]
  /// How time maps from the source to the output.
  var timeScale: Double
  /// The `intelligibility` manifest field, when the recipe asks for it.
  var intelligibility: JSONValue?
}

extension Renderer {
  /// Runs the effects and the clip guard on `source` for `variant`, measuring and (with a floor)
  /// redrawing as the recipe's intelligibility guard says.
  func process(_ u: Utterance, source: AudioBuffer, variant: Int) throws -> RenderedAudio {
    let base = UtteranceRNG(seed: seed, utteranceID: u.id, variant: variant)
    guard let check = intelligibility else { return try chain(u, source: source, rng: base).out }
    var best: (out: RenderedAudio, score: Double)?
    var tries = 0
    while tries < check.maxTries {
      let rng = tries == 0 ? base : base.child("retry[\(tries)]")
      tries += 1
      let (out, reference) = try chain(u, source: source, rng: rng)
      let score = try check.score(reference: reference, output: out.audio.samples, sampleRate: out.audio.sampleRate)
      if best == nil || score > best!.score { best = (out, score) }
      if score >= (check.minimum ?? -.infinity) { break }
    }
    var (kept, score) = best!
    kept.intelligibility = check.record(score: score, tries: tries)
    if let minimum = check.minimum, score < minimum {
      warnings.add(
        "outputs stayed below min_estoi \(JSONValue.format(minimum)) after \(check.maxTries) tries "
          + "(the best try is kept; see their intelligibility fields in the manifest)")
    }
    return kept
  }

  /// One pass through the effects with `rng`; also returns the talker's signal (the audio
  /// entering the first effect that does not alter the talker).
  func chain(_ u: Utterance, source: AudioBuffer, rng: UtteranceRNG) throws -> (out: RenderedAudio, reference: [Float]) {
    var audio = source
    var records: [JSONValue] = []
    var timeScale = 1.0
    var reference: [Float]?
    var room: RoomContext?
    for stage in stages {
      if reference == nil && !stage.altersTalker { reference = audio.samples }
      let ctx = EffectContext(utterance: u, sampleRate: audio.sampleRate, sampleCount: audio.count, room: room)
      let (next, record) = try stage.runTimed(audio, context: ctx, rng: rng)
      audio = next.audio
      if let r = next.room { room = r }
      timeScale *= next.timeScale
      if let record { records.append(record) }
    }
    let talker = reference ?? audio.samples
    let (guarded, clipRecord) = clipGuard.apply(to: audio)
    if let clipRecord {
      records.append(clipRecord)
      warnings.add("outputs would have clipped and were brought under full scale (clip_guard: \(clipGuard.rawValue)); see their clip_guard entries in the manifest")
    }
    return (RenderedAudio(rng: rng, audio: guarded, records: records, timeScale: timeScale), talker)
  }
}
