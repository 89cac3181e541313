import Foundation
import Testing

@testable import AudioAmpKit

/// A recipe that must load, and the model it must load into.
struct GoodRecipeCase: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var expected: Recipe
  var testDescription: String { name }
}

private func effect(
  _ kind: EffectKind, _ index: Int, line: Int, column: Int, probability: Double = 1
) -> EffectSpec {
  EffectSpec(
    kind: kind, probability: probability, index: index,
    location: SourceLocation(line: line, column: column),
    fieldPath: "effects[\(index)].\(kind.name)")
}

let goodRecipeCases: [GoodRecipeCase] = [
  GoodRecipeCase(
    name: "an empty effects list takes every default",
    yaml: "effects: []\n",
    expected: Recipe(
      path: "good.yaml", sampleRate: 16000, variants: nil, seed: nil, clipGuard: .scale,
      description: nil, effects: [])),
  GoodRecipeCase(
    name: "every top-level key and every effect, in block style",
    yaml: """
      description: everything
      sample_rate: 48000
      variants: 3
      seed: 18446744073709551615
      clip_guard: limit
      effects:
        - noise:
            category: cell-phone
            snr_db: {uniform: [5, 20]}
        - band_limit:
            low_hz: 300
            high_hz: [3400, 4000]
            stopband_db: 80
            transition_hz: 150.5
        - speed:
            factor: [0.9, 1.0, 1.1]
          probability: 0.25
        - pitch:
            semitones: {uniform: [-2, 2]}
            probability: 0.5
        - tempo: {factor: 1.2}
        - gain: {db: -6}

      """,
    expected: Recipe(
      path: "good.yaml", sampleRate: 48000, variants: 3, seed: UInt64.max, clipGuard: .limit,
      description: "everything",
      effects: [
        effect(
          .noise(NoiseSpec(source: .category("cell-phone"), snrDB: .uniform(5, 20))), 0,
          line: 7, column: 5),
        effect(
          .bandLimit(
            BandLimitSpec(
              lowHz: .constant(300), highHz: .choice([3400, 4000]), stopbandDB: 80,
              transitionHz: 150.5)), 1, line: 10, column: 5),
        effect(
          .speed(SpeedSpec(factor: .choice([0.9, 1.0, 1.1]))), 2, line: 15, column: 5,
          probability: 0.25),
        effect(
          .pitch(PitchSpec(semitones: .uniform(-2, 2))), 3, line: 18, column: 5,
          probability: 0.5),
        effect(.tempo(TempoSpec(factor: .constant(1.2))), 4, line: 21, column: 5),
        effect(.gain(GainSpec(db: .constant(-6))), 5, line: 22, column: 5),
      ])),
  GoodRecipeCase(
    name: "flow style, weighted categories in written order, dir, band-limit defaults",
    yaml: """
      effects:
        - {noise: {categories: {traffic: 0.7, crowd: 0.3}, snr_db: [15, 10, 5, 0]}}
        - noise: {dir: "my noise/babble", snr_db: -20}
        - band_limit: {high_hz: 7999}
        - {probability: 0, gain: {db: {uniform: [3, 3]}}}

      """,
    expected: Recipe(
      path: "good.yaml",
      effects: [
        effect(
          .noise(
            NoiseSpec(
              source: .categories([(name: "traffic", weight: 0.7), (name: "crowd", weight: 0.3)]),
              snrDB: .choice([15, 10, 5, 0]))), 0, line: 2, column: 6),
        effect(
          .noise(NoiseSpec(source: .dir("my noise/babble"), snrDB: .constant(-20))), 1,
          line: 3, column: 5),
        effect(
          .bandLimit(BandLimitSpec(lowHz: nil, highHz: .constant(7999), stopbandDB: 60)), 2,
          line: 4, column: 5),
        effect(.gain(GainSpec(db: .uniform(3, 3))), 3, line: 5, column: 22, probability: 0),
      ])),
  GoodRecipeCase(
    name: "range edges are allowed and a quoted category is text",
    yaml: """
      sample_rate: 8000
      effects:
        - noise: {category: "traffic", snr_db: {uniform: [-20, 100]}}
        - speed: {factor: [0.25, 4]}
        - tempo: {factor: {uniform: [0.25, 4]}}
        - pitch: {semitones: [-24, 24]}
        - gain: {db: [-60, 40], probability: 1}
        - band_limit: {low_hz: 0.5, stopband_db: 140, transition_hz: 1e-3}

      """,
    expected: Recipe(
      path: "good.yaml", sampleRate: 8000,
      effects: [
        effect(
          .noise(NoiseSpec(source: .category("traffic"), snrDB: .uniform(-20, 100))), 0,
          line: 3, column: 5),
        effect(.speed(SpeedSpec(factor: .choice([0.25, 4]))), 1, line: 4, column: 5),
        effect(.tempo(TempoSpec(factor: .uniform(0.25, 4))), 2, line: 5, column: 5),
        effect(.pitch(PitchSpec(semitones: .choice([-24, 24]))), 3, line: 6, column: 5),
        effect(.gain(GainSpec(db: .choice([-60, 40]))), 4, line: 7, column: 5),
        effect(
          .bandLimit(BandLimitSpec(lowHz: .constant(0.5), stopbandDB: 140, transitionHz: 0.001)),
          5, line: 8, column: 5),
      ])),
]

