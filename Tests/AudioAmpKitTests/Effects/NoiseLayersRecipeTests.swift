import Foundation
import Testing
import AudioAmpTestSupport
@testable import AudioAmpKit

/// `noise: {layers: [...]}`: a layered scene, every layer at its drawn relative level, the SNR
/// applied to the sum.
@Suite struct NoiseLayersRecipeTests {
  static let yaml = """
    effects:
      - noise:
          layers:
            - {category: traffic, level_db: 0}
            - {category: crowd, level_db: {uniform: [-12, -6]}}
          snr_db: [0, 5, 10]
    """

  @Test func layersDecodeAndMixAtTheAskedSNR() throws {
    let recipe = try RecipeLoader.parse(yaml: Self.yaml, path: "x.yaml")
    let spec = try #require(recipe.effects[0].settings(as: NoiseSpec.self))
    #expect(spec.source == .layers([
      NoiseLayerSpec(source: "traffic", isFolder: false, levelDB: 0...0),
      NoiseLayerSpec(source: "crowd", isFolder: false, levelDB: -12 ... -6),
    ]))
    let root = PythonTool.repoRoot + "/noise-library"
    let stages = try EffectRegistry.stages(for: recipe, noiseLibrary: { try NoiseLibrary(root: root) })
    let speech = AudioBuffer(samples: Signals.speechLike(seconds: 2, rate: 16000), sampleRate: 16000)
    let u = Utterance(id: "u", audioPath: "", text: "", origin: "test")
    for key in UInt64(1)...6 {
      let (out, record) = try stages[0].runTimed(
        speech, context: EffectContext(utterance: u, sampleRate: 16000, sampleCount: speech.count), rng: UtteranceRNG(key: key))
      let asked = record?["snr_db"]?.numberValue ?? .nan
      // Measured on the audio: what was added is the output minus the speech.
      let added = zip(out.audio.samples, speech.samples).map { $0 - $1 }
      let measured = Levels.dB(amplitude: Levels.rms(speech.samples) / Levels.rms(added))
      #expect(abs(measured - asked) < 0.1, "asked \(asked) dB, measured \(measured) dB")
      guard case .array(let layers) = record?["layers"] ?? .null, layers.count == 2 else {
        Issue.record("no layers recorded: \(record?.serialized ?? "nil")")
        continue
      }
      let shares = layers.compactMap { $0["share"]?.numberValue }
      let levels = layers.compactMap { $0["level_db"]?.numberValue }
      // The louder layer carries the larger share, in the ratio its relative level says.
      let expected = pow(10, (levels[1] - levels[0]) / 10)
      #expect(abs(shares[1] / shares[0] - expected) / expected < 0.2, "shares \(shares) for levels \(levels)")
    }
  }

  @Test func layerMistakesAreReported() {
    let bad = """
      effects:
        - noise:
            layers:
              - {category: traffic, dir: x}
              - {level_db: -3}
              - {category: trafic}
              - {category: crowd, level_db: [-3, -6]}
            snr_db: 5
      """
    let error = #expect(throws: RecipeError.self) { try RecipeLoader.parse(yaml: bad, path: "x.yaml") }
    #expect(error?.diagnostics.map(\.description) == [
      "x.yaml:4:31: effects[0].noise.layers[0]: give category or dir, not both",
      "x.yaml:5:11: effects[0].noise.layers[1]: each layer needs a category or a dir, e.g. '{category: traffic, level_db: 0}'",
      "x.yaml:6:22: effects[0].noise.layers[2].category: unknown noise category 'trafic'; did you mean 'traffic'? Available: cell-phone, crowd, traffic (or use 'dir:' for your own folder)",
      "x.yaml:7:39: effects[0].noise.layers[3].level_db: a layer's level is a number or a uniform range, e.g. 'level_db: {uniform: [-15, -6]}'",
    ])
  }
}
