import Foundation

/// Reads Lhotse Shar: `cuts.NNNNNN.jsonl.gz` with `recording.NNNNNN.tar` beside each (in the
/// folder, or in its `shar/` subfolder as `mix --output-format lhotse-shar` writes it).
///
/// Each cut's audio is the member `<cut id>.<ext>` of its shard's recording tar (the cut's
/// own audio, so it is read whole). The transcript is the cut's supervisions' texts joined by
/// spaces, the speaker the first supervision's; the cut's `custom` fields are carried through.
/// Memory holds one shard's cut lines at a time.
public struct LhotseSharReader: CorpusReader {
  /// The folder holding the cut and recording shards.
  public let directory: String
  public var formatName: String { "lhotse-shar" }

  /// Creates a reader for a Shar folder (or an output folder with a `shar/` subfolder).
  public init(path: String) {
    let sub = (path as NSString).appendingPathComponent("shar")
    directory = LhotseSharReader.cutFiles(sub).isEmpty ? path : sub
  }

  /// The `cuts.*.jsonl.gz` files directly in `dir`, in byte order.
  static func cutFiles(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
      .filter { $0.hasPrefix("cuts.") && $0.hasSuffix(".jsonl.gz") }.sorted(by: DirectoryWalk.byteOrder)
  }

  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    let files = LhotseSharReader.cutFiles(directory)
    if files.isEmpty { throw CorpusError.unrecognisedInput(path: directory, detail: "no cuts.NNNNNN.jsonl.gz in this folder") }
    var f = 0
    var lines: [Substring] = []
    var l = 0
    var text = ""
    var ids = IDRegistry()
    return AnyIterator {
      while true {
        if l >= lines.count {
          guard f < files.count else { return nil }
          let gz = (directory as NSString).appendingPathComponent(files[f])
          f += 1
          do {
            text = String(decoding: try Gzip.decompressFile(gz), as: UTF8.self)
          } catch {
            return .failure(.unreadable(path: gz, reason: "\(error)"))
          }
          lines = text.split(separator: "\n", omittingEmptySubsequences: false)
          l = 0
          continue
        }
        let line = String(lines[l])
        l += 1
        if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
        let cutsName = files[f - 1]
        let origin = "\(directory)/\(cutsName):\(l)"
        let cut: JSONValue
        switch JSONValue.parseObjectLine(line, origin: origin, shape: #"{"id": ..., "supervisions": [...], "recording": {...}}"#) {
        case .failure(let e): return .failure(e)
        case .success(let parsed): cut = parsed.0
        }
        guard let id = cut["id"]?.stringValue, !id.isEmpty else {
          return .failure(.badEntry(origin: origin, id: nil, detail: "cut has no \"id\""))
        }
        let number = cutsName.dropFirst("cuts.".count).dropLast(".jsonl.gz".count)
        let tar = (directory as NSString).appendingPathComponent("recording.\(number).tar")
        let member: String
        do {
          let index = try TarIndex.of(tar)
          guard let m = ["flac", "wav", "opus", "ogg", "mp3"].lazy.map({ "\(id).\($0)" }).first(where: { index.member($0) != nil }) else {
            return .failure(.badEntry(origin: origin, id: id, detail: "no audio member \(id).flac (or .wav, .opus) in \(tar)"))
          }
          member = m
        } catch {
          return .failure(.badEntry(origin: origin, id: id, detail: "\(error)"))
        }
        var texts: [String] = []
        var speaker: JSONValue? = nil
        if case .array(let sups) = cut["supervisions"] ?? .null {
          for s in sups {
            if let t = s["text"]?.stringValue { texts.append(t) }
            if speaker == nil { speaker = s["speaker"] }
          }
        }
        var meta: [(String, JSONValue)] = []
        if case .object(let custom) = cut["custom"] ?? .null { meta = custom }
        if let speaker { meta.append(("speaker", speaker)) }
        if let first = ids.claim(id, source: tar, line: l) {
          return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
        }
        return .success(
          ShardedCorpus.utterance(
            .object(meta), id: id, audioPath: TarMemberPath(archive: tar, member: member).description,
            text: texts.joined(separator: " "), origin: origin))
      }
    }
  }
}
