import Foundation
import Testing

@testable import AudioAmpKit

/// Groups the reader suites, so that `swift test --filter Corpus` selects them all.
enum Corpus {}

/// Builders for corpus fixtures laid out like the real corpora, in temporary folders.
enum CorpusFixture {
  /// Writes `text` (UTF-8) to `path`, creating its folder.
  static func write(_ text: String, to path: String) {
    writeBytes(Data(text.utf8), to: path)
  }

  /// Writes `data` to `path`, creating its folder.
  static func writeBytes(_ data: Data, to path: String) {
    try! FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try! data.write(to: URL(fileURLWithPath: path))
  }

  /// Writes a 50 ms 440 Hz tone at 16 kHz in the format the extension names (.wav, .flac, .mp3, ...).
  static func audio(_ path: String) {
    try! FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try! SoundFile.write(
      Signals.sine(440, seconds: 0.05, rate: 16000), sampleRate: 16000, to: path,
      format: AudioFileFormat(path: path)!)
  }

  /// Makes `path` another name of the existing file `original` (a hard link: no copying, so
  /// tens of thousands of "audio files" cost almost nothing).
  static func link(_ original: String, _ path: String) {
    // link(2) directly: FileManager.linkItem stats both paths first, which doubles the cost.
    if Glibc.link(original, path) == 0 { return }
    // ext4 allows 65,000 links to one file: past that, link to a copy of it.
    precondition(errno == EMLINK, "link \(original) \(path): errno \(errno)")
    let spare = original + ".more"
    if !FileManager.default.fileExists(atPath: spare) || Glibc.link(spare, path) != 0 {
      try? FileManager.default.removeItem(atPath: spare)
      try! FileManager.default.copyItem(atPath: original, toPath: spare)
      precondition(Glibc.link(spare, path) == 0, "link \(spare) \(path): errno \(errno)")
    }
  }

  /// Writes `text` to `path` in its existing folder with plain open/write/close (no temporary
  /// file and rename), for fixtures of thousands of files.
  static func quickWrite(_ text: String, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "open \(path): errno \(errno)")
    let bytes = Array(text.utf8)
    precondition(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count)
    close(fd)
  }

  /// Every entry of `reader`, in order.
  static func all(_ reader: any CorpusReader) throws -> [Result<Utterance, CorpusError>] {
    Array(IteratorSequence(try reader.entries()))
  }

  /// The messages of the failures among `results`, in order.
  static func messages(_ results: [Result<Utterance, CorpusError>]) -> [String] {
    results.compactMap { if case .failure(let e) = $0 { return e.description } else { return nil } }
  }

  /// The utterances among `results`, in order.
  static func utterances(_ results: [Result<Utterance, CorpusError>]) -> [Utterance] {
    results.compactMap { try? $0.get() }
  }
}

/// The process's current resident set size, in KiB (from /proc/self/statm; 0 where there is none).
func currentRSSKiB() -> Int {
  guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
    return 0
  }
  let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
  return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}
