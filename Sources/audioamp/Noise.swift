import ArgumentParser
import AudioAmpKit
import Foundation

struct NoiseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "noise",
    abstract: "Make, list and import noise for the noise effect.",
    subcommands: [Synth.self, Index.self, List.self, Stats.self, Compare.self])

  struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "index",
      abstract: "Index a noise or impulse-response set you already have (MUSAN, DEMAND, ESC-50, WHAM!, RIRS_NOISES, BUT ReverbDB, MIT IR survey, ACE, or a folder per category).",
      discussion: """
        Writes DIR/index.tsv: each file's category, duration, rate, channels, level, licence and \
        train/test split, so that `mix --noise-library DIR` can draw from it. Examples:
          audioamp noise index ~/data/musan --layout musan
          audioamp noise index ~/data/ESC-50-master --layout esc50
          audioamp noise index ~/my-noise --layout folder      # my-noise/<category>/*.wav
          audioamp noise index ~/data/RIRS_NOISES --layout rirs_noises   # then reverb: {rir: {index: ~/data/RIRS_NOISES}}
        """)

    @Argument(help: ArgumentHelp("The noise set's top folder.", valueName: "dir")) var directory: String
    @Option(help: ArgumentHelp("musan, demand, esc50, wham, folder, rirs_noises, butreverb, mit or ace.", valueName: "layout")) var layout: String
    @Option(help: ArgumentHelp("Where to write the index (default DIR/index.tsv).", valueName: "file")) var out: String?

    func validate() throws {
      guard NoiseImporter.Layout(rawValue: layout) != nil else {
        throw ValidationError("--layout \(layout): choose \(NoiseImporter.Layout.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
        throw ValidationError("\(directory): no such folder")
      }
    }

    func run() throws {
      do {
        let n = try NoiseImporter.run(root: directory, layout: NoiseImporter.Layout(rawValue: layout)!, indexPath: out)
        let lib = try NoiseLibrary(root: out.map { ($0 as NSString).deletingLastPathComponent } ?? directory)
        print("indexed \(n) files into \(out ?? (directory as NSString).appendingPathComponent("index.tsv"))")
        for c in lib.categories.keys.sorted() {
          let secs = lib.categories[c]!.map(\.durationSeconds).reduce(0, +)
          print(String(format: "  %@: %d files, %.2f h", c, lib.categories[c]!.count, secs / 3600))
        }
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }

  struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "synth",
      abstract: "Generate a noise file: traffic, crowd babble or cell-phone noise.",
      discussion: """
        Deterministic: the same arguments always give the same bytes. Examples:
          audioamp noise synth traffic --seconds 120 --seed 3 --density busy --distance 5:40 --out my-noise/street.flac
          audioamp noise synth crowd --talkers 8 --from corpus/manifest.jsonl --seconds 60 --out my-noise/cafe.flac
          audioamp noise synth cell-phone --kind gsm-buzz --seconds 30 --out my-noise/buzz.flac
        """)

    @Argument(help: ArgumentHelp("traffic, crowd or cell-phone.", valueName: "category")) var category: String
    @Option(help: "Length in seconds.") var seconds: Double = 60
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Sample rate, Hz.") var rate: Int = 16000
    @Option(help: ArgumentHelp("Output file (.flac, .wav, .ogg, .opus, .mp3).", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("traffic: street, stop-and-go, motorway-far, wet-road, car-cabin or bus-interior; crowd: cafe, restaurant, station-hall, open-office or party.", valueName: "scene")) var scene: String?
    @Option(help: "traffic: quiet, busy or highway.") var density: String = "busy"
    @Option(help: ArgumentHelp("traffic: closest distances of passing vehicles, metres.", valueName: "min:max")) var distance: String = "5:40"
    @Option(help: ArgumentHelp("traffic: chance a vehicle sounds its horn (default by density).", valueName: "p")) var horns: Double?
    @Option(help: "crowd: number of talkers.") var talkers: Int = 8
    @Option(help: ArgumentHelp("crowd: the speech to make babble from (any corpus audioamp reads).", valueName: "corpus")) var from: String?
    @Flag(help: "crowd: leave out the murmur bed.") var noMurmur = false
    @Option(help: ArgumentHelp("crowd: cutlery clinks per minute.", valueName: "n")) var clinks: Double = 0
    @Option(help: ArgumentHelp("crowd: footsteps per minute.", valueName: "n")) var steps: Double = 0
    @Option(help: ArgumentHelp("crowd: doors opening and closing per minute.", valueName: "n")) var doors: Double = 0
    @Option(help: ArgumentHelp("cell-phone: gsm-buzz, static, dropouts, rubbing or tones.", valueName: "kind")) var kind: String = "gsm-buzz"
    @Option(help: ArgumentHelp("Add (or replace) the file's row in this noise index, with the command that made it.", valueName: "index.tsv")) var index: String?

    func options() throws -> NoiseSynthOptions {
      var o = NoiseSynthOptions(category: category, seconds: seconds, seed: seed, out: out)
      o.sampleRate = rate
      guard let d = TrafficGenerator.Density(rawValue: density) else {
        throw ValidationError("--density \(density): choose quiet, busy or highway")
      }
      o.density = d
      if let scene {
        switch category {
        case "traffic":
          guard let t = TrafficGenerator.Scene(rawValue: scene) else {
            throw ValidationError("--scene \(scene): for traffic choose \(TrafficGenerator.Scene.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          o.trafficScene = t
        case "crowd":
          guard let c = CrowdGenerator.Scene(rawValue: scene) else {
            throw ValidationError("--scene \(scene): for crowd choose \(CrowdGenerator.Scene.allCases.map(\.rawValue).joined(separator: ", "))")
          }
          o.crowdScene = c
        default:
          throw ValidationError("--scene is for traffic and crowd; cell-phone noise takes --kind")
        }
      }
      let parts = distance.split(separator: ":").compactMap { Double($0) }
      guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1] else {
        throw ValidationError("--distance \(distance): write min:max in metres, e.g. 5:40")
      }
      o.distanceMeters = parts[0]...parts[1]
      o.hornProbability = horns
      o.talkers = talkers
      o.from = from
      o.murmur = !noMurmur
      o.clinksPerMinute = clinks
      o.stepsPerMinute = steps
      o.doorsPerMinute = doors
      guard let k = CellPhoneGenerator.Kind(rawValue: kind) else {
        throw ValidationError("--kind \(kind): choose \(CellPhoneGenerator.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      o.phoneKind = k
      return o
    }

    func validate() throws {
      guard NoiseSynth.categories.contains(category) else {
        throw ValidationError("\(category): choose \(NoiseSynth.categories.joined(separator: ", "))")
      }
      guard seconds > 0, seconds <= 24 * 3600 else { throw ValidationError("--seconds must be between 0 and 86400") }
      guard (8000...192_000).contains(rate) else { throw ValidationError("--rate must be 8000 to 192000 Hz") }
      guard talkers >= 1 else { throw ValidationError("--talkers must be at least 1") }
      if let h = horns, !(0...1).contains(h) { throw ValidationError("--horns is a probability from 0 to 1") }
      guard AudioFileFormat(path: out) != nil else { throw ValidationError("--out \(out): use .flac, .wav, .ogg, .opus or .mp3") }
      if category == "crowd" && from == nil { throw ValidationError("crowd noise is made from speech: give --from CORPUS (e.g. corpus/manifest.jsonl)") }
      _ = try options()
    }

    func run() throws {
      let o = try options()
      do {
        let x = try NoiseSynth.run(o)
        if let index { try NoiseSynth.recordInIndex(o, samples: x, indexPath: index) }
        print(String(format: "wrote %@: %.1f s at %d Hz, %.1f dBFS RMS", out, Double(x.count) / Double(rate), rate, Levels.dB(amplitude: Levels.rms(x))))
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "What the noise library holds: files and hours per category.")
    @Option(help: "Only this category, file by file.") var category: String?
    @Option(name: .long, help: ArgumentHelp("Noise library folder holding index.tsv.", valueName: "dir")) var noiseLibrary: String = "noise-library"

    func run() throws {
      let lib: NoiseLibrary
      do { lib = try NoiseLibrary(root: noiseLibrary) } catch { fail("\(error)", code: 1) }
      if let c = category {
        let files: [NoiseFile]
        do { files = try lib.files(in: c) } catch { fail("\(error)", code: 1) }
        for f in files {
          print(String(format: "%@\t%.1f s\t%d Hz\t%@", f.name, f.durationSeconds, f.sampleRate, f.licence ?? "-"))
        }
        return
      }
      for c in lib.categories.keys.sorted() {
        let files = lib.categories[c]!
        let secs = files.map(\.durationSeconds).reduce(0, +)
        let name = c.count >= 12 ? c : c + String(repeating: " ", count: 12 - c.count)
        print(name + String(format: " %3d files  %6.2f h  (%.1f min)", files.count, secs / 3600, secs / 60))
      }
    }
  }

  /// Options shared by `stats` and `compare`.
  struct StatsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Analyse at most this many seconds of each file.", valueName: "s")) var seconds: Double?
    @Option(help: ArgumentHelp("Speech set for the masking figure (every third utterance by id).", valueName: "corpus")) var speech: String = "corpus/manifest.jsonl"
    @Flag(help: "Skip the masking figure (ESTOI of the speech set mixed at 0, 5, 10 dB).") var noMasking = false

    func validate() throws {
      if let s = seconds, s <= 0 { throw ValidationError("--seconds must be greater than 0") }
      if !noMasking && !FileManager.default.fileExists(atPath: speech) {
        throw ValidationError("--speech \(speech): no such corpus; run from the audioamp checkout, give --speech CORPUS, or pass --no-masking")
      }
    }

    func options() throws -> NoiseStatsReport.Options {
      NoiseStatsReport.Options(maxSeconds: seconds, speech: noMasking ? nil : try NoiseMasking.SpeechSet.load(corpus: speech))
    }
  }

  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats",
      abstract: "Measure noise: third-octave spectrum, centroid, band shares, L10/L50/L90, modulation spectrum, speech masking (ESTOI).",
      discussion: """
        Per file, and per category when several files share one (the category comes from the \
        folder's index.tsv, else the parent folder's name); figures outside the category's \
        targets are named. Examples:
          audioamp noise stats noise-library
          audioamp noise stats noise-library/traffic --seconds 30 --json
        """)
    @Argument(help: ArgumentHelp("Noise files or folders.", valueName: "file|dir")) var paths: [String]
    @OptionGroup var common: StatsOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
      do {
        let entries = try NoiseStatsReport.measure(paths: paths, options: try common.options())
        print(json ? NoiseStatsReport.json(entries) : NoiseStatsReport.text(entries))
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }

  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "compare",
      abstract: "Compare two noises (files, or folders pooled) figure by figure.",
      discussion: """
        Example:
          audioamp noise compare noise-library/traffic/busy-street.flac ~/recordings/street.wav
        """)
    @Argument(help: ArgumentHelp("First noise (file or folder).", valueName: "a")) var a: String
    @Argument(help: ArgumentHelp("Second noise (file or folder).", valueName: "b")) var b: String
    @OptionGroup var common: StatsOptions

    func run() throws {
      do {
        let o = try common.options()
        func one(_ p: String) throws -> NoiseStatsReport.Entry {
          let e = try NoiseStatsReport.measure(paths: [p], options: o)
          return e.count == 1 ? e[0] : e.last!
        }
        print(NoiseStatsReport.compare(try one(a), try one(b)))
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }

}
