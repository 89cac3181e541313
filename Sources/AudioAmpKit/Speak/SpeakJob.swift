import Foundation

/// Options of one `audioamp speak` run.
public struct SpeakOptions: Sendable {
  /// Prompt file (`.txt`, one prompt per line, or `.tsv` with a `text` column).
  public var textPath: String
  /// Voice specs: `espeak:all`, `espeak:en-us,en-gb`, `festival:kal`, `cmd:NAME`.
  public var voices: [String]
  /// Output folder.
  public var outputDirectory: String
  /// Outputs per (prompt, voice), each with its own prosody draw (≥ 1).
  public var variants = 1
  /// Seed of the prosody draws.
  public var seed: UInt64 = 0
  /// Output sample rate, Hz; a recipe's `sample_rate` replaces it.
  public var sampleRate = 16000
  /// Worker threads (resampling and writing; espeak-ng itself speaks one prompt at a time).
  public var jobs = 1
  /// Output layout.
  public var outputFormat = OutputFormat.jsonl
  /// Folder of `NAME.voice` command templates for `cmd:` voices.
  public var voiceDirectory: String?
  /// Longest one run of a `cmd:` voice's command may take, in seconds.
  public var commandTimeLimit = CommandEngine.defaultTimeLimit
  /// Where prosody is drawn from.
  public var prosody = ProsodyRanges.standard
  /// A recipe to run over the synthesized corpus (its outputs then go to the output folder).
  public var recipePath: String?
  /// Noise library for the recipe.
  public var noiseLibrary: String?
  /// Replace an earlier run in the output folder.
  public var overwrite = false

  /// Creates options with the required values.
  public init(textPath: String, voices: [String], outputDirectory: String) {
    self.textPath = textPath
    self.voices = voices
    self.outputDirectory = outputDirectory
  }
}

/// What a `speak` run made.
public struct SpeakSummary: Sendable {
  /// Prompts read.
  public var prompts = 0
  /// Voices used.
  public var voices: [String] = []
  /// Synthesized utterances (prompts × voices × variants).
  public var utterances = 0
  /// Seconds of synthesized audio.
  public var secondsSynthesized = 0.0
  /// Seconds spent inside the engines (espeak-ng under its lock).
  public var engineSeconds = 0.0
  /// Wall-clock seconds of the synthesis.
  public var wallSeconds = 0.0
  /// Where the synthesized corpus's manifest is (`DIR/manifest.jsonl`, or with a recipe
  /// `DIR/tts/manifest.jsonl`).
  public var ttsManifest = ""
  /// The mix run over the synthesized corpus, with `--recipe`.
  public var mix: MixSummary?
}

