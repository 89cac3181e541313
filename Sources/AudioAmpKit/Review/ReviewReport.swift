import Foundation

/// Options of `audioamp review DIR`.
public struct ReviewOptions: Sendable {
  /// The run folder (`audioamp mix --output`), holding manifest.jsonl and audio/.
  public var runDirectory: String
  /// How many outputs to put in the report (≥ 1).
  public var sampleCount = 24
  /// Grouping that every sample group is drawn from; nil samples the run as one group.
  public var stratify: Stratification?
  /// Sampling seed; the same run, seed and count give the same report.
  public var seed: UInt64 = 1
  /// The clean corpus (`mix --input`); nil reads `input` from DIR/summary.json when present.
  /// Without it the report has no clean audio.
  public var inputPath: String?
  /// A sample is flagged when its blind SNR estimate is this many dB below the SNR asked.
  public var snrToleranceDB = 10.0
  /// A sample is flagged `estoi` when its recorded ESTOI is below this (or below the recipe's
  /// `min_estoi` recorded with it). The intelligibility flag is the main warning; the blind-SNR
  /// flag is raised only for outputs without an ESTOI record.
  public var estoiFlagBelow = 0.4
  /// The noise library the run drew from, for the noise statistics (default: summary.json's
  /// `noise_library`, else ./noise-library).
  public var noiseLibrary: String?
  /// A target profile (`profile --out` JSON) or a target set to profile: the report then shows
  /// the target's histograms against a profile of this run's outputs.
  public var profileTarget: String?
  /// Outputs of the run profiled for that comparison (hash-sampled like `profile --sample`).
  public var profileSample = 200

  /// Options for the run in `runDirectory`, with the defaults above.
  public init(runDirectory: String) { self.runDirectory = runDirectory }
}

/// One output in the report.
public struct ReviewSample: Sendable {
  /// Output id (`<source>__vK`).
  public var id: String
  /// The stratum it was drawn from.
  public var stratum: String
  /// Its manifest line.
  public var record: JSONValue
  /// Measurements of the augmented audio.
  public var inspection: AudioInspection
  /// Whether clean audio was found for it.
  public var hasClean: Bool
  /// Automatic flags: `clipped`, `silent`, `estoi` (recorded ESTOI below the floor), `snr`
  /// (blind estimate far below the SNR asked; only without an ESTOI record).
  public var flags: [String]
}

/// What `review` wrote.
public struct ReviewResult: Sendable {
  /// Path of index.html.
  public var indexPath: String
  /// The samples, in id order.
  public var samples: [ReviewSample]
  /// Number of outputs in the run.
  public var outputs: Int
  /// Problems that did not stop the report (missing clean audio…), one line per cause.
  public var warnings: [String]
  /// Wall-clock seconds spent.
  public var wallSeconds: Double
}

