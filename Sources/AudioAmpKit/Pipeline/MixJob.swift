import Dispatch
import Foundation

/// Options of one `audioamp mix` run.
public struct MixOptions: Sendable {
  /// Recipe file.
  public var recipePath: String
  /// Corpus to read (any format `CorpusFormat` recognises).
  public var inputPath: String
  /// Output folder.
  public var outputDirectory: String
  /// Variants per utterance; nil takes the recipe's, else 1.
  public var variants: Int?
  /// Recipe seed; nil takes the recipe's, else 0.
  public var seed: UInt64?
  /// Worker threads (≥ 1). Outputs do not depend on it.
  public var jobs: Int = 1
  /// Log bad utterances to failures.tsv and go on, instead of stopping at the first.
  public var keepGoing = false
  /// Replace an earlier, different run in the same folder instead of refusing.
  public var overwrite = false
  /// Noise library folder (holding index.tsv); nil looks for ./noise-library.
  public var noiseLibrary: String?
  /// This machine's share of the corpus.
  public var shard = ShardSpec.whole
  /// Output layout; nil mirrors the input's format.
  public var outputFormat: OutputFormat?
  /// Input format (one of `CorpusFormat.formatNames`); nil detects it from the layout.
  public var inputFormat: String?
  /// Count the corpus first so progress can show a percentage and an ETA.
  public var countEntries = false
  /// Shard size and audio codec for the sharded output formats (webdataset, nemo-tarred,
  /// lhotse-shar, parquet).
  public var shardOptions = ShardOptions()
  /// Even out the outputs per value of a field (`--balance`); nil gives every utterance `variants`.
  public var balance: BalanceSpec?
  /// Longest gap between durable checkpoints, in seconds (0: after every batch). A kill -9 loses
  /// at most this much work, which a resume redoes to the same bytes; each checkpoint costs an
  /// fsync of every journal, so short gaps slow runs of short utterances.
  public var checkpointSeconds: Double = 1

  /// Creates options with the required paths.
  public init(recipePath: String, inputPath: String, outputDirectory: String) {
    self.recipePath = recipePath
    self.inputPath = inputPath
    self.outputDirectory = outputDirectory
  }
}

/// How far a run has got, reported after every batch.
public struct MixProgress: Sendable {
  /// Corpus entries visited so far (including skipped and other shards' entries).
  public var entriesVisited: Int
  /// Corpus entries in all, when counted first.
  public var totalEntries: Int?
  /// Entries skipped because an earlier run of the same command had finished them.
  public var resumedEntries: Int
  /// Totals of this run or shard so far (including what earlier attempts finished).
  public var totals: RunTotals
  /// Seconds of source audio processed by this attempt.
  public var sourceSecondsThisAttempt: Double
  /// Wall-clock seconds since this attempt started.
  public var wallSeconds: Double
}

/// What a run did.
public struct MixSummary: Sendable, Equatable {
  /// Utterances read (good and bad).
  public var utterances = 0
  /// Output files written.
  public var outputs = 0
  /// Utterances or outputs that failed (logged to failures.tsv with --keep-going).
  public var failures = 0
  /// Seconds of source audio processed.
  public var secondsIn = 0.0
  /// Seconds of audio written.
  public var secondsOut = 0.0
  /// Wall-clock seconds of this attempt.
  public var wallSeconds = 0.0
  /// Seconds of source audio processed by this attempt (not the ones resumed over).
  public var secondsInThisAttempt = 0.0
  /// Corpus entries skipped because an earlier attempt had finished them.
  public var resumedEntries = 0
  /// Warnings, one line per cause with its count.
  public var warnings: [String] = []
  /// Where the joined manifest is (or, for a shard, this shard's part).
  public var manifestPath = ""
}

/// A bad utterance: which one, which file, and why.
public struct UtteranceFailure: Error, Sendable, CustomStringConvertible {
  /// Utterance id (or "-" when the entry had none).
  public var id: String
  /// The file concerned.
  public var file: String
  /// What went wrong and how to fix it.
  public var reason: String
  /// True when `reason` already says where (a corpus error carries its own file:line).
  public var reasonIsLocated = false
  /// True for a fault of the machine rather than of the utterance (a full disk): the run
  /// stops on it even with --keep-going.
  public var stopsTheRun = false