/// `audioamp speak`: makes a labelled corpus from text, one output per (prompt, voice, variant).
///
/// Each output's prosody (rate, pitch, pitch range, word gap, voice variant) is drawn from its
/// own stream, keyed by (seed, `<prompt id>__<voice>`, variant), and recorded in its manifest
/// line as a `tts` effect, so any output can be rebuilt alone and the same command writes the
/// same bytes whatever `--jobs` is. The transcript is the prompt text byte for byte, the speaker
/// is the voice (`espeak:en-gb`), and `accent` is the voice name without its engine.
///
/// With a recipe, the synthesized corpus is written as a jsonl corpus to `DIR/tts/` (its
/// manifest written only when its bytes change, so a rerun of the same command resumes the mix)
/// and `MixJob` runs the recipe over it into `DIR`, exactly as `audioamp mix --input DIR/tts`.
public enum SpeakJob {
  /// Runs the job. `progress` is called with (done, total) after every batch of syntheses.
  public static func run(_ options: SpeakOptions, progress: (Int, Int) -> Void = { _, _ in }) throws -> SpeakSummary {
    let started = Date()
    let prompts = try PromptReader.read(path: options.textPath)
    let voices = try VoiceCatalog.resolve(options.voices, voiceDirectory: options.voiceDirectory, commandTimeLimit: options.commandTimeLimit)
    guard !voices.isEmpty else {
      throw SpeakError.unknownVoice(spec: options.voices.joined(separator: " "), detail: "names no voice")
    }
    var rate = options.sampleRate
    if let r = options.recipePath {
      let (recipe, _) = try MixJob.prepare(recipePath: r, noiseLibrary: options.noiseLibrary ?? "noise-library")
      rate = recipe.sampleRate
    }
    let staged = options.recipePath != nil
    let dir = staged ? (options.outputDirectory as NSString).appendingPathComponent("tts") : options.outputDirectory
    let format = staged ? OutputFormat.jsonl : options.outputFormat
    let manifestPath = (dir as NSString).appendingPathComponent("manifest.jsonl")
    let fm = FileManager.default
    if !staged, !options.overwrite, let a = try? fm.attributesOfItem(atPath: manifestPath), (a[.size] as? Int ?? 0) > 0 {
      throw CorpusError.badOutput(
        path: options.outputDirectory,
        detail: "already holds a manifest.jsonl; choose an empty --output, or pass --overwrite to replace it")
    }
    do {
      try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw CorpusError.badOutput(path: dir, detail: "cannot create the output folder; choose a writable --output")
    }

    // Work items in manifest order: prompt, then voice, then variant.
    struct Item {
      let prompt: Prompt
      let voice: TTSVoice
      let variant: Int
    }
    var items: [Item] = []
    for p in prompts {
      for v in voices {
        for k in 0..<max(1, options.variants) { items.append(Item(prompt: p, voice: v, variant: k)) }
      }
    }
    let folders = FolderCache()
    let engineTime = EngineClock()
    var lines: [String] = []
    var summary = SpeakSummary()
    summary.prompts = prompts.count
    summary.voices = voices.map(\.speaker)
    var samples = 0
    let batch = max(16, 8 * options.jobs)
    var start = 0
    while start < items.count {
      let chunk = Array(items[start..<min(items.count, start + batch)])
      let results = parallelMap(chunk, jobs: options.jobs) { item -> Result<(String, Int), Error> in
        Result {
          try render(
            item.prompt, voice: item.voice, variant: item.variant, seed: options.seed, ranges: options.prosody,
            sampleRate: rate, directory: dir, format: format, staged: staged, folders: folders, clock: engineTime)
        }
      }
      for r in results {
        let (line, n) = try r.get()
        lines.append(line)
        samples += n
      }
      start += chunk.count
      progress(start, items.count)
    }
    let text = lines.map { $0 + "\n" }.joined()
    // Rewrite the manifest only when it changes, so that a mix resuming over the staged corpus
    // sees the same input (its identity includes the input file's size and time).
    if fm.contents(atPath: manifestPath) != Data(text.utf8) {
      try StateFile.writeText(text, to: manifestPath)
    }
    if !staged {
      try format.buildIndex(directory: dir)
      let obj = JSONValue.object([
        ("text", .string(options.textPath)), ("voices", .array(voices.map { .string($0.speaker) })),
        ("variants", .number(Double(options.variants))), ("seed", .number(Double(options.seed))),
        ("sample_rate", .number(Double(rate))), ("output_format", .string(format.rawValue)),
        ("prompts", .number(Double(prompts.count))), ("outputs", .number(Double(items.count))),
        ("hours_out", .number(Double(samples) / Double(rate) / 3600)),
      ])
      try StateFile.write(obj, to: (dir as NSString).appendingPathComponent("summary.json"))
    }
    summary.utterances = items.count
    summary.secondsSynthesized = Double(samples) / Double(rate)
    summary.engineSeconds = engineTime.seconds
    summary.wallSeconds = Date().timeIntervalSince(started)
    summary.ttsManifest = manifestPath

    if let recipe = options.recipePath {
      var m = MixOptions(recipePath: recipe, inputPath: manifestPath, outputDirectory: options.outputDirectory)
      m.seed = options.seed
      m.jobs = options.jobs
      m.overwrite = options.overwrite
      m.noiseLibrary = options.noiseLibrary
      m.outputFormat = options.outputFormat
      m.inputFormat = "jsonl"
      summary.mix = try MixJob.run(m)
    }
    return summary
  }

