import Foundation
import Testing

@testable import AudioAmpKit

/// Damaged audio files give a typed error naming the file, never a crash, and never cost more
/// memory than the samples they really hold.
@Suite struct DamagedAudioTests {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// One good file per format libsndfile writes for us, 0.5 s of a speech-like signal.
  func goodFiles(_ dir: String) throws -> [String] {
    let x = Signals.speechLike(seconds: 0.5, rate: 16000)
    return try [AudioFileFormat.wav16, .flac16, .vorbis, .opus, .mp3].map { f in
      let p = "\(dir)/good.\(f == .wav16 ? "wav" : f == .flac16 ? "flac" : f == .vorbis ? "ogg" : f == .opus ? "opus" : "mp3")"
      try SoundFile.write(x, sampleRate: 16000, to: p, format: f)
      return p
    }
  }

  @Test func truncatedVorbisIsRefusedNotTrusted() throws {
    // The reproducer of the SIGSEGV in the issue: libsndfile reports an unknown length
    // (SF_COUNT_MAX), which used to be allocated.
    let path = DamagedAudioTests.repo + "/fuzz/crashes/audio/truncated-vorbis-unknown-length.ogg"
    #expect(throws: AudioFileError.self) { try AudioLoader.load(path: path, sampleRate: 16000) }
    do {
      _ = try AudioLoader.load(path: path, sampleRate: 16000)
    } catch {
      #expect("\(error)".contains(path) && "\(error)".contains("length cannot be determined"))
    }
  }

  /// Each kind of damage, at several places, on every format: load either succeeds with a
  /// bounded length or throws `AudioFileError` naming the file.
  @Test(arguments: ["flip", "header", "truncate", "splice", "zero-fill"])
  func everyKindOfDamageGivesAnErrorOrBoundedAudio(kind: String) throws {
    let dir = makeTempDir("damaged-\(kind)")
    let good = try goodFiles(dir)
    var rng = UtteranceRNG(key: 14)
    var outcomes = (loaded: 0, refused: 0)
    for (k, path) in good.enumerated() {
      let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
      let other = [UInt8](FileManager.default.contents(atPath: good[(k + 1) % good.count])!)
      for trial in 0..<12 {
        var b = bytes
        switch kind {
        case "flip":
          for _ in 0..<4 { let i = rng.index(below: min(4096, b.count)); b[i] ^= UInt8(1 << rng.index(below: 8)) }
        case "header":
          for _ in 0..<3 { b[rng.index(below: min(64, b.count))] = [0x00, 0xFF, 0x7F, 0x80][rng.index(below: 4)] }
        case "truncate":
          b = Array(b[0..<(1 + rng.index(below: b.count - 1))])
        case "splice":
          b = Array(b[0..<(1 + rng.index(below: b.count - 1))]) + other[rng.index(below: other.count)...]
        default:
          let i = rng.index(below: b.count)
          for j in i..<min(b.count, i + 512) { b[j] = 0 }
        }
        let damaged = "\(dir)/\(kind)-\(trial)-\((path as NSString).lastPathComponent)"
        FileManager.default.createFile(atPath: damaged, contents: Data(b))
        do {
          let a = try AudioLoader.load(path: damaged, sampleRate: 16000)
          // A file of n bytes cannot hold more than a few hundred thousand samples here.
          #expect(a.count < 16000 * 60, "\(damaged): \(a.count) samples from \(b.count) bytes")
          outcomes.loaded += 1
        } catch let e as AudioFileError {
          #expect("\(e)".contains(damaged), "message does not name the file: \(e)")
          outcomes.refused += 1
        }
      }
    }
    #expect(outcomes.loaded + outcomes.refused == good.count * 12)
  }

  @Test(arguments: [
    (Double.nan, nil), (Double.infinity, nil), (1e300, nil), (-1, nil), (0, Double.nan), (0, Double.infinity),
    (0, 1e300), (0, -2), (0.1, 1e19),
  ] as [(Double, Double?)])
  func absurdSegmentBoundsAreRefused(offset: Double, duration: Double?) throws {
    let dir = makeTempDir("bounds")
    let path = dir + "/a.wav"
    try SoundFile.writeWAV16(Signals.sine(440, seconds: 0.5, rate: 16000), sampleRate: 16000, to: path)
    #expect(throws: AudioFileError.self) {
      try AudioLoader.load(path: path, offsetSeconds: offset, durationSeconds: duration, sampleRate: 16000)
    }
  }

  @Test func readsOfLongFilesAreChunkedAndExact() throws {
    // More frames than one chunk, stereo: the chunked downmix gives every frame exactly once.
    let dir = makeTempDir("chunks")
    let n = SoundFile.chunkFrames * 2 + 123
    let x = Signals.sine(300, seconds: Double(n) / 16000, rate: 16000)
    try SoundFile.writeWAV16(x, sampleRate: 16000, to: dir + "/a.wav")
    let a = try AudioLoader.load(path: dir + "/a.wav", sampleRate: 16000)
    #expect(a.count == x.count)
    let maxError = zip(a.samples, x).map { abs($0 - $1) }.max() ?? 1
    #expect(maxError < 1.0 / 32768 + 1e-6)
  }
}