  /// Creates a failure.
  public init(id: String, file: String, reason: String, reasonIsLocated: Bool = false) {
    self.id = id
    self.file = file
    self.reason = reason
    self.reasonIsLocated = reasonIsLocated
  }

  public var description: String { reasonIsLocated ? reason : "utterance '\(id)' (\(file)): \(reason)" }
}

/// The run stopped at a bad utterance; the outputs finished before it are intact.
public struct MixStopped: Error, Sendable, CustomStringConvertible {
  /// The failure that stopped the run.
  public var failure: UtteranceFailure
  /// How far the run got.
  public var summary: MixSummary

  public var description: String {
    if failure.stopsTheRun {
      return "\(failure)\nstopped after \(summary.outputs) outputs; the files and manifest lines written so far are complete."
    }
    return "\(failure)\nstopped after \(summary.outputs) outputs; the files and manifest lines written so far are complete, and running the same command again resumes from the bad utterance. Fix it, or pass --keep-going to log bad utterances to failures.tsv and continue."
  }
}

/// Where one run (or one shard of it) keeps its journal and state.
struct RunPaths {
  let output: String
  let journal: String
  let state: String
  var manifest: String { (journal as NSString).appendingPathComponent("manifest.jsonl") }
  var failures: String { (journal as NSString).appendingPathComponent("failures.tsv") }
  var order: String { (journal as NSString).appendingPathComponent("order.tsv") }
  var runFile: String { (state as NSString).appendingPathComponent("run.json") }
  var checkpoint: String { (state as NSString).appendingPathComponent("progress.json") }

  init(output: String, shard: ShardSpec) {
    self.output = output
    journal = shard.count == 1 ? output : (output as NSString).appendingPathComponent("shards/\(shard.folderName)")
    state = (journal as NSString).appendingPathComponent(".audioamp")
  }
}

