import ArgumentParser
import AudioAmpKit
import Foundation

struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Say what a mix run will make and how long it will take, before running it.",
    discussion: """
      Counts the corpus, reads file lengths (from an even sample past \(PlanJob.headerLimit) files), \
      works out the outputs, hours and disk the recipe will produce, and times the real pipeline \
      on the first utterances (about 20 s of audio) to estimate the wall time with --jobs on this \
      machine. Nothing is written to any output folder.
      """)

  @Option(name: .long, help: ArgumentHelp("Recipe file (YAML).", valueName: "file")) var recipe: String
  @Option(name: .long, help: ArgumentHelp("Corpus to read.", valueName: "path")) var input: String
  @Option(name: .long, help: ArgumentHelp("Input format (default: detected).", valueName: "format")) var inputFormat: String?
  @Option(name: .long, help: ArgumentHelp("Augmented copies per utterance (default: the recipe's, else 1).", valueName: "n")) var variants: Int?
  @Option(name: .long, help: ArgumentHelp("Worker threads the run will use.", valueName: "j")) var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
  @Option(name: .long, help: ArgumentHelp("Plan one shard: K/N.", valueName: "K/N")) var shard: String?
  @Option(name: .long, help: ArgumentHelp("Output layout (default: mirror the input).", valueName: "format")) var outputFormat: String?
  @Option(name: .long, help: ArgumentHelp("Noise library folder holding index.tsv.", valueName: "dir")) var noiseLibrary: String = "noise-library"
  @Option(name: .long, help: ArgumentHelp("Even out the outputs per value of FIELD (speaker, text, or a manifest field such as accent): variants per utterance are chosen so every value gets --target outputs.", valueName: "field"))
  var balance: String?

  @Option(name: .long, help: ArgumentHelp("Outputs per value with --balance (default: the largest value's utterances × variants).", valueName: "n"))
  var target: Int?
  @Flag(name: .long, help: "Print the plan as JSON.") var json = false

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    if let v = variants, v < 1 { throw ValidationError("--variants must be at least 1 (got \(v))") }
    if let t = target, t < 1 { throw ValidationError("--target must be at least 1 (got \(t))") }
    if target != nil, balance == nil { throw ValidationError("--target needs --balance FIELD") }
    if let f = inputFormat, !CorpusFormat.formatNames.contains(f) {
      throw ValidationError("--input-format \(f): choose one of \(CorpusFormat.formatNames.joined(separator: ", "))")
    }
    if let f = outputFormat, OutputFormat(rawValue: f) == nil {
      throw ValidationError("--output-format \(f): choose one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    var o = MixOptions(recipePath: recipe, inputPath: input, outputDirectory: "")
    o.variants = variants
    o.jobs = jobs
    o.noiseLibrary = noiseLibrary
    o.outputFormat = outputFormat.flatMap(OutputFormat.init(rawValue:))
    o.inputFormat = inputFormat
    o.balance = balance.map { BalanceSpec(field: $0, target: target) }
    if let s = shard { o.shard = try ShardSpec.parse(s, environment: [:]) }
    let p: MixPlan
    do {
      p = try PlanJob.run(o)
    } catch let e as RecipeError {
      fail(e.description, code: 2)
    } catch {
      fail("\(error)", code: 1)
    }
    if json {
      print(p.json.serialized)
      return
    }
    let mb = p.bytesOut / 1e6
    print(String(format: "corpus:  %d utterances, %.2f h of audio%@", p.utterances, p.secondsIn / 3600,
      p.durationsExact ? "" : " (estimated from \(p.durationsRead) file lengths)"))
    print(String(format: "outputs: %d files, about %.2f h (×%.2f the input; mean length ratio %.3f), %@ at %d Hz",
      p.outputs, p.secondsOut / 3600, p.secondsIn > 0 ? p.secondsOut / p.secondsIn : 0, p.durationRatio, p.format.rawValue, p.sampleRate))
    print(mb >= 1000 ? String(format: "disk:    about %.1f GB", mb / 1000) : String(format: "disk:    about %.0f MB", mb))
    print(String(format: "time:    about %@ with %d job%@ on this machine (calibrated on %d utterances: %.0f× realtime per core)",
      ProgressLine.duration(p.wallSeconds), p.jobs, p.jobs == 1 ? "" : "s", p.calibrationUtterances, p.realtimePerCore))
    if let b = p.balance {
      print("balance: outputs per \(b.field), before (uniform variants) and after:")
      print(b.table())
    }
  }
}
