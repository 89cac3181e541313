import Foundation

/// Problems making speech from text: an unknown engine or voice, a failed synthesis, bad prompts.
public enum SpeakError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A `--voices` entry names no known engine or voice.
  case unknownVoice(spec: String, detail: String)
  /// The engine could not be started (library missing, program not on PATH).
  case engineUnavailable(engine: String, detail: String)
  /// Synthesis of one prompt failed.
  case synthesisFailed(voice: String, promptID: String, detail: String)
  /// The prompt file is unreadable or malformed; `origin` is "file:line".
  case badPrompt(origin: String, detail: String)

  public var description: String {
    switch self {
    case .unknownVoice(let spec, let detail): return "voice '\(spec)': \(detail)"
    case .engineUnavailable(let engine, let detail): return "TTS engine \(engine): \(detail)"
    case .synthesisFailed(let voice, let id, let detail):
      return "prompt '\(id)' with voice \(voice): \(detail)"
    case .badPrompt(let origin, let detail): return "\(origin): \(detail)"
    }
  }
}

/// Prosody of one synthesis, in engine-neutral units; every output draws its own.
///
/// Each engine maps these onto its own controls (espeak-ng's rate, pitch, range and word gap;
/// festival's duration stretch and F0 target; a command template's placeholders) and reports the
/// values it used, which go into the manifest.
public struct Prosody: Sendable, Equatable, Codable {
  /// Speaking rate in words per minute (espeak-ng's scale; 175 is its normal rate).
  public var rateWPM: Double
  /// Base pitch on espeak-ng's 0...100 scale (50 normal).
  public var pitch: Double
  /// Pitch range (intonation depth) on espeak-ng's 0...100 scale (50 normal, 0 monotone).
  public var pitchRange: Double
  /// Extra pause between words in units of 10 ms (0 = none).
  public var wordGap: Double
  /// The engine's voice variant (espeak-ng's `+m3`, `+f2`...), or "" for the voice's own.
  public var variant: String

  /// Creates a prosody setting.
  public init(rateWPM: Double = 175, pitch: Double = 50, pitchRange: Double = 50, wordGap: Double = 0, variant: String = "") {
    self.rateWPM = rateWPM
    self.pitch = pitch
    self.pitchRange = pitchRange
    self.wordGap = wordGap
    self.variant = variant
  }
}

/// Where each output's prosody is drawn from: uniform ranges, and a list of voice variants.
public struct ProsodyRanges: Sendable, Equatable {
  /// Speaking rate range, words per minute.
  public var rateWPM: ClosedRange<Double>
  /// Base pitch range, 0...100.
  public var pitch: ClosedRange<Double>
  /// Pitch range (intonation depth) range, 0...100.
  public var pitchRange: ClosedRange<Double>
  /// Word gap range, units of 10 ms.
  public var wordGap: ClosedRange<Double>
  /// Voice variants to choose from (one per output, uniformly); empty keeps the voice's own.
  public var variants: [String]

  /// The default ranges: natural speaking rates (140–210 wpm, espeak-ng's normal is 175), pitch
  /// and intonation around the voice's own (35–65, 30–80), up to 30 ms between words, and
  /// espeak-ng's human-sounding male and female variants (not the robotic, whisper or klatt ones).
  public static let standard = ProsodyRanges(
    rateWPM: 140...210, pitch: 35...65, pitchRange: 30...80, wordGap: 0...3,
    variants: ["", "f1", "f2", "f3", "f4", "f5", "m1", "m2", "m3", "m4", "m5", "m6", "m7"])

  /// Creates ranges.
  public init(
    rateWPM: ClosedRange<Double>, pitch: ClosedRange<Double>, pitchRange: ClosedRange<Double>,
    wordGap: ClosedRange<Double>, variants: [String]
  ) {
    self.rateWPM = rateWPM
    self.pitch = pitch
    self.pitchRange = pitchRange
    self.wordGap = wordGap
    self.variants = variants
  }

  /// Draws one output's prosody. Numbers are rounded to the engines' integer steps (espeak-ng
  /// takes integers), so the manifest holds exactly what was used. `pinnedVariant` (a voice
  /// given as `en-us+m3`) replaces the drawn variant; the draw is made anyway so the other
  /// parameters do not depend on whether a variant was pinned.
  public func draw(using rng: inout UtteranceRNG, pinnedVariant: String? = nil) -> Prosody {
    let rate = rng.uniform(rateWPM.lowerBound, rateWPM.upperBound).rounded()
    let p = rng.uniform(pitch.lowerBound, pitch.upperBound).rounded()
    let r = rng.uniform(pitchRange.lowerBound, pitchRange.upperBound).rounded()
    let g = rng.uniform(wordGap.lowerBound, wordGap.upperBound).rounded()
    let drawn = variants.isEmpty ? "" : variants[rng.index(below: variants.count)]
    return Prosody(rateWPM: rate, pitch: p, pitchRange: r, wordGap: g, variant: pinnedVariant ?? drawn)
  }
}

/// A text-to-speech engine behind one small interface: list voices, speak a text.
///
/// `synthesize` must depend only on its arguments (not on earlier calls), so that each output
/// can be rebuilt from its manifest line. Engines with global state reset it before each call.
public protocol TTSEngine: Sendable {
  /// Engine name as written in `--voices` (`espeak`, `festival`, `cmd`).
  var name: String { get }
  /// The engine's voices, sorted, as they can be given after `name:`.
  func voices() throws -> [String]
  /// Speaks `text` with `voice` and `prosody`; mono audio at the engine's own rate.
  func synthesize(_ text: String, voice: String, prosody: Prosody) throws -> AudioBuffer
  /// The manifest record of one synthesis: which engine, voice and prosody values were used.
  func record(voice: String, prosody: Prosody) -> JSONValue
}

