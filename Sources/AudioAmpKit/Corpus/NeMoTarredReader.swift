import Foundation

/// Reads a NeMo tarred audio dataset: `tarred_audio_manifest.json` (JSON lines with
/// `audio_filepath`, the member name, `text`, `shard_id`, optionally `duration`, `id`,
/// `speaker` and other fields) beside `audio_0.tar ... audio_{N-1}.tar`.
///
/// As NeMo does, an entry's audio is the member named by the basename of its `audio_filepath`
/// in `audio_<shard_id>.tar`. Utterances come in manifest order; audio stays in the tars
/// (`tar://` paths). Ids default to the member name without its extension.
public struct NeMoTarredReader: CorpusReader {
  /// The manifest file.
  public let manifest: String
  public var formatName: String { "nemo-tarred" }

  /// The manifest's file name in a NeMo tarred dataset folder.
  public static let manifestName = "tarred_audio_manifest.json"

  /// Creates a reader for the manifest, or for the folder holding it.
  public init(path: String) {
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    manifest = isDir.boolValue ? (path as NSString).appendingPathComponent(NeMoTarredReader.manifestName) : path
  }

  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    let lines = try LineReader(path: manifest)
    let dir = (manifest as NSString).deletingLastPathComponent
    var ids = IDRegistry()
    return AnyIterator {
      while let raw = lines.next() {
        let n = lines.lineNumber
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
        let origin = "\(manifest):\(n)"
        let value: JSONValue
        switch JSONValue.parseObjectLine(line, origin: origin, shape: #"{"audio_filepath": ..., "text": ..., "shard_id": ...}"#) {
        case .failure(let e): return .failure(e)
        case .success(let parsed): value = parsed.0
        }
        guard let file = value["audio_filepath"]?.stringValue, !file.isEmpty else {
          return .failure(.badEntry(origin: origin, id: value["id"]?.stringValue, detail: "no \"audio_filepath\" (the member name in the shard)"))
        }
        let member = (file as NSString).lastPathComponent
        let id = value["id"]?.stringValue ?? (member as NSString).deletingPathExtension
        guard let shard = value["shard_id"]?.numberValue, shard >= 0, shard == shard.rounded() else {
          return .failure(.badEntry(origin: origin, id: id, detail: "no integer \"shard_id\": a tarred manifest names the audio_N.tar holding each file"))
        }
        guard let text = value["text"]?.stringValue else {
          return .failure(.badEntry(origin: origin, id: id, detail: "no \"text\": every utterance needs its transcript"))
        }
        let tar = (dir as NSString).appendingPathComponent("audio_\(Int(shard)).tar")
        do {
          guard try TarIndex.of(tar).member(member) != nil else {
            return .failure(.badEntry(origin: origin, id: id, detail: "\(member) is not in \(tar); the manifest and the shards disagree"))
          }
        } catch {
          return .failure(.badEntry(origin: origin, id: id, detail: "\(error)"))
        }
        if let first = ids.claim(id, source: manifest, line: n) {
          return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
        }
        return .success(
          ShardedCorpus.utterance(value, id: id, audioPath: TarMemberPath(archive: tar, member: member).description, text: text, origin: origin))
      }
      return nil
    }
  }
}
