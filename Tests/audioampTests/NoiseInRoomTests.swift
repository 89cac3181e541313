import Foundation
import Testing
import AudioAmpKit

/// `reverb: {noise_in_room: true}`: a later noise effect comes from another point of the same
/// room, reverberant too, with its SNR set at the microphone.
@Suite(.serialized) struct NoiseInRoomTests {
  @Test func noiseAfterARoomIsHeardInItAtTheAskedSNR() throws {
    let fx = try Fixture()
    for inRoom in [true, false] {
      try """
        sample_rate: 16000
        variants: 2
        effects:
          - reverb: {room: {rt60_s: 0.6, size_m: 6, distance_m: 2}, noise_in_room: \(inRoom)}
          - noise: {dir: \(fx.dir)/noise, snr_db: [0, 10]}
        """.write(toFile: fx.dir + "/room-\(inRoom).yaml", atomically: true, encoding: .utf8)
      let r = try CLI.run(["mix", "--recipe", fx.dir + "/room-\(inRoom).yaml", "--input", fx.manifest, "--output", fx.dir + "/out-\(inRoom)", "--seed", "2", "--quiet"])
      #expect(r.status == 0, "stderr: \(r.stderr)")
    }
    let with = try fx.manifestLines("out-true"), without = try fx.manifestLines("out-false")
    #expect(with.count == 6 && without.count == 6)
    for (a, b) in zip(with, without) {
      guard case .array(let ea) = a["effects"] ?? .null, case .array(let eb) = b["effects"] ?? .null else {
        Issue.record("no effects")
        continue
      }
      let na = ea.first { $0["effect"] == .string("noise") }, nb = eb.first { $0["effect"] == .string("noise") }
      #expect(na?["noise_in_room"]?.stringValue?.isEmpty == false, "no noise position recorded: \(a.serialized)")
      #expect(nb?["noise_in_room"] == nil)
      // Same draws otherwise (the room's seed is drawn after the noise's own numbers).
      #expect(na?["snr_db"] == nb?["snr_db"] && na?["noise_offset_s"] == nb?["noise_offset_s"])
      let asked = na?["snr_db"]?.numberValue ?? .nan, achieved = na?["achieved_snr_db"]?.numberValue ?? .nan
      #expect(abs(asked - achieved) < 0.01, "asked \(asked) dB, achieved \(achieved) dB at the microphone")
      let file = a["audio_filepath"]?.stringValue ?? ""
      #expect(fx.bytes("out-true/" + file) != fx.bytes("out-false/" + file))
    }
  }
}
