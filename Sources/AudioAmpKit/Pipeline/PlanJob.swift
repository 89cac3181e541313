import Foundation

/// What a run will make and cost, worked out before running it.
public struct MixPlan: Sendable {
  /// Utterances in the corpus (or this shard).
  public var utterances = 0
  /// Seconds of source audio.
  public var secondsIn = 0.0
  /// True when durations were read from every file; false when estimated from a sample.
  public var durationsExact = true
  /// Files whose length was read.
  public var durationsRead = 0
  /// Outputs the run will write.
  public var outputs = 0
  /// Expected output length over input length, averaged over the recipe's draws.
  public var durationRatio = 1.0
  /// Expected seconds of output audio.
  public var secondsOut = 0.0
  /// Expected bytes written.
  public var bytesOut = 0.0
  /// Calibration: utterances rendered, and source seconds per wall second on one core.
  public var calibrationUtterances = 0
  public var realtimePerCore = 0.0
  /// Worker threads assumed, and the expected wall time in seconds.
  public var jobs = 1
  public var wallSeconds = 0.0
  /// Output format.
  public var format = OutputFormat.jsonl
  /// Sample rate of the outputs.
  public var sampleRate = 16000
  /// With `--balance`: the counts per value before and after.
  public var balance: BalancePlan?

  /// The plan as JSON, for scripts.
  public var json: JSONValue {
    .object([
      ("utterances", .number(Double(utterances))), ("hours_in", .number(secondsIn / 3600)),
      ("durations_exact", .bool(durationsExact)), ("outputs", .number(Double(outputs))),
      ("duration_ratio", .number(durationRatio)), ("hours_out", .number(secondsOut / 3600)),
      ("bytes_out", .number(bytesOut.rounded())), ("calibration_utterances", .number(Double(calibrationUtterances))),
      ("realtime_per_core", .number(realtimePerCore.rounded())), ("jobs", .number(Double(jobs))),
      ("wall_seconds", .number(wallSeconds.rounded())), ("output_format", .string(format.rawValue)),
    ] + (balance.map { [("balance", $0.json)] } ?? []))
  }
}

/// `audioamp plan`: how many outputs and hours a run will make, the disk it needs, and how long
/// it will take on this machine, from the corpus's file headers and a short calibration run of
/// the real pipeline on a few utterances (nothing is written to the output folder).
public enum PlanJob {
  /// Largest number of file headers read; past it durations are estimated from an even sample.
  public static let headerLimit = 5000

