/// The recipe key reference, generated from the declarations: `recipe keys` (Markdown or JSON),
/// the README's effect tables, and the JSON Schema (`recipe schema`) that editors with a YAML
/// language server use to complete and check recipes.
public enum RecipeReference {
  /// The top-level keys of a recipe (decoded by `RecipeDecoder`, declared here for the docs and
  /// the schema).
  public static let topLevelKeys: [RecipeKey] = [
    .integer(
      "sample_rate", 8000...192000, unit: " Hz", default: 16000, example: "16000",
      help: "output rate, Hz (mono); inputs at other rates are converted"),
    .integer("variants", 1...Int.max, default: 1, example: "5", help: "copies per utterance; --variants overrides"),
    .integer("seed", 0...Int.max, default: 0, example: "7", help: "random seed, 0 to 2^64−1; --seed overrides"),
    .keyword(
      "clip_guard",
      [
        .init("scale", "scale the whole utterance down so its peak fits"),
        .init("limit", "peak-limit only the loud parts"),
      ], default: "scale", example: "limit",
      help: "what to do when an output would clip: one gain bringing the peak to −0.1 dBFS, or a 5 ms look-ahead limiter; recorded as a clip_guard entry"),
    .text("description", example: "phone-quality speech", help: "free text"),
    RecipeKey(
      name: "effects", kind: .effectList, required: true,
      help: "the effects, applied in order (may be empty: a plain rate/format conversion)",
      example: "[{gain: {db: -6}}]"),
    .mapping(
      "intelligibility", IntelligibilityGuard.keys, example: "{measure: estoi, min_estoi: 0.3}",
      help: "record every output's ESTOI against the talker's signal; with min_estoi, draw outputs below it again"),
  ]

  // MARK: - Text

  /// How a key's type reads in the reference.
  static func typeText(_ kind: RecipeKey.Kind) -> String {
    switch kind {
    case .number: return "number form"
    case .plain: return "number"
    case .integer: return "whole number"
    case .keyword(_, let list, _): return list ? "word or list" : "word"
    case .flag: return "true/false"
    case .text: return "text"
    case .texts: return "list of text"
    case .weights(let item): return "\(item) → weight"
    case .mapping: return "mapping"
    case .mappings: return "list of mappings"
    case .effectList: return "list of effects"
    }
  }

  /// What values a key allows, in words.
  static func allowedText(_ kind: RecipeKey.Kind) -> String {
    switch kind {
    case .number(let limits, _), .plain(let limits, _):
      return limits.describe()
    case .integer(let range, let unit, _):
      return range.upperBound == Int.max
        ? "at least \(range.lowerBound)\(unit)" : "from \(range.lowerBound) to \(range.upperBound)\(unit)"
    case .keyword(let choices, _, _):
      return choices.map { "`\($0.value)`" + ($0.meaning.map { " (\($0))" } ?? "") }.joined(separator: ", ")
    case .flag: return "`true`, `false`"
    case .text, .texts: return "non-empty"
    case .weights: return "weights > 0"
    case .mapping(let keys), .mappings(let keys): return keys.map { "`\($0.name)`" }.joined(separator: ", ")
    case .effectList: return "each item one effect (below)"
    }
  }

  /// The default, as written in YAML; "required" or "—" when there is none.
  static func defaultText(_ key: RecipeKey) -> String {
    if key.required { return "required" }
    switch key.kind {
    case .number(_, let d?): return "`\(yaml(d))`"
    case .plain(_, let d?): return "`\(format(d))`"
    case .integer(_, _, let d?): return "`\(d)`"
    case .keyword(_, _, let d?): return "`\(d)`"
    case .flag(let d): return "`\(d)`"
    default: return key.whenAbsent.map { "— (\($0.hasPrefix("to ") ? String($0.dropFirst(3)) : $0))" } ?? "—"
    }
  }

  /// A number spec as YAML.
  static func yaml(_ spec: NumberSpec) -> String {
    switch spec {
    case .constant(let v): return format(v)
    case .uniform(let a, let b): return "{uniform: [\(format(a)), \(format(b))]}"
    case .choice(let v): return "[" + v.map(format).joined(separator: ", ") + "]"
    case .cycle(let v): return "{cycle: [" + v.map(format).joined(separator: ", ") + "]}"
    }
  }

