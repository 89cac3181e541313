/// Everything the writers need to describe one finished output.
public struct OutputRecord: Sendable {
  /// Output id: `<source id>__v<variant>`.
  public var id: String
  /// The source utterance.
  public var source: Utterance
  /// Variant index, 0-based.
  public var variant: Int
  /// Audio path relative to the output folder (`audio/<id>.wav`).
  public var relativeAudioPath: String
  /// Audio path as the user would reach it (the output folder joined with the relative path).
  public var audioPath: String
  /// Output length in samples.
  public var sampleCount: Int
  /// Output sample rate, Hz.
  public var sampleRate: Int
  /// Output length in seconds.
  public var durationSeconds: Double { Double(sampleCount) / Double(sampleRate) }
  /// The recipe seed.
  public var seed: UInt64
  /// The utterance stream key (`UtteranceRNG.key`).
  public var streamKey: UInt64
  /// One object per effect applied, in order.
  public var effects: [JSONValue]
  /// The source entry's other fields, with time alignments rescaled to the output.
  public var extra: [(String, JSONValue)]
  /// What the recipe's intelligibility guard measured (`{"measure", "estoi", "tries", ...}`).
  public var intelligibility: JSONValue?
  /// The encoded audio, for outputs that go into a shard instead of a file of their own.
  public var encodedAudio: [UInt8]? = nil

  /// Creates a record.
  public init(
    id: String, source: Utterance, variant: Int, relativeAudioPath: String, audioPath: String,
    sampleCount: Int, sampleRate: Int, seed: UInt64, streamKey: UInt64, effects: [JSONValue],
    extra: [(String, JSONValue)]? = nil, intelligibility: JSONValue? = nil
  ) {
    self.id = id
    self.source = source
    self.variant = variant
    self.relativeAudioPath = relativeAudioPath
    self.audioPath = audioPath
    self.sampleCount = sampleCount
    self.sampleRate = sampleRate
    self.seed = seed
    self.streamKey = streamKey
    self.effects = effects
    self.extra = extra ?? source.extra
    self.intelligibility = intelligibility
  }

  /// The output manifest line (without newline): `audio_filepath`, `duration`, `text`, `id`,
  /// `source_id`, `variant`, `speaker` (when known), the source's other fields, `seed`,
  /// `stream_key` (16 hex digits), `effects` and, with the recipe's intelligibility guard,
  /// `intelligibility`.
  public var manifestLine: String { manifestObject.serialized }

  /// The manifest line as a JSON object (fields in the order `manifestLine` writes them).
  public var manifestObject: JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("audio_filepath", .string(relativeAudioPath)),
      ("duration", .number((durationSeconds * 1000).rounded() / 1000)),
      ("text", .string(source.text)),
      ("id", .string(id)),
      ("source_id", .string(source.id)),
      ("variant", .number(Double(variant))),
    ]
    if let s = source.speaker { pairs.append(("speaker", .string(s))) }
    pairs.append(contentsOf: extra)
    pairs.append(("seed", .number(Double(seed))))
    pairs.append(("stream_key", .string(hex16(streamKey))))
    pairs.append(("effects", .array(effects)))
    if let intelligibility { pairs.append(("intelligibility", intelligibility)) }
    return JSONValue.object(pairs)
  }
}

/// Formats a 64-bit value as 16 lower-case hex digits.
func hex16(_ v: UInt64) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: 16 - s.count) + s
}
