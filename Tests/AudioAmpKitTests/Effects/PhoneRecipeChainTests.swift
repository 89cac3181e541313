import Foundation
import Testing

@testable import AudioAmpKit

/// The shipped phone-channel recipes run end to end through their stages on generated speech.
@Suite struct PhoneRecipeChainTests {
  static let repo = RecipeFilesTests.recipesFolder.deletingLastPathComponent().path

  @Test(arguments: ["phone.yaml", "voip.yaml", "landline.yaml"])
  func shippedChannelRecipesRun(_ name: String) throws {
    let (_, stages) = try MixJob.prepare(
      recipePath: "\(Self.repo)/recipes/\(name)", noiseLibrary: "\(Self.repo)/noise-library")
    let x = Signals.vowels(seconds: 3, rate: 16000)
    for variant in 0..<4 {
      let rng = UtteranceRNG(seed: 20260101, utteranceID: "u1", variant: variant)
      var audio = AudioBuffer(samples: x, sampleRate: 16000)
      var codecs: [String] = []
      for stage in stages {
        let context = EffectContext(
          utterance: Utterance(id: "u1", audioPath: "-", text: "t", origin: "test"),
          sampleRate: audio.sampleRate, sampleCount: audio.count)
        let (out, record) = try stage.run(audio, context: context, rng: rng)
        if stage.name == "codec", case .object(let fields)? = record,
          case .string(let codec)? = fields.first(where: { $0.0 == "codec" })?.1
        {
          codecs.append(codec)
        }
        // Only speed changes the length in these recipes.
        if stage.name != "speed" { #expect(out.count == audio.count, "\(name) \(stage.name)") }
        audio = out
      }
      #expect(codecs.count == 1, "\(name): the codec stage always runs")
      #expect(Levels.rms(audio.samples) > 1e-3, "\(name) variant \(variant): output is not silent")
    }
  }
}