  /// Rows of a key table, nested mappings flattened as `outer.inner`.
  static func rows(_ keys: [RecipeKey], prefix: String = "") -> [String] {
    keys.flatMap { key -> [String] in
      let name = prefix + key.name
      let cell = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
      var out = [
        "| `\(name)` | \(typeText(key.kind)) | \(cell(allowedText(key.kind))) | \(cell(defaultText(key))) | \(cell(key.help)) |"
      ]
      if case .mapping(let nested) = key.kind, !nested.isEmpty {
        out += rows(nested, prefix: name + ".")
      }
      if case .mappings(let nested) = key.kind, !nested.isEmpty {
        out += rows(nested, prefix: name + "[].")
      }
      return out
    }
  }

  /// The reference of one effect as Markdown: a heading, what it does, its key table.
  public static func markdown(_ effect: any RecipeEffect.Type) -> String {
    var lines = ["#### `\(effect.name)`", "", effect.summary, ""]
    lines.append("| key | type | allowed | default | meaning |")
    lines.append("|---|---|---|---|---|")
    lines += rows(effect.allKeys)
    lines.append("")
    lines.append("Example: `- \(effect.name): \(effect.example)`")
    return lines.joined(separator: "\n")
  }

  /// The whole reference as Markdown: the top-level keys, then every effect in registry order.
  /// The README holds exactly this between its `recipe-keys` markers.
  public static func markdown() -> String {
    var parts = ["### Top-level keys", "", "| key | type | allowed | default | meaning |", "|---|---|---|---|---|"]
    parts += rows(topLevelKeys)
    parts += [
      "", "### Effects", "",
      "Every effect also takes `probability` (0–1, default 1), inside its mapping or beside its key. "
        + "A \"number form\" is any of the forms in *Numbers* above, drawn afresh for every output; "
        + "every possible value must lie in the range.",
      "",
    ]
    parts.append(EffectRegistry.all.map { markdown($0) }.joined(separator: "\n\n"))
    return parts.joined(separator: "\n")
  }

  // MARK: - JSON

  static func limitPairs(_ l: RecipeLimits) -> [(String, JSONValue)] {
    var pairs: [(String, JSONValue)] = [("minimum", .number(l.lower))]
    if l.lowerOpen { pairs.append(("exclusive_minimum", .bool(true))) }
    if let u = l.upper { pairs.append(("maximum", .number(u))) }
    let unit = l.unit.trimmingCharacters(in: .whitespaces)
    if !unit.isEmpty { pairs.append(("unit", .string(unit))) }
    return pairs
  }

