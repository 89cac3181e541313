/// One labelled utterance of a speech corpus, as a reader found it.
public struct Utterance: Sendable, Equatable {
  /// Unique id within the corpus (outputs are named after it).
  public var id: String
  /// Path of the audio file, resolved (relative manifest paths against the manifest's folder).
  public var audioPath: String
  /// Start of the utterance within the file, seconds.
  public var offsetSeconds: Double
  /// Length of the segment in seconds, or nil for "to the end of the file".
  public var durationSeconds: Double?
  /// The transcript, byte for byte as the corpus gives it.
  public var text: String
  /// Speaker id, when the corpus gives one.
  public var speaker: String?
  /// Where the utterance was declared, for messages: "corpus/manifest.jsonl:12".
  public var origin: String
  /// Other fields the corpus gives (manifest fields, Common Voice columns, Kaldi ctm words...),
  /// carried through to the output (time alignments rescaled).
  /// Other fields in their written order.
  public var extra: [(String, JSONValue)]

  /// Creates an utterance.
  public init(
    id: String, audioPath: String, offsetSeconds: Double = 0, durationSeconds: Double? = nil,
    text: String, speaker: String? = nil, origin: String, extra: [(String, JSONValue)] = []
  ) {
    self.id = id
    self.audioPath = audioPath
    self.offsetSeconds = offsetSeconds
    self.durationSeconds = durationSeconds
    self.text = text
    self.speaker = speaker
    self.origin = origin
    self.extra = extra
  }

  public static func == (a: Utterance, b: Utterance) -> Bool {
    a.id == b.id && a.audioPath == b.audioPath && a.offsetSeconds == b.offsetSeconds
      && a.durationSeconds == b.durationSeconds && a.text == b.text && a.speaker == b.speaker
      && a.origin == b.origin && JSONValue.object(a.extra) == JSONValue.object(b.extra)
  }
}
