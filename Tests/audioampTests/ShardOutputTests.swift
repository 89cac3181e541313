import AudioAmpKit
import AudioAmpTestSupport
import Foundation
import Testing

/// Sharded outputs (WebDataset, NeMo tarred, Lhotse Shar, Parquet): their own readers load them,
/// bytes do not depend on --jobs or on kill -9 and resume, task shards merge, shards read back.
@Suite(.serialized) struct ShardOutputTests {
  /// `count` entries over the fixture's three recordings and a light recipe (noise + gain).
  func corpus(_ fx: Fixture, count: Int) throws -> String {
    let path = fx.dir + "/corpus/shards.jsonl"
    let rows = (0..<count).map { i -> String in
      let src = ["spk1-001", "spk2-001", "spk3-001"][i % 3]
      // Every fifth entry has no speaker (a null in Parquet, no speaker in the Shar supervision).
      let speaker = i % 5 == 4 ? "" : #", "speaker": "s\#(i % 4)""#
      return #"{"audio_filepath": "audio/\#(src).wav", "text": "utterance \#(i) ÄÖ", "id": "u\#(String(format: "%04d", i))"\#(speaker)}"#
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    try """
      sample_rate: 16000
      variants: 2
      effects:
        - noise: {dir: \(fx.dir)/noise, snr_db: {uniform: [5, 20]}}
        - gain: {db: {uniform: [-3, 3]}}
      """.write(toFile: fx.dir + "/shard.yaml", atomically: true, encoding: .utf8)
    return path
  }

  func mix(_ fx: Fixture, input: String, out: String, _ extra: [String]) throws -> CLI.Result {
    try CLI.run(["mix", "--recipe", fx.dir + "/shard.yaml", "--input", input, "--output", fx.dir + "/" + out, "--seed", "3", "--quiet"] + extra)
  }

  /// Every file of a finished run except run state, by relative path.
  func snapshot(_ dir: String) -> [String: Data] {
    var out: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: dir)!
    while let p = walker.nextObject() as? String {
      if p.hasPrefix(".audioamp") || p.hasPrefix("shards") || p.hasPrefix("review") { continue }
      var isDir: ObjCBool = false
      FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir)
      if !isDir.boolValue { out[p] = FileManager.default.contents(atPath: dir + "/" + p) }
    }
    return out
  }

  func expectSame(_ a: [String: Data], _ b: [String: Data], _ label: String) {
    #expect(a.keys.sorted() == b.keys.sorted(), "\(label): different files: \(Set(a.keys).symmetricDifference(b.keys).sorted())")
    for (k, v) in a where b[k] != v { Issue.record("\(label): \(k) differs") }
  }

  /// Python checks, one per format: each reads the shards with the format's own reader and
  /// compares count, ids, transcripts, speakers and durations with manifest.jsonl; prints
  /// "<samples> <shard files>".
  static let checks: [OutputFormat: String] = [
    .webdataset: """
      import sys, json, glob, io, soundfile as sf, webdataset as wds
      d = sys.argv[1]
      man = [json.loads(l) for l in open(d + "/manifest.jsonl")]
      tars = sorted(glob.glob(d + "/shard-*.tar"))
      n = 0
      for s in wds.WebDataset(tars, shardshuffle=False):
          m = man[n]; j = json.loads(s["json"])
          a, sr = sf.read(io.BytesIO(s["flac"]))
          assert s["__key__"] == m["id"] == j["id"], (s["__key__"], m["id"])
          assert j["text"] == m["text"] and j.get("speaker") == m.get("speaker"), (j, m)
          assert j["effects"] == m["effects"] and sr == 16000 and abs(len(a) / sr - m["duration"]) < 0.001
          n += 1
      print(n, len(tars))
      """,
    .nemoTarred: """
      import sys, json, glob, io, os, tarfile, soundfile as sf
      d = sys.argv[1]
      man = [json.loads(l) for l in open(d + "/manifest.jsonl")]
      nemo = [json.loads(l) for l in open(d + "/tarred_audio_manifest.json")]
      assert [e["audio_filepath"] for e in nemo] == [m["audio_filepath"] for m in man]
      tars = glob.glob(d + "/audio_*.tar")
      assert sorted(int(os.path.basename(t)[6:-4]) for t in tars) == list(range(len(tars)))
      assert sorted(set(e["shard_id"] for e in nemo)) == list(range(len(tars)))
      # NeMo's rule: the member named by the basename of audio_filepath, in audio_<shard_id>.tar.
      n = 0
      for k in range(len(tars)):
          with tarfile.open(d + "/audio_%d.tar" % k) as t:
              names = t.getnames()
              mine = [e for e in nemo if e["shard_id"] == k]
              assert names == [os.path.basename(e["audio_filepath"]) for e in mine], (names, k)
              for e, m in zip(mine, [m for m in man if m["shard_id"] == k]):
                  a, sr = sf.read(io.BytesIO(t.extractfile(os.path.basename(e["audio_filepath"])).read()))
                  assert e["text"] == m["text"] and abs(len(a) / sr - e["duration"]) < 0.001
                  n += 1
      print(n, len(tars))
      """,
    .lhotseShar: """
      import sys, json, glob
      from lhotse import CutSet
      d = sys.argv[1]
      man = [json.loads(l) for l in open(d + "/manifest.jsonl")]
      n = 0
      for c in CutSet.from_shar(in_dir=d + "/shar"):
          m = man[n]; a = c.load_audio()
          assert c.id == m["id"] and c.supervisions[0].text == m["text"], (c.id, m["id"])
          assert c.supervisions[0].speaker == m.get("speaker") and c.custom["source_id"] == m["source_id"]
          assert a.shape == (1, c.num_samples) and c.sampling_rate == 16000 and abs(c.duration - m["duration"]) < 0.001
          n += 1
      print(n, len(glob.glob(d + "/shar/cuts.*.jsonl.gz")))
      """,
    .parquet: """
      import sys, json, glob, io, os, tempfile, soundfile as sf
      os.environ["HF_DATASETS_CACHE"] = tempfile.mkdtemp()
      import datasets, pyarrow.parquet as pq
      d = sys.argv[1]
      man = [json.loads(l) for l in open(d + "/manifest.jsonl")]
      files = sorted(glob.glob(d + "/data/train-*.parquet"))
      ds = datasets.load_dataset("parquet", data_files=files, split="train")
      assert isinstance(ds.features["audio"], datasets.Audio) and ds.features["audio"].sampling_rate == 16000, ds.features
      assert sum(pq.read_metadata(f).num_rows for f in files) == len(man)
      # datasets decodes audio through torchcodec; without it, decode the same bytes with soundfile.
      try:
          import torchcodec
          decoded = True
      except ImportError:
          decoded = False
      raw = ds.cast_column("audio", datasets.Audio(decode=False))
      n = 0
      for k, (r, m) in enumerate(zip(raw, man)):
          if decoded:
              s = ds[k]["audio"].get_all_samples(); a = s.data.numpy()[0]; sr = s.sample_rate
          else:
              a, sr = sf.read(io.BytesIO(r["audio"]["bytes"]))
          assert r["id"] == m["id"] and r["transcription"] == m["text"] and r["speaker"] == m.get("speaker"), (r["id"], m)
          assert json.loads(r["fields"])["effects"] == m["effects"] and r["audio"]["path"] == m["audio_filepath"]
          assert sr == 16000 and abs(len(a) / sr - m["duration"]) < 0.001 and r["variant"] == m["variant"]
          n += 1
      print(n, len(files))
      """,
  ]

  /// Runs the format's Python check on `dir`; returns (samples, shard files).
  func check(_ format: OutputFormat, _ dir: String) throws -> (Int, Int)? {
    let r = try PythonTool.script(Self.checks[format]!, [dir])
    guard r.status == 0 else {
      Issue.record("\(format) reader failed on \(dir):\n\(r.stderr.suffix(1500))")
      return nil
    }
    let f = r.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    return f.count == 2 ? (f[0], f[1]) : nil
  }

  @Test(.enabled(if: PythonTool.has("webdataset", "lhotse", "datasets", "soundfile")),
    arguments: [OutputFormat.webdataset, .nemoTarred, .lhotseShar, .parquet])
  func shardsLoadInTheirOwnReadersAndIgnoreJobs(format: OutputFormat) throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 20)
    let one = try mix(fx, input: input, out: "j1", ["--output-format", format.rawValue, "--shard-size", "150KB", "--jobs", "1"])
    #expect(one.status == 0, "\(one.stderr)")
    let three = try mix(fx, input: input, out: "j3", ["--output-format", format.rawValue, "--shard-size", "150KB", "--jobs", "3"])
    #expect(three.status == 0, "\(three.stderr)")
    expectSame(snapshot(fx.dir + "/j1"), snapshot(fx.dir + "/j3"), "\(format) --jobs 1 vs 3")
    guard let (samples, shards) = try check(format, fx.dir + "/j1") else { return }
    #expect(samples == 40, "\(format): \(samples) samples read of 40")
    #expect(shards >= 3, "\(format): \(shards) shards; the size limit did not cut")
  }

  @Test func shardCountGivesThatManyShards() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 15)
    let r = try mix(fx, input: input, out: "n", ["--output-format", "nemo-tarred", "--shards", "4"])
    #expect(r.status == 0, "\(r.stderr)")
    let tars = try FileManager.default.contentsOfDirectory(atPath: fx.dir + "/n").filter { $0.hasSuffix(".tar") }.sorted()
    // 30 outputs in 4 shards: ceil(30 / 4) = 8 each, the last holding 6.
    #expect(tars == ["audio_0.tar", "audio_1.tar", "audio_2.tar", "audio_3.tar"])
    let ids = try fx.manifestLines("n").map { Int($0["shard_id"]?.numberValue ?? -1) }
    #expect(ids == Array(repeating: 0, count: 8) + Array(repeating: 1, count: 8) + Array(repeating: 2, count: 8) + Array(repeating: 3, count: 6))
  }

  @Test(arguments: [OutputFormat.webdataset, .lhotseShar, .parquet])
  func killedShardWritingResumesToTheSameBytes(format: OutputFormat) throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 160)
    let args = ["--output-format", format.rawValue, "--shard-size", "400KB", "--variants", "1"]
    let t0 = Date()
    #expect(try mix(fx, input: input, out: "run", args + ["--jobs", "2"]).status == 0)
    let full = Date().timeIntervalSince(t0)
    let reference = snapshot(fx.dir + "/run")
    try FileManager.default.moveItem(atPath: fx.dir + "/run", toPath: fx.dir + "/clean")

    // Kill when the checkpoint shows a later shard part-written (polled, not timed, so a fast
    // machine cannot finish first), each time at a new point of the run.
    let progressPath = fx.dir + "/run/.audioamp/progress.json"
    func sinkState() -> (shard: Int, items: Int)? {
      guard let text = try? String(contentsOfFile: progressPath, encoding: .utf8), let cp = try? JSONValue.parse(text),
        let sink = cp["sink"], let shard = sink["shard"]?.numberValue, let items = sink["items"]?.numberValue
      else { return nil }
      return (Int(shard), Int(items))
    }
    var kills = 0
    var killedAt: [String] = []
    for _ in 0..<3 {
      let before = sinkState().map { "\($0.shard).\($0.items)" }
      let p = Process()
      p.executableURL = URL(fileURLWithPath: CLI.binary)
      p.arguments = ["mix", "--recipe", fx.dir + "/shard.yaml", "--input", input, "--output", fx.dir + "/run", "--seed", "3", "--quiet", "--jobs", "2", "--checkpoint-every", "0"] + args
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      while p.isRunning {
        if let s = sinkState(), s.shard > 0, s.items > 0, "\(s.shard).\(s.items)" != before {
          kill(p.processIdentifier, SIGKILL)
          kills += 1
          killedAt.append("shard \(s.shard) item \(s.items)")
          break
        }
        usleep(2_000)
      }
      p.waitUntilExit()
      if p.terminationReason == .exit {
        #expect(p.terminationStatus == 0)
        break
      }
    }
    #expect(try mix(fx, input: input, out: "run", args + ["--jobs", "2"]).status == 0)
    #expect(kills >= 2, "\(format): \(kills) kills (at \(killedAt)) with a later shard part-written (run took \(full) s); resuming was not exercised")
    expectSame(reference, snapshot(fx.dir + "/run"), "\(format) after \(kills) kills")
  }

  @Test func taskShardsMergeIntoOneNumberedSet() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 24)
    #expect(try mix(fx, input: input, out: "single", ["--output-format", "nemo-tarred", "--shards", "2"]).status == 0)
    for k in 1...3 {
      let r = try mix(fx, input: input, out: "tasks", ["--output-format", "nemo-tarred", "--shards", "2", "--shard", "\(k)/3"])
      #expect(r.status == 0, "task \(k): \(r.stderr)")
    }
    let merged = try CLI.run(["merge", fx.dir + "/tasks"])
    #expect(merged.status == 0, "\(merged.stderr)")
    let tars = try FileManager.default.contentsOfDirectory(atPath: fx.dir + "/tasks").filter { $0.hasSuffix(".tar") }
    #expect(tars.count == 6, "\(tars)")
    // Moved, not copied: the task folders hold no shard any more.
    let leftovers = FileManager.default.enumerator(atPath: fx.dir + "/tasks/shards")!.allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".tar") }
    #expect(leftovers.isEmpty, "\(leftovers)")
    // Same outputs in the same corpus order as one machine's run (only the shard split differs).
    let single = try fx.manifestLines("single").map { $0["id"]?.stringValue ?? "" }
    #expect(try fx.manifestLines("tasks").map { $0["id"]?.stringValue ?? "" } == single)
    if PythonTool.has("soundfile"), let (samples, shards) = try check(.nemoTarred, fx.dir + "/tasks") {
      #expect(samples == 48 && shards == 6)
    }
    // A second merge (say, after an interrupted one) finds the shards already in place.
    #expect(try CLI.run(["merge", fx.dir + "/tasks"]).status == 0)
  }

  @Test(arguments: [OutputFormat.webdataset, .nemoTarred, .lhotseShar])
  func shardsAreInputsAgain(format: OutputFormat) throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 9)
    #expect(try mix(fx, input: input, out: "first", ["--output-format", format.rawValue, "--shard-size", "100KB"]).status == 0)
    let again = try mix(fx, input: fx.dir + "/first", out: "again", ["--output-format", "jsonl", "--variants", "1"])
    #expect(again.status == 0, "\(again.stderr)")
    let first = try fx.manifestLines("first")
    let second = try fx.manifestLines("again")
    #expect(second.map { $0["id"]?.stringValue ?? "" } == first.map { ($0["id"]?.stringValue ?? "") + "__v0" })
    #expect(second.map { $0["text"]?.stringValue ?? "" } == first.map { $0["text"]?.stringValue ?? "" })
    #expect(second.map { $0["speaker"] } == first.map { $0["speaker"] })
    // Durations survive the trip through the shard (gain and noise keep the length).
    for (a, b) in zip(first, second) { #expect(a["duration"] == b["duration"]) }
    // review reads the shards' audio too.
    let review = try CLI.run(["review", fx.dir + "/first", "--sample", "3", "--input", input])
    #expect(review.status == 0, "\(review.stderr)")
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: fx.dir + "/first/review/aug")) ?? []).count == 3)
  }

  @Test func aTruncatedShardIsReportedByName() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 6)
    #expect(try mix(fx, input: input, out: "w", ["--output-format", "webdataset"]).status == 0)
    let tar = fx.dir + "/w/shard-000000.tar"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: tar))
    try bytes.prefix(bytes.count / 2 + 100).write(to: URL(fileURLWithPath: fx.dir + "/cut.tar"))
    let r = try mix(fx, input: fx.dir + "/cut.tar", out: "x", ["--output-format", "jsonl"])
    #expect(r.status == 1, "status \(r.status): \(r.stderr)")
    #expect(r.stderr.contains("cut.tar") && (r.stderr.contains("truncated") || r.stderr.contains("damaged")), "\(r.stderr)")
  }
}
