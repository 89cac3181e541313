import Foundation

/// The corpus layouts `mix` can write. `DIR/manifest.jsonl` is written for every format (it is
/// the run's journal and its full record); the format decides where each output's audio goes and
/// which index files are built from the manifest when the run (or `merge`) finishes.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// `DIR/audio/<id>.wav` + `DIR/manifest.jsonl`.
  case jsonl
  /// As jsonl, plus a Kaldi data directory in DIR: `wav.scp`, `text`, `utt2spk`, `spk2utt`,
  /// and `ctm` when the outputs carry word timings.
  case kaldi
  /// A LibriSpeech tree: `DIR/<speaker>/<chapter>/<id>.flac` and `<speaker>-<chapter>.trans.txt`;
  /// output ids are `<speaker>-<chapter>-<utterance>` whatever the input (`LibriSpeechNaming`).
  case librispeech
  /// Common Voice: `DIR/clips/<id>.mp3` and `DIR/train.tsv`.
  case commonvoice
  /// Hugging Face audiofolder: `DIR/data/<id>.wav` and `DIR/metadata.csv`.
  case audiofolder
  /// A plain folder: `DIR/<id>.wav` with `DIR/<id>.txt` beside it.
  case folder
  /// WebDataset tar shards `DIR/shard-NNNNNN.tar` of `<key>.flac` + `<key>.json` (see `ShardSink`).
  case webdataset
  /// NeMo tarred audio: `DIR/audio_N.tar` + `DIR/tarred_audio_manifest.json` with `shard_id`.
  case nemoTarred = "nemo-tarred"
  /// Lhotse Shar: `DIR/cuts.NNNNNN.jsonl.gz` + `DIR/recording.NNNNNN.tar`.
  case lhotseShar = "lhotse-shar"
  /// Hugging Face `datasets` Parquet: `DIR/data/train-NNNNN.parquet` (audio bytes + fields).
  case parquet

  /// The format that mirrors a reader's (`jsonl` for formats without a writer).
  public static func mirroring(readerFormat name: String) -> OutputFormat {
    OutputFormat(rawValue: name) ?? .jsonl
  }

  /// Where the audio of output `id` goes, relative to the output folder, and how it is encoded.
  public func audioLocation(outputID id: String, source: Utterance) -> (path: String, format: AudioFileFormat) {
    let file = String(id.map { $0 == "/" ? "_" : $0 })
    switch self {
    case .jsonl, .kaldi: return ("audio/\(file).wav", .wav16)
    case .librispeech:
      let (spk, chapter) = LibriSpeechNaming.folders(ofOutputID: id)
      return ("\(spk)/\(chapter)/\(file).flac", .flac16)
    case .commonvoice: return ("clips/\(file).mp3", .mp3)
    case .audiofolder: return ("data/\(file).wav", .wav16)
    case .folder: return ("\(file).wav", .wav16)
    case .webdataset, .nemoTarred, .lhotseShar, .parquet: return (ShardSink.key(id), .flac16)  // in a shard
    }
  }

  /// The output id for `variant` of `source`: `<source id>__v<variant>`, except in a
  /// LibriSpeech tree, whose readers need `<speaker>-<chapter>-<utterance>` (`LibriSpeechNaming`).
  public func outputID(for source: Utterance, variant: Int) -> String {
    self == .librispeech
      ? LibriSpeechNaming.outputID(for: source, variant: variant) : Renderer.outputID(source.id, variant: variant)
  }

  /// Builds this format's index files in `directory` from the finished `manifest.jsonl`, reading
  /// it line by line and sorting through `ExternalLineSorter`, so memory stays bounded.
  func buildIndex(directory: String) throws {
    let manifest = (directory as NSString).appendingPathComponent("manifest.jsonl")
    let temp = (directory as NSString).appendingPathComponent(".audioamp/sort")
    func rows(_ body: (JSONValue) throws -> Void) throws {
      let lines = try LineReader(path: manifest)
      while let line = lines.next() {
        if !line.isEmpty { try body(try JSONValue.parse(line)) }
      }
    }
    func field(_ v: JSONValue, _ k: String) -> String { v[k]?.stringValue ?? v[k].map { $0.serialized } ?? "" }
    let dir = directory as NSString
    switch self {
    case .jsonl, .webdataset, .lhotseShar, .parquet:
      return
    case .nemoTarred:
      try ShardIndex.nemoManifest(directory: directory)
    case .kaldi:
      let byID = ExternalLineSorter(tempDirectory: temp + "/id")
      let bySpeaker = ExternalLineSorter(tempDirectory: temp + "/spk")
      let ctm = ExternalLineSorter(tempDirectory: temp + "/ctm")
      var hasWords = false
      try rows { v in
        // Word timings (already rescaled to the output) become a ctm: utt, channel 1, start,
        // duration, word; the word's position keeps the order within an utterance.
        if case .array(let words) = v["words"] ?? .null {
          for (k, w) in words.enumerated() {
            guard let word = w["word"]?.stringValue, let start = w["start"]?.numberValue, let end = w["end"]?.numberValue else { continue }
            hasWords = true
            try ctm.add(String(format: "%@\t%08d\t%@ 1 %.3f %.3f %@", field(v, "id"), k, field(v, "id"), start, max(0, end - start), word))
          }
        }
        let id = field(v, "id")
        let spk = v["speaker"]?.stringValue ?? id
        // One sorted stream carries all three per-utterance tables, tab-separated after the id.
        try byID.add("\(id)\t\(dir.appendingPathComponent(field(v, "audio_filepath")))\t\(spk)\t\(field(v, "text"))")
        try bySpeaker.add("\(spk)\t\(id)")
      }
      let scp = try IndexFile(dir.appendingPathComponent("wav.scp"))
      let text = try IndexFile(dir.appendingPathComponent("text"))
      let utt2spk = try IndexFile(dir.appendingPathComponent("utt2spk"))
      try byID.finish { line in
        let f = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        scp.add("\(f[0]) \(f[1])")
        text.add(f[3].isEmpty ? f[0] : "\(f[0]) \(f[3])")
        utt2spk.add("\(f[0]) \(f[2])")
      }
      let spk2utt = try IndexFile(dir.appendingPathComponent("spk2utt"))
      var current: String? = nil
      var line = ""
      try bySpeaker.finish { row in
        let f = row.split(separator: "\t", maxSplits: 1).map(String.init)
        if f[0] != current {
          if current != nil { spk2utt.add(line) }
          current = f[0]
          line = f[0]
        }
        line += " " + f[1]
      }
      if current != nil { spk2utt.add(line) }
      for f in [scp, text, utt2spk, spk2utt] { try f.commit() }
      if hasWords {
        let file = try IndexFile(dir.appendingPathComponent("ctm"))
        try ctm.finish { row in file.add(String(row.split(separator: "\t", maxSplits: 2)[2])) }
        try file.commit()
      } else {
        try ctm.finish { _ in }
      }
    case .librispeech:
      let sorter = ExternalLineSorter(tempDirectory: temp + "/ls")
      try rows { v in
        let audio = field(v, "audio_filepath")
        let folder = (audio as NSString).deletingLastPathComponent
        try sorter.add("\(folder)\t\(field(v, "id"))\t\(field(v, "text"))")
      }
      var open: (folder: String, file: IndexFile)? = nil
      try sorter.finish { row in
        let f = row.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        if open?.folder != f[0] {
          try open?.file.commit()
          let parts = f[0].split(separator: "/")
          let name = parts.count >= 2 ? "\(parts[parts.count - 2])-\(parts[parts.count - 1]).trans.txt" : "trans.txt"
          open = (f[0], try IndexFile(dir.appendingPathComponent(f[0] + "/" + name)))
        }
        open!.file.add("\(f[1]) \(f[2])")
      }
      try open?.file.commit()
    case .commonvoice:
      // Common Voice 15+ columns that readers index by name (lhotse reads `variant`).
      let columns = ["client_id", "path", "sentence", "up_votes", "down_votes", "age", "gender", "accents", "variant", "locale", "segment"]
      let tsv = try IndexFile(dir.appendingPathComponent("train.tsv"))
      tsv.add(columns.joined(separator: "\t"))
      try rows { v in
        func clean(_ s: String) -> String { String(s.map { $0 == "\t" || $0 == "\n" ? " " : $0 }) }
        let values = columns.map { c -> String in
          switch c {
          case "client_id": return v["speaker"]?.stringValue ?? ""
          case "path": return (field(v, "audio_filepath") as NSString).lastPathComponent
          case "sentence": return field(v, "text")
          // The manifest's `variant` is audioamp's variant index, not Common Voice's dialect.
          case "variant": return ""
          default: return v[c]?.stringValue ?? v[c].map { JSONValue.format($0.numberValue ?? 0) } ?? ""
          }
        }
        tsv.add(values.map(clean).joined(separator: "\t"))
      }
      try tsv.commit()
    case .audiofolder:
      let csv = try IndexFile(dir.appendingPathComponent("metadata.csv"))
      csv.add("file_name,transcription,speaker_id")
      func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
          ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
      }
      try rows { v in
        csv.add([field(v, "audio_filepath"), field(v, "text"), v["speaker"]?.stringValue ?? ""].map(quote).joined(separator: ","))
      }
      try csv.commit()
    case .folder:
      try rows { v in
        let audio = field(v, "audio_filepath")
        let txt = dir.appendingPathComponent((audio as NSString).deletingPathExtension + ".txt")
        let f = try IndexFile(txt)
        f.add(field(v, "text"))
        try f.commit()
      }
    }
  }
}

/// A text file streamed to a temporary name and renamed over its final name when committed, so
/// an interrupted finish never leaves a partial index under the final name.
final class IndexFile {
  let path: String
  private let tmp: String
  private let handle: FileHandle
  private var pending = Data()

  init(_ path: String) throws {
    self.path = path
    tmp = path + ".partial"
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
      throw CorpusError.badOutput(path: path, detail: "cannot create; check the folder is writable")
    }
    handle = h
  }

  func add(_ line: String) {
    pending.append(contentsOf: Array(line.utf8))
    pending.append(0x0A)
    if pending.count > 1 << 20 { flush() }
  }

  private func flush() {
    handle.write(pending)
    pending.removeAll(keepingCapacity: true)
  }

  func commit() throws {
    flush()
    try? handle.close()
    guard rename(tmp, path) == 0 else {
      throw CorpusError.badOutput(path: path, detail: "cannot write (\(String(cString: strerror(errno))))")
    }
  }
}
