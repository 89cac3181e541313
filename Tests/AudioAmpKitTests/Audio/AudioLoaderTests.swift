import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct AudioLoaderTests {
  @Test func readsSegmentsAtTheRequestedRate() throws {
    let dir = makeTempDir()
    let x = Signals.sine(440, seconds: 3, rate: 22050, amplitude: 0.5)
    writeWAV(x, rate: 22050, to: dir + "/a.wav")
    let seg = try AudioLoader.load(path: dir + "/a.wav", offsetSeconds: 1, durationSeconds: 1.5, sampleRate: 16000)
    #expect(seg.sampleRate == 16000 && abs(seg.count - 24000) <= 1)
    let f = Signals.peakFrequency(Array(seg.samples[1000..<20000]), rate: 16000, near: 440)
    #expect(abs(Signals.cents(f, 440)) < 1)
  }

  @Test func stereoIsDownmixed() throws {
    let dir = makeTempDir()
    let path = dir + "/st.wav"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sox", "-n", "-r", "16000", "-c", "2", path, "synth", "0.5", "sine", "300", "sine", "300"]
    guard (try? p.run()) != nil else { return }  // sox is a test-only convenience
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return }
    let a = try AudioLoader.load(path: path, sampleRate: 16000)
    #expect(a.count == 8000)
  }

  @Test func brokenFilesAreReportedByNameAndKind() throws {
    let dir = makeTempDir()
    let good = Signals.sine(440, seconds: 1, rate: 16000)
    writeWAV(good, rate: 16000, to: dir + "/good.wav")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/good.wav"))
    try bytes.prefix(20000).write(to: URL(fileURLWithPath: dir + "/trunc.wav"))
    try Data("not audio at all, just text".utf8).write(to: URL(fileURLWithPath: dir + "/junk.wav"))
    FileManager.default.createFile(atPath: dir + "/empty.wav", contents: Data())
    let cases: [(String, String)] = [
      ("trunc.wav", "file is truncated"),
      ("junk.wav", "cannot be read as audio"),
      ("empty.wav", "holds no audio samples"),
      ("missing.wav", "no such file"),
    ]
    for (name, phrase) in cases {
      do {
        _ = try AudioLoader.load(path: dir + "/" + name, sampleRate: 16000)
        Issue.record("\(name) was accepted")
      } catch {
        #expect("\(error)".contains(dir + "/" + name) && "\(error)".contains(phrase), "\(name): \(error)")
      }
    }
  }

  @Test func writesAreAtomicAndExact() throws {
    let dir = makeTempDir()
    let x: [Float] = [0, 0.5, -0.5, 1.5, -1.5]
    try SoundFile.writeWAV16(x, sampleRate: 8000, to: dir + "/o.wav")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["o.wav"])
    let back = try AudioLoader.load(path: dir + "/o.wav", sampleRate: 8000).samples
    #expect(back.count == 5 && abs(back[1] - 0.5) < 1e-4 && back[3] <= 1 && back[4] >= -1)
  }

  @Test func writeToAMissingFolderFailsCleanly() {
    #expect(throws: AudioFileError.self) {
      try SoundFile.writeWAV16([0], sampleRate: 8000, to: "/nonexistent-dir-xyz/o.wav")
    }
  }
}

@Suite struct AudioFormatTests {
  /// Every format the pipeline promises to read, written by libsndfile and read back: the length
  /// stays within the codec's padding and a 440 Hz tone stays at 440 Hz.
  @Test(arguments: AudioFileFormat.allCases)
  func compressedFormatsRoundTrip(format: AudioFileFormat) throws {
    let dir = makeTempDir("format-\(format)")
    let x = Signals.sine(440, seconds: 1.5, rate: 16000, amplitude: 0.5)
    let path = dir + "/tone.\(format.rawValue)"
    try SoundFile.write(x, sampleRate: 16000, to: path, format: format)
    #expect(AudioFileFormat(path: path) == format)
    let back = try AudioLoader.load(path: path, sampleRate: 16000)
    let lossless = format == .wav16 || format == .flac16
    #expect(abs(back.count - x.count) <= (lossless ? 0 : 1600), "\(format): \(back.count) samples for \(x.count)")
    let f = Signals.peakFrequency(Array(back.samples[2000..<20000]), rate: 16000, near: 440)
    #expect(abs(Signals.cents(f, 440)) < 2, "\(format): \(f) Hz")
    if lossless { #expect(zip(back.samples, x).allSatisfy { abs($0 - $1) < 1e-4 }) }
  }
}
