import Foundation
import Testing
import AudioAmpKit

/// Resume after kill -9, shards and merge, output formats, plan: the batch-job promises.
@Suite(.serialized) struct BatchTests {
  /// A corpus of `count` entries (reusing the fixture's three recordings under new ids) and a
  /// recipe light enough for a debug build.
  func bigCorpus(_ fx: Fixture, count: Int) throws -> String {
    let path = fx.dir + "/corpus/big.jsonl"
    let rows = (0..<count).map { i -> String in
      let src = ["spk1-001", "spk2-001", "spk3-001"][i % 3]
      return #"{"audio_filepath": "audio/\#(src).wav", "text": "utterance \#(i)", "id": "u\#(String(format: "%04d", i))", "speaker": "s\#(i % 5)"}"#
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    try """
      sample_rate: 16000
      variants: 2
      effects:
        - noise: {dir: \(fx.dir)/noise, snr_db: {uniform: [5, 20]}}
        - speed: {factor: [0.9, 1.1]}
        - gain: {db: {uniform: [-3, 3]}}
      """.write(toFile: fx.dir + "/light.yaml", atomically: true, encoding: .utf8)
    return path
  }

  func mix(_ fx: Fixture, input: String, out: String, _ extra: [String] = []) throws -> CLI.Result {
    try CLI.run(["mix", "--recipe", fx.dir + "/light.yaml", "--input", input, "--output", fx.dir + "/" + out, "--seed", "5", "--quiet"] + extra)
  }

  /// Every file a finished run leaves (audio, manifest, indexes, summary), by relative path.
  func snapshot(_ dir: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: dir)!
    while let p = walker.nextObject() as? String {
      if p.hasPrefix(".audioamp") || p.hasPrefix("shards") || p.contains("/.") { continue }
      var isDir: ObjCBool = false
      FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir)
      if !isDir.boolValue { out[p] = FileManager.default.contents(atPath: dir + "/" + p) }
    }
    return out
  }

  func expectSame(_ a: [String: Data], _ b: [String: Data], _ label: String) {
    #expect(a.keys.sorted() == b.keys.sorted(), "\(label): different files")
    for (k, v) in a where b[k] != v { Issue.record("\(label): \(k) differs") }
  }

  @Test func killedRunsResumeToTheSameBytes() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 60)
    // The reference run uses the same folder name (wav.scp holds output paths), then moves aside.
    #expect(try mix(fx, input: input, out: "killed", ["--output-format", "kaldi"]).status == 0)
    let reference = try snapshot(fx.dir + "/killed")
    try FileManager.default.moveItem(atPath: fx.dir + "/killed", toPath: fx.dir + "/clean")
    #expect(reference["manifest.jsonl"] != nil && reference["spk2utt"] != nil)

    var rng = UtteranceRNG(key: 77)
    var kills = 0
    var finished = false
    for _ in 0..<8 {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: CLI.binary)
      p.arguments = ["mix", "--recipe", fx.dir + "/light.yaml", "--input", input, "--output", fx.dir + "/killed", "--seed", "5", "--quiet", "--jobs", "2", "--output-format", "kaldi"]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      usleep(UInt32(rng.uniform(150_000, 900_000)))
      if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        kills += 1
      }
      p.waitUntilExit()
      if p.terminationReason == .exit {
        #expect(p.terminationStatus == 0)
        finished = true
        break
      }
      // Never a partial file under a final name: every .wav present is a complete WAV.
      for f in (try? FileManager.default.contentsOfDirectory(atPath: fx.dir + "/killed/audio")) ?? [] where f.hasSuffix(".wav") && !f.hasPrefix(".") {
        #expect((try? SoundFile(readingFrom: fx.dir + "/killed/audio/" + f)) != nil, "partial file \(f) after kill")
      }
    }
    if !finished { #expect(try mix(fx, input: input, out: "killed", ["--jobs", "2", "--output-format", "kaldi"]).status == 0) }
    #expect(kills >= 2, "the run was killed only \(kills) times; the test did not exercise resuming")
    var resumed = try snapshot(fx.dir + "/killed")
    // Temporary files of writes cut short by a kill are hidden (dot) files; they are not outputs.
    resumed = resumed.filter { !($0.key as NSString).lastPathComponent.hasPrefix(".") }
    expectSame(reference, resumed, "after \(kills) kills")
  }

  @Test func threeShardsMergedEqualOneRun() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 30)
    #expect(try mix(fx, input: input, out: "single", ["--keep-going"]).status == 0)
    for k in 1...3 {
      let r = try mix(fx, input: input, out: "sharded", ["--shard", "\(k)/3", "--keep-going"])
      #expect(r.status == 0, "shard \(k): \(r.stderr)")
      #expect(r.stdout.contains("shard \(k)/3 done"))
    }
    let merged = try CLI.run(["merge", fx.dir + "/sharded"])
    #expect(merged.status == 0, "\(merged.stderr)")
    expectSame(try snapshot(fx.dir + "/single"), try snapshot(fx.dir + "/sharded"), "3 shards merged")
  }

  @Test func shardsRunUnderSlurmAndKubernetesVariables() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 12)
    let env = ProcessInfo.processInfo.environment
    setenv("SLURM_ARRAY_TASK_ID", "1", 1)
    setenv("SLURM_ARRAY_TASK_COUNT", "2", 1)
    defer {
      unsetenv("SLURM_ARRAY_TASK_ID")
      unsetenv("SLURM_ARRAY_TASK_COUNT")
    }
    let r = try mix(fx, input: input, out: "slurm", ["--shard", "auto"])
    #expect(r.status == 0 && r.stdout.contains("shard 2/2 done"), "\(r.stdout) \(r.stderr)")
    _ = env
  }

  @Test func mergeNamesMissingAndUnfinishedShards() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 12)
    #expect(try mix(fx, input: input, out: "part", ["--shard", "1/3"]).status == 0)
    #expect(try mix(fx, input: input, out: "part", ["--shard", "3/3"]).status == 0)
    let missing = try CLI.run(["merge", fx.dir + "/part"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("missing shard 2/3 in \(fx.dir)/part/shards"), "\(missing.stderr)")
    #expect(!FileManager.default.fileExists(atPath: fx.dir + "/part/manifest.jsonl"))
    // A shard that stopped part-way (its checkpoint is not complete) is named too.
    #expect(try mix(fx, input: input, out: "part", ["--shard", "2/3"]).status == 0)
    let cp = fx.dir + "/part/shards/shard-00002-of-00003/.audioamp/progress.json"
    let text = try String(contentsOfFile: cp, encoding: .utf8).replacingOccurrences(of: "\"complete\":true", with: "\"complete\":false")
    try text.write(toFile: cp, atomically: true, encoding: .utf8)
    let unfinished = try CLI.run(["merge", fx.dir + "/part"])
    #expect(unfinished.status == 1 && unfinished.stderr.contains("shard not finished: 2/3 stopped after 12 corpus entries"), "\(unfinished.stderr)")
  }

  @Test func outputMirrorsTheInputUnlessAsked() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 4)
    #expect(try mix(fx, input: input, out: "j").status == 0)
    #expect(!FileManager.default.fileExists(atPath: fx.dir + "/j/wav.scp"))
    for format in ["folder", "audiofolder", "librispeech", "commonvoice"] {
      let r = try mix(fx, input: input, out: format, ["--output-format", format])
      #expect(r.status == 0, "\(format): \(r.stderr)")
      let lines = try fx.manifestLines(format)
      #expect(lines.count == 8)
      for l in lines {
        let audio = fx.dir + "/\(format)/" + l["audio_filepath"]!.stringValue!
        #expect(try SoundFile(readingFrom: audio).info.frames > 0, "\(format): \(audio)")
      }
    }
    #expect(FileManager.default.fileExists(atPath: fx.dir + "/audiofolder/metadata.csv"))
    #expect(FileManager.default.fileExists(atPath: fx.dir + "/commonvoice/train.tsv"))
    #expect(FileManager.default.fileExists(atPath: fx.dir + "/folder/u0000__v0.txt"))
  }

  @Test func wordTimingsFollowTheSpeedChange() throws {
    let fx = try Fixture()
    let line = #"{"audio_filepath": "audio/spk3-001.wav", "text": "a b", "id": "w1", "words": [{"word": "a", "start": 0.25, "end": 0.5}, {"word": "b", "start": 0.75, "end": 1.4}]}"#
    try (line + "\n").write(toFile: fx.dir + "/corpus/words.jsonl", atomically: true, encoding: .utf8)
    try "effects:\n  - speed: {factor: 1.25}\n".write(toFile: fx.dir + "/speed.yaml", atomically: true, encoding: .utf8)
    let r = try CLI.run(["mix", "--recipe", fx.dir + "/speed.yaml", "--input", fx.dir + "/corpus/words.jsonl", "--output", fx.dir + "/w", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let out = try fx.manifestLines("w")[0]
    // In samples: 0.25 s = 4000 → 3200 = 0.2 s; 0.5 → 6400; 0.75 → 9600; 1.4 s = 22400 → 17920 = 1.12 s.
    #expect(out["words"]!.serialized == #"[{"word":"a","start":0.2,"end":0.4},{"word":"b","start":0.6,"end":1.12}]"#)
    // A Kaldi output carries them as a ctm.
    let k = try CLI.run(["mix", "--recipe", fx.dir + "/speed.yaml", "--input", fx.dir + "/corpus/words.jsonl", "--output", fx.dir + "/wk", "--quiet", "--output-format", "kaldi"])
    #expect(k.status == 0, "\(k.stderr)")
    #expect(try String(contentsOfFile: fx.dir + "/wk/ctm", encoding: .utf8) == "w1__v0 1 0.200 0.200 a\nw1__v0 1 0.600 0.520 b\n")
  }

  @Test func planCountsOutputsHoursAndTime() throws {
    let fx = try Fixture()
    let input = try bigCorpus(fx, count: 30)
    let r = try CLI.run(["plan", "--recipe", fx.dir + "/light.yaml", "--input", input, "--variants", "3", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let p = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(p["utterances"] == .number(30) && p["outputs"] == .number(90))
    // Sources are 1.2 s, 0.9 s, 1.5 s, ten of each: 36 s in all.
    #expect(abs(p["hours_in"]!.numberValue! * 3600 - 36) < 0.1)
    // speed [0.9, 1.1]: E[1/f] = (1/0.9 + 1/1.1) / 2 = 1.0101.
    #expect(abs(p["duration_ratio"]!.numberValue! - 1.0101) < 0.001)
    #expect(p["wall_seconds"]!.numberValue! >= 0 && p["realtime_per_core"]!.numberValue! > 0)
  }
}
