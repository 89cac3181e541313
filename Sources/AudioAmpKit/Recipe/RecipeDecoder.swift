import Yams

/// Walks a composed YAML tree into a `Recipe`, collecting every problem as a diagnostic.
///
/// Each `decode…` function returns nil when its part is invalid (after reporting why) and keeps
/// going, so one pass finds everything. Diagnostics are sorted into document order at the end.
struct RecipeDecoder {
  let path: String
  let noiseCategories: [String]
  /// Placeholder key text → original key, for keys renamed to get past Yams' duplicate check.
  var renamedKeys: [String: String] = [:]
  var collected: [(line: Int, column: Int, order: Int, diagnostic: RecipeDiagnostic)] = []

  init(path: String, noiseCategories: [String]) {
    self.path = path
    self.noiseCategories = noiseCategories
  }

  static var topKeys: [String] { RecipeReference.topLevelKeys.map(\.name) }
  static var effectNames: [String] { EffectRegistry.names }
  static let numberForms =
    "write a number (12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})"

  /// Diagnostics in document order (ties keep the order they were found in).
  var sortedDiagnostics: [RecipeDiagnostic] {
    collected.sorted { ($0.line, $0.column, $0.order) < ($1.line, $1.column, $1.order) }
      .map(\.diagnostic)
  }

  mutating func report(line: Int, column: Int, field: String, _ message: String) {
    let diagnostic = RecipeDiagnostic(
      path: path, line: line, column: column, field: field, message: message)
    collected.append((line, column, collected.count, diagnostic))
  }

  mutating func report(_ node: Node, _ field: String, _ message: String) {
    let mark = node.mark
    report(line: mark?.line ?? 1, column: mark?.column ?? 1, field: field, message)
  }

  // MARK: - Top level

  mutating func decodeRecipe(_ root: Node?) -> Recipe? {
    guard let root, !isNull(root) else {
      report(
        line: 1, column: 1, field: "",
        "the recipe is empty; it needs at least an effects list, e.g. 'effects: [{gain: {db: -6}}]'"
          + " (see the commented examples in recipes/)")
      return nil
    }
    guard case .mapping(let mapping) = root else {
      report(
        root, "",
        "a recipe is a mapping of keys (\(Self.topKeys.joined(separator: ", "))), but this is "
          + describeKind(root) + "; start with 'effects:' and indent the list under it")
      return nil
    }
    let entries = self.entries(of: mapping, field: "", allowed: Self.topKeys)
    var ok = true
    var recipe = Recipe(path: path, effects: [])
    var sampleRateValid = true

    if let node = entries["sample_rate"]?.value {
      if let value = integer(
        node, "sample_rate", in: 8000...192000, unit: " Hz", example: "sample_rate: 16000")
      {
        recipe.sampleRate = value
      } else {
        ok = false
        sampleRateValid = false
      }
    }
    if let node = entries["variants"]?.value {
      if let value = integer(node, "variants", in: 1...Int.max, unit: "", example: "variants: 5") {
        recipe.variants = value
      } else {
        ok = false
      }
    }
    if let node = entries["seed"]?.value {
      if let value = seed(node) {
        recipe.seed = value
      } else {
        ok = false
      }
    }
    if let node = entries["clip_guard"]?.value {
      if let text = string(node, "clip_guard", example: "clip_guard: scale") {
        if let guardKind = ClipGuard(rawValue: text) {
          recipe.clipGuard = guardKind
        } else {
          let hint =
            Suggestion.closest(to: text, among: ["scale", "limit"]).map {
              "did you mean '\($0)'? "
            } ?? ""
          report(
            node, "clip_guard",
            "unknown value '\(text)'; \(hint)use 'scale' (scale the whole utterance down so "
              + "its peak fits) or 'limit' (peak-limit only the loud parts)")
          ok = false
        }
      } else {
        ok = false
      }
    }
    if let node = entries["description"]?.value {
      if let text = string(node, "description", example: "description: phone-quality speech") {
        recipe.description = text
      } else {
        ok = false
      }
    }

    if let entry = entries["intelligibility"] {
      if case .mapping(let mapping) = entry.value {
        let before = collected.count
        let (settings, _) = decodeKeys(
          mapping, IntelligibilityGuard.keys, field: "intelligibility", anchor: entry.key, skipping: [])
        if collected.count == before, let check = IntelligibilityGuard.from(settings) {
          recipe.intelligibility = check
        } else {
          ok = false
        }
      } else {
        report(
          entry.value, "intelligibility",
          "expected a mapping, e.g. 'intelligibility: {measure: estoi, min_estoi: 0.3}'; found \(describeKind(entry.value))")
        ok = false
      }
    }

    let nyquistRate = sampleRateValid ? recipe.sampleRate : nil
    if let node = entries["effects"]?.value {
      if let effects = decodeEffects(node, sampleRate: nyquistRate) {
        recipe.effects = effects
      } else {
        ok = false
      }
    } else {
      report(
        root, "effects",
        "missing; every recipe needs an effects list, e.g. 'effects: [{gain: {db: -6}}]' "
          + "(write 'effects: []' for none)")
      ok = false
    }
    return ok ? recipe : nil
  }

