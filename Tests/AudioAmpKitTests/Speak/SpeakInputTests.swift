import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct SpeakInputTests {
  /// (file name, content, expected message with `DIR` for the folder).
  static let badPrompts: [(String, String, String)] = [
    ("a.tsv", "id\tprompt\nx\thello\n", "DIR/a.tsv:1: the header row has no 'text' column (found: id, prompt); name the prompt column text"),
    ("b.tsv", "id\ttext\nx\thello\ty\n", "DIR/b.tsv:2: 3 fields, the header has 2; separate columns with one tab"),
    ("c.tsv", "id\ttext\nx\thello\nx\tagain\n", "DIR/c.tsv:3: prompt id 'x' appears again (first at DIR/c.tsv:2); ids must be unique"),
    ("d.tsv", "id\ttext\nx\t \n", "DIR/d.tsv:2: empty text"),
    ("e.txt", "\n# only a comment\n\n", "DIR/e.txt: holds no prompt"),
  ]

  @Test(arguments: badPrompts) func badPromptFilesAreReportedByFileAndLine(name: String, content: String, message: String) throws {
    let dir = NSTemporaryDirectory() + "audioamp-prompts-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try content.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    let err = #expect(throws: SpeakError.self) { try PromptReader.read(path: dir + "/" + name) }
    #expect(err?.description == message.replacingOccurrences(of: "DIR", with: dir))
  }

  @Test func textLinesKeepTheirLineNumbersAsIDs() throws {
    let path = NSTemporaryDirectory() + "audioamp-prompts-\(UUID().uuidString.prefix(8)).txt"
    try "# header\nyes\n\n  no, thanks  \n".write(toFile: path, atomically: true, encoding: .utf8)
    let p = try PromptReader.read(path: path)
    #expect(p.map(\.id) == ["line00002", "line00004"])
    #expect(p.map(\.text) == ["yes", "  no, thanks  "])
  }

  @Test func unknownVoicesAndEnginesSayWhatExists() throws {
    let e1 = #expect(throws: SpeakError.self) { try VoiceCatalog.resolve(["espeak:en-xx"], voiceDirectory: nil) }
    #expect(e1!.description.hasPrefix("voice 'espeak:en-xx': espeak has no such voice (similar: en-029, en-gb"), "\(e1!)")
    #expect(e1!.description.hasSuffix("; list them with `audioamp speak --list-voices espeak`"))
    let e2 = #expect(throws: SpeakError.self) { try VoiceCatalog.resolve(["piper:amy"], voiceDirectory: nil) }
    #expect(e2!.description == "voice 'piper:amy': unknown engine 'piper'; choose espeak, festival or cmd")
    let e3 = #expect(throws: SpeakError.self) { try VoiceCatalog.resolve(["en-us"], voiceDirectory: nil) }
    #expect(e3!.description == "voice 'en-us': write ENGINE:VOICE[,VOICE...] or ENGINE:all, e.g. espeak:en-us,en-gb or festival:kal")
  }

  /// A command-template voice: the prompt reaches the command intact through shell quoting, the
  /// drawn rate reaches it as a placeholder, and the WAV it writes is read back.
  @Test(.enabled(if: which("sox") != nil)) func commandTemplateVoicesGetQuotedTextAndProsody() throws {
    let fx = try SpeakFixture()
    let voices = fx.dir + "/voices"
    try FileManager.default.createDirectory(atPath: voices, withIntermediateDirectories: true)
    // A stand-in engine: a tone whose length is 0.1 s per rate unit, and the text echoed to a side file.
    try "# test voice\nprintf %s {text} >> \(fx.dir)/said.txt && printf '\\n' >> \(fx.dir)/said.txt && sox -n -r 22050 -b 16 {out} synth $(awk -v r={rate} 'BEGIN { print 0.5 / r }') sine 220\n"
      .write(toFile: voices + "/tone.voice", atomically: true, encoding: .utf8)
    var o = fx.options("cmd", voices: ["cmd:tone"])
    o.voiceDirectory = voices
    o.commandTimeLimit = 20
    _ = try SpeakJob.run(o)
    let said = try String(contentsOfFile: fx.dir + "/said.txt", encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(said == SpeakFixture.prompts.map(\.1))
    for l in try fx.manifest("cmd") {
      let rate = firstEffect(l)["rate_wpm"]!.numberValue! / 175
      let seconds = Double(try fx.audio("cmd", l).count) / 16000
      #expect(abs(seconds - 0.5 / rate) < 0.01, "\(l["id"]!): \(seconds) s at rate \(rate)")
      #expect(l["speaker"]!.stringValue == "cmd:tone")
    }
  }

  /// A command that never ends (here sox synth without a length) is stopped after the time limit,
  /// with its children, and the error names the voice and the limit.
  @Test(.enabled(if: which("sox") != nil)) func aCommandThatNeverEndsIsStoppedAndNamed() throws {
    let dir = NSTemporaryDirectory() + "audioamp-cmdhang-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "sox -n -r 8000 -b 16 {out} synth sine 220\n".write(toFile: dir + "/endless.voice", atomically: true, encoding: .utf8)
    let engine = try CommandEngine(directory: dir, timeLimit: 1)
    let t0 = Date()
    let err = #expect(throws: SpeakError.self) { try engine.synthesize("hello", voice: "endless", prosody: Prosody(rateWPM: 175)) }
    #expect(Date().timeIntervalSince(t0) < 10)
    #expect(err?.description.contains("did not finish within 1 s and was stopped") == true, "\(String(describing: err))")
  }

  /// Festival, when installed: transcripts, speech activity, and the drawn rate changes the length.
  @Test(.enabled(if: FestivalEngine.isInstalled)) func festivalSpeaksAtTheDrawnRate() throws {
    let engine = try FestivalEngine()
    let voice = try #require(FestivalEngine.canonical("kal", in: try engine.voices()))
    let slow = try engine.synthesize("turn on the kitchen lights", voice: voice, prosody: Prosody(rateWPM: 140))
    let fast = try engine.synthesize("turn on the kitchen lights", voice: voice, prosody: Prosody(rateWPM: 210))
    let ratio = slow.durationSeconds / fast.durationSeconds
    #expect(ratio > 1.25 && ratio < 1.75, "duration ratio \(ratio), expected about 1.5")
    let p56 = ActiveSpeechLevel.measure(slow.samples, sampleRate: slow.sampleRate)
    #expect((0.4...0.98).contains(p56.activityFactor), "activity \(p56.activityFactor)")
  }
}
