import Foundation

/// Festival through its `text2wave` script (a child process per prompt, so it runs in parallel
/// with `--jobs` and keeps no state between prompts).
///
/// Voices are the folders under festival's `voices/<language>/` (`kal_diphone`, ...); `kal`
/// names the first voice starting `kal_`. Prosody maps onto festival's controls: the rate onto
/// `Duration_Stretch` (175 wpm / rate), the pitch onto the intonation model's target F0 mean
/// (the voice's 105 Hz · 2^((pitch − 50)/50)) and the pitch range onto its F0 standard deviation
/// (14 Hz · range/50). Voices whose intonation model ignores these targets keep their own
/// pitch. Festival has no word-gap control or variants: those are recorded as 0 and "".
public struct FestivalEngine: TTSEngine {
  /// Always "festival".
  public let name = "festival"
  /// The `text2wave` program.
  public let program: String
  /// Folders searched for voices.
  public static let voiceRoots = ["/usr/share/festival/voices", "/usr/local/share/festival/voices"]

  /// Finds `text2wave` on PATH; throws `engineUnavailable` when festival is not installed.
  public init() throws {
    guard let p = which("text2wave") else {
      throw SpeakError.engineUnavailable(
        engine: "festival", detail: "text2wave is not on PATH; install festival and a voice (apt-get install festival festvox-kallpc16k)")
    }
    program = p
  }

  /// True when `text2wave` is on PATH.
  public static var isInstalled: Bool { which("text2wave") != nil }

  /// Installed voices (folder names), sorted.
  public func voices() throws -> [String] {
    var out = Set<String>()
    for root in FestivalEngine.voiceRoots {
      for lang in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
        for v in (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(lang)")) ?? [] where !v.hasPrefix(".") {
          out.insert(v)
        }
      }
    }
    return out.sorted()
  }

  /// `name` itself when installed, else the first installed voice named `name_...`.
  static func canonical(_ name: String, in available: [String]) -> String? {
    if available.contains(name) { return name }
    return available.first { $0.hasPrefix(name + "_") }
  }

  /// The festival settings `prosody` maps to: duration stretch, F0 mean and deviation (Hz).
  static func controls(_ prosody: Prosody) -> (stretch: Double, f0Mean: Double, f0Std: Double) {
    let stretch = (175 / prosody.rateWPM * 1000).rounded() / 1000
    let mean = (105 * pow(2, (prosody.pitch - 50) / 50)).rounded()
    let std = max(1, (14 * prosody.pitchRange / 50).rounded())
    return (stretch, mean, std)
  }

  /// Speaks `text` with `voice` through text2wave; the output is read back at its own rate.
  public func synthesize(_ text: String, voice: String, prosody: Prosody) throws -> AudioBuffer {
    let c = FestivalEngine.controls(prosody)
    let tmp = NSTemporaryDirectory() + "audioamp-festival-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    let textFile = tmp + "/text.txt", wav = tmp + "/out.wav"
    try Data(text.utf8).write(to: URL(fileURLWithPath: textFile))
    let argv = [
      program, "-eval", "(voice_\(voice))", "-eval", "(Parameter.set 'Duration_Stretch \(c.stretch))",
      "-eval",
      "(set! int_lr_params '((target_f0_mean \(Int(c.f0Mean))) (target_f0_std \(Int(c.f0Std))) (model_f0_mean 170) (model_f0_std 34)))",
      "-o", wav, textFile,
    ]
    let (status, err) = try runProcess(argv)
    guard status == 0, FileManager.default.fileExists(atPath: wav) else {
      throw SpeakError.synthesisFailed(
        voice: "festival:\(voice)", promptID: "-",
        detail: "text2wave exited with status \(status): \(err.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300))")
    }
    let f = try SoundFile(readingFrom: wav)
    return AudioBuffer(samples: try f.readMono(count: f.info.frames), sampleRate: f.info.sampleRate)
  }

  /// `{"effect": "tts", "engine": "festival", "voice", "rate_wpm", "base_pitch", "pitch_range",
  /// "duration_stretch", "f0_mean_hz", "f0_std_hz"}`.
  public func record(voice: String, prosody: Prosody) -> JSONValue {
    let c = FestivalEngine.controls(prosody)
    return .object([
      ("effect", .string("tts")), ("engine", .string(name)), ("voice", .string(voice)),
      ("rate_wpm", .number(prosody.rateWPM)), ("base_pitch", .number(prosody.pitch)),
      ("pitch_range", .number(prosody.pitchRange)), ("duration_stretch", .number(c.stretch)),
      ("f0_mean_hz", .number(c.f0Mean)), ("f0_std_hz", .number(c.f0Std)),
    ])
  }
}
