import Testing
@testable import AudioAmpKit

/// The `reverb` effect's recipe keys (declared in Effects/Reverb.swift, read by the generic decoder).
@Suite struct ReverbRecipeTests {
  func messages(_ settings: String) -> [String] {
    do {
      _ = try RecipeLoader.parse(yaml: "effects:\n  - reverb: \(settings)\n", path: "x.yaml")
      return []
    } catch let e as RecipeError {
      return e.diagnostics.map(\.description)
    } catch {
      return ["\(error)"]
    }
  }

  @Test func roomSettingsDecodeWithDefaults() throws {
    let r = try RecipeLoader.parse(
      yaml: "effects:\n  - reverb: {room: {rt60_s: {uniform: [0.2, 1.0]}, size_m: 6, distance_m: [1, 2]}, noise_in_room: true}\n",
      path: "x.yaml")
    let spec = try #require(r.effects[0].settings(as: ReverbSpec.self))
    #expect(spec.source == .room(RoomSpec(rt60Seconds: .uniform(0.2, 1.0), lengthM: .constant(6), distanceM: .choice([1, 2]))))
    #expect(spec.level == .energy && spec.length == .same && spec.noiseInRoom)
    let files = try RecipeLoader.parse(yaml: "effects: [{reverb: {rir: {index: rirs/, split: test}, length: keep_tail}}]", path: "x.yaml")
    #expect(files.effects[0].settings(as: ReverbSpec.self)?.source == .rirs(folder: "rirs/", split: "test"))
  }

  @Test func mistakesAreReportedWhereTheyAre() {
    #expect(messages("{level: energy}") == [
      "x.yaml:2:5: effects[0].reverb: give room (a simulated room, e.g. 'room: {rt60_s: {uniform: [0.2, 1.0]}, size_m: {uniform: [3, 12]}}') or rir (impulse responses, e.g. 'rir: {index: rirs/}')"
    ])
    #expect(messages("{room: {rt60_s: 0.5, size_m: 5}, rir: {dir: x}}") == [
      "x.yaml:2:46: effects[0].reverb.rir: give room or rir, not both ('room' is already given)"
    ])
    #expect(messages("{room: {rt60_s: 9, size_m: 5, wall: flat}}") == [
      "x.yaml:2:29: effects[0].reverb.room.rt60_s: 9 is out of range; it must be from 0.05 to 5 s",
      "x.yaml:2:43: effects[0].reverb.room.wall: unknown key; did you mean 'wall_profile'? Allowed: rt60_s, size_m, width_m, height_m, distance_m, wall_profile, directivity, facing_deg",
    ])
    #expect(messages("{room: {size_m: 5}}") == [
      "x.yaml:2:14: effects[0].reverb.room.rt60_s: missing; add it, e.g. 'rt60_s: {uniform: [0.2, 1.0]}' (allowed from 0.05 to 5 s)"
    ])
    #expect(messages("{rir: {dir: a, split: test}}") == [
      "x.yaml:2:28: effects[0].reverb.rir.split: split needs an index (its split column); use index: instead of dir:"
    ])
  }

  @Test func aReverbStageRecordsItsRoomAndHandsItToLaterNoise() throws {
    let yaml = """
      effects:
        - reverb: {room: {rt60_s: 0.5, size_m: 5, distance_m: 1.5}, noise_in_room: true}
      """
    let recipe = try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
    let stages = try EffectRegistry.stages(for: recipe, noiseLibrary: { throw RecipeError.invalid([]) })
    let speech = AudioBuffer(samples: Signals.speechLike(seconds: 1.5, rate: 16000), sampleRate: 16000)
    let u = Utterance(id: "u", audioPath: "", text: "", origin: "test")
    let (out, record) = try stages[0].runTimed(speech, context: EffectContext(utterance: u, sampleRate: 16000, sampleCount: speech.count), rng: UtteranceRNG(key: 9))
    #expect(out.audio.count == speech.count)
    #expect(out.room != nil)
    let t30 = record?["t30_s"]?.numberValue ?? 0
    #expect(abs(t30 - 0.5) / 0.5 < 0.1, "T30 \(t30) s for a 0.5 s target")
    let (taps, where_) = try #require(out.room).noiseImpulseResponse(seed: 4)
    #expect(!taps.isEmpty && !where_.isEmpty)
  }
}
