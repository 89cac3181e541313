import Testing

@testable import AudioAmpKit

@Suite struct GilbertElliottTests {
  /// Over 200 000 frames (an hour of 20 ms frames) the loss rate is within ±2 percentage points
  /// of the target and the mean burst length within 10 % of the asked one.
  @Test(arguments: [(0.01, 1.0), (0.05, 1.0), (0.05, 2.0), (0.1, 3.0), (0.2, 5.0), (0.3, 1.5), (0.5, 8.0)])
  func longRunsHitRateAndBurst(_ rate: Double, _ burst: Double) {
    for seed: UInt64 in [1, 2, 3] {
      let model = GilbertElliott(lossRate: rate, meanBurst: burst)
      let pattern = model.pattern(count: 200_000, seed: seed)
      let bursts = GilbertElliott.bursts(pattern)
      let lost = bursts.reduce(0) { $0 + $1.length }
      let achieved = Double(lost) / Double(pattern.count)
      let meanBurst = Double(lost) / Double(bursts.count)
      #expect(abs(achieved - rate) <= 0.02, "rate \(rate) burst \(burst) seed \(seed): achieved \(achieved)")
      #expect(abs(meanBurst - burst) / burst <= 0.1, "rate \(rate) burst \(burst) seed \(seed): mean burst \(meanBurst)")
    }
  }

  @Test func zeroRateLosesNothingAndPatternsAreReproducible() {
    #expect(GilbertElliott(lossRate: 0, meanBurst: 3).pattern(count: 1000, seed: 9).allSatisfy { !$0 })
    let m = GilbertElliott(lossRate: 0.1, meanBurst: 2)
    #expect(m.pattern(count: 5000, seed: 4) == m.pattern(count: 5000, seed: 4))
    #expect(m.pattern(count: 5000, seed: 4) != m.pattern(count: 5000, seed: 5))
  }

  @Test func burstsListRunsInOrder() {
    let b = GilbertElliott.bursts([false, true, true, false, true, false, false, true])
    #expect(b.map(\.start) == [1, 4, 7])
    #expect(b.map(\.length) == [2, 1, 1])
  }
}
