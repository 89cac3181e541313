import ArgumentParser
import AudioAmpKit
import Foundation

struct Mix: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mix",
    abstract: "Run a recipe over a corpus and write the augmented set.",
    discussion: """
      Reads every utterance of --input (any format below), applies the recipe's effects --variants times with a \
      separate random stream per (seed, utterance, variant), and writes:

        DIR/audio/<id>__v<k>.wav   16-bit PCM WAV at the recipe's sample_rate (jsonl, kaldi)
        DIR/manifest.jsonl         one line per output: path, duration, transcript, drawn parameters
        DIR/wav.scp text utt2spk spk2utt   as well, for --output-format kaldi
        DIR/failures.tsv           bad utterances, with --keep-going
        DIR/summary.json           counts and hours

      With --output-format webdataset, nemo-tarred, lhotse-shar or parquet the audio goes into \
      shards instead (shard-NNNNNN.tar; audio_N.tar + tarred_audio_manifest.json; \
      shar/cuts.NNNNNN.jsonl.gz + shar/recording.NNNNNN.tar; data/train-NNNNN.parquet), cut at \
      --shard-size or into --shards N, FLAC unless --audio-format says otherwise.

      The output mirrors the input's format unless --output-format says otherwise. The same \
      command with the same seed writes the same bytes whatever --jobs is. Interrupted (even by \
      kill -9)? Run the same command again: it resumes where the last checkpoint left off and \
      ends with the same bytes as an uninterrupted run.

      On a cluster, give each task --shard K/N (or --shard auto under a SLURM array or a \
      Kubernetes Indexed Job), all with the same --output on a shared file system, then run \
      `audioamp merge DIR` once.
      """)

  @Option(name: .long, help: ArgumentHelp("Recipe file (YAML).", valueName: "file"))
  var recipe: String

  @Option(name: .long, help: ArgumentHelp("Corpus: a JSON-lines manifest, Kaldi data directory, LibriSpeech tree, Common Voice folder or .tsv, audiofolder, folder of x.wav + x.txt, WebDataset tars, NeMo tarred or Lhotse Shar folder.", valueName: "path"))
  var input: String

  @Option(name: .long, help: ArgumentHelp("Input format: \(CorpusFormat.formatNames.joined(separator: ", ")) (default: detected from the layout).", valueName: "format"))
  var inputFormat: String?

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

  @Option(name: .long, help: ArgumentHelp("This task's share: K/N (1-based), or auto (SLURM array / Kubernetes Indexed Job).", valueName: "K/N|auto"))
  var shard: String?

  @Option(name: .long, help: ArgumentHelp("Shard count for --shard auto when the environment does not give it.", valueName: "n"))
  var shardCount: Int?

  @Option(name: .long, help: ArgumentHelp("Output layout: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: mirror the input).", valueName: "format"))
  var outputFormat: String?

  @Option(name: .long, help: ArgumentHelp("Sharded formats: start a new shard before one would pass this size (e.g. 1GB, 256MiB; default 1GB).", valueName: "size"))
  var shardSize: String?

  @Option(name: .customLong("shards"), help: ArgumentHelp("Sharded formats: cut the outputs into this many shards of equal count (instead of --shard-size).", valueName: "n"))
  var outputShards: Int?

  @Option(name: .long, help: ArgumentHelp("Sharded formats: audio codec of the members: flac (default), wav or opus.", valueName: "codec"))
  var audioFormat: String?

  @Option(name: .long, help: ArgumentHelp("Even out the outputs per value of FIELD (speaker, text, or a manifest field such as accent): variants per utterance are chosen so every value gets --target outputs.", valueName: "field"))
  var balance: String?

  @Option(name: .long, help: ArgumentHelp("Outputs per value with --balance (default: the largest value's utterances × variants).", valueName: "n"))
  var target: Int?

  @Option(name: .long, help: ArgumentHelp("Longest gap between durable checkpoints, in seconds (default 1; 0 checkpoints after every batch). A kill -9 loses at most this much work; shorter gaps cost an fsync per journal each time.", valueName: "s"))
  var checkpointEvery: Double = 1

  @Flag(name: .long, help: "No progress output; only errors and the closing summary.")
  var quiet = false

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    if let v = variants, v < 1 { throw ValidationError("--variants must be at least 1 (got \(v))") }
    guard FileManager.default.fileExists(atPath: recipe) else {
      throw ValidationError("--recipe \(recipe): no such file")
    }
    guard FileManager.default.fileExists(atPath: input) else {
      throw ValidationError("--input \(input): no such file or folder")
    }
    if let f = inputFormat, !CorpusFormat.formatNames.contains(f) {
      throw ValidationError("--input-format \(f): choose one of \(CorpusFormat.formatNames.joined(separator: ", "))")
    }
    if let f = outputFormat, OutputFormat(rawValue: f) == nil {
      throw ValidationError("--output-format \(f): choose one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if let t = shardSize, ShardOptions.parseSize(t) == nil {
      throw ValidationError("--shard-size \(t): give a size such as 1GB, 500MB or 256MiB")
    }
    if shardSize != nil && outputShards != nil { throw ValidationError("give --shard-size or --shards, not both") }
    if let n = outputShards, n < 1 { throw ValidationError("--shards must be at least 1 (got \(n))") }
    if let a = audioFormat, !["flac", "wav", "opus"].contains(a) {
      throw ValidationError("--audio-format \(a): choose flac, wav or opus")
    }
    guard checkpointEvery >= 0, checkpointEvery.isFinite else {
      throw ValidationError("--checkpoint-every must be 0 or more seconds (got \(checkpointEvery))")
    }
    if let t = target, t < 1 { throw ValidationError("--target must be at least 1 (got \(t))") }
    if target != nil, balance == nil { throw ValidationError("--target needs --balance FIELD") }
    if let n = shardCount, n < 1 { throw ValidationError("--shard-count must be at least 1 (got \(n))") }
    if let s = shard {
      do {
        _ = try ShardSpec.parse(s, environment: ProcessInfo.processInfo.environment, countOverride: shardCount)
      } catch {
        throw ValidationError("\(error)")
      }
    }
  }

  func run() throws {
    var o = MixOptions(recipePath: recipe, inputPath: input, outputDirectory: output)
    o.variants = variants
    o.seed = seed
    o.jobs = jobs
    o.keepGoing = keepGoing
    o.checkpointSeconds = checkpointEvery
    o.overwrite = overwrite
    o.noiseLibrary = noiseLibrary
    o.outputFormat = outputFormat.flatMap(OutputFormat.init(rawValue:))
    o.inputFormat = inputFormat
    if let t = shardSize, let b = ShardOptions.parseSize(t) { o.shardOptions.maxBytes = b }
    o.shardOptions.count = outputShards
    if let a = audioFormat, let f = AudioFileFormat(rawValue: a == "wav" ? "wav" : a) { o.shardOptions.audioFormat = f }
    o.balance = balance.map { BalanceSpec(field: $0, target: target) }
    if let s = shard {
      o.shard = try ShardSpec.parse(s, environment: ProcessInfo.processInfo.environment, countOverride: shardCount)
    }
    let terminal = isatty(2) == 1
    o.countEntries = !quiet
    var lastLog = Date.distantPast
    let summary: MixSummary
    StopSignal.install()
    do {
      summary = try MixJob.run(o) { p in
        guard !quiet else { return }
        if terminal {
          FileHandle.standardError.write(Data(("\r\u{1B}[K" + ProgressLine.bar(p)).utf8))
        } else if Date().timeIntervalSince(lastLog) >= 10 {
          lastLog = Date()
          warn(ProgressLine.log(p))
        }
      }
      if terminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    } catch let e as RecipeError {
      fail(e.description, code: 2)
    } catch let e as MixInterrupted {
      if terminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
      fail(e.description, code: 128 + e.signal)
    } catch let e as MixStopped {
      for w in e.summary.warnings { warn("warning: \(w)") }
      fail(e.description, code: 1)
    } catch {
      fail("\(error)", code: 1)
    }
    for w in summary.warnings { warn("warning: \(w)") }
    let rtf = summary.secondsInThisAttempt / max(summary.wallSeconds, 1e-9)
    var line = String(
      format: "%d utterances → %d outputs, %d failed; %.2f h in, %.2f h out (×%.1f); %.1f s wall, %.0f× realtime",
      summary.utterances, summary.outputs, summary.failures, summary.secondsIn / 3600, summary.secondsOut / 3600,
      summary.secondsIn > 0 ? summary.secondsOut / summary.secondsIn : 0, summary.wallSeconds, rtf)
    if summary.resumedEntries > 0 { line += "; resumed after \(summary.resumedEntries) finished entries" }
    print(line + "; wrote \(summary.manifestPath)")
    if o.shard.count > 1 { print("shard \(o.shard) done; when every shard is done, run: audioamp merge \(output)") }
    if summary.failures > 0 {
      warn("\(summary.failures) utterances failed; see \((output as NSString).appendingPathComponent("failures.tsv"))")
      throw ExitCode(3)
    }
  }
}
