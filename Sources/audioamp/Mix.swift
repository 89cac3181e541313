import ArgumentParser
import AudioAmpKit
import Foundation

struct Mix: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a recipe over a corpus and write the augmented set.",
    discussion: """
      Reads every utterance of --input (a JSON-lines manifest, or a Kaldi data directory with \
      wav.scp and text), applies the recipe's effects --variants times with a separate random \
      stream per (seed, utterance, variant), and writes:

        DIR/audio/<id>__v<k>.wav   16-bit PCM WAV at the recipe's sample_rate
        DIR/manifest.jsonl         one line per output: path, duration, transcript, drawn parameters
        DIR/wav.scp text utt2spk spk2utt   as well, when the input is a Kaldi data directory
        DIR/failures.tsv           bad utterances, with --keep-going
        DIR/summary.json           counts and hours

      The same command with the same seed writes the same bytes whatever --jobs is.
      """)

  @Option(name: .long, help: ArgumentHelp("Recipe file (YAML).", valueName: "file"))
  var recipe: String

  @Option(name: .long, help: ArgumentHelp("JSON-lines manifest or Kaldi data directory.", valueName: "path"))
  var input: String

  @Option(name: .long, help: ArgumentHelp("Output folder (created if needed).", valueName: "dir"))
  var output: String

  @Option(name: .long, help: ArgumentHelp("Augmented copies per utterance (default: the recipe's, else 1).", valueName: "n"))
  var variants: Int?

  @Option(name: .long, help: ArgumentHelp("Random seed (default: the recipe's, else 0).", valueName: "s"))
  var seed: UInt64?

  @Option(name: .long, help: ArgumentHelp("Worker threads; outputs do not depend on it.", valueName: "j"))
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(name: .long, help: "Log bad utterances to DIR/failures.tsv and go on instead of stopping.")
  var keepGoing = false

  @Flag(name: .long, help: "Replace an earlier run's outputs in DIR.")
  var overwrite = false

  @Option(name: .long, help: ArgumentHelp("Noise library folder holding index.tsv.", valueName: "dir"))
  var noiseLibrary: String = "noise-library"

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    if let v = variants, v < 1 { throw ValidationError("--variants must be at least 1 (got \(v))") }
    guard FileManager.default.fileExists(atPath: recipe) else {
      throw ValidationError("--recipe \(recipe): no such file")
    }
    guard FileManager.default.fileExists(atPath: input) else {
      throw ValidationError("--input \(input): no such file or folder")
    }
  }

  func run() throws {
    var o = MixOptions(recipePath: recipe, inputPath: input, outputDirectory: output)
    o.variants = variants
    o.seed = seed
    o.jobs = jobs
    o.keepGoing = keepGoing
    o.overwrite = overwrite
    o.noiseLibrary = noiseLibrary
    let summary: MixSummary
    do {
      summary = try MixJob.run(o, log: warn)
    } catch let e as RecipeError {
      fail(e.description, code: 2)
    } catch let e as MixStopped {
      for w in e.summary.warnings { warn("warning: \(w)") }
      fail(e.description, code: 1)
    } catch {
      fail("\(error)", code: 1)
    }
    for w in summary.warnings { warn("warning: \(w)") }
    let rtf = summary.secondsOut / max(summary.wallSeconds, 1e-9)
    print(
      String(
        format: "%d utterances → %d outputs, %d failed; %.2f h in, %.2f h out (×%.1f); %.1f s wall, %.0f× realtime; wrote %@",
        summary.utterances, summary.outputs, summary.failures, summary.secondsIn / 3600, summary.secondsOut / 3600,
        summary.secondsIn > 0 ? summary.secondsOut / summary.secondsIn : 0, summary.wallSeconds, rtf,
        (output as NSString).appendingPathComponent("manifest.jsonl")))
    if summary.failures > 0 {
      warn("\(summary.failures) utterances failed; see \((output as NSString).appendingPathComponent("failures.tsv"))")
      throw ExitCode(3)
    }
  }
}
