import Dispatch
import Foundation

/// Options of one `audioamp mix` run.
public struct MixOptions: Sendable {
  /// Recipe file.
  public var recipePath: String
  /// JSON-lines manifest or Kaldi data directory.
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
  /// Replace the outputs of an earlier run in the same folder.
  public var overwrite = false
  /// Noise library folder (holding index.tsv); nil looks for ./noise-library.
  public var noiseLibrary: String?

  /// Creates options with the required paths.
  public init(recipePath: String, inputPath: String, outputDirectory: String) {
    self.recipePath = recipePath
    self.inputPath = inputPath
    self.outputDirectory = outputDirectory
  }
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
  /// Wall-clock seconds.
  public var wallSeconds = 0.0
  /// Warnings, one line per cause with its count.
  public var warnings: [String] = []
}

/// A bad utterance: which one, which file, and why.
public struct UtteranceFailure: Error, Sendable, CustomStringConvertible {
  /// Utterance id (or "line N" when the entry had none).
  public var id: String
  /// The file concerned.
  public var file: String
  /// What went wrong and how to fix it.
  public var reason: String
  /// True when `reason` already says where (a corpus error carries its own file:line).
  public var reasonIsLocated = false

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
    "\(failure)\nstopped after \(summary.outputs) outputs; the files and manifest lines written so far are complete. Fix the utterance, or pass --keep-going to log bad utterances to failures.tsv and continue."
  }
}

/// The `mix` job: reads a corpus, runs the recipe on every utterance `variants` times and
/// writes the outputs with their manifest.
///
/// Each output's random stream depends only on (seed, utterance id, variant), and manifest lines
/// are written in corpus order, so the bytes written do not depend on `jobs` or scheduling.
/// The corpus is streamed in batches; memory is bounded by the batch, not the corpus.
public enum MixJob {
  /// Runs the job. `log` receives progress lines for a person (stderr in the CLI).
  public static func run(_ options: MixOptions, log: @escaping (String) -> Void = { _ in }) throws -> MixSummary {
    let started = Date()
    let (recipe, stages) = try prepare(recipePath: options.recipePath, noiseLibrary: options.noiseLibrary ?? "noise-library")
    let reader = try CorpusFormat.reader(for: options.inputPath)
    let variants = options.variants ?? recipe.variants ?? 1
    let seed = options.seed ?? recipe.seed ?? 0
    let out = options.outputDirectory
    let audioDir = (out as NSString).appendingPathComponent("audio")
    try prepareOutput(out, audioDir: audioDir, overwrite: options.overwrite)

    let manifest = try ManifestWriter(directory: out)
    let kaldi = reader.formatName == "kaldi" ? KaldiDataDirWriter(directory: out) : nil
    let failures = options.keepGoing ? try FailureLog(directory: out) : nil
    let warnings = WarningCounter()
    var summary = MixSummary()
    let jobs = max(1, options.jobs)
    let batchSize = max(8, 4 * jobs)
    let entries = try reader.entries()
    let renderer = Renderer(
      stages: stages, clipGuard: recipe.clipGuard, sampleRate: recipe.sampleRate, seed: seed, audioDir: audioDir,
      outputDirectory: out, warnings: warnings)

    var lastLog = Date()
    while true {
      var batch: [Result<Utterance, CorpusError>] = []
      while batch.count < batchSize, let e = entries.next() { batch.append(e) }
      if batch.isEmpty { break }
      summary.utterances += batch.count

      // Load each source once (in parallel), then render every (utterance, variant) pair.
      let sources = parallelMap(batch, jobs: jobs) { entry -> Result<AudioBuffer, UtteranceFailure> in
        switch entry {
        case .failure(let e):
          let file = e.description.split(separator: ":").first.map(String.init) ?? options.inputPath
          return .failure(UtteranceFailure(id: e.utteranceID ?? "-", file: file, reason: e.description, reasonIsLocated: true))
        case .success(let u):
          do {
            let a = try AudioLoader.load(
              path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds, sampleRate: recipe.sampleRate)
            return .success(a)
          } catch {
            return .failure(UtteranceFailure(id: u.id, file: u.audioPath, reason: "\(error)"))
          }
        }
      }
      let pairs = (0..<batch.count).flatMap { i in (0..<variants).map { (i, $0) } }
      let rendered = parallelMap(pairs, jobs: jobs) { (i, v) -> Result<OutputRecord, UtteranceFailure> in
        guard case .success(let u) = batch[i], case .success(let audio) = sources[i] else {
          if case .failure(let f) = sources[i] { return .failure(f) }
          return .failure(UtteranceFailure(id: "-", file: options.inputPath, reason: "unreadable entry"))
        }
        return renderer.render(u, audio: audio, variant: v)
      }

      // Record in corpus order; one failure per utterance even when every variant failed.
      var failedUtterances = Set<Int>()
      for (k, (i, _)) in pairs.enumerated() {
        switch rendered[k] {
        case .success(let r):
          try manifest.add(r)
          try kaldi?.add(r)
          summary.outputs += 1
          summary.secondsOut += r.durationSeconds
          if r.variant == 0, case .success(let a) = sources[i] { summary.secondsIn += a.durationSeconds }
        case .failure(let f):
          if failedUtterances.contains(i) { continue }
          failedUtterances.insert(i)
          summary.failures += 1
          guard let failures else {
            try manifest.flush()
            summary.wallSeconds = Date().timeIntervalSince(started)
            summary.warnings = warnings.lines
            throw MixStopped(failure: f, summary: summary)
          }
          failures.add(id: f.id, file: f.file, reason: f.reason)
        }
      }
      try manifest.flush()
      try failures?.flush()
      if Date().timeIntervalSince(lastLog) > 10 {
        lastLog = Date()
        log(String(format: "%d utterances, %d outputs, %d failed, %.0f× realtime", summary.utterances, summary.outputs, summary.failures, summary.secondsIn * Double(variants) / max(1e-9, Date().timeIntervalSince(started))))
      }
    }
    try manifest.finish()
    try kaldi?.finish()
    summary.wallSeconds = Date().timeIntervalSince(started)
    summary.warnings = warnings.lines
    try writeSummary(summary, to: out, variants: variants, seed: seed, recipe: options.recipePath)
    return summary
  }

