import Foundation

/// Profiles a set of recordings: reads them, measures each blindly, and collects an
/// ``AudioProfile``.
public enum ProfileRun {
  /// What to profile and how.
  public struct Options: Sendable {
    /// A corpus in any format `mix` reads, a folder of audio files (no transcripts needed) or
    /// one audio file.
    public var input: String
    /// Measure at most this many utterances, chosen by a fixed hash of their ids (the same set
    /// whatever the corpus order); nil for all.
    public var sample: Int? = nil
    /// Seed of that choice.
    public var seed: UInt64 = 0
    /// Worker threads (results do not depend on it).
    public var jobs: Int = 1
    /// Noise library whose categories the noise hint chooses from; nil for no hint.
    public var noiseLibrary: String? = nil
    /// Creates options for `input`.
    public init(input: String) { self.input = input }
  }

  /// One recording to measure.
  struct Item {
    var id: String
    var path: String
    var offsetSeconds: Double
    var durationSeconds: Double?
  }

  /// Profiles `options.input`. Unreadable or damaged files are listed in the profile's
  /// failures, never fatal, unless every file fails (``ProfileError/allFailed(path:count:first:)``);
  /// an input with no audio throws ``ProfileError/noAudio(path:)``.
  public static func run(_ options: Options) throws -> AudioProfile {
    var (items, failures) = try enumerate(options.input)
    guard !items.isEmpty || !failures.isEmpty else { throw ProfileError.noAudio(path: options.input) }
    if let n = options.sample, n < items.count {
      func key(_ id: String) -> UInt64 {
        var h = FNV1a()
        h.combine(options.seed)
        h.combine(id)
        return h.value
      }
      let keyed: [(item: Item, key: UInt64)] = items.map { ($0, key($0.id)) }
      let ordered = keyed.sorted { a, b in a.key != b.key ? a.key < b.key : a.item.id < b.item.id }
      items = ordered.prefix(n).map { $0.item }
    }
    let hint = try options.noiseLibrary.map { try NoiseCategoryHint(library: NoiseLibrary(root: $0)) }
    let results = measureAll(items, jobs: options.jobs, hint: hint)
    var files: [FileMeasures] = []
    for r in results {
      switch r {
      case .success(let m): files.append(m)
      case .failure(let f): failures.append(f)
      }
    }
    failures.sort { $0.id < $1.id }
    if files.isEmpty, let first = failures.first {
      throw ProfileError.allFailed(path: options.input, count: failures.count, first: "\(first.id): \(first.reason)")
    }
    return AudioProfile(source: options.input, files: files, failures: failures)
  }

  /// Measures one item (read at its own rate, downmixed to mono).
  static func measure(_ item: Item, hint: NoiseCategoryHint?) -> Result<FileMeasures, ProfileFailure> {
    do {
      let rate = try AudioLoader.nativeSampleRate(path: item.path)
      let audio = try AudioLoader.load(
        path: item.path, offsetSeconds: item.offsetSeconds, durationSeconds: item.durationSeconds, sampleRate: rate)
      return .success(FileMeasures.measure(audio, id: item.id, noiseHint: hint))
    } catch {
      return .failure(ProfileFailure(id: item.id, reason: "\(error)"))
    }
  }

  static func measureAll(_ items: [Item], jobs: Int, hint: NoiseCategoryHint?) -> [Result<FileMeasures, ProfileFailure>] {
    let workers = max(1, min(jobs, items.count))
    if workers == 1 { return items.map { measure($0, hint: hint) } }
    let box = ResultBox(count: items.count)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < items.count {
        box.set(i, measure(items[i], hint: hint))
        i += workers
      }
    }
    return box.values.map { $0! }
  }

  private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<FileMeasures, ProfileFailure>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: Result<FileMeasures, ProfileFailure>) {
      lock.lock()
      values[i] = v
      lock.unlock()
    }
  }

  /// The recordings of `input`: one audio file, a corpus, or every audio file below a folder
  /// (ids are the paths relative to it without extension, in byte order).
  static func enumerate(_ input: String) throws -> ([Item], [ProfileFailure]) {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
      throw CorpusError.unrecognisedInput(path: input, detail: "no such file or folder")
    }
    let ext = (input as NSString).pathExtension.lowercased()
    if !isDir.boolValue && AudioFileFormat.readableExtensions.contains(ext) {
      let name = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
      return ([Item(id: name, path: input, offsetSeconds: 0, durationSeconds: nil)], [])
    }
    do {
      let reader = try CorpusFormat.reader(for: input)
      var items: [Item] = [], failures: [ProfileFailure] = []
      for entry in try reader.entries() {
        switch entry {
        case .success(let u):
          items.append(Item(id: u.id, path: u.audioPath, offsetSeconds: u.offsetSeconds, durationSeconds: u.durationSeconds))
        case .failure(let e):
          failures.append(ProfileFailure(id: "entry", reason: "\(e)"))
        }
      }
      return (items, failures)
    } catch let e as CorpusError {
      guard isDir.boolValue, case .unrecognisedInput = e else { throw e }
    }
    var items: [Item] = []
    var walk = DirectoryWalk(root: input)
    while let folder = walk.next() {
      for f in folder.files where AudioFileFormat.readableExtensions.contains((f as NSString).pathExtension.lowercased()) {
        let rel = folder.relativePath.isEmpty ? f : folder.relativePath + "/" + f
        items.append(Item(id: (rel as NSString).deletingPathExtension, path: folder.path + "/" + f, offsetSeconds: 0, durationSeconds: nil))
      }
    }
    items.sort { DirectoryWalk.byteOrder($0.id, $1.id) }
    return (items, [])
  }
}
