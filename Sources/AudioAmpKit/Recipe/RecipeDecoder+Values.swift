import Yams

/// One accepted `key: value` pair of a mapping, with the original key name.
struct Entry {
  var name: String
  var key: Node
  var value: Node
}

/// The accepted pairs of a mapping, in document order.
struct Entries {
  var ordered: [Entry] = []
  /// Some key wasn't in the allowed list (already reported).
  var hadUnknownKeys = false
  /// No unknown, duplicate or malformed keys were found.
  var isClean = true
  /// Allowed keys suggested for misspelt ones; a "missing key" report for these would repeat
  /// the "did you mean" one.
  var suggested: Set<String> = []

  subscript(name: String) -> Entry? { ordered.first { $0.name == name } }
}

/// Shortest text for a number in a message: whole numbers without ".0".
func format(_ value: Double) -> String {
  if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
    return String(Int(value))
  }
  return "\(value)"
}

/// Strict decimal number syntax: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
/// Stricter than YAML 1.1 on purpose: no hex, octal, underscores, `.inf` or `.nan`.
func decimalSyntax(_ text: String) -> Double? {
  var scalars = Substring(text).unicodeScalars[...]
  func digits() -> Int {
    var count = 0
    while let first = scalars.first, ("0"..."9").contains(first) {
      scalars.removeFirst()
      count += 1
    }
    return count
  }
  if let first = scalars.first, first == "+" || first == "-" { scalars.removeFirst() }
  var mantissaDigits = digits()
  if scalars.first == "." {
    scalars.removeFirst()
    mantissaDigits += digits()
  }
  guard mantissaDigits > 0 else { return nil }
  if let first = scalars.first, first == "e" || first == "E" {
    scalars.removeFirst()
    if let sign = scalars.first, sign == "+" || sign == "-" { scalars.removeFirst() }
    guard digits() > 0 else { return nil }
  }
  guard scalars.isEmpty, let value = Double(text) else { return nil }
  return value
}

/// A finite decimal number (see `decimalSyntax`), or nil.
func parseDecimal(_ text: String) -> Double? {
  guard let value = decimalSyntax(text), value.isFinite else { return nil }
  return value
}

extension String {
  /// The text without a leading "+".
  var trimmingPlus: String { hasPrefix("+") ? String(dropFirst()) : self }
}

extension RecipeDecoder {
  // MARK: - Mappings

