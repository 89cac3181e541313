import Foundation

/// Reads a plain folder of audio files, each with its transcript in a `.txt` file of the same
/// name beside it (`a/x.wav` + `a/x.txt`).
///
/// Audio is any file whose extension (any case) is in `audioExtensions`. Folders are walked
/// recursively in byte order of their names, hidden names (starting with ".") skipped, and
/// within a folder the pairs come in byte order of their names. The text is the `.txt` file's
/// bytes with one trailing "\n" or "\r\n" removed; it must be UTF-8. The id is the path relative
/// to the folder without the extension, with each `/` replaced by `-` (`a/x.wav` → `a-x`); two
/// files mapping to the same id are refused. There is no speaker.
///
/// Refused, one pair at a time: audio without a `.txt` ("transcript missing"), a `.txt` without
/// audio (so a stray `README.txt` is reported too), several audio files sharing one `.txt`
/// (`x.wav` and `x.flac`), a transcript that is not UTF-8, and a repeated id. Other files are
/// ignored. Memory holds one folder's listing per level of depth, plus 16 bytes per id.
public struct PlainFolderReader: CorpusReader {
  /// The folder as given.
  public let directory: String
  public var formatName: String { "folder" }

  /// Extensions taken for audio (lower case): what libsndfile reads.
  public static let audioExtensions: Set<String> = AudioFileFormat.readableExtensions

  /// Creates a reader for the folder `directory`.
  public init(directory: String) { self.directory = directory }

  /// One name stem of a folder and the files sharing it.
  struct Pair {
    var stem: String
    var audio: [String] = []
    var transcript: String? = nil
  }

  /// Groups a folder's file names into stems with audio and/or a transcript, byte-sorted by
  /// stem; files of other kinds are left out.
  static func pairs(_ files: [String]) -> [Pair] {
    var byStem: [String: Pair] = [:]
    for name in files {
      let ext = (name as NSString).pathExtension.lowercased()
      let isAudio = audioExtensions.contains(ext)
      guard isAudio || ext == "txt" else { continue }
      let stem = (name as NSString).deletingPathExtension
      var p = byStem[stem] ?? Pair(stem: stem)
      if isAudio { p.audio.append(name) } else { p.transcript = name }
      byStem[stem] = p
    }
    return byStem.values.sorted { DirectoryWalk.byteOrder($0.stem, $1.stem) }
  }

  /// Throws `unrecognisedInput` when no audio or `.txt` file lies below `directory`.
  public func entries() throws -> AnyIterator<Result<Utterance, CorpusError>> {
    var walk = DirectoryWalk(root: directory)
    guard var (folder, queue) = walk.first({ Self.pairs($0.files) }) else {
      throw CorpusError.unrecognisedInput(
        path: directory,
        detail:
          "no audio files (\(Self.audioExtensions.sorted().joined(separator: ", "))) or .txt transcripts anywhere below this folder"
      )
    }
    var ids = IDRegistry()
    var queueIndex = 0

    return AnyIterator {
      while true {
        while queueIndex == queue.count {
          guard let f = walk.next() else { return nil }
          folder = f
          queue = Self.pairs(f.files)
          queueIndex = 0
        }
        let pair = queue[queueIndex]
        queueIndex += 1
        let dir = folder.path
        let idPrefix =
          folder.relativePath.isEmpty
          ? "" : folder.relativePath.replacingOccurrences(of: "/", with: "-") + "-"
        let id = idPrefix + pair.stem
        guard let transcript = pair.transcript else {
          return .failure(
            .badEntry(
              origin: dir + "/" + pair.audio[0], id: id,
              detail: "transcript missing: add \(pair.stem).txt beside the audio"))
        }
        let origin = dir + "/" + transcript
        guard !pair.audio.isEmpty else {
          return .failure(
            .badEntry(
              origin: origin, id: id,
              detail:
                "a transcript without audio: no \(pair.stem).wav (or .flac, .ogg, .opus, .mp3) beside it; add the audio or remove the .txt"
            ))
        }
        guard pair.audio.count == 1 else {
          return .failure(
            .badEntry(
              origin: origin, id: id,
              detail:
                "several audio files share this transcript (\(pair.audio.joined(separator: ", "))); keep one"
            ))
        }
        guard let data = FileManager.default.contents(atPath: origin) else {
          return .failure(.cannotOpen(origin))
        }
        guard let text = String(data: Self.droppingOneNewline(data), encoding: .utf8) else {
          return .failure(
            .badEntry(
              origin: origin, id: id,
              detail: "transcript is not UTF-8; convert it (e.g. iconv -t UTF-8)"))
        }
        if let first = ids.claim(id, source: dir, line: 0) {
          return .failure(.duplicateID(id: id, origin: origin, firstOrigin: first))
        }
        return .success(
          Utterance(id: id, audioPath: dir + "/" + pair.audio[0], text: text, origin: origin))
      }
    }
  }

  /// `data` without one final "\n" or "\r\n".
  static func droppingOneNewline(_ data: Data) -> Data {
    guard data.last == 0x0A else { return data }
    let n = data.count >= 2 && data[data.index(data.endIndex, offsetBy: -2)] == 0x0D ? 2 : 1
    return data.dropLast(n)
  }
}
