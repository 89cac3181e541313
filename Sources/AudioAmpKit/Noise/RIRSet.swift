import Foundation

/// One impulse-response file of a set.
public struct RIRFile: Sendable, Equatable {
  /// Absolute (or as-given) path.
  public var path: String
  /// Name as recorded in manifests: the path relative to the set's folder.
  public var name: String
  /// Channels in the file (one is chosen per output).
  public var channels: Int
  /// Licence, when the index gives one.
  public var licence: String?
  /// `train` or `test`, when the index gives one.
  public var split: String?

  /// Creates an entry.
  public init(path: String, name: String, channels: Int, licence: String? = nil, split: String? = nil) {
    self.path = path
    self.name = name
    self.channels = channels
    self.licence = licence
    self.split = split
  }

  /// The folder holding the file: RIRs of one room share it in every supported layout
  /// (RIRS_NOISES `Room001/`, BUT ReverbDB `<room>/<mic>/`, ACE `<room>/`, `room synth` libraries).
  public var roomKey: String { (name as NSString).deletingLastPathComponent }
}

/// A list of impulse responses to draw from: an `index.tsv` (written by `audioamp noise index
/// --layout rirs_noises|butreverb|mit|ace|folder` or `audioamp room synth --count`) or any folder
/// of audio files. Sorted by name, so draws never depend on directory-listing order.
public enum RIRSet {
  /// Files listed in `dir/index.tsv` (category `noise` rows, the isotropic noises of
  /// RIRS_NOISES, are left out), or, without an index, every audio file below `dir` (headers
  /// read for the channel count). `split` keeps only that split. Throws
  /// ``NoiseLibraryError`` for a missing folder, a malformed index line or an empty result.
  public static func load(_ dir: String, split: String? = nil) throws -> [RIRFile] {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
      throw NoiseLibraryError.badFile(path: dir, detail: "no such folder of impulse responses")
    }
    let indexPath = (dir as NSString).appendingPathComponent("index.tsv")
    var out: [RIRFile] = []
    if let text = try? String(contentsOfFile: indexPath, encoding: .utf8) {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let header = lines.first?.split(separator: "\t").map(String.init) ?? []
      var col: [String: Int] = [:]
      for (i, h) in header.enumerated() { col[h] = i }
      guard let fi = col["file"] else {
        throw NoiseLibraryError.badIndexLine(path: indexPath, line: 1, detail: "header has no 'file' column")
      }
      for (k, line) in lines.enumerated().dropFirst() where !line.isEmpty {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func field(_ name: String) -> String? { col[name].flatMap { $0 < f.count ? f[$0] : nil } }
        guard fi < f.count, !f[fi].isEmpty else {
          throw NoiseLibraryError.badIndexLine(path: indexPath, line: k + 1, detail: "no file name")
        }
        if field("category") == "noise" { continue }
        let channels = field("channels").flatMap { Int($0) } ?? 1
        guard channels >= 1 else {
          throw NoiseLibraryError.badIndexLine(path: indexPath, line: k + 1, detail: "channels must be at least 1")
        }
        let file = f[fi]
        let path = file.hasPrefix("/") ? file : (dir as NSString).appendingPathComponent(file)
        out.append(RIRFile(path: path, name: file, channels: channels, licence: field("licence").flatMap { $0.isEmpty ? nil : $0 }, split: field("split").flatMap { $0.isEmpty ? nil : $0 }))
      }
    } else {
      for rel in NoiseImporter.audio(under: dir, root: dir) {
        let path = (dir as NSString).appendingPathComponent(rel)
        let info: AudioFileInfo
        do { info = try SoundFile(readingFrom: path).info } catch {
          throw NoiseLibraryError.badFile(path: path, detail: "cannot be read as an impulse response: \(error)")
        }
        out.append(RIRFile(path: path, name: rel, channels: info.channels))
      }
    }
    if let split { out = out.filter { $0.split == nil || $0.split == split } }
    guard !out.isEmpty else { throw NoiseLibraryError.emptyFolder(path: dir) }
    return out.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
  }

  /// Reads channel `channel` of `file` at `sampleRate` Hz (resampled with libsamplerate when the
  /// file's rate differs). Throws ``AudioFileError`` for an unreadable, empty or truncated file.
  public static func read(_ file: RIRFile, channel: Int, sampleRate: Int) throws -> [Float] {
    let f = try SoundFile(readingFrom: file.path)
    if f.headerDeclaresMoreThanPresent {
      throw AudioFileError.truncated(path: file.path, expectedFrames: f.info.frames, readFrames: f.info.frames)
    }
    var x: [Float] = []
    while true {
      let chunk = try f.readChannel(min(channel, f.info.channels - 1), count: 1 << 16)
      if chunk.isEmpty { break }
      x += chunk
    }
    guard !x.isEmpty else { throw AudioFileError.empty(path: file.path) }
    // A compressed file cut short decodes fewer frames than its header promises.
    if x.count < f.info.frames {
      throw AudioFileError.truncated(path: file.path, expectedFrames: f.info.frames, readFrames: x.count)
    }
    return try SampleRateConverter.convert(x, from: f.info.sampleRate, to: sampleRate)
  }
}
