import ArgumentParser
import AudioAmpKit
import Foundation

struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Measure the target domain blindly, write its profile, fit a recipe to it, or compare two sets.",
    discussion: """
      Measures every recording (no transcripts, no clean reference): active speech level \
      (P.56), SNR (speech/noise frames, and WADA), band edges, narrowband and likely codec \
      family (telephone, GSM, MP3), clipping, DC, hum, blind RT60 and C50, the noise-only \
      frames' statistics and nearest noise-library category, speaking rate and duration. The \
      profile holds each measure's distribution (quantiles and histogram) and every file's values.

      Examples:
        audioamp profile target-audio/ --sample 500 --out profile.json     # also writes profile.html
        audioamp profile target-audio/ --recipe-out recipes/fitted.yaml --source corpus/manifest.jsonl
        audioamp profile --compare profile.json out/                       # target vs augmented set
        audioamp profile --compare profile.json out/ --json

      The input is a corpus in any format 'mix' reads, a folder of audio files or one file; \
      --compare takes two profiles or inputs (an input is profiled first).
      """)

  @Argument(help: ArgumentHelp("Corpus, audio folder or file; with --compare, two profiles or inputs.", valueName: "input"))
  var inputs: [String]

  @Option(help: "Measure at most this many utterances, chosen by a fixed hash of their ids.")
  var sample: Int?

  @Option(help: "Seed of the --sample choice.")
  var seed: UInt64 = 0

  @Option(help: "Write the profile as JSON here (and an HTML page of histograms beside it).")
  var out: String?

  @Option(name: .customLong("recipe-out"), help: "Write a recipe fitted to the profile here.")
  var recipeOut: String?

  @Option(name: .customLong("source-level"), help: "Active speech level of the clean sources the fitted recipe will run on, dBFS.")
  var sourceLevel: Double = -26

  @Option(help: "Clean corpus the fitted recipe will run on: its median active level replaces --source-level.")
  var source: String?

  @Option(name: .customLong("noise-dir"), help: "Noise library whose categories the noise hint names (default: noise-library if present).")
  var noiseDir: String?

  @Option(help: "Worker threads (results do not depend on it).")
  var jobs: Int = 1

  @Flag(help: "Compare two profiles (or inputs): per measure KS and Wasserstein-1 distances.")
  var compare = false

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func validate() throws {
    if compare {
      guard inputs.count == 2 else { throw ValidationError("--compare takes two profiles or inputs, got \(inputs.count)") }
      if recipeOut != nil { throw ValidationError("--recipe-out cannot be used with --compare") }
    } else {
      guard inputs.count == 1 else { throw ValidationError("give one input to profile (or use --compare with two)") }
    }
    for f in inputs where !FileManager.default.fileExists(atPath: f) {
      throw ValidationError("\(f): no such file or folder")
    }
    if let s = sample, s < 1 { throw ValidationError("--sample must be at least 1, got \(s)") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let s = source, !FileManager.default.fileExists(atPath: s) {
      throw ValidationError("--source \(s): no such file or folder")
    }
    if let d = noiseDir, !FileManager.default.fileExists(atPath: d) {
      throw ValidationError("--noise-dir \(d): no such folder")
    }
  }

  func run() throws {
    if compare {
      let a = try profileOrLoad(inputs[0]), b = try profileOrLoad(inputs[1])
      let c = ProfileComparison(a, b)
      print(json ? c.json.serialized : c.text)
      if let out {
        try ProfileReport.html(a, against: b).write(toFile: out, atomically: true, encoding: .utf8)
        warn("comparison page: \(out)")
      }
      return
    }
    let p = try profile(inputs[0])
    if let out {
      try (p.json.serialized + "\n").write(toFile: out, atomically: true, encoding: .utf8)
      let page = ((out as NSString).deletingPathExtension) + ".html"
      try ProfileReport.html(p).write(toFile: page, atomically: true, encoding: .utf8)
      warn("profile: \(out), histograms: \(page)")
    }
    if let recipeOut {
      var options = RecipeFit.Options()
      options.sourceLevelDBFS = sourceLevel
      if let source {
        var o = ProfileRun.Options(input: source)
        o.sample = 50
        o.jobs = jobs
        let levels = try ProfileRun.run(o).distribution("active_level_dbfs")
        if let median = levels?.quantile(0.5) { options.sourceLevelDBFS = median }
      }
      let text = RecipeFit.yaml(for: p, options: options)
      try text.write(toFile: recipeOut, atomically: true, encoding: .utf8)
      warn("fitted recipe: \(recipeOut)")
    }
    if json {
      print(p.json.serialized)
    } else if out == nil && recipeOut == nil {
      print(summary(p))
    }
  }

  private func profile(_ input: String) throws -> AudioProfile {
    var o = ProfileRun.Options(input: input)
    o.sample = sample
    o.seed = seed
    o.jobs = jobs
    o.noiseLibrary = noiseDir ?? (FileManager.default.fileExists(atPath: "noise-library/index.tsv") ? "noise-library" : nil)
    let p = try ProfileRun.run(o)
    if !p.failures.isEmpty {
      warn("warning: \(p.failures.count) of \(p.failures.count + p.files.count) files could not be measured; first: \(p.failures[0].id): \(p.failures[0].reason)")
    }
    return p
  }

  private func profileOrLoad(_ input: String) throws -> AudioProfile {
    var isDir: ObjCBool = false
    FileManager.default.fileExists(atPath: input, isDirectory: &isDir)
    if !isDir.boolValue, input.hasSuffix(".json"),
      let head = try? String(contentsOfFile: input, encoding: .utf8).prefix(40), head.contains("audioamp_profile")
    {
      return try AudioProfile.load(path: input)
    }
    return try profile(input)
  }

  private func summary(_ p: AudioProfile) -> String {
    func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
    var lines = ["\(p.source): \(p.files.count) files measured, \(p.failures.count) failed", ""]
    lines.append("measure".padding(toLength: 22, withPad: " ", startingAt: 0) + "     n        p5       p50       p95")
    for d in p.distributions {
      lines.append(
        d.key.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%6d", d.values.count)
          + [f(d.quantile(0.05)), f(d.quantile(0.5)), f(d.quantile(0.95))].map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined())
    }
    lines.append("")
    lines.append(String(format: "narrowband %.0f%%; ", p.narrowbandShare * 100)
      + "codec families " + p.codecFamilyShares.filter { $0.1 > 0 }.map { "\($0.0.rawValue) \(Int(($0.1 * 100).rounded()))%" }.joined(separator: ", ")
      + "; noise categories " + p.noiseCategoryShares.map { "\($0.0) \(Int(($0.1 * 100).rounded()))%" }.joined(separator: ", "))
    return lines.joined(separator: "\n")
  }
}
