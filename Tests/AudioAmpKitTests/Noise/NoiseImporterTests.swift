import Foundation
import Testing
@testable import AudioAmpKit

/// Importers on small generated trees laid out like the real sets.
@Suite struct NoiseImporterTests {
  func tone(_ path: String, seconds: Double = 0.2) {
    writeWAV(Signals.noise(seconds: seconds, rate: 16000, rms: 0.05, key: UInt64(path.utf8.count)), rate: 16000, to: path)
  }

  func rows(_ root: String, index: String? = nil) throws -> [[String]] {
    let text = try String(contentsOfFile: index ?? root + "/index.tsv", encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func musanCategoriesAndLicences() throws {
    let root = makeTempDir("musan")
    tone(root + "/noise/free-sound/noise-free-sound-0000.wav")
    tone(root + "/noise/free-sound/noise-free-sound-0001.wav")
    tone(root + "/noise/sound-bible/noise-sound-bible-0000.wav")
    tone(root + "/music/fma/music-fma-0000.wav")
    tone(root + "/speech/librivox/speech-librivox-0000.wav")
    try "noise-free-sound-0000.wav CC0-1.0\nnoise-free-sound-0001.wav CC-BY-3.0\n".write(toFile: root + "/noise/free-sound/LICENSE", atomically: true, encoding: .utf8)
    try "Public domain (Sound Bible)\n".write(toFile: root + "/noise/sound-bible/LICENSE", atomically: true, encoding: .utf8)
    try "music-fma-0000 Rock N Artist\n".write(toFile: root + "/music/fma/ANNOTATIONS", atomically: true, encoding: .utf8)
    #expect(try NoiseImporter.run(root: root, layout: .musan) == 5)
    let r = try rows(root)
    #expect(r.map { $0[0] } == [
      "music/fma/music-fma-0000.wav", "noise/free-sound/noise-free-sound-0000.wav", "noise/free-sound/noise-free-sound-0001.wav",
      "noise/sound-bible/noise-sound-bible-0000.wav", "speech/librivox/speech-librivox-0000.wav",
    ])
    #expect(r.map { $0[1] } == ["music", "noise", "noise", "noise", "speech"])
    #expect(r[1][6] == "CC0-1.0" && r[2][6] == "CC-BY-3.0" && r[3][6] == "Public domain (Sound Bible)")
    #expect(r[0][6] == "see MUSAN music/fma/LICENSE")
    #expect(r.allSatisfy { ["train", "test"].contains($0[8]) && $0[2] == "0.200" && $0[3] == "16000" })
    let lib = try NoiseLibrary(root: root)
    #expect(try lib.files(in: "noise").count == 3)
  }

  @Test func demandScenesKeepAllTheirChannelsInOneSplit() throws {
    let root = makeTempDir("demand")
    for env in ["STRAFFIC", "PCAFETER", "TCAR", "OOFFICE", "DKITCHEN", "NPARK"] {
      for ch in 1...3 { tone(root + "/\(env)/ch\(String(format: "%02d", ch)).wav") }
    }
    #expect(try NoiseImporter.run(root: root, layout: .demand) == 18)
    let r = try rows(root)
    let byEnv = Dictionary(grouping: r) { $0[0].split(separator: "/")[0] }
    #expect(byEnv["STRAFFIC"]!.allSatisfy { $0[1] == "traffic" } && byEnv["PCAFETER"]!.allSatisfy { $0[1] == "crowd" })
    #expect(byEnv["TCAR"]!.allSatisfy { $0[1] == "vehicle" } && byEnv["NPARK"]!.allSatisfy { $0[1] == "nature" })
    for (_, rows) in byEnv { #expect(Set(rows.map { $0[8] }).count == 1) }
    #expect(r.allSatisfy { $0[6] == "CC-BY-SA-3.0" })
  }

  @Test func esc50CategoriesFromItsCSVAndFoldFiveForTest() throws {
    let root = makeTempDir("esc50")
    let clips = [("1-100032-A-0.wav", 1, 0, "dog"), ("1-110389-A-0.wav", 1, 0, "dog"), ("5-9032-A-0.wav", 5, 43, "car_horn"), ("2-118072-A-0.wav", 2, 44, "engine")]
    var csv = "filename,fold,target,category,esc10,src_file,take\n"
    for (f, fold, target, cat) in clips {
      tone(root + "/audio/" + f)
      csv += "\(f),\(fold),\(target),\(cat),False,\(f.split(separator: "-")[1]),A\n"
    }
    try FileManager.default.createDirectory(atPath: root + "/meta", withIntermediateDirectories: true)
    try csv.write(toFile: root + "/meta/esc50.csv", atomically: true, encoding: .utf8)
    #expect(try NoiseImporter.run(root: root, layout: .esc50) == 4)
    let r = try rows(root)
    #expect(r.map { $0[1] } == ["dog", "dog", "engine", "car_horn"])
    #expect(r.map { $0[8] } == ["train", "train", "train", "test"])
    #expect(r.allSatisfy { $0[6] == "CC-BY-NC-3.0" })
  }

  @Test func whamAndFolderLayouts() throws {
    let wham = makeTempDir("wham")
    tone(wham + "/tr/a.wav")
    tone(wham + "/cv/b.wav")
    tone(wham + "/tt/c.wav")
    #expect(try NoiseImporter.run(root: wham, layout: .wham) == 3)
    #expect(try rows(wham).map { $0[8] } == ["train", "train", "test"])
    let folder = makeTempDir("folder")
    tone(folder + "/rain/roof/a.wav")
    tone(folder + "/fans/b.wav")
    try "CC-BY-4.0 (recorded by us)\n".write(toFile: folder + "/fans/LICENSE", atomically: true, encoding: .utf8)
    // An index kept elsewhere (read-only data) holds absolute paths and still loads.
    let elsewhere = makeTempDir("index-elsewhere")
    #expect(try NoiseImporter.run(root: folder, layout: .folder, indexPath: elsewhere + "/index.tsv") == 2)
    let lib = try NoiseLibrary(root: elsewhere)
    #expect(try lib.files(in: "rain").first?.path.hasSuffix("/rain/roof/a.wav") == true)
    #expect(try lib.files(in: "fans").first?.licence == "CC-BY-4.0 (recorded by us)")
  }

  @Test func wrongLayoutsAreNamed() {
    let root = makeTempDir("not-esc50")
    for layout in [NoiseImporter.Layout.esc50, .musan, .demand, .wham] {
      do {
        _ = try NoiseImporter.run(root: root, layout: layout)
        Issue.record("\(layout) accepted an empty folder")
      } catch {
        #expect("\(error)".contains("does not look like"), "\(layout): \(error)")
      }
    }
  }
}
