/// Bursty frame loss from a two-state Gilbert–Elliott Markov chain (Gilbert, *Bell Syst. Tech.
/// J.* 39, 1960; Elliott, ibid. 42, 1963), in its common "simple Gilbert" form: every frame in
/// the Bad state is lost, none in the Good state.
///
/// With P(Good→Bad) = p and P(Bad→Good) = r, the stationary loss rate is p/(p + r) and loss
/// bursts are geometric with mean 1/r frames. Given a target loss rate `lossRate` (0…0.5) and
/// mean burst length `meanBurst` (≥ 1 frames) the model sets r = 1/meanBurst and
/// p = lossRate·r/(1 − lossRate) (≤ 1 for these ranges). The first state is drawn from the
/// stationary distribution, so short runs are unbiased too.
public struct GilbertElliott: Sendable, Equatable {
  /// Target long-run fraction of lost frames, 0…0.5.
  public var lossRate: Double
  /// Target mean length of a loss burst in frames, ≥ 1.
  public var meanBurst: Double

  /// Creates the model.
  public init(lossRate: Double, meanBurst: Double) {
    precondition((0...0.5).contains(lossRate) && meanBurst >= 1, "GilbertElliott: bad parameters")
    self.lossRate = lossRate
    self.meanBurst = meanBurst
  }

  /// P(Good → Bad).
  public var goodToBad: Double { lossRate / (meanBurst * (1 - lossRate)) }
  /// P(Bad → Good).
  public var badToGood: Double { 1 / meanBurst }

  /// A loss pattern of `count` frames (true = lost), from the generator seeded with `seed`.
  /// A zero loss rate gives no losses and consumes nothing.
  public func pattern(count: Int, seed: UInt64) -> [Bool] {
    guard lossRate > 0, count > 0 else { return [Bool](repeating: false, count: max(count, 0)) }
    var rng = UtteranceRNG(key: seed)
    var bad = rng.nextUnit() < lossRate
    var out = [Bool](repeating: false, count: count)
    for i in 0..<count {
      out[i] = bad
      let u = rng.nextUnit()
      bad = bad ? u >= badToGood : u < goodToBad
    }
    return out
  }

  /// The bursts of `pattern` as (first frame, length) pairs, in order.
  public static func bursts(_ pattern: [Bool]) -> [(start: Int, length: Int)] {
    var out: [(Int, Int)] = []
    var i = 0
    while i < pattern.count {
      if pattern[i] {
        let start = i
        while i < pattern.count && pattern[i] { i += 1 }
        out.append((start, i - start))
      } else {
        i += 1
      }
    }
    return out
  }
}
