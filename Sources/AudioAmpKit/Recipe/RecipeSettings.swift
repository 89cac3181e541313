import Yams

/// A decoded value of a declared key.
public enum RecipeValue: Sendable, Equatable {
  /// A drawn number.
  case number(NumberSpec)
  /// A plain number.
  case plain(Double)
  /// A whole number.
  case integer(Int)
  /// One or more words of a keyword key (one unless the key takes a list).
  case keywords([String])
  /// `true` or `false`.
  case flag(Bool)
  /// Text.
  case text(String)
  /// A list of texts.
  case texts([String])
  /// Names with weights, in the order written.
  case weights([String], [Double])
  /// A nested mapping.
  case mapping(RecipeSettings)
  /// A list of nested mappings.
  case mappings([RecipeSettings])
}

/// The keys of one recipe mapping (an effect's settings, or a nested mapping), decoded against
/// their declarations, with where each was written.
///
/// Accessors return the decoded value, the declared default when the key is absent, or nil when
/// the key is absent without a default or its value was invalid (already reported). An effect
/// reads them in its `spec(from:check:)` and reports problems between keys through
/// ``RecipeCheck``.
public struct RecipeSettings: Sendable, Equatable {
  /// The field path of the mapping, e.g. `effects[2].band_limit`.
  public var field: String
  /// The declarations the mapping was read against.
  var keys: [String: RecipeKey.Kind] = [:]
  /// Decoded values (invalid ones are absent here but present in `given`).
  var values: [String: RecipeValue] = [:]
  /// Keys written in the mapping, in document order (valid or not).
  public private(set) var given: [String] = []
  /// Allowed keys suggested for misspelt ones: a "missing" report for these would repeat the
  /// "did you mean" one.
  public var suggested: Set<String> = []
  /// Where each given key and its value are (1-based line and column).
  var keyLocations: [String: SourceLocation] = [:]
  var valueLocations: [String: SourceLocation] = [:]
  /// For `weights` keys: where each name is written.
  var itemLocations: [String: [SourceLocation]] = [:]
  /// Where the mapping's own key is (the effect name, or the nested key).
  public var location: SourceLocation

  /// An empty set of settings for `field`, anchored at `location`.
  public init(field: String, location: SourceLocation) {
    self.field = field
    self.location = location
  }

  public static func == (a: RecipeSettings, b: RecipeSettings) -> Bool {
    a.field == b.field && a.values == b.values && a.given == b.given
  }

  mutating func record(
    _ name: String, value: RecipeValue?, key: SourceLocation, at valueLocation: SourceLocation
  ) {
    given.append(name)
    keyLocations[name] = key
    valueLocations[name] = valueLocation
    if let value { values[name] = value }
  }

  /// The field path of a key, e.g. `effects[2].band_limit.low_hz`.
  public func field(_ name: String) -> String { "\(field).\(name)" }
  /// True when the key is written (whether or not its value was valid).
  public func isGiven(_ name: String) -> Bool { given.contains(name) }
  /// True when the key is written and its value was valid.
  public func isValid(_ name: String) -> Bool { values[name] != nil }
  /// Where the key is written (or the mapping's key when absent).
  public func keyLocation(_ name: String) -> SourceLocation { keyLocations[name] ?? location }
  /// Where the key's value is written (or the mapping's key when absent).
  public func valueLocation(_ name: String) -> SourceLocation { valueLocations[name] ?? location }
  /// Where the i-th name of a `weights` key is written.
  public func itemLocation(_ name: String, _ i: Int) -> SourceLocation {
    itemLocations[name]?[i] ?? valueLocation(name)
  }

  /// A drawn number (or its default).
  public func number(_ name: String) -> NumberSpec? {
    if case .number(let v)? = values[name] { return v }
    guard !isGiven(name), case .number(_, let d)? = keys[name] else { return nil }
    return d
  }

  /// A plain number (or its default).
  public func plain(_ name: String) -> Double? {
    if case .plain(let v)? = values[name] { return v }
    guard !isGiven(name), case .plain(_, let d)? = keys[name] else { return nil }
    return d
  }

  /// A whole number (or its default).
  public func integer(_ name: String) -> Int? {
    if case .integer(let v)? = values[name] { return v }
    guard !isGiven(name), case .integer(_, _, let d)? = keys[name] else { return nil }
    return d
  }

  /// The words of a keyword key (or its default, as one word).
  public func words(_ name: String) -> [String]? {
    if case .keywords(let v)? = values[name] { return v }
    guard !isGiven(name), case .keyword(_, _, let d?)? = keys[name] else { return nil }
    return [d]
  }

  /// A keyword key read as `T` values.
  public func keywords<T: RawRepresentable>(_ name: String, as: T.Type = T.self) -> [T]?
  where T.RawValue == String {
    words(name).map { $0.compactMap(T.init(rawValue:)) }
  }

  /// A single-word keyword key read as `T`.
  public func keyword<T: RawRepresentable>(_ name: String, as: T.Type = T.self) -> T?
  where T.RawValue == String {
    words(name)?.first.flatMap(T.init(rawValue:))
  }

  /// `true`/`false` (or its default).
  public func flag(_ name: String) -> Bool? {
    if case .flag(let v)? = values[name] { return v }
    guard !isGiven(name), case .flag(let d)? = keys[name] else { return nil }
    return d
  }

  /// Text.
  public func text(_ name: String) -> String? {
    if case .text(let v)? = values[name] { return v }
    return nil
  }

  /// A list of texts.
  public func texts(_ name: String) -> [String]? {
    if case .texts(let v)? = values[name] { return v }
    return nil
  }

  /// Names with weights.
  public func weights(_ name: String) -> [(name: String, weight: Double)]? {
    if case .weights(let n, let w)? = values[name] { return Array(zip(n, w)).map { ($0, $1) } }
    return nil
  }

  /// A nested mapping.
  public func mapping(_ name: String) -> RecipeSettings? {
    if case .mapping(let v)? = values[name] { return v }
    return nil
  }

  /// A list of nested mappings.
  public func mappings(_ name: String) -> [RecipeSettings]? {
    if case .mappings(let v)? = values[name] { return v }
    return nil
  }
}

/// Where a recipe is being checked, and the problems an effect finds between its keys.
public struct RecipeCheck: Sendable {
  /// The recipe's `sample_rate` when valid (for Nyquist checks), else nil.
  public var sampleRate: Int?
  /// Noise-library categories `category:` may name (empty: any).
  public var noiseCategories: [String]
  /// Problems found, as (location, field, message).
  public private(set) var problems: [(SourceLocation, String, String)] = []

  /// Creates a check context.
  public init(sampleRate: Int?, noiseCategories: [String]) {
    self.sampleRate = sampleRate
    self.noiseCategories = noiseCategories
  }

  /// Reports a problem at `location` for `field`.
  public mutating func report(_ location: SourceLocation, _ field: String, _ message: String) {
    problems.append((location, field, message))
  }

  /// Checks a noise category name against `noiseCategories`, reporting an unknown one with a
  /// suggestion. True when acceptable.
  public mutating func checkNoiseCategory(_ name: String, at location: SourceLocation, field: String)
    -> Bool
  {
    guard !noiseCategories.isEmpty, !noiseCategories.contains(name) else { return true }
    let hint = Suggestion.closest(to: name, among: noiseCategories).map { "did you mean '\($0)'? " } ?? ""
    report(
      location, field,
      "unknown noise category '\(name)'; \(hint)Available: "
        + noiseCategories.joined(separator: ", ") + " (or use 'dir:' for your own folder)")
    return false
  }
}
