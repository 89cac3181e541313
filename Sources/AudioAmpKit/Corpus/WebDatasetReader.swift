import Foundation

/// Reads WebDataset tar shards: one `.tar` file, or every `*.tar` directly in a folder (byte
/// order). A sample is the run of consecutive members sharing a key (the member name up to the
/// first `.` of its last path component): its audio member (`.flac`, `.wav`, `.opus`, ...) and
/// a `.json` (with `text`, and optionally `id`, `speaker` and other fields) or a `.txt` transcript.
///
/// Audio stays in the tar: utterances point at it with `tar://` paths. Memory holds one
/// sample's metadata at a time (plus the tar's member index).
public struct WebDatasetReader: CorpusReader {
  /// The tar file or folder as given.
  public let path: String
  public var formatName: String { "webdataset" }

  /// Creates a reader for a tar file or a folder of tars.
  public init(path: String) { self.path = path }

  /// The tars in `path`, in byte order.
  static func tars(_ path: String) -> [String] {
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    guard isDir.boolValue else { return [path] }
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
      .filter { $0.hasSuffix(".tar") && !$0.hasPrefix(".") }.sorted(by: DirectoryWalk.byteOrder)
      .map { (path as NSString).appendingPathComponent($0) }
  }

  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    let tars = WebDatasetReader.tars(path)
    if tars.isEmpty { throw CorpusError.unrecognisedInput(path: path, detail: "no .tar shards in this folder") }
    var t = 0
    var index: TarIndex? = nil
    var m = 0
    var ids = IDRegistry()
    return AnyIterator {
      while true {
        if index == nil {
          guard t < tars.count else { return nil }
          do { index = try TarIndex.of(tars[t]) } catch {
            t += 1
            return .failure(.unreadable(path: tars[t - 1], reason: "\(error)"))
          }
          m = 0
        }
        let members = index!.members
        guard m < members.count else {
          index = nil
          t += 1
          continue
        }
        let key = WebDatasetReader.key(members[m].name)
        var group: [TarIndex.Member] = []
        while m < members.count && WebDatasetReader.key(members[m].name) == key {
          group.append(members[m])
          m += 1
        }
        let tar = tars[t]
        let origin = "\(tar):\(key)"
        let result = WebDatasetReader.sample(key: key, group, index: index!, tar: tar, origin: origin)
        if case .success(let u) = result, let first = ids.claim(u.id, source: tar, line: m) {
          return .failure(.duplicateID(id: u.id, origin: origin, firstOrigin: first))
        }
        return result
      }
    }
  }

  /// A member's sample key: its name without everything from the first `.` of the last component.
  static func key(_ name: String) -> String {
    let slash = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
    guard let dot = name[slash...].firstIndex(of: ".") else { return name }
    return String(name[..<dot])
  }

  static func sample(key: String, _ group: [TarIndex.Member], index: TarIndex, tar: String, origin: String) -> Result<Utterance, CorpusError> {
    func ext(_ m: TarIndex.Member) -> String { String(m.name.dropFirst(key.count + 1)).lowercased() }
    guard let audio = group.first(where: { AudioFileFormat.readableExtensions.contains(ext($0)) }) else {
      return .failure(.badEntry(origin: origin, id: key, detail: "sample has no audio member (\(group.map(\.name).joined(separator: ", "))); each key needs a .flac, .wav, .opus, .ogg or .mp3"))
    }
    var meta: JSONValue = .object([])
    if let j = group.first(where: { ext($0) == "json" }) {
      do {
        let bytes = try index.read(j)
        meta = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
      } catch {
        return .failure(.badEntry(origin: origin, id: key, detail: "\(j.name) is not valid JSON (\(error))"))
      }
    }
    var text = meta["text"]?.stringValue ?? meta["transcription"]?.stringValue
    if text == nil, let t = group.first(where: { ext($0) == "txt" }), let bytes = try? index.read(t) {
      text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
    guard let text else {
      return .failure(.badEntry(origin: origin, id: key, detail: "sample has no transcript: add \"text\" to \(key).json or a \(key).txt member"))
    }
    return .success(
      ShardedCorpus.utterance(
        meta, id: meta["id"]?.stringValue ?? key, audioPath: TarMemberPath(archive: tar, member: audio.name).description,
        text: text, origin: origin))
  }
}

/// What the sharded-format readers share.
enum ShardedCorpus {
  /// Fields audioamp itself writes for each output; dropped when shards are read back, so an
  /// output augmented again gets fresh ones instead of duplicate keys.
  static let ownFields: Set<String> = [
    "audio_filepath", "shard_id", "shard_file", "duration", "text", "transcription", "id", "speaker", "source_id",
    "variant", "seed", "stream_key", "effects",
  ]

  /// An utterance from a metadata object: `speaker` from it, other fields carried as extras.
  static func utterance(_ meta: JSONValue, id: String, audioPath: String, durationSeconds: Double? = nil, text: String, origin: String) -> Utterance {
    var extra: [(String, JSONValue)] = []
    if case .object(let pairs) = meta { extra = pairs.filter { !ownFields.contains($0.0) } }
    let speaker = meta["speaker"]?.stringValue ?? meta["speaker"]?.numberValue.map { JSONValue.format($0) }
    return Utterance(id: id, audioPath: audioPath, durationSeconds: durationSeconds, text: text, speaker: speaker, origin: origin, extra: extra)
  }
}