  /// Loads and validates a recipe and builds its stages, before any audio is read. Noise
  /// categories are checked against the library at `noiseLibrary` when it loads (with "did you
  /// mean" suggestions); without a library, `category:` sources are reported as unresolvable.
  public static func prepare(recipePath: String, noiseLibrary: String) throws -> (Recipe, [EffectStage]) {
    let library = Result { try NoiseLibrary(root: noiseLibrary) }
    let known = (try? library.get()).map { $0.categories.keys.sorted() } ?? RecipeLoader.defaultNoiseCategories
    let recipe = try RecipeLoader.load(path: recipePath, noiseCategories: known)
    let stages = try EffectRegistry.stages(for: recipe) { try library.get() }
    return (recipe, stages)
  }

  /// Creates the output folders and refuses to clobber an earlier run unless asked to.
  static func prepareOutput(_ out: String, audioDir: String, overwrite: Bool) throws {
    let fm = FileManager.default
    do {
      try fm.createDirectory(atPath: audioDir, withIntermediateDirectories: true)
    } catch {
      throw CorpusError.badOutput(
        path: out, detail: "cannot create the output folder (\(reason(error))); choose a writable --output")
    }
    let probe = (audioDir as NSString).appendingPathComponent(".audioamp-write-test-\(getpid())")
    guard fm.createFile(atPath: probe, contents: Data("x".utf8)) else {
      throw CorpusError.badOutput(path: out, detail: "output folder is not writable; choose a writable --output")
    }
    try? fm.removeItem(atPath: probe)
    let manifest = (out as NSString).appendingPathComponent("manifest.jsonl")
    if !overwrite, let attrs = try? fm.attributesOfItem(atPath: manifest), (attrs[.size] as? Int ?? 0) > 0 {
      throw CorpusError.badOutput(
        path: out, detail: "already holds a run (manifest.jsonl is not empty); choose an empty --output, or pass --overwrite to replace it")
    }
    if overwrite {
      try? fm.removeItem(atPath: (out as NSString).appendingPathComponent("failures.tsv"))
    }
  }

