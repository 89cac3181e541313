import ArgumentParser
import AudioAmpKit
import Foundation

struct Speak: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "speak",
    abstract: "Make a labelled corpus from text with synthetic voices (then, optionally, run a recipe over it).",
    discussion: """
      Speaks every prompt of --text with every voice of --voices, --variants times each, with a \
      separate draw of speaking rate, pitch, pitch range, word gap and voice variant per output \
      (recorded in the manifest). The transcript is the prompt, the speaker is the voice.

      Voices: espeak:all, espeak:en-us,en-gb,en-gb-scotland (add +m3 or +f2 to pin a variant), \
      festival:kal (when festival is installed), cmd:NAME (a NAME.voice command template in \
      --voice-dir). List them with --list-voices ENGINE.

        audioamp speak --text prompts.txt --voices espeak:all --variants 20 --output tts/ --seed 1
        audioamp speak --text commands.tsv --voices espeak:en-us,en-gb festival:kal --output tts/
        audioamp speak --text commands.tsv --voices espeak:en-us --recipe recipes/phone.yaml --output out/

      With --recipe the clean synthesized corpus goes to DIR/tts/ and the recipe's outputs to DIR, \
      as `audioamp mix --input DIR/tts/manifest.jsonl` would write them.
      """)

  @Option(name: .long, help: ArgumentHelp("Prompts: a text file (one per line) or a .tsv with a text column (and optionally id and other columns).", valueName: "file"))
  var text: String?

  @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Voices, ENGINE:NAME[,NAME...] or ENGINE:all.", valueName: "spec"))
  var voices: [String] = []

  @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
  var output: String?

  @Option(name: .long, help: ArgumentHelp("Outputs per (prompt, voice), each with its own prosody draw.", valueName: "n"))
  var variants: Int = 1

  @Option(name: .long, help: ArgumentHelp("Seed of the prosody draws (and of the recipe, with --recipe).", valueName: "s"))
  var seed: UInt64 = 0

  @Option(name: .long, help: ArgumentHelp("Output sample rate in Hz (a recipe's sample_rate takes precedence).", valueName: "hz"))
  var sampleRate: Int = 16000

  @Option(name: .long, help: ArgumentHelp("Output layout: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
  var outputFormat: String = "jsonl"

  @Option(name: .long, help: ArgumentHelp("Recipe to run over the synthesized corpus.", valueName: "file"))
  var recipe: String?

  @Option(name: .long, help: ArgumentHelp("Noise library folder holding index.tsv (for --recipe).", valueName: "dir"))
  var noiseLibrary: String = "noise-library"

  @Option(name: .long, help: ArgumentHelp("Folder of NAME.voice command templates for cmd: voices.", valueName: "dir"))
  var voiceDir: String?

  @Option(name: .long, help: ArgumentHelp("Seconds one run of a cmd: voice's command may take before it is stopped and reported (default 120).", valueName: "s"))
  var voiceTimeLimit: Double = CommandEngine.defaultTimeLimit

  @Option(name: .long, help: ArgumentHelp("Worker threads; outputs do not depend on it.", valueName: "j"))
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(name: .long, help: "Replace an earlier run's outputs in DIR.")
  var overwrite = false

  @Option(name: .long, help: ArgumentHelp("Print the voices of ENGINE (espeak, festival, cmd) and exit.", valueName: "engine"))
  var listVoices: String?

  @Flag(name: .long, help: "No progress output.")
  var quiet = false

  func validate() throws {
    if listVoices != nil { return }
    guard let text else { throw ValidationError("--text is required") }
    guard output != nil else { throw ValidationError("--output is required") }
    guard !voices.isEmpty else { throw ValidationError("--voices is required, e.g. --voices espeak:en-us,en-gb") }
    guard FileManager.default.fileExists(atPath: text) else { throw ValidationError("--text \(text): no such file") }
    guard variants >= 1 else { throw ValidationError("--variants must be at least 1 (got \(variants))") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    guard voiceTimeLimit > 0, voiceTimeLimit.isFinite else { throw ValidationError("--voice-time-limit must be more than 0 seconds (got \(voiceTimeLimit))") }
    guard (8000...192000).contains(sampleRate) else { throw ValidationError("--sample-rate must be 8000...192000 Hz (got \(sampleRate))") }
    guard OutputFormat(rawValue: outputFormat) != nil else {
      throw ValidationError("--output-format \(outputFormat): choose one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if let r = recipe, !FileManager.default.fileExists(atPath: r) { throw ValidationError("--recipe \(r): no such file") }
  }

  func run() throws {
    if let engine = listVoices {
      do {
        for v in try VoiceCatalog.resolve(["\(engine):all"], voiceDirectory: voiceDir) { print(v.name) }
      } catch {
        fail("\(error)", code: 1)
      }
      return
    }
    var o = SpeakOptions(textPath: text!, voices: voices, outputDirectory: output!)
    o.variants = variants
    o.seed = seed
    o.sampleRate = sampleRate
    o.jobs = jobs
    o.outputFormat = OutputFormat(rawValue: outputFormat)!
    o.voiceDirectory = voiceDir
    o.commandTimeLimit = voiceTimeLimit
    o.recipePath = recipe
    o.noiseLibrary = noiseLibrary
    o.overwrite = overwrite
    let terminal = isatty(2) == 1 && !quiet
    let s: SpeakSummary
    do {
      s = try SpeakJob.run(o) { done, total in
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[Kspeak: \(done)/\(total)".utf8)) }
      }
      if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    } catch let e as RecipeError {
      fail(e.description, code: 2)
    } catch let e as MixStopped {
      fail(e.description, code: 1)
    } catch {
      fail("\(error)", code: 1)
    }
    print(String(
      format: "%d prompts × %d voices × %d variants → %d utterances, %.2f h; %.1f s wall (%.1f s in the engines); wrote %@",
      s.prompts, s.voices.count, variants, s.utterances, s.secondsSynthesized / 3600, s.wallSeconds, s.engineSeconds,
      s.ttsManifest))
    if let m = s.mix {
      for w in m.warnings { warn("warning: \(w)") }
      print("recipe: \(m.utterances) utterances → \(m.outputs) outputs, \(m.failures) failed; wrote \(m.manifestPath)")
    }
  }
}

/// One espeak-ng synthesis in a fresh process (run by `speak` once per output; not for users).
struct EspeakWorker: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "_espeak-worker", abstract: "Internal: one espeak-ng synthesis, text on stdin, samples on stdout.",
    shouldDisplay: false)

  @Option var voice: String
  @Option var variant: String = ""
  @Option var rate: Double
  @Option var pitch: Double
  @Option var range: Double
  @Option var wordGap: Double

  func run() throws {
    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    do {
      try EspeakEngine.shared().workerMain(
        text: text, voice: voice,
        prosody: Prosody(rateWPM: rate, pitch: pitch, pitchRange: range, wordGap: wordGap, variant: variant))
    } catch {
      fail("\(error)", code: 1)
    }
  }
}
