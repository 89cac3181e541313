import ArgumentParser
import AudioAmpKit
import Foundation

/// Sharded output cost: whole `mix` runs (fresh processes, pinned to one core when `taskset` is
/// there) writing FLAC into WebDataset shards beside the same run writing loose 16-bit WAV files,
/// interleaved repeat by repeat so machine noise hits both alike; medians and peak memory.
enum ShardBench {
  /// Runs the comparison on the bench corpus `manifest` with `recipe`s (name, file), in `work`.
  static func report(manifest: String, recipes: [(String, String)], work: String, repeats: Int, totalSeconds: Double, bench: Bench) throws {
    print("\n-- sharded output: FLAC in WebDataset shards vs loose WAV files (whole mix processes, 1 job\(taskset != nil ? ", taskset -c 0" : ""), median of \(repeats))")
    for (name, recipe) in recipes {
      var wav: [Double] = [], wds: [Double] = []
      var wavMB = 0.0, wdsMB = 0.0
      for _ in 0..<repeats {
        for format in ["jsonl", "webdataset"] {
          let out = "\(work)/shard-bench-\(format)"
          try? FileManager.default.removeItem(atPath: out)
          let (wall, mb, outputs) = try probe(format: format, manifest: manifest, recipe: recipe, output: out)
          guard outputs > 0 else { throw ValidationError("shard bench: \(format) wrote no outputs") }
          if format == "jsonl" {
            wav.append(wall)
            wavMB = max(wavMB, mb)
          } else {
            wds.append(wall)
            wdsMB = max(wdsMB, mb)
          }
        }
      }
      let (a, b) = (bench.median(wav), bench.median(wds))
      print(bench.pad("\(name): loose WAV", 48) + String(format: "%9.0f× realtime  (median wall %.2f s, peak RSS %.0f MB)", totalSeconds / a, a, wavMB))
      print(bench.pad("\(name): FLAC in WebDataset shards", 48) + String(format: "%9.0f× realtime  (median wall %.2f s, peak RSS %.0f MB)", totalSeconds / b, b, wdsMB))
      print(bench.pad("\(name): shards / loose WAV wall time", 48) + String(format: "%9.3f×", b / a))
    }
  }

  static let taskset: String? = ["/usr/bin/taskset", "/bin/taskset"].first { FileManager.default.isExecutableFile(atPath: $0) }

  /// One `mix` in a fresh process (this executable with `--shard-probe`): wall seconds, peak
  /// resident MB and outputs written.
  static func probe(format: String, manifest: String, recipe: String, output: String) throws -> (Double, Double, Int) {
    let p = Process()
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let args = ["--shard-probe", format, "--shard-probe-input", manifest, "--shard-probe-recipe", recipe, "--work", output]
    if let taskset {
      p.executableURL = URL(fileURLWithPath: taskset)
      p.arguments = ["-c", "0", me] + args
    } else {
      p.executableURL = URL(fileURLWithPath: me)
      p.arguments = args
    }
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let f = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    guard p.terminationStatus == 0, f.count == 3 else { throw ValidationError("shard probe failed: \(out)") }
    return (f[0], f[1], Int(f[2]))
  }

  /// Child side: one mix run, then "wall_s peak_MB outputs" on stdout. For webdataset, checks
  /// that the shards hold every output (a tar member per audio and per metadata file).
  static func probeRun(format: String, manifest: String, recipe: String, output: String) throws {
    var o = MixOptions(recipePath: recipe, inputPath: manifest, outputDirectory: output)
    o.outputFormat = OutputFormat(rawValue: format)
    o.jobs = 1
    o.overwrite = true
    o.shardOptions.maxBytes = 64_000_000
    let t0 = Date()
    let s = try MixJob.run(o)
    let wall = Date().timeIntervalSince(t0)
    if format == "webdataset" {
      let tars = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []).filter { $0.hasSuffix(".tar") }
      var members = 0
      for t in tars { members += try CorpusFormat.reader(for: output + "/" + t).entries().reduce(0) { n, _ in n + 1 } }
      guard members == s.outputs else { throw ValidationError("shards hold \(members) samples, expected \(s.outputs)") }
    }
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let kb = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.flatMap { line in
      line.split(separator: " ").compactMap { Double($0) }.first
    } ?? 0
    print(String(format: "%.4f %.1f %d", wall, kb / 1024, s.outputs))
  }
}
