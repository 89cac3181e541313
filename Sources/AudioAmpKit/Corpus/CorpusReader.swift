import Foundation

/// A source of utterances, read lazily in the corpus's own order.
///
/// Each element is either an utterance or the problem with one entry, so that a run with
/// `--keep-going` can log the bad entry and continue with the next.
public protocol CorpusReader {
  /// The format's name as users write it (`jsonl`, `kaldi`).
  var formatName: String { get }
  /// Yields every entry once, in corpus order.
  func entries() throws -> AnyIterator<Result<Utterance, CorpusError>>
}

/// Picks the reader for an `--input` path, by its layout or by a format name.
///
/// Detection, first match wins:
///
/// | input                                                    | format                     |
/// |----------------------------------------------------------|----------------------------|
/// | file `tarred_audio_manifest.json`                        | `nemo-tarred`              |
/// | file `*.tar`                                             | `webdataset`               |
/// | file `metadata.csv` / `metadata.jsonl`                   | `audiofolder` (its folder) |
/// | file `*.jsonl` / `*.json`, or any file starting with `{` | `jsonl`                    |
/// | file `*.tsv`                                             | `commonvoice`              |
/// | folder with `tarred_audio_manifest.json`                 | `nemo-tarred`              |
/// | folder with `cuts.*.jsonl.gz` (or `shar/` holding them)  | `lhotse-shar`              |
/// | folder with `*.tar` files                                | `webdataset`               |
/// | folder with `wav.scp`                                    | `kaldi`                    |
/// | folder with `metadata.csv` or `metadata.jsonl`           | `audiofolder`              |
/// | folder with `validated.tsv` or `train.tsv`, and `clips/` | `commonvoice`              |
/// | folder with a `*.trans.txt` below                        | `librispeech`              |
/// | folder with an audio file and a same-named `.txt` below  | `folder`                   |
///
/// For the last two the tree is walked in byte order (`DirectoryWalk`) and the first folder
/// holding either kind decides, so detection stops at the first chapter or pair it meets.
public enum CorpusFormat {
  /// Every format name `reader(for:format:)` accepts, in the order detection tries them.
  public static let formatNames = [
    "jsonl", "kaldi", "audiofolder", "commonvoice", "librispeech", "folder", "webdataset", "nemo-tarred",
    "lhotse-shar",
  ]

  /// What each format looks like, one line per format, for messages and `--help`.
  public static let formatSummary = """
    jsonl        a JSON-lines manifest file (.jsonl): {"audio_filepath": ..., "text": ...} per line
    kaldi        a Kaldi data directory: wav.scp, text, optionally utt2spk and segments
    audiofolder  a Hugging Face audiofolder: audio files plus metadata.csv or metadata.jsonl with file_name and transcription
    commonvoice  a Common Voice <lang>/ folder (validated.tsv or train.tsv, and clips/) or one of its .tsv files
    librispeech  a LibriSpeech tree: <speaker>/<chapter>/<speaker>-<chapter>.trans.txt beside the .flac files
    folder       a folder of audio files, each with a .txt transcript of the same name beside it
    webdataset   WebDataset shards: a .tar (or a folder of them) of <key>.flac/.wav + <key>.json with "text"
    nemo-tarred  a NeMo tarred dataset: tarred_audio_manifest.json (with shard_id) beside audio_0.tar ... audio_N-1.tar
    lhotse-shar  Lhotse Shar: cuts.NNNNNN.jsonl.gz beside recording.NNNNNN.tar (in the folder or its shar/)
    """

  /// Opens `path` with the reader its layout calls for (see the table above).
  ///
  /// Throws `unrecognisedInput` for a missing path or a layout that matches no format; the
  /// message lists the formats and what each looks like.
  public static func reader(for path: String) throws -> any CorpusReader {
    try reader(for: path, format: nil)
  }