/// The `mix` job: reads a corpus, runs the recipe on every utterance `variants` times and
/// writes the outputs with their manifest.
///
/// Each output's random stream depends only on (seed, utterance id, variant), and manifest lines
/// are written in corpus order, so the bytes written do not depend on `jobs` or scheduling. The
/// corpus is streamed in batches; memory is bounded by the batch, not the corpus. After every
/// batch a checkpoint records how far the run got, so running the same command again after a
/// crash or a stop resumes there and ends with the same bytes as an uninterrupted run. With a
/// shard, this machine's part goes to `DIR/shards/shard-K-of-N/` and `audioamp merge` joins
/// the parts.
public enum MixJob {
  /// Runs the job. `progress` is called after every batch.
  public static func run(_ options: MixOptions, progress: (MixProgress) -> Void = { _ in }) throws -> MixSummary {
    let started = Date()
    HeapTuning.keepFreedPages()
    let (recipe, stages) = try prepare(
      recipePath: options.recipePath, noiseLibrary: options.noiseLibrary ?? "noise-library",
      corpus: (options.inputPath, options.inputFormat))
    let reader = try CorpusFormat.reader(for: options.inputPath, format: options.inputFormat)
    let variants = options.variants ?? recipe.variants ?? 1
    let seed = options.seed ?? recipe.seed ?? 0
    let format = options.outputFormat ?? OutputFormat.mirroring(readerFormat: reader.formatName)
    let shard = options.shard
    let paths = RunPaths(output: options.outputDirectory, shard: shard)
    // Balancing counts the whole corpus first (every shard the same), see BalancePlan.
    let balance = try options.balance.map {
      try BalancePlan.build(reader: reader, path: options.inputPath, spec: $0, baseVariants: variants, seed: seed)
    }
    let fingerprint = try RunFingerprint(
      recipePath: options.recipePath, input: options.inputPath, seed: seed, variants: variants,
      outputFormat: format.rawValue, shardCount: shard.count,
      shardOptions: format.isSharded ? options.shardOptions.fingerprint : "", balance: balance?.identity)
    var info: [(String, JSONValue)] = [
      ("recipe", .string(options.recipePath)), ("input", .string(options.inputPath)),
      ("sample_rate", .number(Double(recipe.sampleRate))), ("keep_going", .bool(options.keepGoing)),
    ]
    if let balance { info.append(("balance", balance.json)) }
    var checkpoint = try openRun(
      paths, fingerprint: fingerprint, overwrite: options.overwrite, keepGoing: options.keepGoing, info: info)

    var summary = MixSummary()
    summary.manifestPath = paths.manifest
    if checkpoint.complete {
      fill(&summary, from: checkpoint.totals, rate: recipe.sampleRate)
      summary.resumedEntries = checkpoint.totals.entriesVisited
      summary.wallSeconds = Date().timeIntervalSince(started)
      if shard.count == 1 { try finishRun(paths, format: format, recipe: recipe, options: options, seed: seed, variants: variants, totals: checkpoint.totals) }
      return summary
    }

    let total = options.countEntries ? try countEntries(reader) : nil
    let sink = format.isSharded ? try openSink(format, options: options, reader: reader, variants: variants, rate: recipe.sampleRate, paths: paths, state: checkpoint.sink) : nil
    let manifest = try AppendFile(path: paths.manifest, truncate: false)
    let failures = options.keepGoing ? try AppendFile(path: paths.failures, truncate: false) : nil
    let order = shard.count > 1 ? try AppendFile(path: paths.order, truncate: false) : nil
    let warnings = WarningCounter()
    let jobs = max(1, options.jobs)
    // Entries per batch: each batch ends at a barrier (results are recorded in corpus order), so
    // more items per thread leave less of it idle at the tail.
    let batchSize = max(16, 16 * jobs)
    let entries = try reader.entries()
    let resumed = checkpoint.totals.entriesVisited
    summary.resumedEntries = resumed
    var skipped = 0
    while skipped < resumed, entries.next() != nil { skipped += 1 }
    let renderer = Renderer(
      stages: stages, clipGuard: recipe.clipGuard, sampleRate: recipe.sampleRate, seed: seed,
      outputDirectory: options.outputDirectory, format: format, warnings: warnings,
      intelligibility: recipe.intelligibility,
      shardAudio: format.isSharded ? options.shardOptions.audioFormat : nil)
    var sourceThisAttempt = 0
    var lastCheckpoint = Date()

    while true {
      var batch: [(index: Int, entry: Result<Utterance, CorpusError>)] = []
      var visited = 0
      while batch.count < batchSize, let e = entries.next() {
        let index = checkpoint.totals.entriesVisited + visited
        visited += 1
        if shard.count > 1 && !shard.owns(ownershipKey(e)) { continue }
        batch.append((index, e))
      }
      if visited == 0 { break }

      // Load each source once (in parallel), then render every (utterance, variant) pair.
      let sources = parallelMap(batch, jobs: jobs) { item -> Result<AudioBuffer, UtteranceFailure> in
        switch item.entry {
        case .failure(let e):
          let file = e.description.split(separator: ":").first.map(String.init) ?? options.inputPath
          return .failure(UtteranceFailure(id: e.utteranceID ?? "-", file: file, reason: e.description, reasonIsLocated: true))
        case .success(let u):
          do {
            return .success(
              try AudioLoader.load(
                path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds,
                sampleRate: recipe.sampleRate))
          } catch {
            return .failure(UtteranceFailure(id: u.id, file: u.audioPath, reason: "\(error)"))
          }
        }
      }
      let counts = batch.map { balance?.variants(for: $0.entry) ?? variants }
      let pairs = batch.indices.flatMap { i in (0..<counts[i]).map { (i, $0) } }
      // Longest sources first, so the batch does not end with one thread on a long utterance.
      let lengths = sources.map { r -> Int in if case .success(let a) = r { return a.count } else { return 0 } }
      let rendered = parallelMap(pairs, jobs: jobs, cost: { lengths[$0.0] }) { (i, v) -> Result<OutputRecord, UtteranceFailure> in
        guard case .success(let u) = batch[i].entry, case .success(let audio) = sources[i] else {
          if case .failure(let f) = sources[i] { return .failure(f) }
          return .failure(UtteranceFailure(id: "-", file: options.inputPath, reason: "unreadable entry"))
        }
        return renderer.render(u, audio: audio, variant: v)
      }

      // Record in corpus order; one failure line per utterance even when every variant failed.
      var next = checkpoint
      next.totals.entriesVisited += visited
      var stop: UtteranceFailure? = nil
      var k = 0
      for (i, item) in batch.enumerated() {
        let results = rendered[k..<k + counts[i]]
        k += counts[i]
        if let failure = results.lazy.compactMap({ r -> UtteranceFailure? in
          if case .failure(let f) = r { return f } else { return nil }
        }).first {
          guard let failures, !failure.stopsTheRun else {
            // Stop here: the checkpoint ends just before this entry, so a rerun retries it.
            next.totals.entriesVisited = item.index
            stop = failure
            break
          }
          failures.append("\(tsv(failure.id))\t\(tsv(failure.file))\t\(tsv(failure.reason))")
          order?.append("f\t\(item.index)")
          next.totals.failures += 1
          next.totals.utterances += 1
          continue
        }
        next.totals.utterances += 1
        if case .success(let a) = sources[i] {
          next.totals.sourceSamples += a.count
          sourceThisAttempt += a.count
        }
        for case .success(let r) in results {
          manifest.append(try sink?.add(r) ?? r.manifestLine)
          order?.append("m\t\(item.index)")
          next.totals.outputs += 1
          next.totals.outputSamples += r.sampleCount
        }
      }
      for (cause, n) in warnings.drain() { next.totals.warnings[cause, default: 0] += n }
      checkpoint = next
      // Durability costs an fsync of each journal plus the checkpoint's own: do it at most once
      // per `checkpointSeconds` (default 1 s, and always when stopping), so short utterances are
      // not slowed down by it. A crash loses at most that much work, which a resume redoes to
      // the same bytes.
      let interrupted = StopSignal.requested
      if stop != nil || interrupted != nil || Date().timeIntervalSince(lastCheckpoint) >= options.checkpointSeconds {
        try commit(&checkpoint, manifest: manifest, failures: failures, order: order, paths: paths, sink: sink)
        lastCheckpoint = Date()
      } else {
        try manifest.write()
        try failures?.write()
        try order?.write()
      }
      progress(
        MixProgress(
          entriesVisited: checkpoint.totals.entriesVisited, totalEntries: total, resumedEntries: resumed,
          totals: checkpoint.totals, sourceSecondsThisAttempt: Double(sourceThisAttempt) / Double(recipe.sampleRate),
          wallSeconds: Date().timeIntervalSince(started)))
      if let stop {
        fill(&summary, from: checkpoint.totals, rate: recipe.sampleRate)
        summary.wallSeconds = Date().timeIntervalSince(started)
        throw MixStopped(failure: stop, summary: summary)
      }
      if let interrupted {
        fill(&summary, from: checkpoint.totals, rate: recipe.sampleRate)
        summary.wallSeconds = Date().timeIntervalSince(started)
        throw MixInterrupted(signal: interrupted, summary: summary)
      }
    }
    try sink?.finish()
    checkpoint.complete = true
    try commit(&checkpoint, manifest: manifest, failures: failures, order: order, paths: paths, sink: sink)
    if shard.count == 1 {
      try finishRun(paths, format: format, recipe: recipe, options: options, seed: seed, variants: variants, totals: checkpoint.totals)
    }
    fill(&summary, from: checkpoint.totals, rate: recipe.sampleRate)
    summary.wallSeconds = Date().timeIntervalSince(started)
    summary.secondsInThisAttempt = Double(sourceThisAttempt) / Double(recipe.sampleRate)
    return summary
  }

