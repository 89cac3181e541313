import Foundation

/// `audioamp noise synth`: renders one noise file with a generator and writes it.
public struct NoiseSynthOptions: Sendable {
  /// `traffic`, `crowd` or `cell-phone`.
  public var category: String
  public var seconds: Double
  public var seed: UInt64
  public var sampleRate = 16000
  /// Output path; the extension picks the format (.flac, .wav, .ogg, .opus, .mp3).
  public var out: String
  // traffic
  /// traffic: the setting (street, stop-and-go, motorway-far, wet-road, car-cabin, bus-interior).
  public var trafficScene = TrafficGenerator.Scene.street
  /// crowd: the setting (nil: the plain room of `talkers`).
  public var crowdScene: CrowdGenerator.Scene?
  public var density = TrafficGenerator.Density.busy
  public var distanceMeters: ClosedRange<Double> = 5...40
  public var hornProbability: Double?
  // crowd
  public var talkers = 8
  public var from: String?
  public var murmur = true
  public var clinksPerMinute = 0.0
  public var stepsPerMinute = 0.0
  public var doorsPerMinute = 0.0
  // cell-phone
  public var phoneKind = CellPhoneGenerator.Kind.gsmBuzz

  /// Creates options.
  public init(category: String, seconds: Double, seed: UInt64, out: String) {
    self.category = category
    self.seconds = seconds
    self.seed = seed
    self.out = out
  }

  /// The canonical command that makes exactly this file (recorded in the noise index).
  public var command: String {
    var a = ["audioamp", "noise", "synth", category, "--seconds", JSONValue.format(seconds), "--seed", "\(seed)", "--rate", "\(sampleRate)"]
    switch category {
    case "traffic":
      if trafficScene != .street { a += ["--scene", trafficScene.rawValue] }
      a += ["--density", density.rawValue, "--distance", "\(JSONValue.format(distanceMeters.lowerBound)):\(JSONValue.format(distanceMeters.upperBound))"]
      if let h = hornProbability { a += ["--horns", JSONValue.format(h)] }
    case "crowd":
      if let c = crowdScene { a += ["--scene", c.rawValue] }
      a += ["--talkers", "\(talkers)"]
      if let f = from { a += ["--from", f] }
      if !murmur { a.append("--no-murmur") }
      if clinksPerMinute > 0 { a += ["--clinks", JSONValue.format(clinksPerMinute)] }
      if stepsPerMinute > 0 { a += ["--steps", JSONValue.format(stepsPerMinute)] }
      if doorsPerMinute > 0 { a += ["--doors", JSONValue.format(doorsPerMinute)] }
    default:
      a += ["--kind", phoneKind.rawValue]
    }
    return (a + ["--out", out]).joined(separator: " ")
  }
}

/// Renders and writes noise files.
public enum NoiseSynth {
  /// The categories `synth` can make.
  public static let categories = ["traffic", "crowd", "cell-phone"]

  /// Renders the samples `options` describe.
  public static func render(_ o: NoiseSynthOptions) throws -> [Float] {
    switch o.category {
    case "traffic":
      return TrafficGenerator(density: o.density, scene: o.trafficScene, distanceMeters: o.distanceMeters, hornProbability: o.hornProbability)
        .render(seconds: o.seconds, sampleRate: o.sampleRate, seed: o.seed)
    case "crowd":
      guard let from = o.from else {
        throw NoiseLibraryError.badFile(path: o.out, detail: "crowd noise is made from speech: give --from CORPUS (e.g. corpus/manifest.jsonl)")
      }
      let sources = try CrowdGenerator.Sources.load(corpus: from, sampleRate: o.sampleRate)
      return CrowdGenerator(talkers: o.talkers, scene: o.crowdScene, murmur: o.murmur, clinksPerMinute: o.clinksPerMinute, stepsPerMinute: o.stepsPerMinute, doorsPerMinute: o.doorsPerMinute)
        .render(seconds: o.seconds, sampleRate: o.sampleRate, seed: o.seed, sources: sources)
    case "cell-phone":
      return CellPhoneGenerator(kind: o.phoneKind).render(seconds: o.seconds, sampleRate: o.sampleRate, seed: o.seed)
    default:
      throw NoiseLibraryError.badFile(path: o.out, detail: "unknown noise category '\(o.category)'; choose \(categories.joined(separator: ", "))")
    }
  }

  /// Adds or replaces the row for `o.out` in the noise index at `indexPath` (created with its
  /// header when missing): category, duration, rate, channels, level, licence `CC0-1.0` (the
  /// generators' output is ours) and the exact command that remakes the file. Rows stay sorted
  /// by file; the index is rewritten atomically.
  public static func recordInIndex(_ o: NoiseSynthOptions, samples x: [Float], indexPath: String) throws {
    let root = URL(fileURLWithPath: (indexPath as NSString).deletingLastPathComponent).standardizedFileURL.path
    let file = URL(fileURLWithPath: o.out).standardizedFileURL.path
    guard file.hasPrefix(root + "/") else {
      throw NoiseLibraryError.badFile(path: o.out, detail: "is not inside the index's folder \(root); write the file under it")
    }
    let relative = String(file.dropFirst(root.count + 1))
    let header = "file\tcategory\tduration_s\tsample_rate\tchannels\tlevel_dbfs\tlicence\tmade_by"
    var rows: [String] = []
    if let text = try? String(contentsOfFile: indexPath, encoding: .utf8) {
      rows = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty && $0 != header && !$0.hasPrefix(relative + "\t") }
    }
    rows.append(
      [relative, o.category, String(format: "%.3f", Double(x.count) / Double(o.sampleRate)), "\(o.sampleRate)", "1",
       String(format: "%.1f", Levels.dB(amplitude: Levels.rms(x))), "CC0-1.0", o.command].joined(separator: "\t"))
    rows.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    try StateFile.writeText(([header] + rows).joined(separator: "\n") + "\n", to: indexPath)
  }

  /// Renders and writes the file (format from its extension; atomic).
  @discardableResult
  public static func run(_ o: NoiseSynthOptions) throws -> [Float] {
    guard let format = AudioFileFormat(path: o.out) else {
      throw AudioFileError.writeFailed(path: o.out, reason: "unknown extension; use .flac, .wav, .ogg, .opus or .mp3")
    }
    let x = try render(o)
    let dir = (o.out as NSString).deletingLastPathComponent
    if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    try SoundFile.write(x, sampleRate: o.sampleRate, to: o.out, format: format)
    return x
  }
}