  // MARK: - Effects

  mutating func decodeEffects(_ node: Node, sampleRate: Int?) -> [EffectSpec]? {
    let field = "effects"
    guard case .sequence(let sequence) = node else {
      if isNull(node) {
        report(
          node, field,
          "no effects listed; add items such as '- gain: {db: -6}', or write 'effects: []' "
            + "for none")
      } else {
        report(
          node, field,
          "expected a list of effects, one per line starting with '- ', e.g. "
            + "'- gain: {db: -6}'; found \(describeKind(node))")
      }
      return nil
    }
    var effects: [EffectSpec] = []
    var ok = true
    for (index, item) in sequence.enumerated() {
      if let effect = decodeEffect(item, index: index, sampleRate: sampleRate) {
        effects.append(effect)
      } else {
        ok = false
      }
    }
    return ok ? effects : nil
  }

  mutating func decodeEffect(_ item: Node, index: Int, sampleRate: Int?) -> EffectSpec? {
    let field = "effects[\(index)]"
    guard case .mapping(let mapping) = item else {
      if let text = item.scalar?.string, Self.effectNames.contains(text) {
        report(
          item, field,
          "'\(text)' needs its settings as a mapping, e.g. '- \(text): \(Self.example(text))'")
      } else {
        report(
          item, field,
          "each effect is a mapping with one effect key ("
            + Self.effectNames.joined(separator: ", ")
            + "), e.g. '- gain: {db: -6}'; found \(describeKind(item))")
      }
      return nil
    }
    let entries = self.entries(
      of: mapping, field: field, allowed: Self.effectNames + ["probability"])
    let effectEntries = entries.ordered.filter { Self.effectNames.contains($0.name) }
    if effectEntries.isEmpty {
      if !entries.hadUnknownKeys {
        report(
          item, field,
          "no effect given; each item needs exactly one of "
            + Self.effectNames.joined(separator: ", ") + ", e.g. '- gain: {db: -6}'")
      }
      return nil
    }
    var ok = entries.isClean
    if effectEntries.count > 1 {
      let first = effectEntries[0].name
      for extra in effectEntries.dropFirst() {
        report(
          extra.key, field,
          "two effects in one item ('\(first)' and '\(extra.name)'); each item holds exactly one "
            + "effect, so start '\(extra.name)' on its own line with '- '")
      }
      ok = false
    }
    var result: EffectSpec?
    for (position, entry) in effectEntries.enumerated() {
      let effectField = "\(field).\(entry.name)"
      let decoded = decodeEffectSettings(
        entry.name, entry.value, key: entry.key, field: effectField, sampleRate: sampleRate)
      guard position == 0 else { continue }
      var probability: Double? = 1
      let outer = entries["probability"]
      if let inner = decoded.probabilityNode, let outer {
        let (earlier, later, laterField) =
          isBefore(outer.key, inner.key)
          ? (outer.key, inner.key, "\(effectField).probability")
          : (inner.key, outer.key, "\(field).probability")
        let earlierMark = earlier.mark.map { "line \($0.line), column \($0.column)" } ?? "?"
        report(
          later, laterField,
          "probability is given twice, inside the '\(entry.name)' settings and beside "
            + "'\(entry.name)' (the other one is at \(earlierMark)); keep one")
        probability = nil
      } else if let node = decoded.probabilityNode?.value ?? outer?.value {
        let probabilityField =
          decoded.probabilityNode != nil ? "\(effectField).probability" : "\(field).probability"
        probability = decodeProbability(node, probabilityField)
      }
      if let make = decoded.make, let probability, ok {
        let mark = entry.key.mark
        result = make(
          probability, index, SourceLocation(line: mark?.line ?? 1, column: mark?.column ?? 1),
          effectField)
      }
    }
    return result
  }

