import Testing
@testable import AudioAmpKit

@Suite struct CodecComplexityRecipeTests {
  func messages(_ yaml: String) -> [String] {
    do {
      _ = try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
      return []
    } catch let e as RecipeError {
      return e.diagnostics.map(\.description)
    } catch {
      return ["\(error)"]
    }
  }

  @Test func complexityReachesTheOpusEncoder() throws {
    let r = try RecipeLoader.parse(yaml: "effects: [{codec: {name: opus, complexity: 0}}]", path: "x.yaml")
    let spec = try #require(r.effects[0].settings(as: CodecSpec.self))
    #expect(spec.opusComplexity == 0)
    let d = try RecipeLoader.parse(yaml: "effects: [{codec: {name: opus}}]", path: "x.yaml")
    #expect(d.effects[0].settings(as: CodecSpec.self)?.opusComplexity == OpusCodec.defaultComplexity)
    var rng = UtteranceRNG(key: 1)
    let ctx = EffectContext(
      utterance: Utterance(id: "u", audioPath: "", text: "", origin: "test"), sampleRate: 16000, sampleCount: 16000)
    #expect(Codec(spec: spec).draw(ctx, using: &rng).opusComplexity == 0)
  }

  @Test func complexityIsCheckedLikeEveryKey() {
    #expect(
      messages("effects: [{codec: {name: opus, complexity: 11}}]")
        == ["x.yaml:1:44: effects[0].codec.complexity: 11 is out of range; it must be from 0 to 10"])
    #expect(
      messages("effects: [{codec: {name: g711, complexity: 3}}]")
        == ["x.yaml:1:32: effects[0].codec.complexity: applies only to opus, which is not among the codecs named (g711); remove it or add opus"])
  }
}