  /// Opens `path` as the format named `format` (one of `formatNames`), or by detection when
  /// `format` is nil.
  ///
  /// With a name, only the path's kind is checked here (a file for `jsonl`, a folder for
  /// `kaldi`, ...); problems inside the corpus surface from `entries()`.
  public static func reader(for path: String, format: String?) throws -> any CorpusReader {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw CorpusError.unrecognisedInput(path: path, detail: "no such file or folder")
    }
    let folder = isDir.boolValue
    guard let format else { return try detect(path, isFolder: folder) }
    func need(folder wanted: Bool) throws {
      if wanted != folder {
        throw CorpusError.unrecognisedInput(
          path: path,
          detail:
            "format \(format) reads a \(wanted ? "folder" : "file"), but this is a \(folder ? "folder" : "file")"
        )
      }
    }
    switch format {
    case "jsonl":
      try need(folder: false)
      return ManifestReader(path: path)
    case "kaldi":
      try need(folder: true)
      return KaldiDataDirReader(directory: path)
    case "audiofolder":
      if !folder, let dir = audiofolderOfMetadataFile(path) {
        return AudioFolderReader(directory: dir)
      }
      try need(folder: true)
      return AudioFolderReader(directory: path)
    case "commonvoice":
      return CommonVoiceReader(path: path)
    case "librispeech":
      try need(folder: true)
      return LibriSpeechReader(directory: path)
    case "folder":
      try need(folder: true)
      return PlainFolderReader(directory: path)
    case "webdataset":
      return WebDatasetReader(path: path)
    case "nemo-tarred":
      return NeMoTarredReader(path: path)
    case "lhotse-shar":
      try need(folder: true)
      return LhotseSharReader(path: path)
    default:
      throw CorpusError.unrecognisedInput(
        path: path, detail: "unknown format '\(format)'; the formats are:\n\(formatSummary)")
    }
  }

  /// The folder of an audiofolder metadata file given directly, else nil.
  private static func audiofolderOfMetadataFile(_ path: String) -> String? {
    let name = (path as NSString).lastPathComponent
    return AudioFolderReader.metadataNames.contains(name)
      ? (path as NSString).deletingLastPathComponent : nil
  }

  private static func detect(_ path: String, isFolder: Bool) throws -> any CorpusReader {
    func unrecognised(_ what: String) -> CorpusError {
      .unrecognisedInput(
        path: path, detail: "\(what); a corpus is one of these:\n\(formatSummary)")
    }
    let fm = FileManager.default
    if !isFolder {
      if (path as NSString).lastPathComponent == NeMoTarredReader.manifestName { return NeMoTarredReader(path: path) }
      if path.hasSuffix(".tar") { return WebDatasetReader(path: path) }
      if let dir = audiofolderOfMetadataFile(path) { return AudioFolderReader(directory: dir) }
      switch (path as NSString).pathExtension.lowercased() {
      case "jsonl", "json": return ManifestReader(path: path)
      case "tsv": return CommonVoiceReader(path: path)
      default:
        if startsWithBrace(path) { return ManifestReader(path: path) }
        throw unrecognised("file is not a .jsonl manifest or a Common Voice .tsv")
      }
    }
    func has(_ name: String) -> Bool {
      fm.fileExists(atPath: (path as NSString).appendingPathComponent(name))
    }
    if has(NeMoTarredReader.manifestName) { return NeMoTarredReader(path: path) }
    if !LhotseSharReader.cutFiles(path).isEmpty || !LhotseSharReader.cutFiles((path as NSString).appendingPathComponent("shar")).isEmpty {
      return LhotseSharReader(path: path)
    }
    if !WebDatasetReader.tars(path).isEmpty { return WebDatasetReader(path: path) }
    if has("wav.scp") { return KaldiDataDirReader(directory: path) }
    if try AudioFolderReader.metadataFile(in: path) != nil {
      return AudioFolderReader(directory: path)
    }
    if CommonVoiceReader.defaultTSV(in: path) != nil, has("clips") {
      return CommonVoiceReader(path: path)
    }
    var walk = DirectoryWalk(root: path)
    while let f = walk.next() {
      if f.files.contains(where: { $0.hasSuffix(LibriSpeechReader.transcriptSuffix) }) {
        return LibriSpeechReader(directory: path)
      }
      if PlainFolderReader.pairs(f.files).contains(where: {
        $0.transcript != nil && !$0.audio.isEmpty
      }) {
        return PlainFolderReader(directory: path)
      }
    }
    let corpora = subfolderCorpora(path)
    if !corpora.isEmpty {
      throw CorpusError.unrecognisedInput(
        path: path,
        detail:
          "folder matches no corpus layout, but its subfolders do: \(corpora.joined(separator: ", ")); pass one of them")
    }
    throw unrecognised("folder matches no corpus layout")
  }

  /// The direct subfolders of `path` that are Kaldi, audiofolder or Common Voice corpora (as
  /// "name (format)", byte-sorted), for the hint when a parent such as `data/` or
  /// `cv-corpus-17.0/` is given instead.
  private static func subfolderCorpora(_ path: String) -> [String] {
    let fm = FileManager.default
    let names = ((try? fm.contentsOfDirectory(atPath: path)) ?? [])
      .filter { !$0.hasPrefix(".") }
      .sorted(by: DirectoryWalk.byteOrder)
    return names.compactMap { name in
      let sub = (path as NSString).appendingPathComponent(name)
      func has(_ file: String) -> Bool {
        fm.fileExists(atPath: (sub as NSString).appendingPathComponent(file))
      }
      if has("wav.scp") { return "\(name) (kaldi)" }
      if AudioFolderReader.metadataNames.contains(where: has) { return "\(name) (audiofolder)" }
      if CommonVoiceReader.defaultTSV(in: sub) != nil, has("clips") {
        return "\(name) (commonvoice)"
      }
      return nil
    }
  }

  /// Whether the file's first non-blank byte is "{" (a manifest with an unusual extension).
  private static func startsWithBrace(_ path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    let head = h.readData(ofLength: 4096)
    return head.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) })
      == UInt8(ascii: "{")
  }
}

/// Reads a text file line by line without loading it whole. Lines are split on "\n"; a trailing
/// "\r" is kept (callers decide), and a final line without "\n" is still returned.
///
/// Memory holds one 64 KiB chunk plus the current line. Consumed lines are not removed from the
/// front of the buffer one by one (that would copy the rest of the chunk per line); the buffer
/// is compacted only when a new chunk is read.
final class LineReader: Sequence, IteratorProtocol {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  /// Start of the unread part of `buffer`.
  private var start = 0
  /// Where to resume looking for "\n" (everything from `start` to here has none).
  private var scanned = 0
  private var eof = false
  private(set) var lineNumber = 0

  init(path: String) throws {
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw CorpusError.cannotOpen(path)
    }
    handle = h
  }

  deinit { try? handle.close() }

  func next() -> String? {
    while true {
      if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
        let line = String(decoding: buffer[start..<nl], as: UTF8.self)
        start = nl + 1
        scanned = start
        lineNumber += 1
        return line
      }
      scanned = buffer.count
      if eof {
        guard start < buffer.count else { return nil }
        let line = String(decoding: buffer[start...], as: UTF8.self)
        start = buffer.count
        lineNumber += 1
        return line
      }
      let chunk = handle.readData(ofLength: 1 << 16)
      if chunk.isEmpty {
        eof = true
      } else {
        buffer.removeFirst(start)
        scanned -= start
        start = 0
        buffer.append(contentsOf: chunk)
      }
    }
  }
}
