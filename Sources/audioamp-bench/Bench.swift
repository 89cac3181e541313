import ArgumentParser
import AudioAmpKit
import Foundation

/// Realtime factors (seconds of audio per second of wall time) for each effect and for the whole
/// phone pipeline, on one core and on all, beside SoX doing the same work on the same files in the
/// same run. Run as a release build: `make bench`.
@main
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audioamp-bench",
    abstract: "Measure audioamp's realtime factor per effect and for the phone pipeline, beside SoX.")

  @Option(help: "Files in the benchmark corpus.") var files = 200
  @Option(help: "Seconds per file.") var seconds = 9.6
  @Option(help: "Timed repeats; the median is reported.") var repeats = 3
  @Option(help: "Work folder (recreated).") var work = "bench-out"
  @Flag(help: "Skip the SoX comparison.") var noSox = false
  @Flag(help: "Skip the per-kernel figures.") var noKernels = false
  @Flag(help: "Skip the memory and plan figures.") var noBatch = false
  @Flag(help: "Skip the whole-process recipe, codec-alone, bound and SoX round-trip figures.") var noRecipes = false
  @Flag(help: "Run only the whole-process recipe section (with its bound and SoX figures).") var recipesOnly = false
  @Option(help: "Files of 3-15 s in the varied-length corpus of the recipe section.") var recipeFiles = 60
  @Flag(help: "Skip the room (RIR synthesis, reverb) figures.") var noRooms = false
  @Flag(help: "Run only the room figures (RIRs/s beside pyroomacoustics, reverb realtime factor).") var roomsOnly = false
  @Option(help: "Rooms synthesized by audioamp in the room figures.") var rooms = 100
  @Option(help: "Of those, rooms also given to pyroomacoustics (it takes about a second each).") var praRooms = 10
  @Option(help: .hidden) var memoryProbe: Int?
  @Flag(help: "Skip the sharded-output figures.") var noShards = false
  @Option(help: .hidden) var shardProbe: String?
  @Option(help: .hidden) var shardProbeInput: String?
  @Option(help: .hidden) var shardProbeRecipe: String?
  @Flag(help: .hidden) var codecBoundProbe = false

  func run() throws {
    if let n = memoryProbe { return try memoryProbeRun(utterances: n) }
    if codecBoundProbe { return try RecipeBench.codecBound(work: work, files: files, repeats: repeats) }
    if let f = shardProbe {
      return try ShardBench.probeRun(format: f, manifest: shardProbeInput ?? "", recipe: shardProbeRecipe ?? "", output: work)
    }
    if roomsOnly { return try roomFigures() }
    let fm = FileManager.default
    try? fm.removeItem(atPath: work)
    try fm.createDirectory(atPath: work + "/corpus", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: work + "/noise", withIntermediateDirectories: true)
    let rate = 16000
    print("audioamp-bench \(AudioAmpVersion.string)")
    print("machine: \(machineDescription())")
    printBuild()
    print("sample rate: \(rate) Hz, corpus: \(files) files × \(seconds) s = \(String(format: "%.1f", Double(files) * seconds / 60)) min, repeats: \(repeats) (medians)")

    if recipesOnly { return try RecipeBench.report(bench: self, files: recipeFiles, rate: rate) }

    // Corpus: the bundled sample speech, concatenated into files of the asked length.
    let speech = try loadSampleSpeech(rate: rate)
    let perFile = Int(seconds * Double(rate))
    var manifest = ""
    for i in 0..<files {
      var x = [Float]()
      var k = i * 7
      while x.count < perFile {
        x += speech[k % speech.count]
        k += 1
      }
      let name = String(format: "utt%04d", i)
      try SoundFile.writeWAV16(Array(x.prefix(perFile)), sampleRate: rate, to: "\(work)/corpus/\(name).wav")
      manifest += #"{"audio_filepath": "\#(name).wav", "text": "bench", "id": "\#(name)"}"# + "\n"
    }
    try manifest.write(toFile: "\(work)/corpus/manifest.jsonl", atomically: true, encoding: .utf8)
    let noise = try AudioLoader.load(path: "noise-library/" + firstNoiseFile(category: "cell-phone"), sampleRate: rate)
    try SoundFile.writeWAV16(noise.samples, sampleRate: rate, to: "\(work)/noise/noise.wav")
    let totalSeconds = Double(files * perFile) / Double(rate)

    if !noKernels {
      print("\n-- kernels (in memory, one core, median of \(repeats))")
      for row in KernelBench.run(audioSeconds: 60, repeats: repeats) {
        print(pad(row.name, 48) + String(format: "%9.0f× realtime  ", row.realtimeFactor) + row.detail)
      }
      try CodecBench.report(repeats: repeats)
    }
    if !noRooms { try roomFigures() }
    try effectFigures(corpus: "\(work)/corpus", files: files, rate: rate, totalSeconds: totalSeconds)
    try ProfileBench.report(speech: speech, corpus: "\(work)/corpus", repeats: repeats)

    // The phone pipeline through the real CLI code path (read, effects, write, manifest).
    let recipe = """
      sample_rate: 16000
      variants: 1
      effects:
        - noise: {dir: \(work)/noise, snr_db: 10}
        - band_limit: {low_hz: 300, high_hz: 3400}
        - speed: {factor: 1.1}
        - pitch: {semitones: 2}
      """
    try recipe.write(toFile: "\(work)/phone-bench.yaml", atomically: true, encoding: .utf8)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("\n-- phone pipeline: noise + band_limit 300-3400 + speed 1.1 + pitch +2 st, 16 kHz WAV in and out")
    var ours1 = 0.0
    for jobs in Array(Set([1, cores])).sorted() {
      var times: [Double] = []
      for r in 0..<repeats {
        var o = MixOptions(recipePath: "\(work)/phone-bench.yaml", inputPath: "\(work)/corpus/manifest.jsonl", outputDirectory: "\(work)/out-\(jobs)")
        o.jobs = jobs
        o.overwrite = true
        o.seed = UInt64(r)
        let t0 = Date()
        let s = try MixJob.run(o)
        times.append(Date().timeIntervalSince(t0))
        guard s.outputs == files, s.failures == 0 else { throw ValidationError("pipeline wrote \(s.outputs) of \(files) outputs") }
        // Length check: speed 1.1 → n / 1.1 samples (±1) in every output.
        let out = try SoundFile(readingFrom: "\(work)/out-\(jobs)/audio/utt0000__v0.wav")
        let want = Int((Double(perFile) / 1.1).rounded())
        guard abs(out.info.frames - want) <= 1 else { throw ValidationError("output length \(out.info.frames), expected \(want)") }
      }
      let rtf = totalSeconds / median(times)
      if jobs == 1 { ours1 = rtf }
      print(pad("audioamp, \(jobs) job\(jobs == 1 ? "" : "s")", 48) + String(format: "%9.0f× realtime  (median wall %.2f s)", rtf, median(times)))
    }

    if !noShards {
      try "effects:\n  - gain: {db: -1}\n".write(toFile: "\(work)/gain-bench.yaml", atomically: true, encoding: .utf8)
      try ShardBench.report(
        manifest: "\(work)/corpus/manifest.jsonl",
        recipes: [("gain only", "\(work)/gain-bench.yaml"), ("phone pipeline", "\(work)/phone-bench.yaml")],
        work: work, repeats: repeats, totalSeconds: totalSeconds, bench: self)
    }

    if !noBatch {
      try planAccuracy(work: work, totalSeconds: totalSeconds, jobs: cores)
      try memoryFigures()
    }
    if !noRecipes { try RecipeBench.report(bench: self, files: recipeFiles, rate: rate) }

    if !noSox {
      guard let sox = which("sox") else {
        print("sox: not installed (apt-get install sox) — comparison skipped")
        return
      }
      // SoX gets each noise segment pre-cut to the utterance's length (not timed), one process per file.
      for i in 0..<files {
        let name = String(format: "utt%04d", i)
        let off = Double((i * 7919) % max(1, noise.count - perFile)) / Double(rate)
        try shell(sox, ["\(work)/noise/noise.wav", "\(work)/noise/\(name).wav", "trim", String(format: "%.4f", off), String(format: "%.4f", seconds)])
      }
      try fm.createDirectory(atPath: "\(work)/sox-out", withIntermediateDirectories: true)
      var times: [Double] = []
      for _ in 0..<repeats {
        let t0 = Date()
        for i in 0..<files {
          let name = String(format: "utt%04d", i)
          try shell(sox, ["-m", "\(work)/corpus/\(name).wav", "-v", "0.3", "\(work)/noise/\(name).wav", "-b", "16", "\(work)/sox-out/\(name).wav", "sinc", "300-3400", "speed", "1.1", "pitch", "200"])
        }
        times.append(Date().timeIntervalSince(t0))
      }
      let soxRTF = totalSeconds / median(times)
      print(pad("sox -m, sinc 300-3400, speed 1.1, pitch 200", 48) + String(format: "%9.0f× realtime  (median wall %.2f s; one process per file, one at a time)", soxRTF, median(times)))
      print(pad("ratio audioamp (1 job) / sox", 48) + String(format: "%9.2f×", ours1 / soxRTF))
    }
  }

  /// Each effect through the real Effect API on the whole corpus in memory, one core; then
  /// reading and writing the WAV files alone.
  func effectFigures(corpus: String, files: Int, rate: Int, totalSeconds: Double) throws {
    print("\n-- effects through the Effect API on the corpus in memory (one core, median of \(repeats))")
    let paths = (0..<files).map { String(format: "%@/utt%04d.wav", corpus, $0) }
    var audio: [AudioBuffer] = []
    let readTime = try time { audio = try paths.map { try AudioLoader.load(path: $0, sampleRate: rate) } }
    let noise = NoiseMix(pools: [.init(weight: 1, files: try NoiseLibrary(root: "noise-library").files(in: "cell-phone"))], snrDB: .constant(10))
    func run<E: Effect>(_ name: String, _ effect: E, check: (Int, Int) -> Bool) throws {
      var outCount = 0
      let t = try time {
        outCount = 0
        for (i, a) in audio.enumerated() {
          var rng = UtteranceRNG(seed: 1, utteranceID: "utt\(i)", variant: 0)
          let ctx = EffectContext(utterance: Utterance(id: "utt\(i)", audioPath: paths[i], text: "", origin: "bench"), sampleRate: rate, sampleCount: a.count)
          let p = try effect.draw(ctx, using: &rng)
          let out = try effect.apply(p, to: a)
          guard check(a.count, out.audio.count) else { throw ValidationError("\(name): output length \(out.audio.count) for input \(a.count)") }
          outCount += 1
        }
      }
      print(pad(name, 48) + String(format: "%9.0f× realtime", totalSeconds / t))
    }
    try run("noise (cell-phone FLAC seek+decode, mix)", noise) { $0 == $1 }
    try run("band_limit 300-3400 Hz", BandLimit(lowHz: .constant(300), highHz: .constant(3400))) { $0 == $1 }
    try run("speed 1.1", SpeedChange(factor: .constant(1.1))) { abs(Int((Double($0) / 1.1).rounded()) - $1) <= 1 }
    try run("speed uniform [0.9, 1.1]", SpeedChange(factor: .uniform(0.9, 1.1))) { abs(Double($0) / Double($1) - 1) < 0.12 }
    try run("pitch +2 semitones", PitchShift(semitones: .constant(2))) { $0 == $1 }
    try run("pitch uniform [-2, 2]", PitchShift(semitones: .uniform(-2, 2))) { $0 == $1 }
    try run("tempo 1.1", TempoChange(factor: .constant(1.1))) { abs(Int((Double($0) / 1.1).rounded()) - $1) <= 1 }
    try run("gain +3 dB", Gain(db: .constant(3))) { $0 == $1 }
    print(pad("read 16 kHz WAV (libsndfile)", 48) + String(format: "%9.0f× realtime", totalSeconds / readTime))
    let dir = corpus + "/../write-test"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let writeTime = try time {
      for (i, a) in audio.enumerated() { try SoundFile.writeWAV16(a.samples, sampleRate: rate, to: "\(dir)/\(i).wav") }
    }
    print(pad("write 16-bit WAV (temp + rename)", 48) + String(format: "%9.0f× realtime", totalSeconds / writeTime))
  }

  /// `plan`'s time estimate beside the real run it predicts (same corpus, recipe and jobs).
  func planAccuracy(work: String, totalSeconds: Double, jobs: Int) throws {
    var o = MixOptions(recipePath: "\(work)/phone-bench.yaml", inputPath: "\(work)/corpus/manifest.jsonl", outputDirectory: "\(work)/out-plan")
    o.jobs = jobs
    o.overwrite = true
    let plan = try PlanJob.run(o)
    let t0 = Date()
    _ = try MixJob.run(o)
    let real = Date().timeIntervalSince(t0)
    print(pad("\n-- plan vs real run (\(jobs) jobs)", 48))
    print(String(format: "plan: %.2f s estimated (calibrated on %d utterances, %.0f× realtime per core); real: %.2f s; estimate/real = %.2f", plan.wallSeconds, plan.calibrationUtterances, plan.realtimePerCore, real, plan.wallSeconds / real))
  }

  /// Peak memory of a whole `mix` run at 1,000 and 10,000 utterances, each in a fresh process.
  func memoryFigures() throws {
    print("\n-- peak memory (max RSS of a fresh process running mix: gain only, 0.5 s utterances, 1 job)")
    for n in [1000, 10000] {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
      p.arguments = ["--memory-probe", "\(n)", "--work", work + "/mem"]
      let pipe = Pipe()
      p.standardOutput = pipe
      try p.run()
      let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      print(pad("\(n) utterances", 48) + out.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  /// Child side of `memoryFigures`: runs mix on `utterances` generated entries and prints its
  /// own peak resident set.
  func memoryProbeRun(utterances n: Int) throws {
    let dir = work + "-\(n)"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try SoundFile.writeWAV16((0..<8000).map { Float(sin(Double($0) * 0.05) * 0.3) }, sampleRate: 16000, to: dir + "/a.wav")
    var m = ""
    for i in 0..<n { m += #"{"audio_filepath": "a.wav", "text": "t \#(i)", "id": "u\#(i)"}"# + "\n" }
    try m.write(toFile: dir + "/m.jsonl", atomically: true, encoding: .utf8)
    try "effects:\n  - gain: {db: 1}\n".write(toFile: dir + "/r.yaml", atomically: true, encoding: .utf8)
    var o = MixOptions(recipePath: dir + "/r.yaml", inputPath: dir + "/m.jsonl", outputDirectory: dir + "/out")
    o.outputFormat = .kaldi
    let t0 = Date()
    let s = try MixJob.run(o)
    var u = rusage()
    #if os(Linux)
      // VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child would
      // report its parent's peak; VmHWM belongs to the new address space exec made.
      _ = u
      let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
      let kb = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.flatMap { line in
        line.split(separator: " ").compactMap { Double($0) }.first
      } ?? 0
      let mb = kb / 1024
    #else
      getrusage(RUSAGE_SELF, &u)
      let mb = Double(u.ru_maxrss) / 1_048_576  // bytes on macOS
    #endif
    print(String(format: "%6.1f MB peak RSS, %d outputs in %.1f s (kaldi tables sorted on disk)", mb, s.outputs, Date().timeIntervalSince(t0)))
    try? FileManager.default.removeItem(atPath: dir)
  }

  /// Median wall time of `repeats` runs of `body`.
  func time(_ body: () throws -> Void) throws -> Double {
    var t: [Double] = []
    for _ in 0..<repeats {
      let t0 = Date()
      try body()
      t.append(Date().timeIntervalSince(t0))
    }
    return median(t)
  }

  /// The room figures (RoomBench), with the peer-tool interpreter if there is one.
  /// The build type and the resampler kernels' instruction set (same bits, different speed).
  func printBuild() {
    #if DEBUG
      print("build: DEBUG (figures are not meaningful; use -c release)")
    #else
      print("build: release, resampler kernels: \(DSPKernels.instructionSet)")
    #endif
  }

  func roomFigures() throws {
    if roomsOnly {
      print("audioamp-bench \(AudioAmpVersion.string), machine: \(machineDescription())")
      printBuild()
    }
    let env = ProcessInfo.processInfo.environment["AUDIOAMP_PYTHON"]
    let python = [env, ".venv/bin/python3"].compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    try RoomBench.report(repeats: repeats, rooms: rooms, praRooms: praRooms, python: python)
    try RoomBench.reverbFigures(repeats: repeats)
  }

  func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

  func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }

  func loadSampleSpeech(rate: Int) throws -> [[Float]] {
    let text = try String(contentsOfFile: "corpus/manifest.jsonl", encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let v = try JSONValue.parse(String(line))
      return try AudioLoader.load(path: "corpus/" + v["audio_filepath"]!.stringValue!, sampleRate: rate).samples
    }
  }

  func firstNoiseFile(category: String) throws -> String {
    let lib = try NoiseLibrary(root: "noise-library")
    return try lib.files(in: category)[0].name
  }

  func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
      let p = "\(dir)/\(tool)"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  func shell(_ exe: String, _ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ValidationError("\(exe) \(args.joined(separator: " ")) failed") }
  }

  func machineDescription() -> String {
    var model = "unknown CPU"
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
    {
      model = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? model
    }
    var u = utsname()
    uname(&u)
    let machine = withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(machine), \(ProcessInfo.processInfo.operatingSystemVersionString)"
  }
}
