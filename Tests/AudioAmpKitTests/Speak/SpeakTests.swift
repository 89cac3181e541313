import Foundation
import Testing
@testable import AudioAmpKit

/// A small prompt set spoken once per test into a temporary folder.
struct SpeakFixture {
  let dir: String
  var tsv: String { dir + "/commands.tsv" }
  static let prompts: [(String, String, String)] = [
    ("lights-on", "turn on the kitchen lights", "lights"),
    ("music", "play some music, please", "media"),
    ("weather", "what's the weather like in Edinburgh tomorrow?", "info"),
  ]

  init(name: String = #function, order: [Int] = [0, 1, 2]) throws {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    dir = NSTemporaryDirectory() + "audioamp-speak/\(safe)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let rows = order.map { SpeakFixture.prompts[$0] }.map { "\($0.0)\t\($0.1)\t\($0.2)" }
    try (["id\ttext\tlabel"] + rows).joined(separator: "\n").appending("\n").write(toFile: tsv, atomically: true, encoding: .utf8)
  }

  func options(_ out: String, voices: [String], variants: Int = 1, jobs: Int = 1) -> SpeakOptions {
    var o = SpeakOptions(textPath: tsv, voices: voices, outputDirectory: dir + "/" + out)
    o.variants = variants
    o.seed = 5
    o.jobs = jobs
    return o
  }

  func manifest(_ out: String) throws -> [JSONValue] {
    try String(contentsOfFile: dir + "/\(out)/manifest.jsonl", encoding: .utf8).split(separator: "\n")
      .map { try JSONValue.parse(String($0)) }
  }

  func audio(_ out: String, _ line: JSONValue) throws -> AudioBuffer {
    try AudioLoader.load(path: dir + "/\(out)/" + line["audio_filepath"]!.stringValue!, sampleRate: 16000)
  }
}

/// The first entry of a manifest line's `effects` array.
func firstEffect(_ line: JSONValue) -> JSONValue {
  if case .array(let a) = line["effects"] ?? .null, let f = a.first { return f }
  return .null
}

