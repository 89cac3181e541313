import Foundation
import Testing
@testable import AudioAmpKit

/// A directional talker: the direct sound and every image carry the pattern's gain in the
/// direction their ray left the source, the tail the diffuse-field gain; the decay is unchanged.
@Suite struct DirectivityTests {
  static let rate = 16000

  @Test func patternGainsAndIndex() {
    let d = SourceDirectivity(pattern: .cardioid, facing: RoomPoint(x: 1, y: 0, z: 0))
    #expect(abs(d.gain(1, 0, 0) - 1) < 1e-12 && abs(d.gain(-2, 0, 0)) < 1e-12 && abs(d.gain(0, 3, 0) - 0.5) < 1e-12)
    #expect(abs(d.indexDB - 4.771) < 0.01)
    #expect(abs(SourceDirectivity(pattern: .subcardioid, facing: d.facing).indexDB - 2.84) < 0.01)
    #expect(SourceDirectivity(pattern: .omni, facing: d.facing).gain(-1, 0.3, 0) == 1)
  }

  /// Images only, no tail: the direct sound is g towards the mic, and a first-order image off the
  /// wall behind the talker is weighted by g of the ray that left it backwards.
  @Test func imagesCarryTheGainOfTheirRay() throws {
    let room = ShoeBoxRoom(lengthM: 6, widthM: 5, heightM: 3, uniformAbsorption: 0.2)
    // No other arrival within 9 samples of the back-wall image (checked below).
    let s = RoomPoint(x: 2, y: 2.3, z: 0.9), m = RoomPoint(x: 4.5, y: 2.6, z: 1.25)
    var o = RIRSynth.Options()
    o.alignDirect = false
    o.imagesOnly = true
    o.imageOnlyUntilSeconds = 0.03
    let omni = try RIRSynth.render(room: room, source: s, mic: m, sampleRate: Self.rate, seed: 1, options: o)
    o.directivity = .facing(.cardioid, source: s, mic: m, azimuthDegrees: 0)
    let card = try RIRSynth.render(room: room, source: s, mic: m, sampleRate: Self.rate, seed: 1, options: o)
    // Direct path: facing the mic in the horizontal plane, g = g(direct ray) (a little under 1,
    // the mic being higher than the mouth); early samples hold the direct sound alone.
    let dir = SourceDirectivity.facing(.cardioid, source: s, mic: m, azimuthDegrees: 0)
    let gd = dir.gain(m.x - s.x, m.y - s.y, m.z - s.z)
    let td = Int((s.distance(to: m) / 343 * Double(Self.rate)).rounded())
    #expect(gd > 0.98 && abs(Double(card.samples[td]) - gd * Double(omni.samples[td])) < 1e-5)
    // The image behind the talker (x = −2): its ray left backwards, g ≈ 0 for a cardioid.
    let back = RoomPoint(x: -s.x, y: s.y, z: s.z)
    let tb = back.distance(to: m) / 343 * Double(Self.rate)
    let others = ImageSources.enumerate(source: s, mic: m, room: room, maxDistanceM: 20).map { $0.distanceM / 343 * Double(Self.rate) }
      .filter { abs($0 - tb) > 1e-6 && abs($0 - tb) < 8 }
    #expect(others.isEmpty, "other arrivals near the back-wall image: \(others)")
    let near = (Int(tb) - 1)...(Int(tb) + 2)
    let omniPeak = near.map { abs(omni.samples[$0]) }.max()!, cardPeak = near.map { abs(card.samples[$0]) }.max()!
    // g of that ray: the image's direction with x flipped back, against the facing.
    let g = dir.gain(-(m.x - back.x), m.y - back.y, m.z - back.z)
    #expect(omniPeak > 0.1 && abs(Double(cardPeak) - g * Double(omniPeak)) < 0.02 * Double(omniPeak), "back-wall image: omni \(omniPeak), cardioid \(cardPeak), g \(g)")
  }