@Suite struct RecipeLoaderTests {
  @Test(arguments: goodRecipeCases)
  func goodRecipeDecodesToExpectedModel(_ testCase: GoodRecipeCase) throws {
    let recipe = try RecipeLoader.parse(yaml: testCase.yaml, path: "good.yaml")
    #expect(recipe == testCase.expected)
  }

  @Test(arguments: [
    ("effcts: []", "effcts", "effects"),
    ("sample-rate: 16000\neffects: []", "sample-rate", "sample_rate"),
    ("SampleRate: 16000\neffects: []", "SampleRate", "sample_rate"),
    ("varients: 2\neffects: []", "varients", "variants"),
    ("clipguard: scale\neffects: []", "clipguard", "clip_guard"),
    ("seeds: 1\neffects: []", "seeds", "seed"),
  ])
  func unknownTopLevelKeySuggestsClosestKey(yaml: String, typo: String, suggestion: String) {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
    }
    let message = error?.diagnostics.first { $0.field == typo }?.message
    #expect(
      message
        == "unknown key; did you mean '\(suggestion)'? Allowed: sample_rate, variants, seed, "
        + "clip_guard, description, effects, intelligibility")
  }

  @Test(arguments: [
    ("effects: [{speed: {factr: 1.1}}]", "effects[0].speed.factr", "factor"),
    ("effects: [{gain: {dB: 1}}]", "effects[0].gain.dB", "db"),
    ("effects: [{pitch: {semitone: 1}}]", "effects[0].pitch.semitone", "semitones"),
    ("effects: [{noise: {category: crowd, snr: 5}}]", "effects[0].noise.snr", "snr_db"),
    ("effects: [{band_limit: {high: 3000}}]", "effects[0].band_limit.high", "high_hz"),
    ("effects: [{bandlimit: {high_hz: 3000}}]", "effects[0].bandlimit", "band_limit"),
    ("effects: [{gain: {db: 1}, probabilty: 0.5}]", "effects[0].probabilty", "probability"),
  ])
  func unknownNestedKeySuggestsClosestKey(yaml: String, field: String, suggestion: String) {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
    }
    let message = error?.diagnostics.first { $0.field == field }?.message ?? ""
    #expect(message.hasPrefix("unknown key; did you mean '\(suggestion)'? Allowed: "), "\(message)")
  }

  @Test func unknownKeyFarFromEveryKeyListsAllowedKeysWithoutGuessing() {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: "effects: []\nloudness: 3\n", path: "x.yaml")
    }
    #expect(
      error?.description
        == "x.yaml:2:1: loudness: unknown key. Allowed: sample_rate, variants, seed, clip_guard, "
        + "description, effects, intelligibility")
  }

  @Test func callerSuppliedNoiseCategoriesReplaceTheDefaults() throws {
    let yaml = "effects: [{noise: {category: rain, snr_db: 10}}]"
    let recipe = try RecipeLoader.parse(yaml: yaml, path: "x.yaml", noiseCategories: ["rain"])
    #expect(
      recipe.effects.first?.kind
        == .noise(NoiseSpec(source: .category("rain"), snrDB: .constant(10))))
    #expect(throws: RecipeError.self) { try RecipeLoader.parse(yaml: yaml, path: "x.yaml") }
  }

  @Test func loadReadsTheFileAndKeepsThePathAsGiven() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("recipe-load-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("r.yaml").path
    try "variants: 2\neffects: []\n".write(toFile: file, atomically: true, encoding: .utf8)
    let recipe = try RecipeLoader.load(path: file)
    #expect(recipe == Recipe(path: file, variants: 2, effects: []))

    try "effects: [{gain: {db: 99}}]\n".write(toFile: file, atomically: true, encoding: .utf8)
    let error = #expect(throws: RecipeError.self) { try RecipeLoader.load(path: file) }
    #expect(
      error?.description
        == "\(file):1:23: effects[0].gain.db: 99 is out of range; it must be from -60 to 40 dB")
  }

  @Test func missingFileOrFolderIsUnreadableWithAFix() {
    let missing = #expect(throws: RecipeError.self) {
      try RecipeLoader.load(path: "/nonexistent/recipes/x.yaml")
    }
    #expect(
      missing?.description
        == "/nonexistent/recipes/x.yaml: cannot read recipe: no such file; check the path, or "
        + "start from an example in recipes/")
    let folder = FileManager.default.temporaryDirectory.path
    let directory = #expect(throws: RecipeError.self) { try RecipeLoader.load(path: folder) }
    #expect(
      directory?.description
        == "\(folder): cannot read recipe: this is a folder; give the path of a .yaml recipe file")
  }
}