  private static func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, let s = String(validatingCString: strerror(Int32(u.code))) {
      return s
    }
    return ns.localizedDescription
  }

  static func writeSummary(_ s: MixSummary, to out: String, variants: Int, seed: UInt64, recipe: String) throws {
    let obj = JSONValue.object([
      ("recipe", .string(recipe)), ("seed", .number(Double(seed))), ("variants", .number(Double(variants))),
      ("utterances", .number(Double(s.utterances))), ("outputs", .number(Double(s.outputs))),
      ("failures", .number(Double(s.failures))), ("hours_in", .number(s.secondsIn / 3600)),
      ("hours_out", .number(s.secondsOut / 3600)),
      ("warnings", .array(s.warnings.map { .string($0) })),
    ])
    let path = (out as NSString).appendingPathComponent("summary.json")
    try? (obj.serialized + "\n").write(toFile: path, atomically: true, encoding: .utf8)
  }
}

/// Renders one output: effects, clip guard, WAV file.
struct Renderer: Sendable {
  let stages: [EffectStage]
  let clipGuard: ClipGuard
  let sampleRate: Int
  let seed: UInt64
  let audioDir: String
  let outputDirectory: String
  let warnings: WarningCounter

  /// The output id for `variant` of `sourceID`.
  static func outputID(_ sourceID: String, variant: Int) -> String { "\(sourceID)__v\(variant)" }

  func render(_ u: Utterance, audio source: AudioBuffer, variant: Int) -> Result<OutputRecord, UtteranceFailure> {
    let rng = UtteranceRNG(seed: seed, utteranceID: u.id, variant: variant)
    var audio = source
    var records: [JSONValue] = []
    do {
      for stage in stages {
        let ctx = EffectContext(utterance: u, sampleRate: audio.sampleRate, sampleCount: audio.count)
        let (next, record) = try stage.run(audio, context: ctx, rng: rng)
        audio = next
        if let record { records.append(record) }
      }
      let (guarded, clipRecord) = clipGuard.apply(to: audio)
      if let clipRecord {
        records.append(clipRecord)
        warnings.add("outputs would have clipped and were brought under full scale (clip_guard: \(clipGuard.rawValue)); see their clip_guard entries in the manifest")
      }
      let id = Renderer.outputID(u.id, variant: variant)
      let fileName = String(id.map { $0 == "/" ? "_" : $0 }) + ".wav"
      let path = (audioDir as NSString).appendingPathComponent(fileName)
      try SoundFile.writeWAV16(guarded.samples, sampleRate: sampleRate, to: path)
      return .success(
        OutputRecord(
          id: id, source: u, variant: variant, relativeAudioPath: "audio/\(fileName)", audioPath: path,
          durationSeconds: guarded.durationSeconds, seed: seed, streamKey: rng.key, effects: records))
    } catch let e as EffectError {
      let file: String
      if case .silentNoise(let f, _) = e { file = f } else if case .emptyNoise(let f) = e { file = f } else { file = u.audioPath }
      return .failure(UtteranceFailure(id: u.id, file: file, reason: e.description))
    } catch {
      return .failure(UtteranceFailure(id: u.id, file: u.audioPath, reason: "\(error)"))
    }
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

  var lines: [String] {
    lock.lock()
    defer { lock.unlock() }
    return order.map { "\(counts[$0]!) \($0)" }
  }
}

/// Maps `items` with `jobs` threads; results keep the input order.
func parallelMap<T, R>(_ items: [T], jobs: Int, _ body: (T) -> R) -> [R] {
  if jobs <= 1 || items.count <= 1 { return items.map(body) }
  var results = [R?](repeating: nil, count: items.count)
  let lock = NSLock()
  var next = 0
  results.withUnsafeMutableBufferPointer { out in
    let base = out.baseAddress!
    DispatchQueue.concurrentPerform(iterations: min(jobs, items.count)) { _ in
      while true {
        lock.lock()
        let i = next
        next += 1
        lock.unlock()
        if i >= items.count { return }
        (base + i).pointee = body(items[i])
      }
    }
  }
  return results.map { $0! }
}