  mutating func decodeProbability(_ node: Node, _ field: String) -> Double? {
    if let text = node.scalar?.string, text.hasSuffix("%"),
      let percent = Double(text.dropLast())
    {
      report(
        node, field,
        "'\(text)' is a percentage; write a fraction from 0 to 1 instead: "
          + "\(format(percent / 100))")
      return nil
    }
    guard let value = plainNumber(node, field, unit: "", example: "probability: 0.5") else {
      return nil
    }
    guard (0...1).contains(value) else {
      report(
        node, field,
        "\(format(value)) is out of range; a probability is a fraction from 0 to 1 (e.g. 0.5)")
      return nil
    }
    return value
  }

  struct DecodedSettings {
    /// Builds the entry from (probability, index, location, field path); nil when invalid.
    var make: ((Double, Int, SourceLocation, String) -> EffectSpec)?
    var probabilityNode: Entry?
  }

  static func example(_ effect: String) -> String {
    EffectRegistry.type(named: effect)?.example ?? "{}"
  }

  mutating func decodeEffectSettings(
    _ effect: String, _ node: Node, key: Node, field: String, sampleRate: Int?
  ) -> DecodedSettings {
    guard let type = EffectRegistry.type(named: effect) else { return DecodedSettings() }
    return decodeSettings(type, node, key: key, field: field, sampleRate: sampleRate)
  }

  /// Decodes effect `E`'s settings mapping against its declared keys, then lets the effect
  /// check what lies between them.
  mutating func decodeSettings<E: RecipeEffect>(
    _ type: E.Type, _ node: Node, key: Node, field: String, sampleRate: Int?
  ) -> DecodedSettings {
    guard case .mapping(let mapping) = node else {
      if isNull(node) {
        report(
          node, field,
          "no settings given; write them as a mapping, e.g. '\(E.name): \(E.example)'")
      } else {
        report(
          node, field,
          "expected its settings as a mapping, e.g. '\(E.name): \(E.example)'; "
            + "found \(describeKind(node))")
      }
      return DecodedSettings()
    }
    let before = collected.count
    let (settings, entries) = decodeKeys(mapping, E.allKeys, field: field, anchor: key)
    var check = RecipeCheck(sampleRate: sampleRate, noiseCategories: noiseCategories)
    let spec = E.spec(from: settings, check: &check)
    for (location, problemField, message) in check.problems {
      report(line: location.line, column: location.column, field: problemField, message)
    }
    var decoded = DecodedSettings(probabilityNode: entries["probability"])
    if let spec, collected.count == before {
      decoded.make = { probability, index, location, fieldPath in
        EffectSpec(
          E.self, spec, probability: probability, index: index, location: location,
          fieldPath: fieldPath)
      }
    }
    return decoded
  }
}
