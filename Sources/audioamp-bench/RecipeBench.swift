import AudioAmpKit
import Foundation

/// Whole `audioamp mix` processes for every shipped recipe and for each codec alone, on a corpus
/// of varied utterance lengths, on one core (`taskset -c 0`) and on all cores; beside them the
/// bare codec encode+decode bound (the codec libraries' own calls on the same files already at
/// 8 kHz, measured in a pinned child process in the same run) and SoX's GSM and AMR-NB round
/// trips on the same files, one pinned process pair per file.
///
/// Every mix run must exit 0 and write one manifest line per utterance; a run that does not
/// stops the benchmark, so a fast but broken build cannot pass for an improvement.
enum RecipeBench {
  /// One timed configuration.
  struct Row {
    var name: String
    var oneCore: Double?
    var allCores: Double?
    /// Realtime factor on the child's CPU time (user + system) instead of wall time, 1 core.
    var oneCoreCPU: Double?
    var note: String = ""
  }

  /// Utterance length of file `i`, seconds: spread evenly over 3–15 s by the golden-ratio
  /// sequence (deterministic, no two neighbours alike), rounded to 10 ms.
  static func lengthSeconds(_ i: Int) -> Double {
    let u = (Double(i) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1)
    return ((3 + 12 * u) * 100).rounded() / 100
  }

  /// Writes `files` utterances of varied length (3–15 s) from the bundled sample speech into
  /// `dir`, with a manifest; returns the total duration in seconds.
  static func makeCorpus(dir: String, files: Int, speech: [[Float]], rate: Int) throws -> Double {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var manifest = ""
    var total = 0
    for i in 0..<files {
      let n = Int(lengthSeconds(i) * Double(rate))
      var x = [Float]()
      var k = i * 5
      while x.count < n {
        x += speech[k % speech.count]
        k += 1
      }
      let name = String(format: "var%04d", i)
      try SoundFile.writeWAV16(Array(x.prefix(n)), sampleRate: rate, to: "\(dir)/\(name).wav")
      manifest += #"{"audio_filepath": "\#(name).wav", "text": "bench", "id": "\#(name)"}"# + "\n"
      total += n
    }
    try manifest.write(toFile: "\(dir)/manifest.jsonl", atomically: true, encoding: .utf8)
    return Double(total) / Double(rate)
  }