  /// Syncs the journals and records their lengths in the checkpoint, in that order, so the
  /// checkpoint never points past what is on disk.
  static func commit(
    _ checkpoint: inout Checkpoint, manifest: AppendFile, failures: AppendFile?, order: AppendFile?, paths: RunPaths,
    sink: ShardSink? = nil
  ) throws {
    try sink?.sync()
    checkpoint.sink = sink?.state
    try manifest.flush()
    try failures?.flush()
    try order?.flush()
    checkpoint.manifestBytes = manifest.length
    checkpoint.failuresBytes = failures?.length ?? 0
    checkpoint.orderBytes = order?.length ?? 0
    try StateFile.write(checkpoint.json, to: paths.checkpoint)
    sink?.checkpointWritten()
  }

  /// The key deciding which shard handles an entry: its id, or for an unreadable entry its
  /// `file:line`, so every entry is reported by exactly one shard.
  static func ownershipKey(_ e: Result<Utterance, CorpusError>) -> String {
    switch e {
    case .success(let u): return u.id
    case .failure(let err): return err.utteranceID ?? err.description
    }
  }

  static func fill(_ s: inout MixSummary, from t: RunTotals, rate: Int) {
    s.utterances = t.utterances
    s.outputs = t.outputs
    s.failures = t.failures
    s.secondsIn = Double(t.sourceSamples) / Double(rate)
    s.secondsOut = Double(t.outputSamples) / Double(rate)
    s.warnings = t.warnings.keys.sorted().map { "\(t.warnings[$0]!) \($0)" }
  }

