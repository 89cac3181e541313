import ArgumentParser
import AudioAmpKit
import Foundation

struct Review: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "Write a listening report of a run (DIR/review/index.html), or sum up its ratings.",
    discussion: """
      Picks --sample outputs (stratified so every SNR band, effect combination or noise \
      category is represented) and writes a static page with clean and augmented players, \
      spectrograms, transcripts, drawn parameters, measurements, automatic flags and run-wide \
      histograms. Listeners rate each sample (keys 1/2/3) and export ratings.json; \
      `review DIR --ratings ratings.json` then prints the share marked bad by effect and by \
      parameter range.
      """)

  @Argument(help: ArgumentHelp("Run folder written by `audioamp mix --output`.", valueName: "dir"))
  var directory: String

  @Option(name: .long, help: ArgumentHelp("Outputs to include.", valueName: "n"))
  var sample: Int = 24

  @Option(name: .long, help: ArgumentHelp("Group outputs by snr, effect or category before sampling.", valueName: "key"))
  var stratify: String?

  @Option(name: .long, help: ArgumentHelp("Sampling seed.", valueName: "s"))
  var seed: UInt64 = 1

  @Option(name: .long, help: ArgumentHelp("Clean corpus the run was made from (default: summary.json's \"input\").", valueName: "path"))
  var input: String?

  @Option(name: .long, help: ArgumentHelp("Target profile (`profile --out` JSON) or a target set: the report shows its histograms against a profile of this run's outputs, with KS and Wasserstein-1 per measure.", valueName: "file|dir"))
  var profile: String?

  @Option(name: .long, help: ArgumentHelp("Outputs profiled for --profile (hash-sampled).", valueName: "n"))
  var profileSample: Int = 200

  @Option(name: .long, help: ArgumentHelp("Summarise an exported ratings file instead of writing the report.", valueName: "file"))
  var ratings: String?

  func validate() throws {
    guard sample >= 1 else { throw ValidationError("--sample must be at least 1 (got \(sample))") }
    if let s = stratify, Stratification(rawValue: s) == nil {
      throw ValidationError("--stratify must be snr, effect or category (got \(s))")
    }
    guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("manifest.jsonl")) else {
      throw ValidationError("\(directory): no manifest.jsonl; pass the folder an `audioamp mix --output` run wrote")
    }
    if let r = ratings, !FileManager.default.fileExists(atPath: r) { throw ValidationError("--ratings \(r): no such file") }
    if let p = profile, !FileManager.default.fileExists(atPath: p) { throw ValidationError("--profile \(p): no such file or folder") }
    guard profileSample >= 1 else { throw ValidationError("--profile-sample must be at least 1 (got \(profileSample))") }
    if let i = input, !FileManager.default.fileExists(atPath: i) { throw ValidationError("--input \(i): no such file or folder") }
  }

  func run() throws {
    do {
      if let r = ratings {
        print(try RatingsSummary.summarize(ratingsPath: r, runDirectory: directory).text)
        return
      }
      var o = ReviewOptions(runDirectory: directory)
      o.sampleCount = sample
      o.stratify = stratify.flatMap(Stratification.init(rawValue:))
      o.seed = seed
      o.inputPath = input
      o.profileTarget = profile
      o.profileSample = profileSample
      let result = try ReviewReport.build(o)
      for w in result.warnings { warn("warning: \(w)") }
      let flagged = result.samples.filter { !$0.flags.isEmpty }.count
      print(String(format: "%d of %d outputs, %d flagged; %.1f s; wrote %@", result.samples.count, result.outputs, flagged, result.wallSeconds, result.indexPath))
    } catch {
      fail("\(error)", code: 1)
    }
  }
}
