import CEspeakNG
import Foundation

/// espeak-ng through its C library (`libespeak-ng`): formant synthesis, about a hundred
/// languages and accents, and voice variants (`+m1`…`+m7`, `+f1`…`+f5`).
///
/// The library keeps global state (the current voice and parameters, one output callback) and is
/// not thread-safe, so every call into it runs under one lock. Beyond its parameters it also
/// carries internal synthesis state from one prompt to the next (the same call twice gives audio
/// a few samples apart), so each output is synthesized in a fresh child process (`audioamp
/// _espeak-worker`): outputs depend only on their own text, voice and prosody, and the workers
/// run in parallel with `--jobs`. In the worker the voice and every drawn parameter are set and
/// the C library's `rand()` is reseeded (variants with breath noise draw from it).
///
/// Output: 16-bit mono at the library's rate (22050 Hz), as `Float` in -1...1.
public final class EspeakEngine: TTSEngine, @unchecked Sendable {
  /// Always "espeak".
  public let name = "espeak"
  /// The library's output rate, Hz.
  public let sampleRate: Int
  /// The library's version string.
  public let version: String

  private static let lock = NSLock()
  nonisolated(unsafe) private static var instance: EspeakEngine?
  nonisolated(unsafe) private static var collected: [Int16] = []

  /// The process's one engine, initialising the library on first use.
  public static func shared() throws -> EspeakEngine {
    lock.lock()
    defer { lock.unlock() }
    if let e = instance { return e }
    let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, 0)
    guard rate > 0 else {
      throw SpeakError.engineUnavailable(
        engine: "espeak", detail: "espeak_Initialize failed (no espeak-ng-data?); install libespeak-ng1 and espeak-ng-data")
    }
    espeak_SetSynthCallback { wav, count, _ in
      // Called from inside espeak_Synth, which runs under `lock`.
      if let wav, count > 0 { EspeakEngine.collected.append(contentsOf: UnsafeBufferPointer(start: wav, count: Int(count))) }
      return 0
    }
    var path: UnsafePointer<CChar>? = nil
    let v = espeak_Info(&path).map { String(cString: $0) } ?? "?"
    let e = EspeakEngine(sampleRate: Int(rate), version: v)
    instance = e
    return e
  }

  private init(sampleRate: Int, version: String) {
    self.sampleRate = sampleRate
    self.version = version
  }

  /// Every language the library has a voice for (`en-us`, `en-gb-scotland`, `de`...), sorted;
  /// these are the names `espeak:NAME` takes (optionally with `+variant`). MBROLA voices are
  /// left out (they need the separate mbrola program and its diphone databases).
  public func voices() throws -> [String] { identifiers().keys.sorted() }

  nonisolated(unsafe) private static var identifierCache: [String: String]?

  /// Language → voice file identifier (`en-gb` → `gmw/en`): `espeak_SetVoiceByName` matches
  /// voice names and file names but not languages, so voices are set through their files.
  private func identifiers() -> [String: String] {
    EspeakEngine.lock.lock()
    defer { EspeakEngine.lock.unlock() }
    if let c = EspeakEngine.identifierCache { return c }
    var map: [String: String] = [:]
    if let list = espeak_ListVoices(nil) {
      var i = 0
      while let v = list[i] {
        defer { i += 1 }
        // `languages` is a run of (priority byte, NUL-terminated name), ended by a zero byte;
        // the first name is the voice's own language.
        guard let langs = v.pointee.languages, let idp = v.pointee.identifier else { continue }
        let id = String(cString: idp)
        // Variants are listed as voices too ("!v/..."); MBROLA voices need another program.
        if id.hasPrefix("!v") || id.hasPrefix("mb/") { continue }
        let name = String(cString: langs + 1)
        // The list is sorted by language then priority, so the first file for a language wins.
        if !name.isEmpty, map[name] == nil { map[name] = id }
      }
    }
    EspeakEngine.identifierCache = map
    return map
  }

  /// Speaks `text` in a fresh worker process (`audioamp _espeak-worker`, see `workerMain`), so
  /// that the output depends on nothing but the arguments; workers run in parallel with `--jobs`.
  /// Throws `engineUnavailable` when no worker program is found and `synthesisFailed` when the
  /// worker fails.
  public func synthesize(_ text: String, voice: String, prosody: Prosody) throws -> AudioBuffer {
    guard let worker = EspeakEngine.workerPath() else {
      throw SpeakError.engineUnavailable(
        engine: "espeak",
        detail: "no audioamp executable to run the synthesis in (looked beside this program); set AUDIOAMP_ESPEAK_WORKER to the audioamp binary")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: worker)
    p.arguments = EspeakEngine.workerArguments(voice: voice, prosody: prosody)
    let input = Pipe(), output = Pipe(), err = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = err
    try p.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    // Read stdout and stderr together so a chatty worker cannot block on a full pipe.
    let errData = ErrorCollector(err.fileHandleForReading)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let message = errData.finish()
    guard p.terminationStatus == 0, data.count >= 4 else {
      throw SpeakError.synthesisFailed(
        voice: "espeak:\(voice)", promptID: "-",
        detail: "the espeak worker exited with status \(p.terminationStatus): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    let rate = data.prefix(4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
    let count = (data.count - 4) / 2
    var samples = [Float](repeating: 0, count: count)
    data.dropFirst(4).withUnsafeBytes { raw in
      for i in 0..<count { samples[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) / 32768 }
    }
    return AudioBuffer(samples: samples, sampleRate: rate)
  }

  /// The worker's command line for one synthesis.
  static func workerArguments(voice: String, prosody: Prosody) -> [String] {
    [
      "_espeak-worker", "--voice", voice, "--variant", prosody.variant, "--rate", JSONValue.format(prosody.rateWPM),
      "--pitch", JSONValue.format(prosody.pitch), "--range", JSONValue.format(prosody.pitchRange),
      "--word-gap", JSONValue.format(prosody.wordGap),
    ]
  }

  /// The program that runs `_espeak-worker`: `AUDIOAMP_ESPEAK_WORKER`, this process's own
  /// executable when it is `audioamp`, else an `audioamp` beside it (the build folder, for tests).
  static func workerPath() -> String? {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["AUDIOAMP_ESPEAK_WORKER"], fm.isExecutableFile(atPath: env) { return env }
    let me = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    if (me as NSString).lastPathComponent == "audioamp" { return me }
    var dir = (me as NSString).deletingLastPathComponent
    // Inside an .xctest bundle on macOS the executable is a few folders down.
    for _ in 0..<4 {
      let candidate = (dir as NSString).appendingPathComponent("audioamp")
      if fm.isExecutableFile(atPath: candidate) { return candidate }
      dir = (dir as NSString).deletingLastPathComponent
    }
    return nil
  }

  /// Runs one synthesis in this process and writes it to stdout as a little-endian UInt32 rate
  /// followed by Int16 samples: the body of `audioamp _espeak-worker`. Called once per process,
  /// so the library's internal state (pitch flutter phase, echo buffer) starts fresh for every
  /// output.
  public func workerMain(text: String, voice: String, prosody: Prosody) throws {
    let audio = try synthesizeInProcess(text, voice: voice, prosody: prosody)
    var out = Data(capacity: 4 + 2 * audio.count)
    withUnsafeBytes(of: UInt32(sampleRate).littleEndian) { out.append(contentsOf: $0) }
    for x in audio.samples {
      withUnsafeBytes(of: Int16(max(-32768, min(32767, (x * 32768).rounded()))).littleEndian) { out.append(contentsOf: $0) }
    }
    FileHandle.standardOutput.write(out)
  }

  /// Speaks `text` (UTF-8, no SSML) with `voice` (a language, optionally `+variant`; a variant
  /// in `prosody` replaces it) in this process. The library carries internal state from one
  /// synthesis to the next (not only its parameters), so repeated calls in one process give
  /// slightly different audio; `synthesize` therefore runs each synthesis in a fresh worker.
  /// Throws `synthesisFailed` when the voice cannot be set or the library reports an error.
  func synthesizeInProcess(_ text: String, voice: String, prosody: Prosody) throws -> AudioBuffer {
    let base = voice.split(separator: "+", maxSplits: 1).first.map(String.init) ?? voice
    let full = prosody.variant.isEmpty ? base : "\(base)+\(prosody.variant)"
    guard let file = identifiers()[base] else {
      throw SpeakError.unknownVoice(spec: "espeak:\(base)", detail: "espeak-ng has no such voice; list them with `audioamp speak --list-voices espeak`")
    }
    let target = prosody.variant.isEmpty ? file : "\(file)+\(prosody.variant)"
    EspeakEngine.lock.lock()
    defer { EspeakEngine.lock.unlock() }
    guard espeak_SetVoiceByName(target) == EE_OK else {
      throw SpeakError.synthesisFailed(voice: "espeak:\(full)", promptID: "-", detail: "espeak_SetVoiceByName refused the voice")
    }
    // Every parameter we draw, every time: the library keeps them from one call to the next.
    // (Punctuation and capitals announcement stay at their defaults, which nothing here changes;
    // this library version refuses to set punctuation in synchronous mode.)
    let params: [(espeak_PARAMETER, Int32)] = [
      (espeakRATE, Int32(prosody.rateWPM)), (espeakVOLUME, 100), (espeakPITCH, Int32(prosody.pitch)),
      (espeakRANGE, Int32(prosody.pitchRange)), (espeakWORDGAP, Int32(prosody.wordGap)),
      (espeakINTONATION, 0),
    ]
    for (p, value) in params {
      let status = espeak_SetParameter(p, value, 0)
      guard status == EE_OK else {
        throw SpeakError.synthesisFailed(
          voice: "espeak:\(full)", promptID: "-", detail: "espeak_SetParameter(\(p.rawValue), \(value)) returned \(status.rawValue)")
      }
    }
    srand(1)
    EspeakEngine.collected.removeAll(keepingCapacity: true)
    let bytes = Array(text.utf8CString)
    let status = bytes.withUnsafeBufferPointer { b in
      espeak_Synth(b.baseAddress, b.count, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, nil)
    }
    guard status == EE_OK, espeak_Synchronize() == EE_OK else {
      throw SpeakError.synthesisFailed(voice: "espeak:\(full)", promptID: "-", detail: "espeak_Synth returned \(status.rawValue)")
    }
    let samples = EspeakEngine.collected.map { Float($0) / 32768 }
    return AudioBuffer(samples: samples, sampleRate: sampleRate)
  }

  /// `{"effect": "tts", "engine": "espeak", "voice", "variant", "rate_wpm", "base_pitch",
  /// "pitch_range", "word_gap"}`.
  public func record(voice: String, prosody: Prosody) -> JSONValue {
    .object([
      ("effect", .string("tts")), ("engine", .string(name)), ("engine_version", .string(version)),
      ("voice", .string(voice.split(separator: "+", maxSplits: 1).first.map(String.init) ?? voice)),
      ("variant", .string(prosody.variant)), ("rate_wpm", .number(prosody.rateWPM)),
      ("base_pitch", .number(prosody.pitch)), ("pitch_range", .number(prosody.pitchRange)),
      ("word_gap", .number(prosody.wordGap)),
    ])
  }
}