  /// Counts corpus entries (no audio is read) for progress percentages.
  static func countEntries(_ reader: any CorpusReader) throws -> Int {
    var n = 0
    let it = try reader.entries()
    while it.next() != nil { n += 1 }
    return n
  }

  /// Loads and validates a recipe and builds its stages, before any audio is read. Noise
  /// categories are checked against the library at `noiseLibrary` when it loads (with "did you
  /// mean" suggestions); without a library, `category:` sources are reported as unresolvable.
  ///
  /// `corpus` (path and format) is where `babble:` noise sources take their speech from.
  public static func prepare(
    recipePath: String, noiseLibrary: String, corpus: (path: String, format: String?)? = nil
  ) throws -> (Recipe, [EffectStage]) {
    let library = Result { try NoiseLibrary(root: noiseLibrary) }
    let known = (try? library.get()).map { $0.categories.keys.sorted() } ?? RecipeLoader.defaultNoiseCategories
    let recipe = try RecipeLoader.load(path: recipePath, noiseCategories: known)
    let rate = recipe.sampleRate
    let babble: (@Sendable () throws -> BabblePool)? = corpus.map { c in
      { try BabblePool(input: c.path, inputFormat: c.format, sampleRate: rate) }
    }
    let stages = try EffectRegistry.stages(for: recipe, noiseLibrary: { try library.get() }, babble: babble)
    return (recipe, stages)
  }

  /// Creates the output folders and the run's state, or finds the state of an earlier attempt
  /// of the same run and truncates its journal back to its last checkpoint. A different run
  /// in the same place is refused unless `overwrite`.
  static func openRun(
    _ paths: RunPaths, fingerprint: RunFingerprint, overwrite: Bool, keepGoing: Bool, info: [(String, JSONValue)]
  ) throws -> Checkpoint {
    let fm = FileManager.default
    do {
      try fm.createDirectory(atPath: paths.state, withIntermediateDirectories: true)
    } catch {
      throw CorpusError.badOutput(
        path: paths.output, detail: "cannot create the output folder (\(reason(error))); choose a writable --output")
    }
    let probe = (paths.state as NSString).appendingPathComponent("write-test-\(getpid())")
    guard fm.createFile(atPath: probe, contents: Data("x".utf8)) else {
      throw CorpusError.badOutput(path: paths.output, detail: "output folder is not writable; choose a writable --output")
    }
    try? fm.removeItem(atPath: probe)

    if let stored = StateFile.read(paths.runFile) {
      if let diff = fingerprint.difference(from: stored) {
        guard overwrite else {
          throw CorpusError.badOutput(
            path: paths.output,
            detail: "holds a different run (\(diff)); choose another --output, or pass --overwrite to replace it")
        }
      } else if let cp = StateFile.read(paths.checkpoint).flatMap(Checkpoint.init(json:)),
        StateFile.journalsHold(cp, manifest: paths.manifest, failures: paths.failures, order: paths.order)
      {
        try StateFile.truncate(paths.manifest, to: cp.manifestBytes)
        if keepGoing || fm.fileExists(atPath: paths.failures) { try StateFile.truncate(paths.failures, to: cp.failuresBytes) }
        if fm.fileExists(atPath: paths.order) { try StateFile.truncate(paths.order, to: cp.orderBytes) }
        return cp
      }
    } else if !overwrite, let attrs = try? fm.attributesOfItem(atPath: paths.manifest), (attrs[.size] as? Int ?? 0) > 0 {
      throw CorpusError.badOutput(
        path: paths.output,
        detail: "already holds a manifest.jsonl from another run; choose an empty --output, or pass --overwrite to replace it")
    }
    // A fresh run (or a replaced one): empty journal files, then the state that names the run.
    for p in [paths.manifest, paths.failures, paths.order, paths.checkpoint] { try? fm.removeItem(atPath: p) }
    fm.createFile(atPath: paths.manifest, contents: nil)
    if keepGoing {
      fm.createFile(atPath: paths.failures, contents: Data("id\tfile\treason\n".utf8))
    }
    var cp = Checkpoint()
    cp.failuresBytes = keepGoing ? 16 : 0
    var runJSON = fingerprint.json
    if case .object(var pairs) = runJSON {
      pairs.append(("info", .object(info.map { ($0.0, $0.1) })))
      runJSON = .object(pairs)
    }
    try StateFile.write(runJSON, to: paths.runFile)
    try StateFile.write(cp.json, to: paths.checkpoint)
    return cp
  }

