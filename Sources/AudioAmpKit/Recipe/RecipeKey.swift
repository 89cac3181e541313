/// One key of a recipe mapping, declared once beside the effect that reads it.
///
/// The declaration is the single source for everything about the key: the generic decoder reads
/// and range-checks it (with `file:line:column` messages), the effect reads the typed value, and
/// `recipe keys` (Markdown/JSON), the README's tables and the JSON Schema are generated from it.
public struct RecipeKey: Sendable {
  /// The YAML key, snake_case.
  public var name: String
  /// What the value is and what it may be.
  public var kind: Kind
  /// The key must be given (a missing one is reported with `example`).
  public var required: Bool
  /// One line for the reference: what the key means.
  public var help: String
  /// A value to show in messages and docs, as written in YAML (`{uniform: [5, 20]}`).
  public var example: String
  /// For optional keys without a default: what leaving the key out means ("to let the filter
  /// design choose"); used in messages and docs.
  public var whenAbsent: String?

  /// The kinds of value a key can take. Shared kinds (a drawn number, a choice from a list, a
  /// nested mapping) are declared here once and reused by every effect.
  public indirect enum Kind: Sendable {
    /// A drawn number in any of the four forms (`12`, `{uniform: [a, b]}`, `[a, b, c]`,
    /// `{cycle: [...]}`), every possible value within `limits`.
    case number(RecipeLimits, default: NumberSpec?)
    /// A single plain number within `limits` (no ranges or lists).
    case plain(RecipeLimits, default: Double?)
    /// A whole number within the range.
    case integer(ClosedRange<Int>, unit: String, default: Int?)
    /// One of the listed words; with `list`, also a non-empty list of distinct words (one is
    /// drawn per output). `meanings` are shown beside the words in messages and docs.
    case keyword([Choice], list: Bool, default: String?)
    /// `true` or `false`.
    case flag(default: Bool)
    /// Non-empty text (a path, a name).
    case text
    /// A non-empty list of non-empty texts.
    case texts
    /// A non-empty mapping of names (of `item`s, e.g. "category") to relative weights (> 0).
    case weights(item: String)
    /// A nested mapping with its own keys.
    case mapping([RecipeKey])
    /// A non-empty list of mappings, each with these keys (e.g. the layers of a noise scene).
    case mappings([RecipeKey])
    /// The recipe's list of effects (top level only; decoded by `RecipeDecoder` itself).
    case effectList
  }

  /// One allowed word of a `keyword` key.
  public struct Choice: Sendable {
    /// The word as written in YAML.
    public var value: String
    /// What it means, for messages and docs (nil: the word speaks for itself).
    public var meaning: String?
    /// Creates a choice.
    public init(_ value: String, _ meaning: String? = nil) {
      self.value = value
      self.meaning = meaning
    }
  }

  /// Creates a declaration; prefer the static constructors below.
  public init(
    name: String, kind: Kind, required: Bool = false, help: String, example: String,
    whenAbsent: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.required = required
    self.help = help
    self.example = example
    self.whenAbsent = whenAbsent
  }

  /// A drawn number; required when it has no default and `required` is true.
  public static func number(
    _ name: String, _ limits: RecipeLimits, default value: NumberSpec? = nil, required: Bool = false,
    example: String, whenAbsent: String? = nil, help: String
  ) -> RecipeKey {
    RecipeKey(
      name: name, kind: .number(limits, default: value), required: required, help: help,
      example: example, whenAbsent: whenAbsent)
  }

  /// A single plain number.
  public static func plain(
    _ name: String, _ limits: RecipeLimits, default value: Double? = nil, example: String,
    whenAbsent: String? = nil, help: String
  ) -> RecipeKey {
    RecipeKey(
      name: name, kind: .plain(limits, default: value), help: help, example: example,
      whenAbsent: whenAbsent)
  }

  /// A whole number.
  public static func integer(
    _ name: String, _ range: ClosedRange<Int>, unit: String = "", default value: Int? = nil,
    example: String, help: String
  ) -> RecipeKey {
    RecipeKey(
      name: name, kind: .integer(range, unit: unit, default: value), help: help, example: example)
  }

  /// A word from `choices` (or, with `list`, a list of them).
  public static func keyword(
    _ name: String, _ choices: [Choice], list: Bool = false, default value: String? = nil,
    required: Bool = false, example: String, help: String
  ) -> RecipeKey {
    RecipeKey(
      name: name, kind: .keyword(choices, list: list, default: value), required: required,
      help: help, example: example)
  }

