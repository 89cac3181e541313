/// A recipe number: a fixed value, a uniform range, or a list of choices.
///
/// In YAML the forms are written `12`, `{uniform: [5, 20]}`, `[0.9, 1.0, 1.1]` and
/// `{cycle: [0.9, 1.0, 1.1]}`.
/// The loader guarantees `a <= b` for `.uniform(a, b)`, a non-empty list for `.choice`, and
/// finite values everywhere, so `draw` and `range` never trap on a loaded recipe.
public enum NumberSpec: Sendable, Equatable {
  /// Always the same value (YAML: `12`).
  case constant(Double)
  /// Uniformly distributed over the closed interval `[a, b]`, `a <= b`
  /// (YAML: `{uniform: [5, 20]}`).
  case uniform(Double, Double)
  /// One of the listed values, each equally likely; non-empty; repeats weight a value more
  /// (YAML: `[0.9, 1.0, 1.1]`).
  case choice([Double])
  /// The listed values in turn, one per variant: variant k takes entry k mod n, with no
  /// randomness (YAML: `{cycle: [0.9, 1.0, 1.1]}`). With `variants: 3` this gives every
  /// utterance exactly one copy at each value, as Kaldi's 3-way speed perturbation does.
  case cycle([Double])

  /// Draws one value.
  ///
  /// `.constant` consumes no random numbers; `.uniform(a, a)` consumes none either (see
  /// `UtteranceRNG.uniform`); `.uniform` otherwise and `.choice` consume one 64-bit draw (a
  /// one-element choice included, so the stream position doesn't depend on the list length).
  /// The result always lies in `range`.
  public func draw(using rng: inout UtteranceRNG) -> Double {
    switch self {
    case .constant(let value):
      return value
    case .uniform(let a, let b):
      // Clamp guards against a + (b - a) * u rounding one ulp past b.
      return min(max(rng.uniform(a, b), a), b)
    case .choice(let values):
      return values[rng.index(below: values.count)]
    case .cycle(let values):
      return values[((rng.variant % values.count) + values.count) % values.count]
    }
  }

  /// The smallest and largest value `draw` can return.
  public var range: ClosedRange<Double> {
    switch self {
    case .constant(let value):
      return value...value
    case .uniform(let a, let b):
      return min(a, b)...max(a, b)
    case .choice(let values), .cycle(let values):
      return (values.min() ?? 0)...(values.max() ?? 0)
    }
  }

  /// True when every draw gives the same value (a constant, `{uniform: [x, x]}`, or a list
  /// whose entries are all equal).
  public var isConstant: Bool {
    range.lowerBound == range.upperBound
  }
}
