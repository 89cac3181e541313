import Foundation

/// `audioamp noise stats` and `noise compare`: measures noise files (and the categories they
/// belong to) and prints them as a table or JSON, against the category targets when known.
public enum NoiseStatsReport {
  /// One measured file or category.
  public struct Entry: Codable, Sendable {
    /// File path, or `category:NAME` for a category's pooled figures.
    public var name: String
    /// Category: the index row's, else the parent folder's name.
    public var category: String
    /// The figures.
    public var stats: NoiseStatistics
    /// Figures outside the category's targets (empty when none, or no targets); a category's
    /// entry adds the medians of its files against the file-median targets.
    public var outsideTargets: [String]
  }

  /// Options for ``measure(paths:options:)``.
  public struct Options: Sendable {
    /// Analyse at most this many seconds of each file (from the start); nil for all.
    public var maxSeconds: Double?
    /// The speech set for the masking figure; nil to skip it.
    public var speech: NoiseMasking.SpeechSet?
    /// Creates options.
    public init(maxSeconds: Double? = nil, speech: NoiseMasking.SpeechSet? = nil) {
      self.maxSeconds = maxSeconds
      self.speech = speech
    }
  }

  /// The audio files named by `paths` (files, or folders searched recursively), sorted, each
  /// with its category (from the folder's `index.tsv` when one lists it, else the parent
  /// folder's name).
  /// - Throws: ``NoiseLibraryError`` for a missing path or a folder without audio.
  public static func files(_ paths: [String]) throws -> [(path: String, category: String)] {
    var out: [(String, String)] = []
    for p in paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
        throw NoiseLibraryError.badFile(path: p, detail: "no such file or folder")
      }
      if isDir.boolValue {
        let indexed = (try? NoiseLibrary(root: p)).map { lib in
          Dictionary(lib.categories.values.flatMap { $0 }.map { (URL(fileURLWithPath: $0.path).standardizedFileURL.path, $0.category) }, uniquingKeysWith: { a, _ in a })
        } ?? [:]
        for f in try NoiseLibrary.scan(folder: p) {
          let full = URL(fileURLWithPath: f.path).standardizedFileURL.path
          out.append((f.path, indexed[full] ?? parentName(f.path)))
        }
      } else {
        out.append((p, parentName(p)))
      }
    }
    return out
  }

  static func parentName(_ path: String) -> String {
    ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
  }

  /// Measures each file and, when several share a category, the category (its files' analysed
  /// stretches joined, and the medians of its files' figures checked). Files are read at 16 kHz.
  /// - Throws: ``AudioFileError`` naming an unreadable file, ``DSPError`` from resampling.
  public static func measure(paths: [String], options: Options = Options()) throws -> [Entry] {
    let rate = options.speech?.sampleRate ?? 16000
    var entries: [Entry] = []
    var pooled: [String: [Float]] = [:]
    var perFile: [String: [NoiseStatistics]] = [:]
    for (path, category) in try files(paths) {
      let x = try AudioLoader.load(path: path, durationSeconds: options.maxSeconds.map { s in
        min(s, (try? SoundFile(readingFrom: path).info.durationSeconds) ?? s)
      }, sampleRate: rate).samples
      let e = try entry(name: path, category: category, samples: x, rate: rate, speech: options.speech)
      entries.append(e)
      pooled[category, default: []] += x
      perFile[category, default: []].append(e.stats)
    }
    for c in pooled.keys.sorted() where perFile[c]!.count > 1 {
      var e = try entry(name: "category:\(c)", category: c, samples: pooled[c]!, rate: rate, speech: options.speech)
      e.outsideTargets += NoiseTargets.categories[c]?.medianViolations(perFile[c]!) ?? []
      entries.append(e)
    }
    return entries
  }

  static func entry(name: String, category: String, samples x: [Float], rate: Int, speech: NoiseMasking.SpeechSet?) throws -> Entry {
    var s = NoiseStatistics.measure(x, sampleRate: rate)
    if let speech { s.maskingESTOI = try NoiseMasking.estoi(noise: x, speech: speech) }
    return Entry(name: name, category: category, stats: s, outsideTargets: NoiseTargets.categories[category]?.violations(s, pooled: name.hasPrefix("category:")) ?? [])
  }

  /// The entries as JSON (one object with an `entries` array and the targets used).
  public static func json(_ entries: [Entry]) -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    struct Doc: Encodable {
      var entries: [Entry]
      var targets: [String: NoiseTargets]
    }
    let data = (try? enc.encode(Doc(entries: entries, targets: NoiseTargets.categories))) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// A readable table: per entry the scalar figures, the third-octave spectrum and the
  /// modulation spectrum, and the figures outside the targets.
  public static func text(_ entries: [Entry]) -> String {
    var lines: [String] = []
    for e in entries {
      let s = e.stats
      lines.append("\(e.name)  [\(e.category)]  \(String(format: "%.1f s", s.durationSeconds))")
      lines.append(String(format: "  centroid %.0f Hz   below 300 Hz %.0f %%   300-3400 Hz %.0f %%", s.centroidHz, 100 * s.shareBelow300Hz, 100 * s.shareTelephoneBand))
      lines.append(String(format: "  L10 %.1f  L50 %.1f  L90 %.1f dBFS   L10-L90 %.1f dB", s.l10DB, s.l50DB, s.l90DB, s.l10MinusL90DB))
      lines.append("  modulation (dB)  " + zip(NoiseStatistics.modulationCentresHz, s.modulationDB).map { String(format: "%g Hz %.1f", $0, $1) }.joined(separator: "  "))
      lines.append("  1/3 octave (dB)  " + zip(NoiseStatistics.thirdOctaveLabels, s.thirdOctaveDB).map { "\($0) \(String(format: "%.1f", $1))" }.joined(separator: " "))
      if let m = s.maskingESTOI {
        lines.append("  masking: ESTOI " + zip(NoiseStatistics.maskingSNRsDB, m).map { String(format: "%.2f at %g dB", $1, $0) }.joined(separator: ", "))
      }
      if let t = NoiseTargets.categories[e.category] {
        lines.append(e.outsideTargets.isEmpty ? "  within the \(e.category) targets" : "  OUTSIDE the \(e.category) targets: " + e.outsideTargets.joined(separator: "; "))
        _ = t
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Side by side: A's and B's figures and B − A.
  public static func compare(_ a: Entry, _ b: Entry) -> String {
    var lines = ["", String(format: "%-22@ %12@ %12@ %10@", "figure" as NSString, "A" as NSString, "B" as NSString, "B - A" as NSString)]
    func row(_ name: String, _ x: Double, _ y: Double, _ fmt: String = "%12.1f") {
      lines.append(String(format: "%-22@ ", name as NSString) + String(format: fmt, x) + " " + String(format: fmt, y) + " " + String(format: "%10.1f", y - x))
    }
    let sa = a.stats, sb = b.stats
    row("centroid Hz", sa.centroidHz, sb.centroidHz, "%12.0f")
    row("below 300 Hz %", 100 * sa.shareBelow300Hz, 100 * sb.shareBelow300Hz)
    row("300-3400 Hz %", 100 * sa.shareTelephoneBand, 100 * sb.shareTelephoneBand)
    row("L10 dBFS", sa.l10DB, sb.l10DB)
    row("L50 dBFS", sa.l50DB, sb.l50DB)
    row("L90 dBFS", sa.l90DB, sb.l90DB)
    row("L10-L90 dB", sa.l10MinusL90DB, sb.l10MinusL90DB)
    for (i, f) in NoiseStatistics.modulationCentresHz.enumerated() {
      row(String(format: "modulation %g Hz dB", f), sa.modulationDB[i], sb.modulationDB[i])
    }
    for (i, l) in NoiseStatistics.thirdOctaveLabels.enumerated() {
      row("1/3 oct \(l) Hz dB", sa.thirdOctaveDB[i], sb.thirdOctaveDB[i])
    }
    if let ma = sa.maskingESTOI, let mb = sb.maskingESTOI {
      for (i, snr) in NoiseStatistics.maskingSNRsDB.enumerated() {
        lines.append(String(format: "%-22@ %12.3f %12.3f %10.3f", String(format: "ESTOI at %g dB", snr) as NSString, ma[i], mb[i], mb[i] - ma[i]))
      }
    }
    return "A: \(a.name)\nB: \(b.name)" + lines.joined(separator: "\n")
  }
}