  /// A keyword key whose words are the raw values of `T`, in declaration order.
  public static func keyword<T: RawRepresentable & CaseIterable>(
    _ name: String, _ type: T.Type, meanings: [T: String] = [:], list: Bool = false,
    default value: T? = nil, required: Bool = false, example: String, help: String
  ) -> RecipeKey where T.RawValue == String, T: Hashable {
    keyword(
      name, T.allCases.map { Choice($0.rawValue, meanings[$0]) }, list: list,
      default: value?.rawValue, required: required, example: example, help: help)
  }

  /// `true` or `false`.
  public static func flag(_ name: String, default value: Bool = false, help: String) -> RecipeKey {
    RecipeKey(name: name, kind: .flag(default: value), help: help, example: value ? "false" : "true")
  }

  /// Non-empty text.
  public static func text(_ name: String, required: Bool = false, example: String, help: String)
    -> RecipeKey
  {
    RecipeKey(name: name, kind: .text, required: required, help: help, example: example)
  }

  /// A list of texts.
  public static func texts(_ name: String, example: String, help: String) -> RecipeKey {
    RecipeKey(name: name, kind: .texts, help: help, example: example)
  }

  /// Names with relative weights.
  public static func weights(_ name: String, item: String, example: String, help: String) -> RecipeKey {
    RecipeKey(name: name, kind: .weights(item: item), help: help, example: example)
  }

  /// A nested mapping.
  public static func mapping(
    _ name: String, _ keys: [RecipeKey], required: Bool = false, example: String, help: String
  ) -> RecipeKey {
    RecipeKey(name: name, kind: .mapping(keys), required: required, help: help, example: example)
  }

  /// A non-empty list of nested mappings.
  public static func mappings(
    _ name: String, _ keys: [RecipeKey], required: Bool = false, example: String, help: String
  ) -> RecipeKey {
    RecipeKey(name: name, kind: .mappings(keys), required: required, help: help, example: example)
  }

  /// `probability`, which every effect takes (inside its mapping or beside its key).
  public static let probability = RecipeKey.plain(
    "probability", .closed(0, 1, ""), default: 1, example: "0.5",
    help: "chance, 0 to 1, that the effect is applied to a given output")

  /// `name: example`, as it would be written.
  var exampleLine: String { "\(name): \(example)" }

  /// The words of a keyword key with their meanings, as messages list them: quoted for a
  /// single word (`'rms' (whole-utterance RMS) or 'active_speech' (...)`), plain and with "or a
  /// list of them" for list keys.
  static func describeChoices(_ choices: [Choice], list: Bool) -> String {
    let words = choices.map { c -> String in
      let word = list ? c.value : "'\(c.value)'"
      return c.meaning.map { "\(word) (\($0))" } ?? word
    }
    let joined: String
    if words.count <= 1 {
      joined = words.first ?? ""
    } else {
      joined = words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
    return list ? joined + ", or a list of them (one drawn per output)" : joined
  }
}

/// Allowed values of a recipe number, for range checks, messages and the schema.
public struct RecipeLimits: Sendable, Equatable {
  /// Smallest allowed value.
  public var lower: Double
  /// The lower bound itself is not allowed (`> 0` rather than `>= 0`).
  public var lowerOpen: Bool
  /// Largest allowed value, or nil for none.
  public var upper: Double?
  /// Unit with its leading space (" dB", " Hz") or empty, for messages.
  public var unit: String

  /// Creates limits.
  public init(lower: Double, lowerOpen: Bool, upper: Double?, unit: String) {
    self.lower = lower
    self.lowerOpen = lowerOpen
    self.upper = upper
    self.unit = unit
  }

  /// `lower...upper`.
  public static func closed(_ lower: Double, _ upper: Double, _ unit: String) -> RecipeLimits {
    RecipeLimits(lower: lower, lowerOpen: false, upper: upper, unit: unit)
  }

  /// Greater than 0, no upper bound.
  public static func positive(_ unit: String) -> RecipeLimits {
    RecipeLimits(lower: 0, lowerOpen: true, upper: nil, unit: unit)
  }

  /// True when `value` is allowed.
  public func contains(_ value: Double) -> Bool {
    (lowerOpen ? value > lower : value >= lower) && value <= (upper ?? .infinity)
  }

  /// "from -20 to 100 dB" or "greater than 0 Hz".
  public func describe() -> String {
    if let upper {
      return "from \(format(lower)) to \(format(upper))\(unit)"
    }
    return lowerOpen
      ? "greater than \(format(lower))\(unit)" : "at least \(format(lower))\(unit)"
  }
}

/// The older name inside the decoder.
typealias Limits = RecipeLimits
