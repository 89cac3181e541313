import Foundation

/// User-supplied voices: a folder of `NAME.voice` files, each holding one shell command template
/// that writes a WAV (any rate) for one prompt. `cmd:NAME` speaks with it.
///
/// Lines starting with `#` and blank lines are ignored; the first other line is the template.
/// Placeholders, each replaced by a shell-quoted value:
///
/// | placeholder    | value                                                      |
/// |----------------|------------------------------------------------------------|
/// | `{text}`       | the prompt text                                            |
/// | `{text_file}`  | a UTF-8 file holding the prompt text                       |
/// | `{out}`        | the WAV file to write                                      |
/// | `{rate_wpm}`   | drawn speaking rate, words per minute (175 normal)         |
/// | `{rate}`       | the same as a factor (1 normal, 1.2 faster)                |
/// | `{pitch}`      | drawn pitch, 0...100 (50 normal)                           |
/// | `{pitch_range}`| drawn pitch range, 0...100                                 |
/// | `{word_gap}`   | drawn word gap, units of 10 ms                             |
///
/// e.g. `piper --model ~/voices/en_US-amy.onnx --length_scale {rate} --output_file {out} < {text_file}`.
/// The command runs with `/bin/sh -c`, one child process per prompt (so in parallel with `--jobs`);
/// it must be deterministic for the outputs to be reproducible. A run that takes longer than
/// `timeLimit` seconds (default 120, `speak --voice-time-limit`) is stopped with its children and
/// reported, so a command that hangs or never ends cannot stall the job or fill the disk.
public struct CommandEngine: TTSEngine {
  /// Always "cmd".
  public let name = "cmd"
  /// The voice folder.
  public let directory: String
  /// Templates by voice name.
  public let templates: [String: String]
  /// Longest one run of a command may take, in seconds.
  public let timeLimit: Double
  /// 120 s: far beyond any engine's time for one prompt, short enough to notice a hang.
  public static let defaultTimeLimit = 120.0

  /// Reads every `*.voice` file of `directory`. Throws `unknownVoice` for a missing folder or a
  /// file without a template line.
  public init(directory: String, timeLimit: Double = CommandEngine.defaultTimeLimit) throws {
    self.directory = directory
    self.timeLimit = timeLimit
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      throw SpeakError.unknownVoice(spec: "cmd:", detail: "voice folder \(directory) cannot be read; check --voice-dir")
    }
    var t: [String: String] = [:]
    for f in files.sorted() where f.hasSuffix(".voice") {
      let path = (directory as NSString).appendingPathComponent(f)
      let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      guard let line = text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) })
        .first(where: { !$0.isEmpty && !$0.hasPrefix("#") })
      else {
        throw SpeakError.badPrompt(origin: path, detail: "no command template (the first non-comment line is the command)")
      }
      t[String(f.dropLast(6))] = line
    }
    templates = t
  }

  /// Voice names (file names without `.voice`), sorted.
  public func voices() throws -> [String] { templates.keys.sorted() }

  /// `s` quoted for /bin/sh.
  static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  /// The template of `voice` with its placeholders filled in.
  static func expand(_ template: String, text: String, textFile: String, out: String, prosody: Prosody) -> String {
    let values: [(String, String)] = [
      ("{text_file}", textFile), ("{text}", text), ("{out}", out),
      ("{rate_wpm}", JSONValue.format(prosody.rateWPM)),
      ("{rate}", JSONValue.format((prosody.rateWPM / 175 * 1000).rounded() / 1000)),
      ("{pitch_range}", JSONValue.format(prosody.pitchRange)), ("{pitch}", JSONValue.format(prosody.pitch)),
      ("{word_gap}", JSONValue.format(prosody.wordGap)),
    ]
    var s = template
    for (k, v) in values { s = s.replacingOccurrences(of: k, with: shellQuote(v)) }
    return s
  }

  /// Runs the voice's command and reads the WAV it wrote.
  public func synthesize(_ text: String, voice: String, prosody: Prosody) throws -> AudioBuffer {
    guard let template = templates[voice] else {
      throw SpeakError.unknownVoice(spec: "cmd:\(voice)", detail: "no \(voice).voice in \(directory)")
    }
    let tmp = NSTemporaryDirectory() + "audioamp-cmd-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    let textFile = tmp + "/text.txt", wav = tmp + "/out.wav"
    try Data(text.utf8).write(to: URL(fileURLWithPath: textFile))
    let command = CommandEngine.expand(template, text: text, textFile: textFile, out: wav, prosody: prosody)
    let (status, err) = try runProcess(["/bin/sh", "-c", command], timeLimit: timeLimit)
    if status == 124 || status == 137 {
      throw SpeakError.synthesisFailed(
        voice: "cmd:\(voice)", promptID: "-",
        detail: "the command in \(voice).voice did not finish within \(JSONValue.format(timeLimit)) s and was stopped; check it ends on its own (e.g. sox synth needs a length), or raise --voice-time-limit")
    }
    guard status == 0 else {
      throw SpeakError.synthesisFailed(
        voice: "cmd:\(voice)", promptID: "-",
        detail: "the command in \(voice).voice exited with status \(status): \(err.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300))")
    }
    guard FileManager.default.fileExists(atPath: wav) else {
      throw SpeakError.synthesisFailed(voice: "cmd:\(voice)", promptID: "-", detail: "the command in \(voice).voice wrote no file at {out}")
    }
    let f = try SoundFile(readingFrom: wav)
    return AudioBuffer(samples: try f.readMono(count: f.info.frames), sampleRate: f.info.sampleRate)
  }

  /// `{"effect": "tts", "engine": "cmd", "voice", "rate_wpm", "base_pitch", "pitch_range", "word_gap"}`.
  public func record(voice: String, prosody: Prosody) -> JSONValue {
    .object([
      ("effect", .string("tts")), ("engine", .string(name)), ("voice", .string(voice)),
      ("rate_wpm", .number(prosody.rateWPM)), ("base_pitch", .number(prosody.pitch)),
      ("pitch_range", .number(prosody.pitchRange)), ("word_gap", .number(prosody.wordGap)),
    ])
  }
}
