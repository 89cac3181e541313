import Yams

/// The generic half of recipe decoding: any mapping read against its `RecipeKey` declarations.
/// Unknown and duplicate keys, wrong types, ranges, reversed bounds and missing required keys
/// are reported here, once for every effect; effects only check what lies between their keys.
extension RecipeDecoder {
  func location(_ node: Node) -> SourceLocation {
    SourceLocation(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  /// Reads `mapping` against `keys`. `anchor` is the node missing keys are reported at (the
  /// effect's or the nested mapping's key). Keys in `skipping` are accepted but left to the
  /// caller (`probability`, which may also stand beside the effect).
  mutating func decodeKeys(
    _ mapping: Node.Mapping, _ keys: [RecipeKey], field: String, anchor: Node,
    skipping: Set<String> = ["probability"]
  ) -> (RecipeSettings, Entries) {
    let entries = self.entries(of: mapping, field: field, allowed: keys.map(\.name))
    var settings = RecipeSettings(field: field, location: location(anchor))
    settings.suggested = entries.suggested
    for key in keys { settings.keys[key.name] = key.kind }
    for entry in entries.ordered where !skipping.contains(entry.name) {
      guard let key = keys.first(where: { $0.name == entry.name }) else { continue }
      let value = decodeValue(entry.value, key, field: "\(field).\(entry.name)", key: entry.key, into: &settings)
      settings.record(entry.name, value: value, key: location(entry.key), at: location(entry.value))
    }
    for key in keys where key.required && entries[key.name] == nil && !entries.suggested.contains(key.name) {
      report(anchor, "\(field).\(key.name)", missingMessage(key))
    }
    return (settings, entries)
  }

  func missingMessage(_ key: RecipeKey) -> String {
    switch key.kind {
    case .number(let limits, _), .plain(let limits, _):
      return "missing; add it, e.g. '\(key.exampleLine)' (allowed \(limits.describe()))"
    case .keyword(let choices, let list, _):
      return "missing; add it, e.g. '\(key.exampleLine)'; use "
        + RecipeKey.describeChoices(choices, list: list)
    default:
      return "missing; add it, e.g. '\(key.exampleLine)'"
    }
  }

  /// One value of a declared key; nil after reporting why it is not acceptable.
  mutating func decodeValue(
    _ node: Node, _ key: RecipeKey, field: String, key keyNode: Node, into settings: inout RecipeSettings
  ) -> RecipeValue? {
    switch key.kind {
    case .number(let limits, _):
      return numberSpec(node, field, limits: limits).map { .number($0) }

    case .plain(let limits, let fallback):
      guard let value = plainNumber(node, field, unit: limits.unit, example: key.exampleLine) else {
        return nil
      }
      guard limits.contains(value) else {
        let message: String
        if let fallback {
          message = "\(format(value)) is out of range; use a value \(limits.describe()) (default \(format(fallback))\(limits.unit))"
        } else if limits.upper == nil && limits.lowerOpen {
          message = "\(format(value)) must be \(limits.describe())" + (key.whenAbsent.map { "; remove the key \($0)" } ?? "")
        } else {
          message = "\(format(value)) is out of range; use a value \(limits.describe())" + (key.whenAbsent.map { ", or remove the key \($0)" } ?? "")
        }
        report(node, field, message)
        return nil
      }
      return .plain(value)

    case .integer(let range, let unit, _):
      return integer(node, field, in: range, unit: unit, example: key.exampleLine).map { .integer($0) }

    case .keyword(let choices, let list, _):
      return keywords(node, field, choices: choices, list: list, example: key.exampleLine).map { .keywords($0) }

    case .flag:
      return boolean(node, field, example: key.exampleLine).map { .flag($0) }

    case .text:
      return string(node, field, example: key.exampleLine).map { .text($0) }

    case .texts:
      return stringList(node, field, example: key.exampleLine).map { .texts($0) }

    case .weights(let item):
      guard case .mapping(let mapping) = node, !mapping.isEmpty else {
        report(
          node, field,
          "expected \(item) names with weights, e.g. '\(key.exampleLine)'; found \(describeKind(node))")
        return nil
      }
      let entries = self.entries(of: mapping, field: field, allowed: nil)
      var ok = entries.isClean
      var names: [String] = []
      var weights: [Double] = []
      var places: [SourceLocation] = []
      for entry in entries.ordered {
        let entryField = "\(field).\(entry.name)"
        guard let weight = plainNumber(entry.value, entryField, unit: "", example: "\(entry.name): 0.5") else {
          ok = false
          continue
        }
        if weight <= 0 {
          report(
            entry.value, entryField,
            "weight \(format(weight)) must be greater than 0 (weights are relative, e.g. 0.7 and "
              + "0.3); remove the \(item) to leave it out")
          ok = false
        }
        names.append(entry.name)
        weights.append(weight)
        places.append(location(entry.key))
      }
      settings.itemLocations[key.name] = places
      return ok ? .weights(names, weights) : nil

    case .effectList:
      return nil

    case .mappings(let keys):
      guard case .sequence(let items) = node, !items.isEmpty else {
        report(
          node, field,
          "expected a list of mappings, one per line starting with '- ', e.g. '\(key.name): [\(key.example)]'; found \(describeKind(node))")
        return nil
      }
      let before = collected.count
      var list: [RecipeSettings] = []
      for (i, item) in items.enumerated() {
        let itemField = "\(field)[\(i)]"
        guard case .mapping(let mapping) = item else {
          report(item, itemField, "expected a mapping, e.g. '\(key.example)'; found \(describeKind(item))")
          continue
        }
        list.append(decodeKeys(mapping, keys, field: itemField, anchor: item, skipping: []).0)
      }
      return collected.count == before ? .mappings(list) : nil

    case .mapping(let keys):
      guard case .mapping(let mapping) = node else {
        report(node, field, "expected a mapping, e.g. '\(key.exampleLine)'; found \(describeKind(node))")
        return nil
      }
      let before = collected.count
      let (nested, _) = decodeKeys(mapping, keys, field: field, anchor: keyNode, skipping: [])
      return collected.count == before ? .mapping(nested) : nil
    }
  }

  // MARK: - Shared value readers

  /// One word of `choices`, or (with `list`) a non-empty list of distinct ones, with a "did you
  /// mean" hint for a near miss.
  mutating func keywords(
    _ node: Node, _ field: String, choices: [RecipeKey.Choice], list: Bool, example: String
  ) -> [String]? {
    let allowed = choices.map(\.value)
    let meanings = RecipeKey.describeChoices(choices, list: list)
    func one(_ node: Node, _ field: String) -> String? {
      guard let text = string(node, field, example: example) else { return nil }
      if allowed.contains(text) { return text }
      let hint = Suggestion.closest(to: text, among: allowed).map { "did you mean '\($0)'? " } ?? ""
      report(node, field, "unknown value '\(text)'; \(hint)use \(meanings)")
      return nil
    }
    guard list, case .sequence(let sequence) = node else {
      return one(node, field).map { [$0] }
    }
    guard !sequence.isEmpty else {
      report(node, field, "empty list; name at least one, e.g. '\(example)'")
      return nil
    }
    var out: [String] = []
    var ok = true
    for (i, item) in sequence.enumerated() {
      let itemField = "\(field)[\(i)]"
      guard let value = one(item, itemField) else {
        ok = false
        continue
      }
      if out.contains(value) {
        report(item, itemField, "'\(value)' is listed twice; list each once")
        ok = false
      }
      out.append(value)
    }
    return ok ? out : nil
  }

  /// A keyword from `T`'s raw values (for top-level keys that are not declared per effect).
  mutating func keyword<T: RawRepresentable & CaseIterable>(
    _ node: Node, _ field: String, example: String, meanings: String
  ) -> T? where T.RawValue == String {
    guard let text = string(node, field, example: example) else { return nil }
    if let value = T(rawValue: text) { return value }
    let allowed = T.allCases.map(\.rawValue)
    let hint = Suggestion.closest(to: text, among: allowed).map { "did you mean '\($0)'? " } ?? ""
    report(node, field, "unknown value '\(text)'; \(hint)use \(meanings)")
    return nil
  }

  /// `true` or `false`.
  mutating func boolean(_ node: Node, _ field: String, example: String) -> Bool? {
    if case .scalar(let scalar) = node, !isQuoted(scalar) {
      switch scalar.string {
      case "true", "True", "TRUE": return true
      case "false", "False", "FALSE": return false
      default: break
      }
    }
    report(node, field, "expected true or false, e.g. '\(example)'; found \(describeKind(node))")
    return nil
  }

  /// A non-empty list of non-empty strings.
  mutating func stringList(_ node: Node, _ field: String, example: String) -> [String]? {
    guard case .sequence(let items) = node, !items.isEmpty else {
      report(node, field, "expected a list of names, e.g. '\(example)'; found \(describeKind(node))")
      return nil
    }
    var out: [String] = []
    for (i, item) in items.enumerated() {
      guard let s = string(item, "\(field)[\(i)]", example: example), !s.isEmpty else { return nil }
      out.append(s)
    }
    return out
  }
}