  /// The pairs of `mapping`, reporting non-scalar, duplicate and (when `allowed` is given)
  /// unknown keys, which are left out of the result.
  mutating func entries(of mapping: Node.Mapping, field: String, allowed: [String]?) -> Entries {
    var result = Entries()
    var seen: [String: Node] = [:]
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        report(
          key, field, "keys must be plain names, but this key is \(describeKind(key))")
        result.isClean = false
        continue
      }
      let name = renamedKeys[scalar.string] ?? scalar.string
      let keyField = field.isEmpty ? name : "\(field).\(name)"
      if let first = seen[name] {
        let whereFirst = first.mark.map { "line \($0.line), column \($0.column)" } ?? "earlier"
        report(
          key, keyField,
          "duplicate key; '\(name)' is already given at \(whereFirst); keep only one")
        result.isClean = false
        continue
      }
      seen[name] = key
      if let allowed, !allowed.contains(name) {
        let list = allowed.joined(separator: ", ")
        if let suggestion = Suggestion.closest(to: name, among: allowed) {
          report(key, keyField, "unknown key; did you mean '\(suggestion)'? Allowed: \(list)")
          result.suggested.insert(suggestion)
        } else {
          report(key, keyField, "unknown key. Allowed: \(list)")
        }
        result.hadUnknownKeys = true
        result.isClean = false
        continue
      }
      result.ordered.append(Entry(name: name, key: key, value: value))
    }
    return result
  }

  func isBefore(_ a: Node, _ b: Node) -> Bool {
    let ma = a.mark.map { ($0.line, $0.column) } ?? (0, 0)
    let mb = b.mark.map { ($0.line, $0.column) } ?? (0, 0)
    return ma < mb
  }

  // MARK: - Scalars

  func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node else { return false }
    if scalar.tag.rawValue == Tag.Name.null.rawValue { return true }
    guard scalar.tag.rawValue.isEmpty, scalar.style == .plain || scalar.style == .any else {
      return false
    }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// Quoted, block or `!!str`-tagged scalars are text even when they look like numbers.
  func isQuoted(_ scalar: Node.Scalar) -> Bool {
    scalar.tag.rawValue == Tag.Name.str.rawValue || (scalar.style != .plain && scalar.style != .any)
  }

  func describeKind(_ node: Node) -> String {
    switch node {
    case .mapping(let mapping): return mapping.isEmpty ? "an empty mapping" : "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let scalar):
      if isNull(node) { return "nothing" }
      return isQuoted(scalar) ? "the text \"\(scalar.string)\"" : "'\(scalar.string)'"
    }
  }

  mutating func string(_ node: Node, _ field: String, example: String) -> String? {
    guard case .scalar(let scalar) = node, !isNull(node) else {
      report(
        node, field,
        isNull(node)
          ? "no value; write it, e.g. '\(example)'"
          : "expected text, e.g. '\(example)'; found \(describeKind(node))")
      return nil
    }
    guard !scalar.string.allSatisfy(\.isWhitespace) else {
      report(node, field, "empty text; write it, e.g. '\(example)'")
      return nil
    }
    return scalar.string
  }

  /// Explains why `text` (a plain scalar that didn't parse) is not a number.
  func notANumber(_ text: String, unit: String, example: String?) -> String {
    let lower = text.lowercased()
    if ["inf", ".inf", "+.inf", "-.inf", "nan", ".nan", "infinity", "-infinity"].contains(lower) {
      return "'\(text)' is not a finite number; write an ordinary number"
    }
    if decimalSyntax(text) != nil {
      return "'\(text)' is too large to be a number here; write an ordinary number"
    }
    let prefix = String(text.prefix { "+-0123456789.".contains($0) })
    let rest = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    if let value = parseDecimal(prefix), !rest.isEmpty, rest.allSatisfy(\.isLetter) {
      if ["k", "khz"].contains(rest.lowercased()) {
        return "'\(text)' has a unit; write it in Hz as a plain number: \(format(value * 1000))"
      }
      let unitName = unit.trimmingCharacters(in: .whitespaces)
      let implied = unitName.isEmpty ? "" : " (the key already says it is in \(unitName))"
      return "'\(text)' has a unit; write just the number: \(format(value))\(implied)"
    }
    let hint = example.map { ", e.g. '\($0)'" } ?? ""
    return "expected a number, found '\(text)'; write digits only\(hint)"
  }

  /// A single number (not a range or list); nil after reporting why not.
  mutating func plainNumber(_ node: Node, _ field: String, unit: String, example: String?)
    -> Double?
  {
    let hint = example.map { ", e.g. '\($0)'" } ?? ""
    guard case .scalar(let scalar) = node else {
      report(
        node, field,
        "expected a single number\(hint); found \(describeKind(node)) (ranges and lists are not "
          + "accepted here)")
      return nil
    }
    if isNull(node) {
      report(node, field, "no value; write a number\(hint)")
      return nil
    }
    if isQuoted(scalar) {
      if let value = parseDecimal(scalar.string.trimmingCharacters(in: .whitespaces)) {
        report(
          node, field,
          "\"\(scalar.string)\" is quoted, so it is text; remove the quotes: \(format(value))")
      } else {
        report(node, field, notANumber(scalar.string, unit: unit, example: example))
      }
      return nil
    }
    guard let value = parseDecimal(scalar.string) else {
      report(node, field, notANumber(scalar.string, unit: unit, example: example))
      return nil
    }
    return value
  }

  /// A whole number within `range`; nil after reporting why not.
  mutating func integer(
    _ node: Node, _ field: String, in range: ClosedRange<Int>, unit: String, example: String
  ) -> Int? {
    guard case .scalar(let scalar) = node, !isNull(node), !isQuoted(scalar) else {
      _ = plainNumber(node, field, unit: unit, example: example)
      return nil
    }
    let text = scalar.string
    guard let decimal = parseDecimal(text) else {
      report(node, field, notANumber(text, unit: unit, example: example))
      return nil
    }
    let digitsOnly = text.trimmingPlus.drop { $0 == "-" }.allSatisfy(\.isASCIIDigit)
    guard digitsOnly else {
      report(
        node, field, "'\(text)' is not a whole number; write digits only, e.g. '\(example)'")
      return nil
    }
    let describe =
      range.upperBound == Int.max
      ? "at least \(range.lowerBound)"
      : "from \(range.lowerBound) to \(range.upperBound)\(unit)"
    guard let value = Int(text.trimmingPlus), range.contains(value) else {
      report(node, field, "\(format(decimal)) is out of range; it must be \(describe)")
      return nil
    }
    return value
  }

  /// A seed: a whole number from 0 to UInt64.max; nil after reporting why not.
  mutating func seed(_ node: Node) -> UInt64? {
    guard case .scalar(let scalar) = node, !isNull(node), !isQuoted(scalar) else {
      _ = plainNumber(node, "seed", unit: "", example: "seed: 1234")
      return nil
    }
    let text = scalar.string
    guard parseDecimal(text) != nil else {
      report(node, "seed", notANumber(text, unit: "", example: "seed: 1234"))
      return nil
    }
    guard let value = UInt64(text.trimmingPlus) else {
      let digitsOnly = text.trimmingPlus.drop { $0 == "-" }.allSatisfy(\.isASCIIDigit)
      report(
        node, "seed",
        digitsOnly
          ? "\(text) is out of range; a seed is a whole number from 0 to \(UInt64.max)"
          : "'\(text)' is not a whole number; write digits only, e.g. 'seed: 1234'")
      return nil
    }
    return value
  }

  // MARK: - NumberSpec

  /// A number, `{uniform: [a, b]}` or a list of numbers, every possible value within
  /// `limits`; nil after reporting why not.
  mutating func numberSpec(_ node: Node, _ field: String, limits: Limits) -> NumberSpec? {
    switch node {
    case .sequence:
      return numberList(node, field, limits: limits).map { .choice($0) }

    case .mapping(let mapping):
      let renamed = renamedKeys
      let names = Array(mapping.keys).compactMap { key in
        key.scalar.map { renamed[$0.string] ?? $0.string }
      }
      let anyNearUniform = names.contains {
        $0 == "uniform" || $0 == "cycle" || Suggestion.closest(to: $0, among: ["uniform", "cycle"]) != nil
      }
      guard anyNearUniform else {
        let found =
          names.isEmpty
          ? "an empty mapping"
          : "a mapping with "
            + names.map { "'\($0)'" }.joined(separator: ", ")
        report(node, field, "expected one of the number forms: \(Self.numberForms); found \(found)")
        return nil
      }
      let entries = self.entries(of: mapping, field: field, allowed: ["uniform", "cycle"])
      guard entries.isClean else { return nil }
      if let cycle = entries["cycle"] {
        if entries["uniform"] != nil {
          report(node, field, "give either uniform or cycle, not both")
          return nil
        }
        guard case .sequence = cycle.value else {
          report(
            cycle.value, "\(field).cycle",
            "needs a list of values, one per variant in turn, e.g. {cycle: [0.9, 1.0, 1.1]}; found \(describeKind(cycle.value))")
          return nil
        }
        return numberList(cycle.value, "\(field).cycle", limits: limits).map { .cycle($0) }
      }
      guard let uniform = entries["uniform"] else { return nil }
      let uniformField = "\(field).uniform"
      guard case .sequence(let bounds) = uniform.value, bounds.count == 2 else {
        let found: String
        if case .sequence(let bounds) = uniform.value {
          found = "\(bounds.count) value\(bounds.count == 1 ? "" : "s")"
        } else {
          found = describeKind(uniform.value)
        }
        report(
          uniform.value, uniformField,
          "needs exactly two numbers, the low and the high bound, e.g. {uniform: [5, 20]}; "
            + "found \(found)")
        return nil
      }
      let a = plainNumber(bounds[0], "\(uniformField)[0]", unit: limits.unit, example: nil)
      let b = plainNumber(bounds[1], "\(uniformField)[1]", unit: limits.unit, example: nil)
      guard let a, let b else { return nil }
      guard a <= b else {
        report(
          node, field,
          "uniform range [\(format(a)), \(format(b))] is reversed; write the smaller bound "
            + "first: {uniform: [\(format(b)), \(format(a))]}")
        return nil
      }
      guard limits.contains(a), limits.contains(b) else {
        report(
          node, field,
          "uniform range [\(format(a)), \(format(b))] goes out of range; every value must be "
            + limits.describe())
        return nil
      }
      return .uniform(a, b)

    default:
      if case .scalar(let scalar) = node, !isNull(node), !isQuoted(scalar),
        parseDecimal(scalar.string) == nil,
        notANumber(scalar.string, unit: limits.unit, example: nil).hasPrefix("expected")
      {
        report(
          node, field,
          "expected a number, found '\(scalar.string)'; \(Self.numberForms)")
        return nil
      }
      if isNull(node) {
        report(node, field, "no value; \(Self.numberForms)")
        return nil
      }
      guard let value = plainNumber(node, field, unit: limits.unit, example: nil) else {
        return nil
      }
      guard limits.contains(value) else {
        report(node, field, "\(format(value)) is out of range; it must be \(limits.describe())")
        return nil
      }
      return .constant(value)
    }
  }
  /// A non-empty list of numbers, each within `limits`; nil after reporting why not.
  mutating func numberList(_ node: Node, _ field: String, limits: Limits) -> [Double]? {
    guard case .sequence(let sequence) = node else { return nil }
    guard !sequence.isEmpty else {
      report(
        node, field,
        "the list of choices is empty; give at least one value, e.g. [5, 10, 20], or a single "
          + "number")
      return nil
    }
    var values: [Double] = []
    for (index, element) in sequence.enumerated() {
      let elementField = "\(field)[\(index)]"
      guard let value = plainNumber(element, elementField, unit: limits.unit, example: nil)
      else { continue }
      if limits.contains(value) {
        values.append(value)
      } else {
        report(
          element, elementField,
          "\(format(value)) is out of range; it must be \(limits.describe())")
      }
    }
    return values.count == sequence.count ? values : nil
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
