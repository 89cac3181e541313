import Foundation
import Testing
@testable import AudioAmpKit

/// A noise file that changes after it was listed is reported by path, never mixed as it is now.
@Suite struct NoiseSegmentTests {
  /// A 3 s FLAC and a 3 s WAV of seeded noise, listed as a scan would list them.
  func listed(_ dir: String) throws -> [NoiseFile] {
    let x = Signals.noise(seconds: 3, rate: 16000, rms: 0.1, key: 5)
    try SoundFile.write(x, sampleRate: 16000, to: dir + "/a.flac", format: .flac16)
    writeWAV(x, rate: 16000, to: dir + "/b.wav")
    return try NoiseLibrary.scan(folder: dir)
  }

  func unreadable(_ file: NoiseFile, offset: Double = 0.5) -> (path: String, detail: String)? {
    do {
      _ = try NoiseSegment.read(file, offsetSeconds: offset, count: 16000, sampleRate: 16000)
      return nil
    } catch EffectError.unreadableNoise(let path, let detail) {
      return (path, detail)
    } catch {
      Issue.record("\(file.path): expected unreadableNoise, got \(error)")
      return nil
    }
  }

  @Test func aDeletedFileIsNamedByPath() throws {
    let dir = makeTempDir()
    let files = try listed(dir)
    for f in files { try FileManager.default.removeItem(atPath: f.path) }
    for f in files {
      let e = unreadable(f)
      #expect(e?.path == f.path && e?.detail == "no such file", "\(String(describing: e))")
    }
  }

  @Test func aTruncatedFileIsNamedByPath() throws {
    let dir = makeTempDir()
    for f in try listed(dir) {
      let bytes = FileManager.default.contents(atPath: f.path)!
      try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: f.path))
      // Both the segment past what is left and one inside it: the file is not what was listed.
      for offset in [0.0, 2.0] {
        // (A FLAC seek into the missing part fails in libsndfile itself: "read failed (...)".)
        let e = unreadable(f, offset: offset)
        let detail = e?.detail ?? ""
        #expect(e?.path == f.path && (detail.contains("truncated") || detail.hasPrefix("read failed")), "\(f.path) at \(offset) s: \(String(describing: e))")
      }
    }
  }

  @Test func aFileReplacedByAShorterOneIsNamedByPath() throws {
    let dir = makeTempDir()
    let files = try listed(dir)
    writeWAV(Signals.noise(seconds: 1.5, rate: 16000, key: 6), rate: 16000, to: files[1].path)
    let e = unreadable(files[1])
    #expect(e?.path == files[1].path && e?.detail.contains("now 1.500 s long but was listed as 3.000 s") == true, "\(String(describing: e))")
  }

  @Test func anUnchangedFileStillReads() throws {
    let dir = makeTempDir()
    for f in try listed(dir) {
      #expect(try NoiseSegment.read(f, offsetSeconds: 2.5, count: 16000, sampleRate: 16000).count == 16000)
    }
  }
}
