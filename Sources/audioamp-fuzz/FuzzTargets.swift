import Foundation

#if DEBUG
  @testable import AudioAmpKit
#else
  import AudioAmpKit
#endif

/// The fuzz targets: each takes one input (arbitrary bytes) and feeds it to one reader of
/// untrusted data. A target must never crash, trap, hang or allocate without bound, whatever
/// the bytes; an error thrown by the code under test is the right answer to a bad input and is
/// ignored.
///
/// Inputs that stand for several files (a Kaldi data directory) are split at NUL bytes: part 0
/// is the first file, part 1 the second, and so on.
enum FuzzTargets {
  /// Target names, as given to `scripts/fuzz.sh` and `AUDIOAMP_FUZZ_TARGET`.
  static let names = [
    "audio", "recipe", "jsonl", "kaldi", "librispeech", "commonvoice", "audiofolder", "folder",
    "noise-index", "resume",
  ]

  /// A scratch folder private to this process, emptied before each input.
  static let scratch: String = {
    let base = ProcessInfo.processInfo.environment["AUDIOAMP_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
    let dir = (base as NSString).appendingPathComponent("audioamp-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }()

  /// Runs target `name` on `data`. Returns false for an unknown target.
  static func run(_ name: String, _ data: Data) -> Bool {
    let dir = scratch
    reset(dir)
    switch name {
    case "audio": audio(data, dir)
    case "recipe": recipe(data)
    case "jsonl":
      write(data, dir + "/manifest.jsonl")
      drain(dir + "/manifest.jsonl", "jsonl")
    case "kaldi":
      let p = parts(data, 5)
      for (i, n) in ["wav.scp", "text", "utt2spk", "segments", "ctm"].enumerated() where !p[i].isEmpty || i < 2 {
        write(p[i], "\(dir)/\(n)")
      }
      write(Data("RIFF".utf8), dir + "/a.wav")
      drain(dir, "kaldi")
    case "librispeech":
      let p = parts(data, 2)
      try? FileManager.default.createDirectory(atPath: dir + "/19/198", withIntermediateDirectories: true)
      write(p[0], dir + "/19/198/19-198.trans.txt")
      write(p[1], dir + "/19/198/19-198-0001.flac")
      drain(dir, "librispeech")
    case "commonvoice":
      try? FileManager.default.createDirectory(atPath: dir + "/clips", withIntermediateDirectories: true)
      write(Data(), dir + "/clips/a.mp3")
      write(data, dir + "/train.tsv")
      drain(dir, "commonvoice")
      drain(dir + "/train.tsv", "commonvoice")
    case "audiofolder":
      let p = parts(data, 2)
      write(Data(), dir + "/a.wav")
      write(p[0], dir + (p[1].isEmpty ? "/metadata.csv" : "/metadata.jsonl"))
      drain(dir, "audiofolder")
    case "folder":
      // File names come from the input too: a plain folder is read from its listing.
      let p = parts(data, 3)
      let name = String(decoding: p[0].prefix(64), as: UTF8.self).filter { $0 != "/" && $0 != "\0" }
      let base = name.isEmpty || name == "." || name == ".." ? "a" : name
      write(p[1], "\(dir)/\(base).wav")
      write(p[2], "\(dir)/\(base).txt")
      drain(dir, "folder")
    case "noise-index":
      let p = parts(data, 2)
      write(p[0], dir + "/index.tsv")
      write(p[1], dir + "/a.flac")
      _ = try? NoiseLibrary(root: dir)
    case "resume": resume(data, dir)
    default: return false
    }
    return true
  }

  /// Loads the bytes as an audio file (libsndfile detects the format from the content) at its
  /// own rate, whole and as a segment.
  static func audio(_ data: Data, _ dir: String) {
    let path = dir + "/input.audio"
    write(data, path)
    guard let f = try? SoundFile(readingFrom: path) else { return }
    let rate = f.info.sampleRate
    _ = try? AudioLoader.load(path: path, sampleRate: rate)
    _ = try? AudioLoader.load(path: path, offsetSeconds: 0.01, durationSeconds: 0.02, sampleRate: rate)
  }

  /// Decodes the bytes as a recipe through the public API (the decoder is not ours to change).
  static func recipe(_ data: Data) {
    _ = try? RecipeLoader.parse(yaml: String(decoding: data, as: UTF8.self), path: "fuzz.yaml")
  }

  /// Treats the bytes as a run's state: part 0 is `run.json`, part 1 `progress.json`, part 2
  /// the manifest journal; then opens the run the way a resumed `mix` does.
  static func resume(_ data: Data, _ dir: String) {
    #if DEBUG
    let p = parts(data, 3)
    let out = dir + "/out"
    let recipe = dir + "/r.yaml"
    write(Data("effects: []\n".utf8), recipe)
    guard let fp = try? RunFingerprint(
      recipePath: recipe, input: recipe, seed: 1, variants: 1, outputFormat: "jsonl", shardCount: 1)
    else { return }
    let paths = RunPaths(output: out, shard: .whole)
    try? FileManager.default.createDirectory(atPath: paths.state, withIntermediateDirectories: true)
    // An empty part 0 (or one starting with an even byte) stands for a run.json that matches,
    // so that the checkpoint and the journal are reached; anything else is written as given.
    let runJSON = (p[0].first ?? 0) & 1 == 0 ? Data((fp.json.serialized + "\n").utf8) : p[0]
    write(runJSON, paths.runFile)
    write(p[1], paths.checkpoint)
    write(p[2], paths.manifest)
    _ = StateFile.read(paths.checkpoint).flatMap(Checkpoint.init(json:))
    let keepGoing = (p[0].first ?? 0) & 2 == 0
    _ = try? MixJob.openRun(paths, fingerprint: fp, overwrite: false, keepGoing: keepGoing, info: [])
    #else
    // The run state is opened through AudioAmpKit's internal API, which a release build (not
    // compiled for testing) does not expose; scripts/fuzz.sh and the CI replay build in debug.
    fputs("resume: this target needs a debug build of audioamp-fuzz (swift build --product audioamp-fuzz)\n", stderr)
    exit(2)
    #endif
  }

  /// Reads every entry of the corpus at `path` as format `format`.
  static func drain(_ path: String, _ format: String) {
    guard let reader = try? CorpusFormat.reader(for: path, format: format),
      let it = try? reader.entries()
    else { return }
    var n = 0
    while it.next() != nil, n < 100_000 { n += 1 }
  }

  /// `data` split at NUL bytes into exactly `count` parts (the last keeps any further NULs).
  static func parts(_ data: Data, _ count: Int) -> [Data] {
    var out: [Data] = []
    var rest = data[...]
    while out.count < count - 1, let i = rest.firstIndex(of: 0) {
      out.append(Data(rest[rest.startIndex..<i]))
      rest = rest[(i + 1)...]
    }
    out.append(Data(rest))
    while out.count < count { out.append(Data()) }
    return out
  }

  static func write(_ data: Data, _ path: String) {
    FileManager.default.createFile(atPath: path, contents: data)
  }

  static func reset(_ dir: String) {
    let fm = FileManager.default
    for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] {
      try? fm.removeItem(atPath: (dir as NSString).appendingPathComponent(name))
    }
  }
}