@Suite(.serialized) struct SpeakTests {
  @Test func everyTranscriptIsItsPromptAndEveryDrawIsRecorded() throws {
    let fx = try SpeakFixture()
    let s = try SpeakJob.run(fx.options("out", voices: ["espeak:en-gb-scotland", "espeak:en-gb+f2"], variants: 2, jobs: 2))
    #expect(s.utterances == 3 * 2 * 2)
    let lines = try fx.manifest("out")
    #expect(lines.count == 12)
    let texts = Dictionary(uniqueKeysWithValues: SpeakFixture.prompts.map { ($0.0, ($0.1, $0.2)) })
    let r = ProsodyRanges.standard
    for l in lines {
      let pid = l["prompt_id"]!.stringValue!
      #expect(l["text"]!.stringValue == texts[pid]!.0)
      #expect(l["label"]!.stringValue == texts[pid]!.1)
      let spk = l["speaker"]!.stringValue!
      #expect(["espeak:en-gb-scotland", "espeak:en-gb+f2"].contains(spk))
      #expect(l["id"]!.stringValue == SpeakJob.utteranceID(promptID: pid, speaker: spk) + "__v\(Int(l["variant"]!.numberValue!))")
      let e = firstEffect(l)
      #expect(e["effect"]!.stringValue == "tts" && e["engine"]!.stringValue == "espeak")
      #expect(r.rateWPM.contains(e["rate_wpm"]!.numberValue!) && r.pitch.contains(e["base_pitch"]!.numberValue!))
      #expect(r.pitchRange.contains(e["pitch_range"]!.numberValue!) && r.wordGap.contains(e["word_gap"]!.numberValue!))
      if spk.hasSuffix("+f2") { #expect(e["variant"]!.stringValue == "f2") }
    }
    // The folder is a corpus any --input reads, with the same transcripts and speakers.
    let reader = try CorpusFormat.reader(for: fx.dir + "/out/manifest.jsonl")
    var n = 0
    let it = try reader.entries()
    while let e = it.next() {
      let u = try e.get()
      #expect(u.text == lines[n]["text"]!.stringValue && u.speaker == lines[n]["speaker"]!.stringValue)
      n += 1
    }
    #expect(n == 12)
  }

  @Test func sameSeedSameBytesWhateverJobsAndPromptOrder() throws {
    let a = try SpeakFixture()
    let b = try SpeakFixture(order: [2, 0, 1])
    let voices = ["espeak:en-us,en-gb+m3"]
    _ = try SpeakJob.run(a.options("j1", voices: voices, variants: 1, jobs: 1))
    _ = try SpeakJob.run(a.options("j2", voices: voices, variants: 1, jobs: 2))
    _ = try SpeakJob.run(b.options("rev", voices: voices, variants: 1, jobs: 2))
    let m1 = try a.manifest("j1")
    #expect(FileManager.default.contents(atPath: a.dir + "/j1/manifest.jsonl") == FileManager.default.contents(atPath: a.dir + "/j2/manifest.jsonl"))
    let reordered = Dictionary(uniqueKeysWithValues: try b.manifest("rev").map { ($0["id"]!.stringValue!, $0) })
    for l in m1 {
      let path = l["audio_filepath"]!.stringValue!
      let bytes = FileManager.default.contents(atPath: a.dir + "/j1/" + path)
      #expect(bytes != nil && bytes == FileManager.default.contents(atPath: a.dir + "/j2/" + path), "\(path)")
      // Spoken in another order (other outputs before it): same draw, same bytes.
      #expect(reordered[l["id"]!.stringValue!]?["effects"] == l["effects"])
      #expect(bytes == FileManager.default.contents(atPath: b.dir + "/rev/" + path), "\(path) depends on synthesis order")
    }
    // One output rebuilt alone from its manifest line.
    let l = m1[4]
    let e = firstEffect(l)
    let prosody = Prosody(
      rateWPM: e["rate_wpm"]!.numberValue!, pitch: e["base_pitch"]!.numberValue!, pitchRange: e["pitch_range"]!.numberValue!,
      wordGap: e["word_gap"]!.numberValue!, variant: e["variant"]!.stringValue!)
    let again = try EspeakEngine.shared().synthesize(l["text"]!.stringValue!, voice: e["voice"]!.stringValue!, prosody: prosody)
    let resampled = try SampleRateConverter.convert(again.samples, from: again.sampleRate, to: 16000)
    let stored = try a.audio("j1", l)
    #expect(stored.count == resampled.count)
    let maxDiff = zip(stored.samples, resampled).map { abs($0 - $1) }.max() ?? 1
    // Rebuilt in this process rather than in a worker: espeak-ng keeps hidden state between
    // calls in one process, which moves a few samples by a few LSB (measured up to 1.3 LSB).
    #expect(maxDiff <= 4.0 / 32768, "rebuilt output differs by \(maxDiff)")
  }

  /// Recognizer-free check that voices are different speakers and that the audio is speech.
  /// Prosody is pinned (the voice's own rate and pitch, no variant draw) so the differences come
  /// from the voices alone.
  @Test func voicesDifferAndAreSpeech() throws {
    let fx = try SpeakFixture()
    var o = fx.options("v", voices: ["espeak:en-us+m1,en-us+f2,en-us+m3,en-us+f4,en-gb-scotland+m7"])
    o.prosody = ProsodyRanges(rateWPM: 175...175, pitch: 50...50, pitchRange: 50...50, wordGap: 0...0, variants: [])
    o.jobs = 2
    _ = try SpeakJob.run(o)
    var byVoice: [String: [VoiceFeatures.Measurement]] = [:]
    for l in try fx.manifest("v") {
      let a = try fx.audio("v", l)
      let p56 = ActiveSpeechLevel.measure(a.samples, sampleRate: 16000)
      // Read speech: active most of the time but not all (pauses, onsets); a normal level.
      #expect((0.4...0.98).contains(p56.activityFactor), "\(l["id"]!): activity \(p56.activityFactor)")
      #expect((-45.0 ... -8.0).contains(p56.levelDB), "\(l["id"]!): level \(p56.levelDB) dBFS")
      let f = VoiceFeatures.measure(a.samples, sampleRate: 16000)
      #expect(f.voicedFraction > 0.25, "\(l["id"]!): voiced \(f.voicedFraction)")
      byVoice[l["speaker"]!.stringValue!, default: []].append(f)
    }
    let voices = byVoice.keys.sorted()
    let f0 = voices.map { v in byVoice[v]!.map(\.medianF0Hz).reduce(0, +) / Double(byVoice[v]!.count) }
    let centroid = voices.map { v in byVoice[v]!.map(\.centroidHz).reduce(0, +) / Double(byVoice[v]!.count) }
    let report = zip(voices, zip(f0, centroid)).map { "\($0.0): F0 \(Int($0.1.0)) Hz, centroid \(Int($0.1.1)) Hz" }.joined(separator: "; ")
    // Spread across voices: F0 over at least an octave's half, centroid over 15 %.
    #expect(f0.max()! / f0.min()! > 1.4, "\(report)")
    #expect(centroid.max()! / centroid.min()! > 1.15, "\(report)")
    // Every pair of voices differs by at least 5 % in F0 or in centroid.
    for i in voices.indices {
      for j in voices.indices where j > i {
        let d = max(abs(log(f0[i] / f0[j])), abs(log(centroid[i] / centroid[j])))
        #expect(d > 0.05, "\(voices[i]) and \(voices[j]) sound alike: \(report)")
      }
    }
    print("voice features: \(report)")
  }
}