  /// Builds the format's index files from the joined manifest and writes summary.json.
  static func finishRun(
    _ paths: RunPaths, format: OutputFormat, recipe: Recipe, options: MixOptions, seed: UInt64, variants: Int,
    totals: RunTotals
  ) throws {
    try format.buildIndex(directory: paths.output)
    try writeSummary(
      totals, to: paths.output, rate: recipe.sampleRate, recipe: options.recipePath, input: options.inputPath,
      seed: seed, variants: variants, format: format)
  }

  private static func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, let s = String(validatingCString: strerror(Int32(u.code))) {
      return s
    }
    return ns.localizedDescription
  }

  /// summary.json: what was asked and what came out, from integer totals only, so the same run
  /// always writes the same bytes (wall time is printed, not stored).
  static func writeSummary(
    _ t: RunTotals, to out: String, rate: Int, recipe: String, input: String, seed: UInt64, variants: Int,
    format: OutputFormat
  ) throws {
    let hoursIn = Double(t.sourceSamples) / Double(rate) / 3600
    let hoursOut = Double(t.outputSamples) / Double(rate) / 3600
    let obj = JSONValue.object([
      ("recipe", .string(recipe)), ("input", .string(input)), ("output_format", .string(format.rawValue)),
      ("seed", .number(Double(seed))), ("variants", .number(Double(variants))),
      ("sample_rate", .number(Double(rate))),
      ("utterances", .number(Double(t.utterances))), ("outputs", .number(Double(t.outputs))),
      ("failures", .number(Double(t.failures))), ("hours_in", .number(hoursIn)), ("hours_out", .number(hoursOut)),
      ("amplification", .number(hoursIn > 0 ? hoursOut / hoursIn : 0)),
      ("warnings", .array(t.warnings.keys.sorted().map { .string("\(t.warnings[$0]!) \($0)") })),
    ])
    try StateFile.write(obj, to: (out as NSString).appendingPathComponent("summary.json"))
  }
}

/// A failures.tsv field: tabs and newlines become spaces.
func tsv(_ s: String) -> String { String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) }

/// Renders one output: effects, clip guard, WAV file.
struct Renderer: Sendable {
  let stages: [EffectStage]
  let clipGuard: ClipGuard
  let sampleRate: Int
  let seed: UInt64
  let outputDirectory: String
  let format: OutputFormat
  let warnings: WarningCounter
  /// The recipe's intelligibility guard, if any.
  var intelligibility: IntelligibilityGuard? = nil
  /// The codec of outputs that go into shards (encoded in memory), or nil to write files.
  var shardAudio: AudioFileFormat? = nil
  /// Output folders already made (one per speaker/chapter for some formats).
  let folders = FolderCache()

  /// The output id for `variant` of `sourceID`.
  static func outputID(_ sourceID: String, variant: Int) -> String { "\(sourceID)__v\(variant)" }

