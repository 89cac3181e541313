import Foundation
import Testing
import AudioAmpKit

@Suite(.serialized) struct NoiseLibraryCLITests {
  /// A shipped file, remade from the command its index row records, has identical bytes.
  @Test func aShippedFileIsRebuiltByteForByteFromItsIndexLine() throws {
    let index = try String(contentsOfFile: CLI.repoRoot + "/noise-library/index.tsv", encoding: .utf8)
    let row = try #require(index.split(separator: "\n").first { $0.hasPrefix("cell-phone/rubbing.flac\t") })
    let command = String(row.split(separator: "\t").last!)
    var args = command.split(separator: " ").map(String.init)
    #expect(args.prefix(3) == ["audioamp", "noise", "synth"])
    let outIndex = try #require(args.firstIndex(of: "--out"))
    let tmp = NSTemporaryDirectory() + "audioamp-rebuild-\(UUID().uuidString.prefix(8)).flac"
    args[outIndex + 1] = tmp
    let r = try CLI.run(Array(args.dropFirst()), cwd: CLI.repoRoot)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(FileManager.default.contents(atPath: tmp) == FileManager.default.contents(atPath: CLI.repoRoot + "/noise-library/cell-phone/rubbing.flac"))
  }

  @Test func everyCategoryHoldsTenMinutesOverSeveralFiles() throws {
    let r = try CLI.run(["noise", "list"], cwd: CLI.repoRoot)
    #expect(r.status == 0)
    let lib = try NoiseLibrary(root: CLI.repoRoot + "/noise-library")
    for c in ["cell-phone", "crowd", "traffic"] {
      let files = try lib.files(in: c)
      #expect(files.count >= 3 && files.map(\.durationSeconds).reduce(0, +) >= 600, "\(c)")
      #expect(r.stdout.contains(c))
    }
  }

  @Test func synthRefusesWhatItCannotMake() throws {
    let cases: [([String], String)] = [
      (["noise", "synth", "rain", "--out", "x.flac"], "rain: choose traffic, crowd, cell-phone"),
      (["noise", "synth", "crowd", "--out", "x.flac"], "give --from CORPUS"),
      (["noise", "synth", "traffic", "--density", "jammed", "--out", "x.flac"], "--density jammed: choose quiet, busy or highway"),
      (["noise", "synth", "traffic", "--out", "x.aac"], "--out x.aac: use .flac, .wav, .ogg, .opus or .mp3"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(args)
      #expect(r.status == 64 && r.stderr.contains(message), "\(args): \(r.stderr)")
    }
  }
}
