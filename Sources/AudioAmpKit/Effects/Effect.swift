import Foundation

/// What an effect may look at when it draws its parameters.
public struct EffectContext: Sendable {
  /// The source utterance.
  public var utterance: Utterance
  /// Sample rate of the audio reaching the effect, Hz.
  public var sampleRate: Int
  /// Length of the audio reaching the effect (earlier effects may have changed it), samples.
  public var sampleCount: Int

  /// The room an earlier `reverb` stage (with `noise_in_room`) put the talker in, for noise
  /// effects after it; nil otherwise.
  public var room: RoomContext?

  /// Creates a context.
  public init(utterance: Utterance, sampleRate: Int, sampleCount: Int, room: RoomContext? = nil) {
    self.utterance = utterance
    self.sampleRate = sampleRate
    self.sampleCount = sampleCount
    self.room = room
  }
}

/// The audio an effect produced plus what it measured while doing so (for the manifest).
public struct EffectOutput: Sendable {
  /// The processed audio.
  public var audio: AudioBuffer
  /// Measured values (e.g. `achieved_snr_db`), in the order they should be recorded.
  public var measured: [(String, JSONValue)]
  /// How time maps from input to output: an event at input sample s is at output sample
  /// round(s · timeScale). 1 for effects that keep timing; 1/f for a speed or tempo factor f.
  public var timeScale: Double

  /// The room this stage placed the talker in, when later noise is to be heard in it.
  public var room: RoomContext?

  /// Creates an output.
  public init(audio: AudioBuffer, measured: [(String, JSONValue)] = [], timeScale: Double = 1, room: RoomContext? = nil) {
    self.audio = audio
    self.measured = measured
    self.timeScale = timeScale
    self.room = room
  }
}

/// An audio effect: draws its parameters from an utterance's own random stream, then applies
/// them deterministically.
///
/// Keeping the two apart means every output can be rebuilt (or a bug reproduced) from the
/// parameters recorded in its manifest line. When the parameters make the effect an identity
/// (factor 1, 0 dB), `apply` returns its input untouched.
public protocol Effect: Sendable {
  /// The drawn parameters.
  associatedtype Parameters: Sendable
  /// The recipe key (`noise`, `band_limit`, ...), also the manifest's `effect` value.
  static var name: String { get }
  /// Draws parameters for one output.
  func draw(_ context: EffectContext, using rng: inout UtteranceRNG) throws -> Parameters
  /// Applies `parameters` to `audio`. Deterministic.
  func apply(_ parameters: Parameters, to audio: AudioBuffer) throws -> EffectOutput
  /// The parameters as manifest fields, in a fixed order.
  func record(_ parameters: Parameters) -> [(String, JSONValue)]
}

/// Problems an effect meets in the audio itself.
public enum EffectError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The utterance has no energy, so an SNR relative to it is undefined.
  case silentUtterance
  /// The utterance has no samples.
  case emptyUtterance
  /// The noise segment chosen has no energy.
  case silentNoise(file: String, offsetSeconds: Double)
  /// A noise file holds no samples.
  case emptyNoise(file: String)
  /// A parameter is outside what the effect can do (caught by recipe validation normally).
  case badParameter(effect: String, detail: String)
  /// A noise file listed when the run started can no longer be read (deleted, moved,
  /// truncated or replaced since). `detail` says what is wrong with it.
  case unreadableNoise(path: String, detail: String)
  /// An impulse-response file of a `rir:` set can no longer be read, or never could be (an
  /// index lists it but it is missing, truncated or not audio).
  case unreadableRIR(path: String, detail: String)

  public var description: String {
    switch self {
    case .silentUtterance:
      return "utterance is silent (RMS 0), so a signal-to-noise ratio is undefined; remove it from the corpus or use a recipe without noise for it"
    case .emptyUtterance:
      return "utterance holds no samples; check its offset and duration"
    case .silentNoise(let file, let offset):
      return String(format: "noise file %@ is silent from %.3f s on; trim or remove the silent part of the file", file, offset)
    case .emptyNoise(let file):
      return "noise file \(file) holds no audio; remove it from the noise folder or index"
    case .badParameter(let effect, let detail):
      return "\(effect): \(detail)"
    case .unreadableNoise(let path, let detail):
      return "noise file \(path) cannot be read (\(detail)); it was listed when the run started and has been deleted, moved or changed since. Put it back and run the same command again (a stopped run resumes at this utterance), or remove it from the noise folder or index and start a new run"
    case .unreadableRIR(let path, let detail):
      return "impulse response \(path) cannot be read (\(detail)). Put the file back and run the same command again (a stopped run resumes at this utterance), or remove it from the RIR folder or its index.tsv and start a new run"
    }
  }

  /// The noise or impulse-response file the error is about, when it is about one.
  public var file: String? {
    switch self {
    case .silentNoise(let f, _), .emptyNoise(let f), .unreadableNoise(let f, _), .unreadableRIR(let f, _): return f
    case .silentUtterance, .emptyUtterance, .badParameter: return nil
    }
  }
}

/// One recipe step ready to run: the effect, how often it applies, and where it was declared.
public struct EffectStage: Sendable {
  /// Effect name (`noise`, ...).
  public let name: String
  /// Chance of applying, 0...1.
  public let probability: Double
  /// Position in the recipe's `effects` list.
  public let index: Int
  /// The effect changes the talker (speed, pitch, tempo) rather than adding to or passing on
  /// the signal; the intelligibility guard's reference is taken before the first stage that
  /// does not.
  public let altersTalker: Bool
  private let body: @Sendable (AudioBuffer, EffectContext, inout UtteranceRNG) throws -> (EffectOutput, JSONValue)

  /// Wraps `effect` as stage `index` applied with `probability`.
  public init<E: Effect>(_ effect: E, probability: Double, index: Int, altersTalker: Bool = false) {
    name = E.name
    self.probability = probability
    self.index = index
    self.altersTalker = altersTalker
    body = { audio, context, rng in
      let p = try effect.draw(context, using: &rng)
      let out = try effect.apply(p, to: audio)
      let fields: [(String, JSONValue)] = [("effect", .string(E.name))] + effect.record(p) + out.measured
      return (out, .object(fields))
    }
  }

  /// Runs the stage on `audio` with its own child stream of `rng`, so that the numbers one
  /// stage draws never shift those of another. Returns nil for the record when the stage's
  /// probability draw skipped it (the audio is then returned untouched).
  public func run(_ audio: AudioBuffer, context: EffectContext, rng: UtteranceRNG) throws -> (AudioBuffer, JSONValue?) {
    let (out, record) = try runTimed(audio, context: context, rng: rng)
    return (out.audio, record)
  }

  /// As `run`, returning the whole `EffectOutput` (with its time scale).
  public func runTimed(_ audio: AudioBuffer, context: EffectContext, rng: UtteranceRNG) throws -> (EffectOutput, JSONValue?) {
    var stream = rng.child("effects[\(index)]")
    if probability < 1 {
      let u = stream.nextUnit()
      if u >= probability { return (EffectOutput(audio: audio), nil) }
    }
    let (out, record) = try body(audio, context, &stream)
    return (out, record)
  }
}