  func render(_ u: Utterance, audio source: AudioBuffer, variant: Int) -> Result<OutputRecord, UtteranceFailure> {
    do {
      let rendered = try process(u, source: source, variant: variant)
      let (rng, guarded, records) = (rendered.rng, rendered.audio, rendered.records)
      let id = format.outputID(for: u, variant: variant)
      let (relative, fileFormat) = format.audioLocation(outputID: id, source: u)
      let path = (outputDirectory as NSString).appendingPathComponent(relative)
      var encoded: [UInt8]? = nil
      if let shardAudio {
        // FLAC at its fastest level (0): shards are written at corpus scale, and level 0 costs
        // about a third less time than libsndfile's default for ~3% more bytes.
        encoded = try SoundFile.encode(
          guarded.samples, sampleRate: sampleRate, format: shardAudio, label: id,
          compressionLevel: shardAudio == .flac16 ? 0 : nil)
      } else {
        try folders.ensure((path as NSString).deletingLastPathComponent)
        try SoundFile.write(guarded.samples, sampleRate: sampleRate, to: path, format: fileFormat)
      }
      return .success(
        OutputRecord(
          id: id, source: u, variant: variant, relativeAudioPath: relative, audioPath: path,
          sampleCount: guarded.count, sampleRate: sampleRate, seed: seed, streamKey: rng.key, effects: records,
          extra: TimeAlignment.rescale(u.extra, by: rendered.timeScale, sampleRate: sampleRate, outputSamples: guarded.count),
          intelligibility: rendered.intelligibility
        ).withEncodedAudio(encoded))
    } catch let e as AudioFileError where e.isDiskFull {
      var f = UtteranceFailure(id: u.id, file: e.path, reason: e.description, reasonIsLocated: true)
      f.stopsTheRun = true
      return .failure(f)
    } catch let e as EffectError {
      return .failure(UtteranceFailure(id: u.id, file: e.file ?? u.audioPath, reason: e.description))
    } catch {
      return .failure(UtteranceFailure(id: u.id, file: u.audioPath, reason: "\(error)"))
    }
  }
}

/// Makes each output folder once per run (not once per output), shared by all threads.
final class FolderCache: @unchecked Sendable {
  private let lock = NSLock()
  private var made = Set<String>()

  func ensure(_ path: String) throws {
    lock.lock()
    defer { lock.unlock() }
    guard !made.contains(path) else { return }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      if SoundFile.outOfSpace(near: path, needing: 65536) { throw AudioFileError.diskFull(path: path) }
      throw CorpusError.badOutput(path: path, detail: "cannot create an output folder (\(error.localizedDescription)); check the output disk")
    }
    made.insert(path)
  }
}

/// Counts warnings by cause, so each is reported once with its count.
final class WarningCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]
  private var order: [String] = []

  func add(_ cause: String) {
    lock.lock()
    defer { lock.unlock() }
    if counts[cause] == nil { order.append(cause) }
    counts[cause, default: 0] += 1
  }

  /// Returns the counts gathered since the last call and starts again from zero.
  func drain() -> [String: Int] {
    lock.lock()
    defer { lock.unlock() }
    let c = counts
    counts = [:]
    order = []
    return c
  }
}

/// Maps `items` with `jobs` threads; results keep the input order.
///
/// With `cost`, items are started longest first (the longest-processing-time rule): a batch then
/// ends with short items on every thread instead of one long item on one thread while the
/// others wait. Only the start order changes; each result is still `body(items[i])` at `i`.
func parallelMap<T, R>(_ items: [T], jobs: Int, cost: ((T) -> Int)? = nil, _ body: (T) -> R) -> [R] {
  if jobs <= 1 || items.count <= 1 { return items.map(body) }
  var order = Array(items.indices)
  if let cost {
    let c = items.map(cost)
    order.sort { c[$0] != c[$1] ? c[$0] > c[$1] : $0 < $1 }
  }
  var results = [R?](repeating: nil, count: items.count)
  let lock = NSLock()
  var next = 0
  results.withUnsafeMutableBufferPointer { out in
    let base = out.baseAddress!
    DispatchQueue.concurrentPerform(iterations: min(jobs, items.count)) { _ in
      while true {
        lock.lock()
        let n = next
        next += 1
        lock.unlock()
        if n >= items.count { return }
        let i = order[n]
        (base + i).pointee = body(items[i])
      }
    }
  }
  return results.map { $0! }
}
