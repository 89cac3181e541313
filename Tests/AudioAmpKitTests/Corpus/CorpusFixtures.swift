import Foundation
import Testing
@testable import AudioAmpKit

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
    try! FileManager.default.linkItem(atPath: original, toPath: path)
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

/// The process's peak resident set size so far, in KiB (`getrusage`'s `ru_maxrss` on Linux).
func peakRSSKiB() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss
}