  /// DRR moves by the pattern: facing the mic it rises by about the directivity index, facing away
  /// it falls by 20·log10(g(180°)) minus that (subcardioid: +2.8 and −5.1 dB); the RT60 target is
  /// still met within 10 %.
  @Test func drrFollowsTheFacingAndRT60Holds() throws {
    var drr: [String: Double] = [:]
    for (name, pattern, az) in [("omni", SourceDirectivity.Pattern.omni, 0.0), ("front", .subcardioid, 0), ("back", .subcardioid, 180)] {
      var sum = 0.0
      for k in 0..<3 {
        let s = RoomPoint(x: 2.5 + 0.3 * Double(k), y: 2.2, z: 1.6), m = RoomPoint(x: 5, y: 2.6, z: 1.2)
        var o = RIRSynth.Options()
        o.directivity = .facing(pattern, source: s, mic: m, azimuthDegrees: az)
        let (_, _, meas) = try RIRSynth.renderMeetingRT60(
          lengthM: 7, widthM: 5, heightM: 3, rt60Seconds: 0.6, source: s, mic: m, sampleRate: Self.rate, seed: UInt64(k), options: o)
        let t = (meas.t20Seconds! * meas.t30Seconds!).squareRoot()
        #expect(abs(t / 0.6 - 1) < 0.1, "\(name): RT60 \(t) s for 0.6 s")
        sum += meas.drrDB
      }
      drr[name] = sum / 3
    }
    let front = drr["front"]! - drr["omni"]!, back = drr["back"]! - drr["omni"]!
    print(String(format: "DIRECTIVITY subcardioid: DRR %+.1f dB facing the mic, %+.1f dB facing away (omni %.1f dB)", front, back, drr["omni"]!))
    #expect(abs(front - 2.84) < 1.5, "facing: \(front) dB")
    #expect(abs(back - (20 * log10(0.4) + 2.84)) < 1.5, "away: \(back) dB")
  }

  /// In a recipe: the keys decode, an omnidirectional talker with a facing is refused, and the
  /// manifest records pattern and facing.
  @Test func recipeKeysAndRecord() throws {
    let ok = try RecipeLoader.parse(
      yaml: "sample_rate: 16000\neffects:\n  - reverb: {room: {rt60_s: 0.5, size_m: 6, directivity: subcardioid, facing_deg: {uniform: [-180, 180]}}}\n",
      path: "r.yaml")
    guard case .room(let spec)? = ok.effects.first.flatMap({ ($0.settings(as: ReverbSpec.self))?.source }) else {
      Issue.record("no room spec")
      return
    }
    #expect(spec.directivity == .subcardioid && spec.facingDegrees != nil)
    let err = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: "sample_rate: 16000\neffects:\n  - reverb: {room: {rt60_s: 0.5, facing_deg: 90}}\n", path: "r.yaml")
    }
    #expect("\(err!)".contains("an omnidirectional talker has no facing"), "\(err!)")
    var rng = UtteranceRNG(key: 9)
    let drawn = try RoomSampler.draw(spec, using: &rng)
    let fx = Reverb(Reverb.Settings(source: .room(spec)))
    let rec = fx.record(Reverb.Parameters(choice: .room(drawn), sampleRate: 16000))
    #expect(rec.contains { $0.0 == "directivity" && $0.1 == .string("subcardioid") })
    #expect(rec.contains { $0.0 == "facing_deg" })
  }
}

/// `noise_field: diffuse`: the noise of `noise_in_room` reaches the microphone as the room's late
/// field (noise-like from the start: no direct sound standing out, no early reflections) instead
/// of from a point.
@Suite struct DiffuseNoiseFieldTests {
  @Test func diffuseNoiseHasNoDirectSound() throws {
    for field in Reverb.NoiseField.allCases {
      let spec = RoomSpec(rt60Seconds: .constant(0.5), lengthM: .constant(6), distanceM: .constant(2))
      let fx = Reverb(Reverb.Settings(source: .room(spec), noiseInRoom: true, noiseField: field))
      var rng = UtteranceRNG(key: 3)
      let p = try fx.draw(EffectContext(utterance: Utterance(id: "u", audioPath: "", text: "", origin: "t"), sampleRate: 16000, sampleCount: 16000), using: &rng)
      let ctx = RoomContext(reverb: fx, parameters: p, impulse: try fx.impulseResponse(for: p))
      let (taps, source) = try ctx.noiseImpulseResponse(seed: 11)
      // Crest factor of the first 50 ms: a point source's direct sound stands far above the
      // rest; a diffuse field is noise from the start (Gaussian, crest about 3–4).
      let head = Array(taps.prefix(800))
      let crest = Double(head.map(abs).max() ?? 0) / max(Levels.rms(head), 1e-12)
      if field == .diffuse {
        #expect(source == "diffuse")
        #expect(crest < 6, "diffuse field: crest factor \(crest) in the first 50 ms")
      } else {
        #expect(source.split(separator: ",").count == 3, "point: \(source)")
        #expect(crest > 10 && abs(taps[0]) == taps.map(abs).max(), "point source: crest \(crest), direct sound on sample 0")
      }
    }
  }

  @Test func noiseFieldIsCheckedInTheRecipe() throws {
    for (yaml, message) in [
      ("{room: {rt60_s: 0.5}, noise_field: diffuse}", "add 'noise_in_room: true'"),
      ("{rir: {dir: /tmp}, noise_in_room: true, noise_field: diffuse}", "a diffuse field needs a room model"),
    ] {
      let err = #expect(throws: RecipeError.self) {
        try RecipeLoader.parse(yaml: "sample_rate: 16000\neffects:\n  - reverb: \(yaml)\n", path: "r.yaml")
      }
      #expect(err.map { "\($0)".contains(message) } == true, "\(String(describing: err))")
    }
  }
}