  /// Works out the plan for `options` (its output folder is not touched).
  public static func run(_ options: MixOptions, calibrationSeconds: Double = 20) throws -> MixPlan {
    let (recipe, stages) = try MixJob.prepare(
      recipePath: options.recipePath, noiseLibrary: options.noiseLibrary ?? "noise-library",
      corpus: (options.inputPath, options.inputFormat))
    let reader = try CorpusFormat.reader(for: options.inputPath, format: options.inputFormat)
    var plan = MixPlan()
    plan.format = options.outputFormat ?? OutputFormat.mirroring(readerFormat: reader.formatName)
    plan.sampleRate = recipe.sampleRate
    let variants = options.variants ?? recipe.variants ?? 1
    let shard = options.shard
    plan.balance = try options.balance.map {
      try BalancePlan.build(
        reader: reader, path: options.inputPath, spec: $0, baseVariants: variants, seed: options.seed ?? recipe.seed ?? 0)
    }
    var outputs = 0

    // Pass 1: count (cheap), so the header sample can be spread evenly over the corpus.
    var total = 0
    let counter = try reader.entries()
    while let e = counter.next() {
      if shard.count == 1 || shard.owns(MixJob.ownershipKey(e)) {
        total += 1
        outputs += plan.balance?.variants(for: e) ?? variants
      }
    }
    plan.utterances = total
    let step = max(1, Int((Double(total) / Double(headerLimit)).rounded(.up)))
    plan.durationsExact = step == 1
    var sampled = 0.0
    var calibration: [Utterance] = []
    var calibrationSecs = 0.0
    var i = 0
    let entries = try reader.entries()
    while let e = entries.next() {
      guard shard.count == 1 || shard.owns(MixJob.ownershipKey(e)), case .success(let u) = e else { continue }
      defer { i += 1 }
      if calibrationSecs < calibrationSeconds, calibration.count < 64 {
        calibration.append(u)
        calibrationSecs += (try? duration(of: u)) ?? 0
      }
      guard i % step == 0 else { continue }
      if let d = try? duration(of: u) {
        sampled += d
        plan.durationsRead += 1
      }
    }
    plan.secondsIn = plan.durationsRead > 0 ? sampled / Double(plan.durationsRead) * Double(total) : 0
    plan.outputs = outputs
    plan.durationRatio = expectedDurationRatio(recipe)
    // Balanced runs: the mean variants per utterance (exact when utterances are of one length).
    let meanVariants = total > 0 ? Double(outputs) / Double(total) : Double(variants)
    plan.secondsOut = plan.secondsIn * meanVariants * plan.durationRatio
    let bytesPerSecond: Double
    switch plan.format {
    case .librispeech: bytesPerSecond = Double(recipe.sampleRate) * 2 * 0.6  // FLAC, speech with noise
    case .commonvoice: bytesPerSecond = 8000  // LAME's default rate for 16 kHz mono, about 64 kbit/s
    default: bytesPerSecond = Double(recipe.sampleRate) * 2
    }
    plan.bytesOut = plan.secondsOut * bytesPerSecond + Double(plan.outputs) * (44 + 700)

    // Calibration: the real render path on the first utterances, one thread, into a temporary
    // folder that is removed afterwards.
    let temp = NSTemporaryDirectory() + "audioamp-plan-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: temp) }
    try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
    let renderer = Renderer(
      stages: stages, clipGuard: recipe.clipGuard, sampleRate: recipe.sampleRate, seed: options.seed ?? recipe.seed ?? 0,
      outputDirectory: temp, format: plan.format, warnings: WarningCounter(),
      intelligibility: recipe.intelligibility)
    // One untimed render first: FFTW plans and filter tables are made once per run, not per file.
    if let u = calibration.first,
      let audio = try? AudioLoader.load(path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds, sampleRate: recipe.sampleRate)
    {
      _ = renderer.render(u, audio: audio, variant: 0)
    }
    var rendered = 0.0
    let t0 = Date()
    for u in calibration {
      guard let audio = try? AudioLoader.load(path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds, sampleRate: recipe.sampleRate) else { continue }
      for v in 0..<variants {
        if case .success = renderer.render(u, audio: audio, variant: v) { rendered += audio.durationSeconds }
      }
    }
    let wall = Date().timeIntervalSince(t0)
    plan.calibrationUtterances = calibration.count
    plan.realtimePerCore = wall > 0 ? rendered / wall : 0
    plan.jobs = max(1, options.jobs)
    // Threads scale nearly linearly up to the core count (measured 1.9× on 2 cores).
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let speedup = Double(min(plan.jobs, cores)) * (plan.jobs > 1 ? 0.95 : 1)
    plan.wallSeconds = plan.realtimePerCore > 0 ? plan.secondsIn * meanVariants / (plan.realtimePerCore * speedup) : 0
    return plan
  }

  static func duration(of u: Utterance) throws -> Double {
    if let d = u.durationSeconds { return d }
    let f = try SoundFile(readingFrom: u.audioPath)
    return max(0, f.info.durationSeconds - u.offsetSeconds)
  }

  /// E[output length / input length] over the recipe's draws: each speed or tempo step with
  /// factor f and probability p contributes p·E[1/f] + (1 − p).
  static func expectedDurationRatio(_ recipe: Recipe) -> Double {
    var ratio = 1.0
    for e in recipe.effects {
      guard let spec = e.durationFactor else { continue }
      ratio *= e.probability * expectedReciprocal(spec) + (1 - e.probability)
    }
    return ratio
  }

  /// E[1/x] for a number drawn from `spec`.
  static func expectedReciprocal(_ spec: NumberSpec) -> Double {
    switch spec {
    case .constant(let c): return 1 / c
    case .uniform(let a, let b): return a == b ? 1 / a : log(b / a) / (b - a)
    case .choice(let v), .cycle(let v): return v.map { 1 / $0 }.reduce(0, +) / Double(v.count)
    }
  }
}
