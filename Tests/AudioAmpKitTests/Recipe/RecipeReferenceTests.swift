import Foundation
import Testing
import AudioAmpTestSupport
@testable import AudioAmpKit

/// The key reference, README tables and JSON Schema all come from the effects' declarations.
@Suite struct RecipeReferenceTests {
  static let root = PythonTool.repoRoot

  @Test func readmeKeyTablesEqualTheDeclarations() throws {
    let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
    guard let begin = readme.range(of: "<!-- recipe-keys:begin"),
      let close = readme.range(of: "-->", range: begin.upperBound..<readme.endIndex),
      let end = readme.range(of: "<!-- recipe-keys:end -->")
    else {
      Issue.record("README.md has no recipe-keys markers")
      return
    }
    let inReadme = readme[close.upperBound..<end.lowerBound].trimmingCharacters(in: .newlines)
    #expect(
      inReadme == RecipeReference.markdown(),
      "README.md's recipe key reference differs from the declarations: run scripts/update-readme-keys.sh")
  }

  @Test func everyEffectDeclaresHelpForEveryKey() {
    for effect in EffectRegistry.all {
      #expect(!effect.summary.isEmpty, "\(effect.name) has no summary")
      for key in effect.allKeys { #expect(!key.help.isEmpty, "\(effect.name).\(key.name) has no help") }
      // The example in messages must itself load.
      let yaml = "effects:\n  - \(effect.name): \(effect.example)\n"
      #expect(throws: Never.self, "\(effect.name)'s example does not load") {
        try RecipeLoader.parse(yaml: yaml, path: "example.yaml", noiseCategories: [])
      }
    }
  }

  @Test func registryNamesAreUniqueAndMatchDecoding() throws {
    #expect(Set(EffectRegistry.names).count == EffectRegistry.all.count)
    let r = try RecipeLoader.parse(yaml: "effects: [{agc: {}}, {speed: {factor: 1.1}}]", path: "x.yaml")
    #expect(r.effects.map(\.name) == ["agc", "speed"])
    #expect(r.effects[0].settings(as: AGCSpec.self) == AGCSpec())
  }

  /// No effect's recipe name is spelt out anywhere in the library outside its own file (the
  /// registry lists types, not names). `noise` is left out: it is also the word for noise
  /// files, the CLI's `noise` command and manifest fields.
  @Test func anEffectsNameLivesOnlyInItsOwnFile() throws {
    let kit = Self.root + "/Sources/AudioAmpKit"
    let files = FileManager.default.enumerator(atPath: kit)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    for effect in EffectRegistry.all where effect.name != NoiseMix.name {
      let literal = "\"\(effect.name)\""
      let holders = try files.filter { try String(contentsOfFile: kit + "/" + $0, encoding: .utf8).contains(literal) }
      #expect(holders.count == 1, "\(literal) appears in \(holders)")
    }
  }

  static let brokenRecipes: [String] = [
    "effects: [{gain: {db: 99}}]\n",
    "effects: [{gain: {dB: 3}}]\n",
    "effects: [{speed: {factor: {uniform: [0.9]}}}]\n",
    "effects: [{codec: {name: g7111}}]\n",
    "effects: [{noise: {category: traffic}}]\n",
    "effcts: []\n",
    "sample_rate: 4000\neffects: []\n",
  ]

  @Test(.enabled(if: PythonTool.has("check_jsonschema")))
  func schemaAcceptsShippedRecipesAndRejectsBrokenOnes() throws {
    let dir = NSTemporaryDirectory() + "audioamp-schema-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let schema = dir + "/recipe.schema.json"
    try RecipeReference.schema().serialized.write(toFile: schema, atomically: true, encoding: .utf8)
    let validator = URL(fileURLWithPath: PythonTool.interpreter!).deletingLastPathComponent().path + "/check-jsonschema"
    let recipes = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/recipes")
      .filter { $0.hasSuffix(".yaml") }.sorted().map { Self.root + "/recipes/" + $0 }
    #expect(!recipes.isEmpty)
    let good = try PythonTool.run(validator, ["--schemafile", schema] + recipes)
    #expect(good.status == 0, "check-jsonschema rejected a shipped recipe:\n\(good.stdout)\(good.stderr)")
    for (i, yaml) in Self.brokenRecipes.enumerated() {
      let path = dir + "/broken\(i).yaml"
      try yaml.write(toFile: path, atomically: true, encoding: .utf8)
      #expect(throws: RecipeError.self) { try RecipeLoader.parse(yaml: yaml, path: path) }
      let bad = try PythonTool.run(validator, ["--schemafile", schema, path])
      #expect(bad.status != 0, "check-jsonschema accepted a broken recipe: \(yaml)")
    }
  }
}