/// Builds the static listening report of a run: `DIR/review/index.html`, `img/*.png` and
/// `clean/*.wav`, all referenced relatively so the folder can be moved with its run.
public enum ReviewReport {
  /// Reads DIR/manifest.jsonl: its text (for the run key) and one JSON object per line.
  public static func readManifest(runDirectory dir: String) throws -> (text: String, records: [JSONValue]) {
    let path = (dir as NSString).appendingPathComponent("manifest.jsonl")
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ReviewError.noManifest(path: dir) }
    var records: [JSONValue] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      do { records.append(try JSONValue.parse(String(line))) } catch let e as JSONParseError {
        throw ReviewError.badJSON(path: path, line: i + 1, message: e.message)
      }
    }
    return (text, records)
  }

  /// A short key identifying a run: 16 hex digits of FNV-1a over its manifest's bytes. The page
  /// keys stored ratings by it, and exported ratings carry it.
  public static func runKey(manifestText: String) -> String {
    var h = FNV1a()
    for b in manifestText.utf8 { h.combine(byte: b) }
    return hex16(h.value)
  }

  /// The SNR asked of the noise effect in `record`, dB, or nil.
  public static func askedSNR(_ record: JSONValue) -> Double? {
    ReviewSampler.effects(of: record).first { $0["effect"]?.stringValue == "noise" }?["snr_db"]?.numberValue
  }

  /// The first value of parameter `key` of effect `effect` in `record`.
  static func parameter(_ record: JSONValue, _ effect: String, _ key: String) -> Double? {
    ReviewSampler.effects(of: record).first { $0["effect"]?.stringValue == effect }?[key]?.numberValue
  }

  /// Automatic flags for one output.
  ///
  /// `snr` is one-sided: it fires when the blind estimate is more than `toleranceDB` *below*
  /// the SNR asked, i.e. the output sounds noisier than the recipe meant (a level or
  /// normalisation bug). WADA-SNR reads high, not low, when noise is tonal, impulsive or
  /// speech-like and on utterances with long pauses, so a high reading is not evidence of a
  /// problem; flagging it made most phone-noise samples flagged and the flag useless.
  ///
  /// `estoi` replaces it as the main warning where the guard recorded an ESTOI: WADA read 41 dB
  /// on a phone-channel output mixed at 20 dB, while ESTOI measures what a listener (or a
  /// recognizer) loses.
  public static func flags(for inspection: AudioInspection, askedSNR: Double?, toleranceDB: Double, estoi: Double? = nil, estoiFloor: Double = 0.4) -> [String] {
    var f: [String] = []
    if inspection.clippedSamples > 0 { f.append("clipped") }
    if inspection.isSilent { f.append("silent") }
    if let e = estoi {
      if e < estoiFloor { f.append("estoi") }
    } else if let asked = askedSNR, let est = inspection.estimatedSNRDB, asked - est > toleranceDB {
      f.append("snr")
    }
    return f
  }

  /// Writes the report. See ``ReviewOptions`` for what each option does.
  public static func build(_ o: ReviewOptions) throws -> ReviewResult {
    let started = Date()
    let dir = o.runDirectory
    let (manifestText, records) = try readManifest(runDirectory: dir)
    let run = runKey(manifestText: manifestText)
    let reviewDir = (dir as NSString).appendingPathComponent("review")
    let imgDir = (reviewDir as NSString).appendingPathComponent("img")
    let cleanDir = (reviewDir as NSString).appendingPathComponent("clean")
    for d in [imgDir, cleanDir] {
      do { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) } catch {
        throw ReviewError.unwritable(path: d, reason: error.localizedDescription)
      }
    }
    var warnings: [String: Int] = [:]
    let chosen = ReviewSampler.sample(records, count: max(1, o.sampleCount), stratify: o.stratify, seed: o.seed)

    // Clean sources: only the utterances sampled are kept from the input corpus.
    let wanted = Set(chosen.compactMap { $0.record["source_id"]?.stringValue })
    var sources: [String: Utterance] = [:]
    if let input = resolveInput(o, runDirectory: dir) {
      if let reader = try? CorpusFormat.reader(for: input), let it = try? reader.entries() {
        while let e = it.next() {
          if case .success(let u) = e, wanted.contains(u.id) { sources[u.id] = u }
        }
      } else {
        warnings["cannot read the input corpus \(input); no clean audio in the report", default: 0] += 1
      }
    } else {
      warnings["no input corpus known (pass --input, or a summary.json with \"input\"); no clean audio in the report", default: 0] += 1
    }

    // 120 px/s and at most 520 px of plot keep the clean and augmented images side by side
    // in a 1280 px window for utterances up to ~4.3 s, on one time scale.
    var style = SpectrogramStyle()
    style.pixelsPerSecond = 120
    style.maxPlotWidth = 520
    var samples: [ReviewSample] = []
    var cleanWritten = Set<String>()
    for (shardRecord, stratum) in chosen {
      let id = shardRecord["id"]?.stringValue ?? "?"
      var record = shardRecord
      let aug: AudioBuffer
      do {
        // Sharded runs: the audio is a tar member; the page plays a copy under review/aug/.
        let augPath = try ShardIndex.audioPath(shardRecord, runDirectory: dir)
        aug = try AudioLoader.load(path: augPath, sampleRate: try AudioLoader.nativeSampleRate(path: augPath))
        record = try ShardIndex.extractForReview(shardRecord, runDirectory: dir, folder: (reviewDir as NSString).appendingPathComponent("aug"))
      } catch {
        warnings["output \(id): \(error)", default: 0] += 1
        continue
      }
      var clean: AudioBuffer?
      if let sid = record["source_id"]?.stringValue, let u = sources[sid] {
        do {
          let c = try AudioLoader.load(
            path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds,
            sampleRate: aug.sampleRate)
          let name = fileName(sid) + ".wav"
          if !cleanWritten.contains(name) {
            try SoundFile.writeWAV16(c.samples.map { max(-1, min(1, $0)) }, sampleRate: c.sampleRate,
              to: (cleanDir as NSString).appendingPathComponent(name))
            cleanWritten.insert(name)
          }
          clean = c
        } catch {
          warnings["clean audio of \(sid): \(error)", default: 0] += 1
        }
      } else if !sources.isEmpty {
        warnings["source utterances not found in the input corpus", default: 0] += 1
      }
      let augSpec = Spectrogram.analyze(aug)
      let cleanSpec = clean.map { Spectrogram.analyze($0) }
      var s = style
      s.topDB = max(augSpec.maxDB, cleanSpec?.maxDB ?? -200)
      // Same colour scale (topDB) and the same px/s, so the two images compare directly.
      try writePNG(Spectrogram.render(augSpec, durationSeconds: aug.durationSeconds, style: s),
        (imgDir as NSString).appendingPathComponent(fileName(id) + ".aug.png"))
      if let c = clean, let cs = cleanSpec {
        try writePNG(Spectrogram.render(cs, durationSeconds: c.durationSeconds, style: s),
          (imgDir as NSString).appendingPathComponent(fileName(id) + ".clean.png"))
      }
      let insp = AudioInspection.measure(aug, path: record["audio_filepath"]?.stringValue ?? "")
      samples.append(
        ReviewSample(
          id: id, stratum: stratum, record: record, inspection: insp, hasClean: clean != nil,
          flags: flags(
            for: insp, askedSNR: askedSNR(record), toleranceDB: o.snrToleranceDB, estoi: ReviewNoise.estoi(record),
            estoiFloor: max(o.estoiFlagBelow, ReviewNoise.floor(record) ?? 0))))
    }

    let hist = try runHistograms(records, runDirectory: dir)
    var profileSection = ""
    if let t = o.profileTarget {
      let target = try targetProfile(t)
      // The run as a corpus: sharded layouts by their folder, the others by their manifest (the
      // folder itself also holds review/'s own audio).
      let asCorpus = (try? CorpusFormat.reader(for: dir)) != nil ? dir : (dir as NSString).appendingPathComponent("manifest.jsonl")
      var po = ProfileRun.Options(input: asCorpus)
      po.sample = o.profileSample
      po.jobs = ProcessInfo.processInfo.activeProcessorCount
      let library = noiseLibrary(o, runDirectory: dir)
      if FileManager.default.fileExists(atPath: (library as NSString).appendingPathComponent("index.tsv")) { po.noiseLibrary = library }
      let mine = try ProfileRun.run(po)
      if !mine.failures.isEmpty { warnings["profile: \(mine.failures.count) outputs could not be measured", default: 0] += 1 }
      profileSection = ProfileReport.section(target: target, run: mine)
    }
    let noiseRows = ReviewNoise.rows(records, noiseLibrary: noiseLibrary(o, runDirectory: dir), warnings: &warnings)
    let html = ReviewPage.html(
      run: run, runDirectory: dir, samples: samples, outputs: records.count, stratify: o.stratify, seed: o.seed,
      histograms: hist, snrToleranceDB: o.snrToleranceDB, noise: ReviewNoise.table(noiseRows) + profileSection)
    let index = (reviewDir as NSString).appendingPathComponent("index.html")
    do { try html.write(toFile: index, atomically: true, encoding: .utf8) } catch {
      throw ReviewError.unwritable(path: index, reason: error.localizedDescription)
    }
    return ReviewResult(
      indexPath: index, samples: samples, outputs: records.count,
      warnings: warnings.keys.sorted().map { warnings[$0]! > 1 ? "\($0) (×\(warnings[$0]!))" : $0 },
      wallSeconds: Date().timeIntervalSince(started))
  }

  /// The target of `--profile`: a profile JSON as `profile --out` writes it, else any input
  /// `profile` reads (profiled here, at most 500 files).
  static func targetProfile(_ path: String) throws -> AudioProfile {
    if path.hasSuffix(".json") {
      do { return try AudioProfile.load(path: path) } catch {
        throw ReviewError.badProfile(path: path, reason: "\(error)")
      }
    }
    var po = ProfileRun.Options(input: path)
    po.sample = 500
    po.jobs = ProcessInfo.processInfo.activeProcessorCount
    return try ProfileRun.run(po)
  }

  /// Histograms over every output of the run: achieved SNR, speed, pitch and duration from the
  /// manifest; output RMS level and clipped samples measured from each output file.
  static func runHistograms(_ records: [JSONValue], runDirectory dir: String) throws -> [Histogram] {
    var level: [Double] = [], clipped: [Double] = []
    for r in records {
      guard let path = try? ShardIndex.audioPath(r, runDirectory: dir),
        let a = try? AudioLoader.load(path: path, sampleRate: (try? AudioLoader.nativeSampleRate(path: path)) ?? 16000)
      else { continue }
      level.append(Levels.dB(amplitude: Levels.rms(a.samples)))
      clipped.append(Double(a.samples.reduce(0) { $0 + (abs($1) >= AudioInspection.clipThreshold ? 1 : 0) }))
    }
    // The guard's histograms appear only for runs that recorded an ESTOI.
    let estoi = records.compactMap { ReviewNoise.estoi($0) }, tries = records.compactMap { ReviewNoise.tries($0) }
    let guardHistograms = estoi.isEmpty ? [] : [
      Histogram(title: "ESTOI (talker vs output)", unit: "", values: estoi),
      Histogram(title: "Intelligibility guard draws", unit: "", values: tries),
    ]
    return guardHistograms + [
      Histogram(title: "Achieved SNR", unit: "dB", values: records.compactMap { parameter($0, "noise", "achieved_snr_db") }),
      Histogram(title: "Speed factor", unit: "", values: records.compactMap { parameter($0, SpeedChange.name, "factor") }),
      Histogram(title: "Pitch shift", unit: "st", values: records.compactMap { parameter($0, PitchShift.name, "semitones") }),
      Histogram(title: "Output RMS level", unit: "dBFS", values: level),
      Histogram(title: "Clipped samples per output", unit: "", values: clipped),
      Histogram(title: "Duration", unit: "s", values: records.compactMap { $0["duration"]?.numberValue }),
    ]
  }

  /// Where the clean corpus is: the option, else summary.json's `input` (tried as given, then
  /// relative to the run folder).
  static func resolveInput(_ o: ReviewOptions, runDirectory dir: String) -> String? {
    if let p = o.inputPath { return p }
    let summary = (dir as NSString).appendingPathComponent("summary.json")
    guard let text = try? String(contentsOfFile: summary, encoding: .utf8),
      let p = (try? JSONValue.parse(text))?["input"]?.stringValue
    else { return nil }
    if FileManager.default.fileExists(atPath: p) { return p }
    let rel = (dir as NSString).appendingPathComponent(p)
    return FileManager.default.fileExists(atPath: rel) ? rel : p
  }

  /// The noise library for the noise statistics: the option, else summary.json's
  /// `noise_library`, else `noise-library` in the current folder.
  static func noiseLibrary(_ o: ReviewOptions, runDirectory dir: String) -> String {
    if let p = o.noiseLibrary { return p }
    let summary = (dir as NSString).appendingPathComponent("summary.json")
    if let text = try? String(contentsOfFile: summary, encoding: .utf8),
      let p = (try? JSONValue.parse(text))?["noise_library"]?.stringValue
    {
      return p
    }
    return "noise-library"
  }

  /// A file name for an id: characters other than letters, digits, `-`, `_` and `.` become `_`.
  public static func fileName(_ id: String) -> String {
    String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
  }

  private static func writePNG(_ img: RGBImage, _ path: String) throws {
    do { try PNGWriter.write(img, to: path) } catch { throw ReviewError.unwritable(path: path, reason: "\(error)") }
  }
}