  static func json(_ key: RecipeKey) -> JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("name", .string(key.name)), ("type", .string(typeText(key.kind))),
      ("required", .bool(key.required)), ("help", .string(key.help)),
      ("example", .string(key.example)),
    ]
    switch key.kind {
    case .number(let l, let d):
      pairs += limitPairs(l)
      if let d { pairs.append(("default", .string(yaml(d)))) }
    case .plain(let l, let d):
      pairs += limitPairs(l)
      if let d { pairs.append(("default", .number(d))) }
    case .integer(let r, _, let d):
      pairs.append(("minimum", .number(Double(r.lowerBound))))
      if r.upperBound != Int.max { pairs.append(("maximum", .number(Double(r.upperBound)))) }
      if let d { pairs.append(("default", .number(Double(d)))) }
    case .keyword(let choices, let list, let d):
      pairs.append(("values", .array(choices.map { .string($0.value) })))
      pairs.append(("list", .bool(list)))
      if let d { pairs.append(("default", .string(d))) }
    case .flag(let d):
      pairs.append(("default", .bool(d)))
    case .mapping(let keys), .mappings(let keys):
      if !keys.isEmpty { pairs.append(("keys", .array(keys.map(json)))) }
    default: break
    }
    if let w = key.whenAbsent { pairs.append(("when_absent", .string(w))) }
    return .object(pairs)
  }

  /// The reference as JSON: `{"top_level": [...], "effects": [{"name", "summary", "keys"}]}`,
  /// or one effect's object when `effect` is given.
  public static func json(effect: (any RecipeEffect.Type)? = nil) -> JSONValue {
    func one(_ e: any RecipeEffect.Type) -> JSONValue {
      .object([
        ("name", .string(e.name)), ("summary", .string(e.summary)), ("example", .string(e.example)),
        ("keys", .array(e.allKeys.map(json))),
      ])
    }
    if let effect { return one(effect) }
    return .object([
      ("top_level", .array(topLevelKeys.map(json))), ("effects", .array(EffectRegistry.all.map(one))),
    ])
  }

  // MARK: - JSON Schema

  static func numberSchema(_ l: RecipeLimits, integer: Bool = false) -> [(String, JSONValue)] {
    var s: [(String, JSONValue)] = [("type", .string(integer ? "integer" : "number"))]
    s.append((l.lowerOpen ? "exclusiveMinimum" : "minimum", .number(l.lower)))
    if let u = l.upper { s.append(("maximum", .number(u))) }
    return s
  }

  static func schema(_ key: RecipeKey) -> JSONValue {
    var s: [(String, JSONValue)] = [("description", .string(key.help))]
    switch key.kind {
    case .number(let l, _):
      let n = JSONValue.object(numberSchema(l))
      let list = JSONValue.object([("type", .string("array")), ("items", n), ("minItems", .number(1))])
      let pair = JSONValue.object([
        ("type", .string("array")), ("items", n), ("minItems", .number(2)), ("maxItems", .number(2)),
      ])
      func form(_ name: String, _ v: JSONValue) -> JSONValue {
        .object([
          ("type", .string("object")), ("properties", .object([(name, v)])),
          ("required", .array([.string(name)])), ("additionalProperties", .bool(false)),
        ])
      }
      s.append(("oneOf", .array([n, list, form("uniform", pair), form("cycle", list)])))
    case .plain(let l, _):
      s += numberSchema(l)
    case .integer(let r, _, _):
      s.append(("type", .string("integer")))
      s.append(("minimum", .number(Double(r.lowerBound))))
      if r.upperBound != Int.max { s.append(("maximum", .number(Double(r.upperBound)))) }
    case .keyword(let choices, let list, _):
      let e = JSONValue.object([("enum", .array(choices.map { .string($0.value) }))])
      if list {
        s.append((
          "oneOf",
          .array([
            e,
            .object([
              ("type", .string("array")), ("items", e), ("minItems", .number(1)),
              ("uniqueItems", .bool(true)),
            ]),
          ])
        ))
      } else {
        s.append(("enum", .array(choices.map { .string($0.value) })))
      }
    case .flag:
      s.append(("type", .string("boolean")))
    case .text:
      s += [("type", .string("string")), ("minLength", .number(1))]
    case .texts:
      s += [
        ("type", .string("array")), ("items", .object([("type", .string("string")), ("minLength", .number(1))])),
        ("minItems", .number(1)),
      ]
    case .weights:
      s += [
        ("type", .string("object")), ("minProperties", .number(1)),
        ("additionalProperties", .object([("type", .string("number")), ("exclusiveMinimum", .number(0))])),
      ]
    case .mapping(let keys):
      s += objectSchema(keys)
    case .mappings(let keys):
      s += [("type", .string("array")), ("minItems", .number(1)), ("items", .object(objectSchema(keys)))]
    case .effectList:
      s.append(("type", .string("array")))
    }
    return .object(s)
  }

  static func objectSchema(_ keys: [RecipeKey]) -> [(String, JSONValue)] {
    var s: [(String, JSONValue)] = [
      ("type", .string("object")),
      ("properties", .object(keys.map { ($0.name, schema($0)) })),
      ("additionalProperties", .bool(false)),
    ]
    let required = keys.filter(\.required).map { JSONValue.string($0.name) }
    if !required.isEmpty { s.append(("required", .array(required))) }
    return s
  }

  /// A JSON Schema (draft-07) for recipe files. It checks key names, types, ranges and
  /// required keys; what lies between keys (low_hz below high_hz, one noise source) is left to
  /// `recipe check`, which remains the authority.
  public static func schema() -> JSONValue {
    let effectItems: [JSONValue] = EffectRegistry.all.map { e in
      .object([
        ("type", .string("object")),
        ("properties", .object([(e.name, .object(objectSchema(e.allKeys))), ("probability", schema(.probability))])),
        ("required", .array([.string(e.name)])),
        ("additionalProperties", .bool(false)),
        ("description", .string(e.summary)),
      ])
    }
    let top: [(String, JSONValue)] = topLevelKeys.map { key in
      key.name == "effects"
        ? (key.name, .object([("description", .string(key.help)), ("type", .string("array")), ("items", .object([("oneOf", .array(effectItems))]))]))
        : (key.name, schema(key))
    }
    return .object([
      ("$schema", .string("http://json-schema.org/draft-07/schema#")),
      ("$id", .string("https://audioamp.invalid/recipe.schema.json")),
      ("title", .string("audioamp recipe")),
      ("type", .string("object")),
      ("properties", .object(top)),
      ("required", .array([.string("effects")])),
      ("additionalProperties", .bool(false)),
    ])
  }
}
