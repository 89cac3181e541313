import Foundation
import Testing
import AudioAmpKit

/// Runs the built `audioamp` binary.
struct CLI {
  static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  static let binary: String = {
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    let candidates = [argv0 + "/audioamp", repoRoot + "/.build/debug/audioamp"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ args: [String], cwd: String? = nil) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }
}

/// A three-utterance corpus, a noise folder and a recipe in a temporary folder.
struct Fixture {
  let dir: String
  var manifest: String { dir + "/corpus/manifest.jsonl" }
  var recipe: String { dir + "/recipe.yaml" }

  init(name: String = #function) throws {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    dir = NSTemporaryDirectory() + "audioamp-cli/\(safe)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir + "/corpus/audio", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/noise", withIntermediateDirectories: true)
    // Three "speakers": different pitch and rate; one file at 22.05 kHz to exercise conversion.
    let specs: [(String, Double, Int, Double)] = [("spk1-001", 120, 16000, 1.2), ("spk2-001", 210, 22050, 0.9), ("spk3-001", 160, 16000, 1.5)]
    var lines: [String] = []
    for (id, f0, rate, secs) in specs {
      let n = Int(secs * Double(rate))
      let x: [Float] = (0..<n).map { i in
        let t = Double(i) / Double(rate)
        var v = 0.0
        for h in 1...8 { v += sin(2 * Double.pi * f0 * Double(h) * t) / Double(h) }
        return Float(0.12 * v * max(0.05, sin(Double.pi * 3 * t)))
      }
      try SoundFile.writeWAV16(x, sampleRate: rate, to: dir + "/corpus/audio/\(id).wav")
      let spk = String(id.prefix(4))
      lines.append(#"{"audio_filepath": "audio/\#(id).wav", "duration": \#(secs), "text": "words of \#(id) ÄÖ  spaced", "id": "\#(id)", "speaker": "\#(spk)"}"#)
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
    var rng = UtteranceRNG(key: 99)
    var y = 0.0
    let noise: [Float] = (0..<16000 * 4).map { _ in
      y = 0.98 * y + 0.05 * rng.gaussian()
      return Float(0.3 * y)
    }
    try SoundFile.writeWAV16(noise, sampleRate: 16000, to: dir + "/noise/rumble.wav")
    try """
      sample_rate: 16000
      variants: 2
      effects:
        - noise: {dir: \(dir)/noise, snr_db: {uniform: [5, 20]}}
        - band_limit: {low_hz: 300, high_hz: 3400}
        - speed: {factor: [0.9, 1.0, 1.1]}
        - pitch: {semitones: {uniform: [-2, 2]}, probability: 0.5}
        - gain: {db: {uniform: [-6, 6]}}
      """.write(toFile: recipe, atomically: true, encoding: .utf8)
  }

  func mix(_ out: String, _ extra: [String] = []) throws -> CLI.Result {
    try CLI.run(["mix", "--recipe", recipe, "--input", manifest, "--output", dir + "/" + out] + extra)
  }

  func manifestLines(_ out: String) throws -> [JSONValue] {
    try String(contentsOfFile: dir + "/\(out)/manifest.jsonl", encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
  }

  func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: dir + "/" + path) ?? Data() }
}

@Suite(.serialized) struct CLITests {
  @Test func mixWritesAudioAndAManifestDescribingEveryOutput() throws {
    let fx = try Fixture()
    let r = try fx.mix("out", ["--seed", "7", "--jobs", "1"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let lines = try fx.manifestLines("out")
    #expect(lines.count == 6)
    let first = lines[0]
    #expect(first["id"] == .string("spk1-001__v0") && first["source_id"] == .string("spk1-001") && first["variant"] == .number(0))
    #expect(first["text"] == .string("words of spk1-001 ÄÖ  spaced") && first["speaker"] == .string("spk1"))
    #expect(first["audio_filepath"] == .string("audio/spk1-001__v0.wav") && first["seed"] == .number(7))
    guard case .array(let effects) = first["effects"] ?? .null, case .string("noise") = effects.first?["effect"] ?? .null else {
      Issue.record("first effect is not noise: \(first.serialized)")
      return
    }
    let noise = effects[0]
    for key in ["noise_file", "noise_offset_s", "snr_db", "achieved_snr_db"] { #expect(noise[key] != nil, "missing \(key)") }
    #expect(abs(noise["snr_db"]!.numberValue! - noise["achieved_snr_db"]!.numberValue!) < 0.1)
    for line in lines {
      let path = fx.dir + "/out/" + line["audio_filepath"]!.stringValue!
      let info = try SoundFile(readingFrom: path).info
      #expect(info.sampleRate == 16000 && info.channels == 1)
      #expect(abs(info.durationSeconds - line["duration"]!.numberValue!) < 0.001)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: fx.dir + "/out/audio").allSatisfy { $0.hasSuffix(".wav") && !$0.hasPrefix(".") })
  }

  @Test func outputsDoNotDependOnJobsOrCorpusOrder() throws {
    let fx = try Fixture()
    #expect(try fx.mix("j1", ["--jobs", "1", "--seed", "3"]).status == 0)
    #expect(try fx.mix("j2", ["--jobs", "2", "--seed", "3"]).status == 0)
    #expect(fx.bytes("j1/manifest.jsonl") == fx.bytes("j2/manifest.jsonl"))
    let files = try FileManager.default.contentsOfDirectory(atPath: fx.dir + "/j1/audio").sorted()
    #expect(files.count == 6)
    for f in files { #expect(fx.bytes("j1/audio/" + f) == fx.bytes("j2/audio/" + f), "\(f) differs") }
    // Reverse the corpus: the same outputs, byte for byte; manifest lines the same set.
    let lines = try String(contentsOfFile: fx.manifest, encoding: .utf8).split(separator: "\n")
    try (lines.reversed().joined(separator: "\n") + "\n").write(toFile: fx.manifest, atomically: true, encoding: .utf8)
    #expect(try fx.mix("rev", ["--jobs", "2", "--seed", "3"]).status == 0)
    for f in files { #expect(fx.bytes("j1/audio/" + f) == fx.bytes("rev/audio/" + f), "\(f) differs after reordering") }
    let a = Set(String(decoding: fx.bytes("j1/manifest.jsonl"), as: UTF8.self).split(separator: "\n"))
    let b = Set(String(decoding: fx.bytes("rev/manifest.jsonl"), as: UTF8.self).split(separator: "\n"))
    #expect(a == b)
    // A different seed changes the outputs.
    #expect(try fx.mix("s4", ["--jobs", "2", "--seed", "4"]).status == 0)
    #expect(fx.bytes("j1/audio/" + files[0]) != fx.bytes("s4/audio/" + files[0]))
  }

  @Test func kaldiInputGivesAKaldiDataDirectoryAndJSONL() throws {
    let fx = try Fixture()
    let k = fx.dir + "/kaldi"
    try FileManager.default.createDirectory(atPath: k, withIntermediateDirectories: true)
    let ids = ["spk1-001", "spk2-001", "spk3-001"]
    try ids.map { "\($0) \(fx.dir)/corpus/audio/\($0).wav" }.joined(separator: "\n").appending("\n").write(toFile: k + "/wav.scp", atomically: true, encoding: .utf8)
    try ids.map { "\($0) TEXT OF \($0)" }.joined(separator: "\n").appending("\n").write(toFile: k + "/text", atomically: true, encoding: .utf8)
    try ids.map { "\($0) \($0.prefix(4))" }.joined(separator: "\n").appending("\n").write(toFile: k + "/utt2spk", atomically: true, encoding: .utf8)
    let r = try CLI.run(["mix", "--recipe", fx.recipe, "--input", k, "--output", fx.dir + "/ko", "--variants", "1"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let text = try String(contentsOfFile: fx.dir + "/ko/text", encoding: .utf8)
    #expect(text == "spk1-001__v0 TEXT OF spk1-001\nspk2-001__v0 TEXT OF spk2-001\nspk3-001__v0 TEXT OF spk3-001\n")
    #expect(try String(contentsOfFile: fx.dir + "/ko/spk2utt", encoding: .utf8).hasPrefix("spk1 spk1-001__v0\n"))
    #expect(try fx.manifestLines("ko").count == 3)
  }

  /// Each bad input: the message names the utterance and the file, good outputs before it are
  /// complete, and --keep-going logs it and finishes the rest.
  @Test(arguments: ["corrupt", "truncated", "missing", "notJSON", "noAudio", "empty", "silent"])
  func badInputIsReportedAndNothingWrittenIsDamaged(kind: String) throws {
    let fx = try Fixture(name: "bad-\(kind)")
    let badPath = fx.dir + "/corpus/audio/bad.wav"
    var line = #"{"audio_filepath": "audio/bad.wav", "text": "bad one", "id": "bad-001"}"#
    var phrase = ""
    switch kind {
    case "corrupt":
      try Data("RIFF....WAVEjunkjunk".utf8).write(to: URL(fileURLWithPath: badPath))
      phrase = "cannot be read as audio"
    case "truncated":
      try SoundFile.writeWAV16([Float](repeating: 0.1, count: 16000), sampleRate: 16000, to: badPath)
      let d = fx.bytes("corpus/audio/bad.wav")
      try d.prefix(d.count / 2).write(to: URL(fileURLWithPath: badPath))
      phrase = "truncated"
    case "missing":
      phrase = "no such file"
    case "notJSON":
      line = #"{"audio_filepath": "audio/bad.wav", "text": "bad one", "id": "bad-001""#
      phrase = "not valid JSON"
    case "noAudio":
      line = #"{"text": "bad one", "id": "bad-001"}"#
      phrase = "transcript without audio"
    case "empty":
      try SoundFile.writeWAV16([], sampleRate: 16000, to: badPath)
      phrase = "holds no audio samples"
    default:
      try SoundFile.writeWAV16([Float](repeating: 0, count: 16000), sampleRate: 16000, to: badPath)
      phrase = "silent"
    }
    var lines = try String(contentsOfFile: fx.manifest, encoding: .utf8).split(separator: "\n").map(String.init)
    lines.insert(line, at: 2)
    try (lines.joined(separator: "\n") + "\n").write(toFile: fx.manifest, atomically: true, encoding: .utf8)

    let stop = try fx.mix("stop", ["--jobs", "2"])
    #expect(stop.status == 1)
    #expect(stop.stderr.contains(phrase), "stderr: \(stop.stderr)")
    #expect(stop.stderr.contains(kind == "notJSON" ? "manifest.jsonl:3" : "bad-001"), "stderr: \(stop.stderr)")
    #expect(stop.stderr.contains("--keep-going"))
    // The two good utterances before it are complete: 4 manifest lines, each with its audio.
    let done = try fx.manifestLines("stop")
    #expect(done.count == 4)
    for l in done { #expect(try SoundFile(readingFrom: fx.dir + "/stop/" + l["audio_filepath"]!.stringValue!).info.frames > 0) }

    let keep = try fx.mix("keep", ["--jobs", "2", "--keep-going"])
    #expect(keep.status == 3, "stderr: \(keep.stderr)")
    #expect(try fx.manifestLines("keep").count == 6)
    let failures = try String(contentsOfFile: fx.dir + "/keep/failures.tsv", encoding: .utf8).split(separator: "\n")
    #expect(failures.count == 2 && failures[0] == "id\tfile\treason")
    #expect(failures[1].contains(phrase))
  }

  @Test func zeroLengthNoiseFileIsNamedBeforeAnyAudioIsRead() throws {
    let fx = try Fixture()
    FileManager.default.createFile(atPath: fx.dir + "/noise/empty.wav", contents: Data())
    let r = try fx.mix("out")
    #expect(r.status == 2)
    #expect(r.stderr.contains("recipe.yaml:4:") && r.stderr.contains("empty.wav") && r.stderr.contains("zero length"), "stderr: \(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: fx.dir + "/out"))
  }

  @Test func unwritableOutputIsRefusedUpFront() throws {
    let fx = try Fixture()
    FileManager.default.createFile(atPath: fx.dir + "/afile", contents: Data())
    let r = try CLI.run(["mix", "--recipe", fx.recipe, "--input", fx.manifest, "--output", fx.dir + "/afile/out"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot create the output folder") && r.stderr.contains("choose a writable --output"), "stderr: \(r.stderr)")
  }

  @Test func theSameCommandResumesButADifferentRunIsRefused() throws {
    let fx = try Fixture()
    #expect(try fx.mix("out", ["--seed", "1"]).status == 0)
    let before = fx.bytes("out/manifest.jsonl")
    let again = try fx.mix("out", ["--seed", "1"])
    #expect(again.status == 0 && again.stdout.contains("resumed after 3 finished entries"), "\(again.stdout)")
    #expect(fx.bytes("out/manifest.jsonl") == before)
    let other = try fx.mix("out", ["--seed", "2"])
    #expect(other.status == 1)
    #expect(other.stderr.contains("holds a different run (seed was 1, now 2)") && other.stderr.contains("--overwrite"), "\(other.stderr)")
    #expect(fx.bytes("out/manifest.jsonl") == before)
    #expect(try fx.mix("out", ["--seed", "2", "--overwrite"]).status == 0)
    #expect(fx.bytes("out/manifest.jsonl") != before)
  }

  @Test func badRecipesExitWithTheirLocations() throws {
    let fx = try Fixture()
    try "sample_rate: 16000\neffects:\n  - speed: {factor: {uniform: [1.2, 0.8]}}\n".write(toFile: fx.recipe, atomically: true, encoding: .utf8)
    let r = try CLI.run(["recipe", "check", fx.recipe])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(fx.recipe):3:") && r.stderr.contains("effects[0].speed.factor") && r.stderr.contains("reversed"), "stderr: \(r.stderr)")
    #expect(try fx.mix("out").status == 2)
  }

  @Test func shippedRecipesPassRecipeCheck() throws {
    let dir = CLI.repoRoot + "/recipes"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(files.count >= 4)
    let r = try CLI.run(["recipe", "check"] + files.map { "recipes/" + $0 }, cwd: CLI.repoRoot)
    #expect(r.status == 0, "stderr: \(r.stderr)")
  }

  @Test func helpAndVersionTeach() throws {
    let h = try CLI.run(["mix", "--help"])
    #expect(h.status == 0 && h.stdout.contains("--keep-going") && h.stdout.contains("manifest.jsonl"))
    let v = try CLI.run(["--version"])
    #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == AudioAmpVersion.string)
    let bad = try CLI.run(["mix", "--recipe", "x.yaml", "--input", "y", "--output", "z", "--jobs", "0"])
    #expect(bad.status == 64 && bad.stderr.contains("--jobs must be at least 1"))
  }
}