/// One voice of one engine, as the outputs' `speaker`: `espeak:en-gb-scotland`.
public struct TTSVoice: Sendable, Equatable {
  /// The engine that speaks it.
  public var engine: any TTSEngine
  /// The voice name within the engine (`en-us`, `kal`, `en-us+m3`).
  public var name: String
  /// `engine:name`, used as the speaker id.
  public var speaker: String { "\(engine.name):\(name)" }
  /// The variant pinned by the voice name (`en-us+m3` pins `m3`), nil when drawn per output.
  public var pinnedVariant: String? {
    guard engine.name == "espeak", let plus = name.firstIndex(of: "+") else { return nil }
    return String(name[name.index(after: plus)...])
  }
  /// The voice name without a pinned variant.
  public var baseName: String { name.split(separator: "+", maxSplits: 1).first.map(String.init) ?? name }

  /// Creates a voice.
  public init(engine: any TTSEngine, name: String) {
    self.engine = engine
    self.name = name
  }

  public static func == (a: TTSVoice, b: TTSVoice) -> Bool { a.speaker == b.speaker }
}

/// Turns `--voices` entries into voices: `espeak:all`, `espeak:en-us,en-gb`, `festival:kal`,
/// `cmd:NAME` (a template in the voice folder), `cmd:all`.
public enum VoiceCatalog {
  /// Resolves `specs` (each `engine:v1,v2,...` or `engine:all`) against the available engines.
  /// The result keeps the order given, without duplicates. Unknown engines or voices throw
  /// `unknownVoice` naming the closest matches.
  /// `commandTimeLimit` bounds each run of a `cmd:` voice's command, in seconds.
  public static func resolve(_ specs: [String], voiceDirectory: String?, commandTimeLimit: Double = CommandEngine.defaultTimeLimit) throws -> [TTSVoice] {
    var out: [TTSVoice] = []
    var seen = Set<String>()
    for spec in specs {
      let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[1].isEmpty else {
        throw SpeakError.unknownVoice(
          spec: spec, detail: "write ENGINE:VOICE[,VOICE...] or ENGINE:all, e.g. espeak:en-us,en-gb or festival:kal")
      }
      let engine: any TTSEngine
      switch parts[0] {
      case "espeak": engine = try EspeakEngine.shared()
      case "festival": engine = try FestivalEngine()
      case "cmd":
        guard let dir = voiceDirectory else {
          throw SpeakError.unknownVoice(spec: spec, detail: "cmd: voices come from a folder of templates; pass --voice-dir DIR")
        }
        engine = try CommandEngine(directory: dir, timeLimit: commandTimeLimit)
      default:
        throw SpeakError.unknownVoice(spec: spec, detail: "unknown engine '\(parts[0])'; choose espeak, festival or cmd")
      }
      let available = try engine.voices()
      let names: [String]
      if parts[1] == "all" {
        names = available
      } else {
        names = parts[1].split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
      }
      for n in names {
        let base = n.split(separator: "+", maxSplits: 1).first.map(String.init) ?? n
        let resolved = engine.name == "festival" ? FestivalEngine.canonical(base, in: available) : base
        guard let resolved, available.contains(resolved) else {
          let near = available.filter { $0.hasPrefix(String(base.prefix(2))) }.prefix(8)
          throw SpeakError.unknownVoice(
            spec: "\(parts[0]):\(n)",
            detail: "\(engine.name) has no such voice"
              + (near.isEmpty ? "" : " (similar: \(near.joined(separator: ", ")))")
              + "; list them with `audioamp speak --list-voices \(parts[0])`")
        }
        let name = n.contains("+") ? resolved + "+" + n.split(separator: "+", maxSplits: 1)[1] : resolved
        let v = TTSVoice(engine: engine, name: name)
        if seen.insert(v.speaker).inserted { out.append(v) }
      }
    }
    return out
  }
}

/// Runs `argv` (no shell) with `stdin` text, returning its exit status and stderr. With a
/// `timeLimit` (seconds) it runs under coreutils `timeout`, which signals the whole process group
/// (a shell's children too) when the time is up; the status is then 124.
func runProcess(_ argv: [String], stdin: String? = nil, timeLimit: Double? = nil) throws -> (status: Int32, stderr: String) {
  var argv = argv
  if let timeLimit, let timeout = which("timeout") {
    argv = [timeout, "--kill-after=5", JSONValue.format(timeLimit)] + argv
  }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: argv[0])
  p.arguments = Array(argv.dropFirst())
  let err = Pipe()
  p.standardError = err
  p.standardOutput = FileHandle.nullDevice
  let input = Pipe()
  p.standardInput = stdin == nil ? FileHandle.nullDevice : input
  try p.run()
  if let stdin {
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try? input.fileHandleForWriting.close()
  }
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: e, as: UTF8.self))
}

/// The full path of `program` on PATH, or nil.
func which(_ program: String) -> String? {
  if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for dir in path.split(separator: ":") {
    let candidate = "\(dir)/\(program)"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// Reads a pipe to its end on a background thread (so a child's stderr cannot fill and block it).
final class ErrorCollector: @unchecked Sendable {
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }

  /// Waits for the end of the pipe and returns what was read, as text.
  func finish() -> String {
    done.wait()
    return String(decoding: data, as: UTF8.self)
  }
}