  /// The `audioamp` executable built beside this benchmark.
  static func audioampPath() throws -> String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.deletingLastPathComponent()
    let path = dir.appendingPathComponent("audioamp").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw BenchError("audioamp not found at \(path); build it first: swift build -c release")
    }
    return path
  }

  /// Runs the section and prints its table.
  static func report(bench: Bench, files: Int, rate: Int) throws {
    let work = bench.work + "/varied"
    let speech = try bench.loadSampleSpeech(rate: rate)
    let total = try makeCorpus(dir: work + "/corpus", files: files, speech: speech, rate: rate)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let audioamp = try audioampPath()
    let taskset = bench.which("taskset")
    print(
      "\n-- whole `audioamp mix` processes: \(files) files of 3-15 s (\(String(format: "%.1f", total / 60)) min), 1 variant, 16 kHz WAV in and out, median of \(bench.repeats)"
    )
    print("   1 core: taskset -c 0, --jobs 1; \(cores) cores: --jobs \(cores). Realtime factor = audio seconds / wall seconds.")
    if taskset == nil { print("   (taskset not found: the 1-core runs are not pinned)") }

    var lastCPU = 0.0
    func mix(_ recipe: String, jobs: Int, pinned: Bool) throws -> Double {
      let out = "\(work)/out"
      var args = [
        "mix", "--recipe", recipe, "--input", "\(work)/corpus/manifest.jsonl", "--output", out,
        "--variants", "1", "--seed", "1", "--jobs", "\(jobs)", "--overwrite", "--quiet",
      ]
      var exe = audioamp
      if let taskset {
        args = ["-c", pinned ? "0" : "0-\(cores - 1)", audioamp] + args
        exe = taskset
      }
      var times: [Double] = []
      var cpu: [Double] = []
      for _ in 0..<bench.repeats {
        // A fresh folder each time: mix resumes a finished run with the same settings.
        try? FileManager.default.removeItem(atPath: out)
        let c0 = childCPUSeconds()
        let t0 = Date()
        try bench.shell(exe, args)
        times.append(Date().timeIntervalSince(t0))
        cpu.append(childCPUSeconds() - c0)
        let lines = try String(contentsOfFile: "\(out)/manifest.jsonl", encoding: .utf8).split(separator: "\n").count
        guard lines == files else { throw BenchError("\(recipe): \(lines) manifest lines for \(files) utterances") }
      }
      lastCPU = total / bench.median(cpu)
      return total / bench.median(times)
    }

    var rows: [Row] = []
    let recipes = try FileManager.default.contentsOfDirectory(atPath: "recipes").filter { $0.hasSuffix(".yaml") }.sorted()
    for r in recipes {
      // A recipe this corpus cannot serve (e.g. babble needs several speakers) is reported, not
      // fatal, so the rest of the table still comes out.
      do {
        let one = try mix("recipes/\(r)", jobs: 1, pinned: true)
        let oneCPU = lastCPU
        rows.append(Row(name: "recipes/\(r)", oneCore: one, allCores: try mix("recipes/\(r)", jobs: cores, pinned: false), oneCoreCPU: oneCPU))
        print(format(rows.last!, cores: cores))
      } catch {
        print(pad("recipes/\(r)", 60) + "failed on this corpus: \(error)")
      }
    }

    // Each codec alone, and the floor every recipe pays (read, identity effect, write, manifest).
    let alone: [(String, String)] = [
      ("read + write only (gain 0 dB: identity)", "  - gain: {db: 0}"),
      ("kernel pipeline: noise + band_limit + speed 1.1 + pitch +2", "  - noise: {category: cell-phone, snr_db: 10}\n  - band_limit: {low_hz: 300, high_hz: 3400}\n  - speed: {factor: 1.1}\n  - pitch: {semitones: 2}"),
      ("codec g711 a-law", "  - codec: {name: g711, law: a}"),
      ("codec gsm-fr", "  - codec: {name: gsm-fr}"),
      ("codec amr-nb 12.2", "  - codec: {name: amr-nb, mode: 12.2}"),
      ("codec opus nb 12 kbit/s (complexity \(OpusCodec.defaultComplexity))", "  - codec: {name: opus, bandwidth: narrowband, bitrate_kbps: 12}"),
    ]
    var aloneRTF: [String: Double] = [:]
    var aloneCPU: [String: Double] = [:]
    for (i, (name, effects)) in alone.enumerated() {
      let path = "\(work)/alone\(i).yaml"
      try "sample_rate: 16000\neffects:\n\(effects)\n".write(toFile: path, atomically: true, encoding: .utf8)
      let one = try mix(path, jobs: 1, pinned: true)
      let oneCPU = lastCPU
      aloneRTF[name] = one
      aloneCPU[name] = oneCPU
      rows.append(Row(name: name, oneCore: one, allCores: i < 2 ? try mix(path, jobs: cores, pinned: false) : nil, oneCoreCPU: oneCPU))
      print(format(rows.last!, cores: cores))
    }

    // The bare bound, in a pinned child so that it runs on the same core as the 1-core mixes.
    print("\n-- bare codec encode+decode on the same files at 8 kHz (library calls only, 1 core pinned, median of \(bench.repeats))")
    let child = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    var childArgs = ["--codec-bound-probe", "--work", bench.work, "--files", "\(files)", "--repeats", "\(bench.repeats)"]
    var childExe = child
    if let taskset {
      childArgs = ["-c", "0", child] + childArgs
      childExe = taskset
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: childExe)
    p.arguments = childArgs
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw BenchError("codec bound probe failed") }
    let pairs: [(String, String)] = [
      ("g711-a", "codec g711 a-law"), ("gsm-fr", "codec gsm-fr"), ("amr-nb-12.2", "codec amr-nb 12.2"),
      ("opus-nb-12-c\(OpusCodec.defaultComplexity)", "codec opus nb 12 kbit/s (complexity \(OpusCodec.defaultComplexity))"),
    ]
    for line in text.split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count == 3, let rtf = Double(f[1]), let cpu = Double(f[2]) else { continue }
      let key = String(f[0])
      var note = ""
      if let mixName = pairs.first(where: { $0.0 == key })?.1, let m = aloneCPU[mixName] {
        note = String(format: "  whole mix of this codec alone, on CPU time: %.0f%% of this bound", 100 * m / cpu)
      }
      print(pad("bound " + key, 60) + String(format: "%9.0f× wall  [on CPU time: %.0f×]", rtf, cpu) + note)
    }

    // SoX round trips: 16 kHz WAV → 8 kHz codec file → 16 kHz WAV, two pinned processes per file.
    guard let sox = bench.which("sox"), !bench.noSox else { return }
    print("\n-- SoX round trips on the same files (16 kHz → codec at 8 kHz → 16 kHz, two processes per file, 1 core pinned)")
    for (name, type, extra) in [("gsm", "gsm", [String]()), ("amr-nb 12.2", "amr-nb", ["-C", "7"])] {
      var times: [Double] = []
      var cpu: [Double] = []
      for _ in 0..<bench.repeats {
        let c0 = childCPUSeconds()
        let t0 = Date()
        for i in 0..<files {
          let base = String(format: "var%04d", i)
          let coded = "\(work)/sox.\(type)"
          var a = ["\(work)/corpus/\(base).wav", "-r", "8000", "-t", type] + extra + [coded]
          var b = ["-t", type, coded, "-r", "16000", "-b", "16", "\(work)/sox-out.wav"]
          var exe = sox
          if let taskset {
            a = ["-c", "0", sox] + a
            b = ["-c", "0", sox] + b
            exe = taskset
          }
          try bench.shell(exe, a)
          try bench.shell(exe, b)
        }
        times.append(Date().timeIntervalSince(t0))
        cpu.append(childCPUSeconds() - c0)
      }
      let rtf = total / bench.median(times)
      let rtfCPU = total / bench.median(cpu)
      let oursName = type == "gsm" ? "codec gsm-fr" : "codec amr-nb 12.2"
      print(
        pad("sox \(name) round trip", 60)
          + String(
            format: "%9.0f× wall  [on CPU time: %.0f×]  audioamp mix of the codec alone: %.2f× this wall, %.2f× on CPU time", rtf, rtfCPU,
            (aloneRTF[oursName] ?? 0) / rtf, (aloneCPU[oursName] ?? 0) / rtfCPU))
    }
  }

  /// User + system CPU seconds of all waited-for children so far (a shared machine steals
  /// wall time from a pinned run; CPU time shows what the run itself cost).
  static func childCPUSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &u)
    #else
      getrusage(RUSAGE_CHILDREN, &u)
    #endif
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
  }

  /// User + system CPU seconds of this process so far.
  static func selfCPUSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
      getrusage(RUSAGE_SELF, &u)
    #endif
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
  }

  static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

  static func format(_ r: Row, cores: Int) -> String {
    let one = r.oneCore.map { String(format: "%9.0f×", $0) } ?? String(repeating: " ", count: 10)
    let all = r.allCores.map { String(format: "%9.0f× on %d cores", $0, cores) } ?? ""
    let scale = (r.oneCore != nil && r.allCores != nil) ? String(format: "  (%.2f× the 1-core figure)", r.allCores! / r.oneCore!) : ""
    let cpu = r.oneCoreCPU.map { String(format: "  [1 core on CPU time: %.0f×]", $0) } ?? ""
    return pad(r.name, 60) + one + " 1 core " + all + scale + cpu + (r.note.isEmpty ? "" : "  " + r.note)
  }

  /// Child side of the bound: loads the varied corpus, converts it to 8 kHz 16-bit (not timed),
  /// then times each codec's encode+decode over every frame of every file, a fresh codec per
  /// file as in a mix; prints `key realtime` lines.
  static func codecBound(work: String, files: Int, repeats: Int) throws {
    let dir = work + "/varied/corpus"
    var pcm: [[Int16]] = []
    var total = 0.0
    for i in 0..<files {
      let x = try AudioLoader.load(path: String(format: "%@/var%04d.wav", dir, i), sampleRate: 16000).samples
      let y = HalfbandResampler.decimate(x)
      pcm.append(y.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) })
      total += Double(x.count) / 16000
    }
    let makers: [(String, () throws -> SpeechCodec)] = [
      ("g711-a", { G711Codec(law: .a) }),
      ("gsm-fr", { try GSMCodec() }),
      ("amr-nb-12.2", { try AMRNBCodec(dtx: false) { _ in 7 } }),
      ("opus-nb-12-c0", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: 0) }),
      ("opus-nb-12-c\(OpusCodec.defaultComplexity)", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12) }),
      ("opus-nb-12-c10", { try OpusCodec(bandwidth: .narrowband, bitrateKbps: 12, complexity: 10) }),
    ]
    for (key, make) in makers {
      var times: [Double] = []
      var cpuTimes: [Double] = []
      var checksum = 0
      for _ in 0..<repeats {
        let c0 = selfCPUSeconds()
        let t0 = Date()
        for x in pcm {
          let codec = try make()
          let size = codec.frameSize
          var packet = [UInt8](repeating: 0, count: codec.maxPacketBytes)
          var out = [Int16](repeating: 0, count: size)
          try x.withUnsafeBufferPointer { xp in
            try packet.withUnsafeMutableBufferPointer { kp in
              try out.withUnsafeMutableBufferPointer { op in
                var f = 0
                while (f + 1) * size <= xp.count {
                  let n = try codec.encode(UnsafeBufferPointer(rebasing: xp[f * size..<(f + 1) * size]), frameIndex: f, into: kp)
                  try codec.decode(UnsafeBufferPointer(rebasing: kp[0..<n]), into: op)
                  checksum &+= Int(op[size / 2])
                  f += 1
                }
              }
            }
          }
        }
        times.append(Date().timeIntervalSince(t0))
        cpuTimes.append(selfCPUSeconds() - c0)
      }
      let s = times.sorted()
      let c = cpuTimes.sorted()
      print("\(key) \(total / s[s.count / 2]) \(total / c[c.count / 2])")
      if checksum == Int.min { print("") }  // keeps the decoded output live
    }
  }
}

/// A benchmark failure, with what went wrong.
struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}