  /// The utterance id of (prompt, voice): `<prompt id>__<engine>-<voice>` with `:`, `+` and `/`
  /// made `-`. Output ids add `__v<variant>`.
  public static func utteranceID(promptID: String, speaker: String) -> String {
    promptID + "__" + String(speaker.map { $0 == ":" || $0 == "+" || $0 == "/" || $0 == " " ? "-" : $0 })
  }

  /// Synthesizes one output, writes its audio and returns its manifest line and sample count.
  static func render(
    _ prompt: Prompt, voice: TTSVoice, variant: Int, seed: UInt64, ranges: ProsodyRanges, sampleRate: Int,
    directory: String, format: OutputFormat, staged: Bool, folders: FolderCache, clock: EngineClock
  ) throws -> (String, Int) {
    let uid = utteranceID(promptID: prompt.id, speaker: voice.speaker)
    var rng = UtteranceRNG(seed: seed, utteranceID: uid, variant: variant)
    let key = rng.key
    let prosody = ranges.draw(using: &rng, pinnedVariant: voice.pinnedVariant)
    let t0 = Date()
    let spoken: AudioBuffer
    do {
      spoken = try voice.engine.synthesize(prompt.text, voice: voice.baseName, prosody: prosody)
    } catch let SpeakError.synthesisFailed(v, _, detail) {
      throw SpeakError.synthesisFailed(voice: v, promptID: prompt.id, detail: "\(detail) (prompt at \(prompt.origin))")
    }
    clock.add(Date().timeIntervalSince(t0))
    guard !spoken.samples.isEmpty else {
      throw SpeakError.synthesisFailed(
        voice: voice.speaker, promptID: prompt.id,
        detail: "the engine produced no audio (prompt at \(prompt.origin)); check the text is in the voice's language")
    }
    let audio = try SampleRateConverter.convert(spoken.samples, from: spoken.sampleRate, to: sampleRate)
    let id = Renderer.outputID(uid, variant: variant)
    var extra: [(String, JSONValue)] = [
      ("prompt_id", .string(prompt.id)), ("accent", .string(voice.baseName)),
      ("tts_engine", .string(voice.engine.name)),
    ]
    extra.append(contentsOf: prompt.extra)
    let record = voice.engine.record(voice: voice.baseName, prosody: prosody)
    let source = Utterance(
      id: uid, audioPath: "", text: prompt.text, speaker: voice.speaker, origin: prompt.origin, extra: extra)
    let (relative, fileFormat) = format.audioLocation(outputID: id, source: source)
    let path = (directory as NSString).appendingPathComponent(relative)
    try folders.ensure((path as NSString).deletingLastPathComponent)
    try SoundFile.write(audio, sampleRate: sampleRate, to: path, format: fileFormat)
    if staged {
      // The staged corpus is the mix's input: a plain manifest whose extra fields (the prompt
      // id, accent and the tts draw) the mix carries into its own manifest beside its effects.
      var pairs: [(String, JSONValue)] = [
        ("audio_filepath", .string(relative)),
        ("duration", .number((Double(audio.count) / Double(sampleRate) * 1000).rounded() / 1000)),
        ("text", .string(prompt.text)), ("id", .string(id)), ("speaker", .string(voice.speaker)),
      ]
      pairs.append(contentsOf: extra)
      pairs.append(("tts", record))
      pairs.append(("tts_seed", .number(Double(seed))))
      pairs.append(("tts_stream_key", .string(hex16(key))))
      return (JSONValue.object(pairs).serialized, audio.count)
    }
    let out = OutputRecord(
      id: id, source: source, variant: variant, relativeAudioPath: relative, audioPath: path,
      sampleCount: audio.count, sampleRate: sampleRate, seed: seed, streamKey: key, effects: [record])
    return (out.manifestLine, audio.count)
  }
}

/// Adds up seconds spent in the engines across threads.
final class EngineClock: @unchecked Sendable {
  private let lock = NSLock()
  private var total = 0.0
  func add(_ s: Double) {
    lock.lock()
    total += s
    lock.unlock()
  }
  var seconds: Double {
    lock.lock()
    defer { lock.unlock() }
    return total
  }
}
