import Foundation

/// One noise file the `noise` effect can draw from.
public struct NoiseFile: Sendable, Equatable {
  /// Absolute or caller-relative path used to open the file.
  public var path: String
  /// Name recorded in manifests: relative to the library root (`traffic/busy-street.flac`), or
  /// the path as found for `dir:` sources.
  public var name: String
  /// Category (`cell-phone`, `traffic`, `crowd`, ...).
  public var category: String
  /// Length in seconds.
  public var durationSeconds: Double
  /// The file's own sample rate, Hz.
  public var sampleRate: Int
  /// Licence identifier, when known.
  public var licence: String?
  /// `train` or `test` when the index assigns one.
  public var split: String? = nil
}

/// Problems with the noise library or a noise folder.
public enum NoiseLibraryError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The library folder or its index is missing.
  case missingIndex(path: String)
  /// A line of the index is malformed.
  case badIndexLine(path: String, line: Int, detail: String)
  /// A category has no files.
  case unknownCategory(name: String, known: [String], index: String)
  /// A `dir:` folder has no audio files.
  case emptyFolder(path: String)
  /// A noise file cannot be used.
  case badFile(path: String, detail: String)

  public var description: String {
    switch self {
    case .missingIndex(let path):
      return "\(path): noise library index not found; pass --noise-library DIR (a folder with index.tsv), or run from the audioamp checkout so ./noise-library is found"
    case .badIndexLine(let path, let line, let detail):
      return "\(path):\(line): \(detail)"
    case .unknownCategory(let name, let known, let index):
      return "no noise files in category '\(name)' (\(index)); known categories: \(known.joined(separator: ", "))"
    case .emptyFolder(let path):
      return "\(path): no audio files (wav, flac, ogg, opus, mp3) in this noise folder"
    case .badFile(let path, let detail):
      return "\(path): \(detail)"
    }
  }
}

/// The noise files listed in a library's `index.tsv`, grouped by category.
///
/// The index has a header line and the columns `file category duration_s sample_rate channels
/// level_dbfs licence made_by [split]`, tab-separated; `file` is relative to the library folder
/// (or absolute).
/// Files within a category are kept sorted by name, so that a draw by index means the same file
/// on every machine.
public struct NoiseLibrary: Sendable {
  /// The library folder.
  public let root: String
  /// Files per category, each list sorted by name.
  public let categories: [String: [NoiseFile]]

  /// Reads `root/index.tsv`. Every listed file must exist.
  public init(root: String) throws {
    self.root = root
    let indexPath = (root as NSString).appendingPathComponent("index.tsv")
    guard let text = try? String(contentsOfFile: indexPath, encoding: .utf8) else {
      throw NoiseLibraryError.missingIndex(path: indexPath)
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard let header = lines.first?.split(separator: "\t").map(String.init) else {
      throw NoiseLibraryError.badIndexLine(path: indexPath, line: 1, detail: "index is empty; it needs a header line")
    }
    let need = ["file", "category", "duration_s", "sample_rate"]
    var col: [String: Int] = [:]
    for (i, h) in header.enumerated() { col[h] = i }
    for n in need where col[n] == nil {
      throw NoiseLibraryError.badIndexLine(
        path: indexPath, line: 1, detail: "header has no '\(n)' column; expected: file, category, duration_s, sample_rate, channels, level_dbfs, licence, made_by")
    }
    var cats: [String: [NoiseFile]] = [:]
    for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      func field(_ n: String) -> String? { col[n].flatMap { $0 < f.count ? f[$0] : nil } }
      guard let file = field("file"), !file.isEmpty, let cat = field("category"), !cat.isEmpty,
        let dur = field("duration_s").flatMap(Double.init), let rate = field("sample_rate").flatMap(Int.init)
      else {
        throw NoiseLibraryError.badIndexLine(
          path: indexPath, line: i + 1, detail: "needs file, category, duration_s (seconds) and sample_rate (Hz)")
      }
      let path = file.hasPrefix("/") ? file : (root as NSString).appendingPathComponent(file)
      guard FileManager.default.fileExists(atPath: path) else {
        throw NoiseLibraryError.badIndexLine(path: indexPath, line: i + 1, detail: "listed file \(path) does not exist")
      }
      guard dur > 0 else {
        throw NoiseLibraryError.badIndexLine(path: indexPath, line: i + 1, detail: "\(file) has zero length; remove it from the index")
      }
      let licence = field("licence").flatMap { $0.isEmpty ? nil : $0 }
      let split = field("split").flatMap { $0.isEmpty ? nil : $0 }
      cats[cat, default: []].append(
        NoiseFile(path: path, name: file, category: cat, durationSeconds: dur, sampleRate: rate, licence: licence, split: split))
    }
    categories = cats.mapValues { $0.sorted { $0.name < $1.name } }
  }

  /// The folder of a noise index given as the folder or as its `index.tsv`.
  public static func root(ofIndex path: String) -> String {
    path.hasSuffix(".tsv") ? (path as NSString).deletingLastPathComponent : path
  }

  /// The files of `category`, sorted by name, or an error listing the known categories.
  public func files(in category: String) throws -> [NoiseFile] {
    guard let files = categories[category], !files.isEmpty else {
      throw NoiseLibraryError.unknownCategory(
        name: category, known: categories.keys.sorted(), index: (root as NSString).appendingPathComponent("index.tsv"))
    }
    return files
  }

  /// Every audio file below `folder` (recursively), sorted by path, with its length read from
  /// the file header. A file with no samples is an error (it could never supply noise).
  public static func scan(folder: String, category: String = "dir") throws -> [NoiseFile] {
    let exts = AudioFileFormat.readableExtensions
    guard let walker = FileManager.default.enumerator(atPath: folder) else {
      throw NoiseLibraryError.emptyFolder(path: folder)
    }
    var rel: [String] = []
    while let p = walker.nextObject() as? String {
      if exts.contains((p as NSString).pathExtension.lowercased()) { rel.append(p) }
    }
    rel.sort()
    guard !rel.isEmpty else { throw NoiseLibraryError.emptyFolder(path: folder) }
    return try rel.map { r in
      let path = (folder as NSString).appendingPathComponent(r)
      do {
        let f = try SoundFile(readingFrom: path)
        return NoiseFile(
          path: path, name: path, category: category, durationSeconds: f.info.durationSeconds,
          sampleRate: f.info.sampleRate, licence: nil)
      } catch AudioFileError.empty(_) {
        throw NoiseLibraryError.badFile(path: path, detail: "holds no audio (zero length); remove it from the noise folder")
      } catch let e as AudioFileError {
        throw NoiseLibraryError.badFile(path: path, detail: "cannot be used as noise: \(e)")
      }
    }
  }
}
