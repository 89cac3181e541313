import Foundation
import Testing

@testable import AudioAmpKit

/// The shipped example recipes in `recipes/` must all load.
@Suite struct RecipeFilesTests {
  /// `<repo>/recipes`, found from this file's path (`Tests/AudioAmpKitTests/Recipe/…`).
  static let recipesFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("recipes")

  static var recipeFiles: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: recipesFolder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
  }

  @Test func shippedRecipesArePresent() {
    let files = Self.recipeFiles
    for name in [
      "crowd.yaml", "landline.yaml", "phone.yaml", "speed-perturb.yaml", "street.yaml", "traffic.yaml", "voip.yaml",
    ] {
      #expect(files.contains(name), "recipes/\(name) is missing")
    }
  }

  @Test(arguments: recipeFiles)
  func everyRecipeInRecipesFolderLoads(_ name: String) throws {
    let path = Self.recipesFolder.appendingPathComponent(name).path
    do {
      let recipe = try RecipeLoader.load(path: path)
      #expect(!recipe.effects.isEmpty)
      #expect(recipe.description != nil, "give \(name) a description")
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func phoneRecipeHasThePromisedEffects() throws {
    let recipe = try RecipeLoader.load(
      path: Self.recipesFolder.appendingPathComponent("phone.yaml").path)
    #expect(recipe.sampleRate == 16000)
    #expect(recipe.variants == 5)
    #expect(
      recipe.effects.map(\.kind) == [
        .speed(SpeedSpec(factor: .choice([0.9, 1.0, 1.1]))),
        .pitch(PitchSpec(semitones: .uniform(-2, 2))),
        .noise(NoiseSpec(source: .category("cell-phone"), snrDB: .uniform(5, 20), snrReference: .activeSpeech)),
        .handset(HandsetSpec(types: [.irs, .mobile])),
        .codec(
          CodecSpec(
            names: [.amrNB, .gsmFR, .opus], amrMode: .choice([4.75, 5.9, 7.4, 7.95, 10.2, 12.2]),
            modeSwitchSeconds: 2, dtx: true, opusBandwidth: .narrowband, bitrateKbps: .uniform(8, 16),
            packetLoss: PacketLossSpec(rate: .uniform(0, 0.1), burst: .choice([1, 2, 3])))),
        .bandLimit(BandLimitSpec(lowHz: .constant(300), highHz: .constant(3400))),
        .agc(AGCSpec(targetDB: .uniform(-32, -20), maxGainDB: 20, timeSeconds: 1)),
        .clipping(ClippingSpec(soft: true, level: .fraction(.uniform(0, 0.005)))),
      ])
    #expect(recipe.effects.map(\.probability) == [0.8, 0.5, 1, 1, 1, 1, 1, 0.2])
    #expect(
      recipe.effects.map(\.fieldPath) == [
        "effects[0].speed", "effects[1].pitch", "effects[2].noise", "effects[3].handset",
        "effects[4].codec", "effects[5].band_limit", "effects[6].agc", "effects[7].clipping",
      ])
  }

  @Test func streetRecipeMixesALayeredSceneUnderAnIntelligibilityFloor() throws {
    let recipe = try RecipeLoader.load(path: Self.recipesFolder.appendingPathComponent("street.yaml").path)
    #expect(recipe.intelligibility == IntelligibilityGuard(measure: "estoi", minimum: 0.35, maxTries: 4))
    guard case .noise(let noise) = recipe.effects.first?.kind, case .layers(let layers) = noise.source else {
      Issue.record("street.yaml should start with a layered noise scene")
      return
    }
    #expect(layers.count == 2)
    #expect(noise.snrReference == .activeSpeech)
  }

  @Test func voipAndLandlineRecipesUseTheirCodecs() throws {
    let voip = try RecipeLoader.load(path: Self.recipesFolder.appendingPathComponent("voip.yaml").path)
    let landline = try RecipeLoader.load(path: Self.recipesFolder.appendingPathComponent("landline.yaml").path)
    #expect(
      voip.effects.compactMap { if case .codec(let c) = $0.kind { return c } else { return nil } } == [
        CodecSpec(
          names: [.opus], opusBandwidth: .wideband, bitrateKbps: .uniform(12, 32),
          packetLoss: PacketLossSpec(rate: .uniform(0.02, 0.1), burst: .constant(3)))
      ])
    #expect(
      landline.effects.map(\.kind).contains(.codec(CodecSpec(names: [.g711], law: .a))))
    #expect(
      landline.effects.map(\.kind).contains(
        .bandLimit(BandLimitSpec(lowHz: .constant(300), highHz: .constant(3400)))))
  }

  @Test func speedPerturbRecipeIsThreeWay() throws {
    let recipe = try RecipeLoader.load(
      path: Self.recipesFolder.appendingPathComponent("speed-perturb.yaml").path)
    #expect(recipe.variants == 3)
    #expect(recipe.effects.map(\.kind) == [.speed(SpeedSpec(factor: .cycle([0.9, 1.0, 1.1])))])
    // Exactly one copy at each speed for every utterance, whatever its id.
    guard case .speed(let speed) = recipe.effects[0].kind else { return }
    for id in ["a", "spk1-001", "x y"] {
      let factors = (0..<3).map { v -> Double in
        var rng = UtteranceRNG(seed: 7, utteranceID: id, variant: v)
        return speed.factor.draw(using: &rng)
      }
      #expect(factors == [0.9, 1.0, 1.1])
    }
  }

  @Test func cycleIsValidatedLikeAList() throws {
    let yaml = "effects:\n  - speed: {factor: {cycle: [0.9, 9]}}\n  - gain: {db: {cycle: 3}}\n"
    #expect(throws: RecipeError.self) { try RecipeLoader.parse(yaml: yaml, path: "x.yaml") }
    do {
      _ = try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
    } catch let e as RecipeError {
      #expect(
        e.diagnostics.map(\.description) == [
          "x.yaml:2:35: effects[0].speed.factor.cycle[1]: 9 is out of range; it must be from 0.25 to 4",
          "x.yaml:3:24: effects[1].gain.db.cycle: needs a list of values, one per variant in turn, e.g. {cycle: [0.9, 1.0, 1.1]}; found '3'",
        ])
    }
  }

  @Test(arguments: [("traffic.yaml", "traffic"), ("crowd.yaml", "crowd")])
  func noiseRecipesUseTheirCategory(file: String, category: String) throws {
    let recipe = try RecipeLoader.load(path: Self.recipesFolder.appendingPathComponent(file).path)
    guard case .noise(let noise) = recipe.effects.first?.kind else {
      Issue.record("\(file) should start with a noise effect")
      return
    }
    #expect(noise.source == .category(category))
  }
}
