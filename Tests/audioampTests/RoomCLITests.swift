import Foundation
import Testing
import AudioAmpKit

/// `audioamp room synth` and `room measure` end to end: exit status, messages, JSON fields.
@Suite struct RoomCLITests {
  func tempDir(_ name: String = #function) throws -> String {
    let dir = NSTemporaryDirectory() + "audioamp-cli/room-\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func synthThenMeasureAgreeOnRT60() throws {
    let dir = try tempDir()
    let s = try CLI.run(["room", "synth", "--rt60", "0.6", "--room", "6x4x3", "--source", "1.5,2,1.6", "--mic", "4,2.5,1.2", "--out", dir + "/rir.wav", "--json"])
    #expect(s.status == 0, "\(s.stderr)")
    let synth = try JSONValue.parse(s.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(synth["room_m"]?.stringValue == "6.00x4.00x3.00")
    #expect(abs((synth["distance_m"]?.numberValue ?? 0) - 2.581) < 1e-3)
    let m = try CLI.run(["room", "measure", dir + "/rir.wav", "--json"])
    #expect(m.status == 0, "\(m.stderr)")
    let measured = try JSONValue.parse(m.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    for key in ["t20_s", "t30_s"] {
      let t = try #require(measured[key]?.numberValue)
      #expect(abs(t / 0.6 - 1) <= 0.1, "\(key) \(t)")
      #expect(abs(t - (synth[key]?.numberValue ?? 0)) < 2e-3)
    }
    #expect(measured["direct_delay_s"]?.numberValue == 0)
  }

  @Test func badRequestsSayWhatToChange() throws {
    let dir = try tempDir()
    let cases: [([String], Int32, String)] = [
      (["--rt60", "0.01", "--room", "2x2x2"], 1, "RT60 0.010 s cannot be reached in a 2.00x2.00x2.00 m room"),
      (["--rt60", "0.5", "--room", "2x2x2", "--source", "3,1,1", "--mic", "1,1,1"], 1, "--source 3.000,1.000,1.000 lies outside the 2.00x2.00x2.00 m room"),
      (["--rt60", "{uniform: [1, 0.2]}"], 64, "uniform takes [min, max] with min ≤ max"),
      (["--rt60", "0.5", "--room", "6x4"], 64, "--room 6x4: write LxWxH in metres"),
    ]
    for (args, status, message) in cases {
      let r = try CLI.run(["room", "synth"] + args + ["--out", dir + "/x.wav"])
      #expect(r.status == status, "\(args): \(r.stderr)")
      #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
    }
    let m = try CLI.run(["room", "measure", dir + "/missing.wav"])
    #expect(m.status == 64 && m.stderr.contains("no such file"))
  }
}
