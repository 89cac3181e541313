import Testing

@testable import AudioAmpKit

@Suite struct RecipeNumberSpecTests {
  static let specs: [NumberSpec] = [
    .constant(12),
    .uniform(5, 20),
    .uniform(-2, 2),
    .uniform(3, 3),
    .choice([0.9, 1.0, 1.1]),
    .choice([15, 10, 5, 0]),
    .choice([7]),
  ]

  @Test(arguments: specs)
  func drawStaysWithinRange(_ spec: NumberSpec) {
    for seed: UInt64 in 0..<20 {
      var rng = UtteranceRNG(seed: seed, utteranceID: "utt-\(seed)", variant: 0)
      for _ in 0..<500 {
        let value = spec.draw(using: &rng)
        #expect(spec.range.contains(value), "\(spec) drew \(value)")
      }
    }
  }

  @Test(arguments: [[0.9, 1.0, 1.1], [15, 10, 5, 0], [-3, -3, 4]] as [[Double]])
  func choiceHitsEveryValue(_ values: [Double]) {
    var rng = UtteranceRNG(seed: 42, utteranceID: "choice", variant: 1)
    var seen = Set<Double>()
    for _ in 0..<1000 { seen.insert(NumberSpec.choice(values).draw(using: &rng)) }
    #expect(seen == Set(values))
  }

  @Test func uniformReachesNearBothEnds() {
    var rng = UtteranceRNG(seed: 7, utteranceID: "uniform", variant: 0)
    let draws = (0..<2000).map { _ in NumberSpec.uniform(5, 20).draw(using: &rng) }
    #expect(draws.min()! < 5.2)
    #expect(draws.max()! > 19.8)
  }

  @Test func drawIsReproducibleFromTheSameStream() {
    var a = UtteranceRNG(seed: 1, utteranceID: "u", variant: 2)
    var b = UtteranceRNG(seed: 1, utteranceID: "u", variant: 2)
    let spec = NumberSpec.uniform(-6, 6)
    #expect(
      (0..<10).map { _ in spec.draw(using: &a) } == (0..<10).map { _ in spec.draw(using: &b) })
  }

  @Test(arguments: [
    (NumberSpec.constant(12), 12.0, 12.0, true),
    (.uniform(5, 20), 5, 20, false),
    (.uniform(3, 3), 3, 3, true),
    (.choice([1.1, 0.9, 1.0]), 0.9, 1.1, false),
    (.choice([2, 2]), 2, 2, true),
  ])
  func rangeAndIsConstant(spec: NumberSpec, low: Double, high: Double, constant: Bool) {
    #expect(spec.range == low...high)
    #expect(spec.isConstant == constant)
  }
}
