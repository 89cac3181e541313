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
  private var collected: [(line: Int, column: Int, order: Int, diagnostic: RecipeDiagnostic)] = []

  init(path: String, noiseCategories: [String]) {
    self.path = path
    self.noiseCategories = noiseCategories
  }

  static let topKeys = ["sample_rate", "variants", "seed", "clip_guard", "description", "effects"]
  static let effectNames = [
    "noise", "band_limit", "speed", "pitch", "tempo", "gain", "codec", "handset", "agc",
    "compressor", "clipping",
  ]
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
      if let kind = decoded.kind, let probability, ok {
        let mark = entry.key.mark
        result = EffectSpec(
          kind: kind, probability: probability, index: index,
          location: SourceLocation(line: mark?.line ?? 1, column: mark?.column ?? 1),
          fieldPath: effectField)
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
    var kind: EffectKind?
    var probabilityNode: Entry?
  }

  static func example(_ effect: String) -> String {
    switch effect {
    case "noise": return "{category: traffic, snr_db: {uniform: [5, 20]}}"
    case "band_limit": return "{low_hz: 300, high_hz: 3400}"
    case "speed": return "{factor: [0.9, 1.0, 1.1]}"
    case "pitch": return "{semitones: {uniform: [-2, 2]}}"
    case "tempo": return "{factor: {uniform: [0.9, 1.1]}}"
    case "codec": return "{name: amr-nb, mode: [4.75, 7.95, 12.2]}"
    case "handset": return "{type: [irs, mobile]}"
    case "agc": return "{target_db: -26}"
    case "compressor": return "{threshold_db: -20, ratio: 4}"
    case "clipping": return "{fraction: {uniform: [0, 0.01]}}"
    default: return "{db: {uniform: [-6, 6]}}"
    }
  }

  static func settingKeys(_ effect: String) -> [String] {
    switch effect {
    case "noise":
      return [
        "category", "categories", "dir", "index", "babble", "snr_db", "snr_reference", "split", "licences",
        "exclude_licences", "probability",
      ]
    case "codec":
      return [
        "name", "law", "mode", "mode_switch_s", "dtx", "bandwidth", "bitrate_kbps", "mp3_bitrate_kbps",
        "packet_loss", "probability",
      ]
    case "handset": return ["type", "probability"]
    case "agc": return ["target_db", "max_gain_db", "time_s", "probability"]
    case "compressor":
      return ["threshold_db", "ratio", "attack_ms", "release_ms", "makeup_db", "probability"]
    case "clipping": return ["mode", "threshold_db", "fraction", "probability"]
    case "band_limit":
      return ["low_hz", "high_hz", "stopband_db", "transition_hz", "probability"]
    case "speed", "tempo": return ["factor", "probability"]
    case "pitch": return ["semitones", "probability"]
    default: return ["db", "probability"]
    }
  }

  mutating func decodeEffectSettings(
    _ effect: String, _ node: Node, key: Node, field: String, sampleRate: Int?
  ) -> DecodedSettings {
    guard case .mapping(let mapping) = node else {
      if isNull(node) {
        report(
          node, field,
          "no settings given; write them as a mapping, e.g. '\(effect): "
            + "\(Self.example(effect))'")
      } else {
        report(
          node, field,
          "expected its settings as a mapping, e.g. '\(effect): \(Self.example(effect))'; "
            + "found \(describeKind(node))")
      }
      return DecodedSettings()
    }
    let entries = self.entries(of: mapping, field: field, allowed: Self.settingKeys(effect))
    var settings = DecodedSettings(probabilityNode: entries["probability"])
    var kind: EffectKind?
    switch effect {
    case "noise":
      kind = decodeNoise(entries, key: key, field: field)
    case "band_limit":
      kind = decodeBandLimit(entries, key: key, field: field, sampleRate: sampleRate)
    case "speed":
      kind = required(
        entries, "factor", key: key, field: field, limits: .closed(0.25, 4, ""),
        example: "factor: [0.9, 1.0, 1.1]"
      ).map { .speed(SpeedSpec(factor: $0)) }
    case "tempo":
      kind = required(
        entries, "factor", key: key, field: field, limits: .closed(0.25, 4, ""),
        example: "factor: {uniform: [0.9, 1.1]}"
      ).map { .tempo(TempoSpec(factor: $0)) }
    case "pitch":
      kind = required(
        entries, "semitones", key: key, field: field, limits: .closed(-24, 24, " semitones"),
        example: "semitones: {uniform: [-2, 2]}"
      ).map { .pitch(PitchSpec(semitones: $0)) }
    case "codec":
      kind = decodeCodec(entries, key: key, field: field)
    case "handset":
      kind = decodeHandset(entries, key: key, field: field)
    case "agc":
      kind = decodeAGC(entries, field: field)
    case "compressor":
      kind = decodeCompressor(entries, key: key, field: field)
    case "clipping":
      kind = decodeClipping(entries, key: key, field: field)
    default:
      kind = required(
        entries, "db", key: key, field: field, limits: .closed(-60, 40, " dB"),
        example: "db: {uniform: [-6, 6]}"
      ).map { .gain(GainSpec(db: $0)) }
    }
    settings.kind = entries.isClean ? kind : nil
    return settings
  }

  mutating func required(
    _ entries: Entries, _ name: String, key: Node, field: String, limits: Limits, example: String
  ) -> NumberSpec? {
    guard let entry = entries[name] else {
      if entries.suggested.contains(name) { return nil }
      report(
        key, "\(field).\(name)",
        "missing; add it, e.g. '\(example)' (allowed \(limits.describe()))")
      return nil
    }
    return numberSpec(entry.value, "\(field).\(name)", limits: limits)
  }

  mutating func decodeNoise(_ entries: Entries, key: Node, field: String) -> EffectKind? {
    let sourceKeys = ["category", "categories", "dir", "babble"]
    let given = entries.ordered.filter { sourceKeys.contains($0.name) }
    let indexEntry = entries["index"]
    var source: NoiseSource?
    var index: String?
    var ok = true
    if let entry = indexEntry {
      index = string(entry.value, "\(field).index", example: "index: ~/data/musan")
      if index == nil { ok = false }
    }
    if given.isEmpty && indexEntry == nil {
      ok = false
      if entries.suggested.isDisjoint(with: sourceKeys + ["index"]) {
        report(
          key, field,
          "no noise source; add exactly one of category (e.g. 'category: traffic'), categories "
            + "(e.g. 'categories: {traffic: 0.7, crowd: 0.3}'), dir (a folder of noise files), index "
            + "(a noise index) or babble (e.g. 'babble: {talkers: [3, 7]}')")
      }
    }
    for extra in given.dropFirst() {
      report(
        extra.key, "\(field).\(extra.name)",
        "only one noise source is allowed, and '\(given[0].name)' is already given; remove one "
          + "(to mix categories use 'categories: {traffic: 0.7, crowd: 0.3}')")
      ok = false
    }
    if let first = given.first {
      let sourceField = "\(field).\(first.name)"
      switch first.name {
      case "category":
        // Categories of another index are checked against that index when the run starts.
        if let name = string(first.value, sourceField, example: "category: traffic"),
          indexEntry != nil || checkCategory(name, first.value, sourceField)
        {
          source = .category(name)
        }
      case "categories":
        source = decodeCategories(first.value, sourceField, checkNames: indexEntry == nil)
      case "babble":
        source = decodeBabble(first.value, sourceField)
      default:
        if let folder = string(first.value, sourceField, example: "dir: noise-library/traffic") {
          source = .dir(folder)
        }
      }
      if let entry = indexEntry, first.name == "dir" || first.name == "babble" {
        report(
          entry.key, "\(field).index",
          "index names where categories are looked up; it does not go with \(first.name); remove one")
        ok = false
      }
    } else if let index {
      source = .index(index)
    }
    let snr = required(
      entries, "snr_db", key: key, field: field, limits: .closed(-20, 100, " dB"),
      example: "snr_db: {uniform: [5, 20]}")
    var reference = SNRReference.rms
    if let entry = entries["snr_reference"] {
      if let value: SNRReference = keyword(
        entry.value, "\(field).snr_reference", example: "snr_reference: active_speech",
        meanings: "'rms' (whole-utterance RMS) or 'active_speech' (ITU-T P.56 active level)")
      {
        reference = value
      } else {
        ok = false
      }
    }
    var split: NoiseSplit?
    if let entry = entries["split"] {
      split = keyword(entry.value, "\(field).split", example: "split: train", meanings: "'train' or 'test'")
      if split == nil { ok = false }
    }
    let licences = entries["licences"].flatMap { stringList($0.value, "\(field).licences", example: "licences: [CC0, CC-BY]") }
    let excluded = entries["exclude_licences"].flatMap { stringList($0.value, "\(field).exclude_licences", example: "exclude_licences: [NC, ND]") }
    if entries["licences"] != nil && licences == nil || entries["exclude_licences"] != nil && excluded == nil { ok = false }
    if case .babble = source {
      for name in ["split", "licences", "exclude_licences"] {
        if let entry = entries[name] {
          report(entry.key, "\(field).\(name)", "babble is made from the corpus itself; \(name) applies to noise files only; remove it")
          ok = false
        }
      }
    }
    guard ok, let source, let snr else { return nil }
    var spec = NoiseSpec(source: source, snrDB: snr, snrReference: reference)
    if case .index = source {} else { spec.index = index }
    spec.split = split
    spec.licences = licences
    spec.excludeLicences = excluded
    return .noise(spec)
  }

  /// `babble: {talkers: N}` with N a number form from 1 to 32.
  mutating func decodeBabble(_ node: Node, _ field: String) -> NoiseSource? {
    guard case .mapping(let mapping) = node else {
      report(node, field, "expected settings, e.g. 'babble: {talkers: [3, 7]}'; found \(describeKind(node))")
      return nil
    }
    let entries = self.entries(of: mapping, field: field, allowed: ["talkers"])
    guard entries.isClean else { return nil }
    guard let talkers = required(
      entries, "talkers", key: node, field: field, limits: .closed(1, 32, ""), example: "talkers: [3, 7]")
    else { return nil }
    return .babble(talkers: talkers)
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

  mutating func checkCategory(_ name: String, _ node: Node, _ field: String) -> Bool {
    guard !noiseCategories.isEmpty, !noiseCategories.contains(name) else { return true }
    let hint =
      Suggestion.closest(to: name, among: noiseCategories).map {
        "did you mean '\($0)'? "
      } ?? ""
    report(
      node, field,
      "unknown noise category '\(name)'; \(hint)Available: "
        + noiseCategories.joined(separator: ", ") + " (or use 'dir:' for your own folder)")
    return false
  }

  mutating func decodeCategories(_ node: Node, _ field: String, checkNames: Bool = true) -> NoiseSource? {
    guard case .mapping(let mapping) = node, !mapping.isEmpty else {
      report(
        node, field,
        "expected category names with weights, e.g. 'categories: {traffic: 0.7, crowd: 0.3}'; "
          + "found \(describeKind(node))")
      return nil
    }
    let entries = self.entries(of: mapping, field: field, allowed: nil)
    var ok = entries.isClean
    var weighted: [(name: String, weight: Double)] = []
    for entry in entries.ordered {
      let entryField = "\(field).\(entry.name)"
      if checkNames && !checkCategory(entry.name, entry.key, entryField) { ok = false }
      guard
        let weight = plainNumber(
          entry.value, entryField, unit: "", example: "\(entry.name): 0.5")
      else {
        ok = false
        continue
      }
      if weight <= 0 {
        report(
          entry.value, entryField,
          "weight \(format(weight)) must be greater than 0 (weights are relative, e.g. 0.7 and "
            + "0.3); remove the category to leave it out")
        ok = false
      }
      weighted.append((entry.name, weight))
    }
    return ok ? .categories(weighted) : nil
  }

  mutating func decodeBandLimit(_ entries: Entries, key: Node, field: String, sampleRate: Int?)
    -> EffectKind?
  {
    var ok = true
    var spec = BandLimitSpec()
    let low = entries["low_hz"].map {
      (node: $0.value, spec: numberSpec($0.value, "\(field).low_hz", limits: .positive(" Hz")))
    }
    let high = entries["high_hz"].map {
      (node: $0.value, spec: numberSpec($0.value, "\(field).high_hz", limits: .positive(" Hz")))
    }
    if low == nil && high == nil {
      ok = false
      if entries.suggested.isDisjoint(with: ["low_hz", "high_hz"]) {
        report(
          key, field,
          "give low_hz (high-pass cutoff), high_hz (low-pass cutoff) or both, in Hz, e.g. "
            + "'band_limit: {low_hz: 300, high_hz: 3400}'")
      }
    }
    if let low, low.spec == nil { ok = false }
    if let high, high.spec == nil { ok = false }
    if let lowSpec = low?.spec, let highSpec = high?.spec, let lowNode = low?.node,
      lowSpec.range.upperBound >= highSpec.range.lowerBound
    {
      let message: String
      if lowSpec.isConstant && highSpec.isConstant {
        message =
          "\(format(lowSpec.range.upperBound)) Hz is not below high_hz "
          + "\(format(highSpec.range.lowerBound)) Hz; the pass band runs from low_hz up to "
          + "high_hz, so low_hz must be the smaller"
      } else {
        message =
          "can be as high as \(format(lowSpec.range.upperBound)) Hz while high_hz can be as low as "
          + "\(format(highSpec.range.lowerBound)) Hz; every low_hz must be below every high_hz, "
          + "so make the ranges not overlap"
      }
      report(lowNode, "\(field).low_hz", message)
      ok = false
    }
    if let sampleRate {
      let nyquist = Double(sampleRate) / 2
      for (name, part) in [("low_hz", low), ("high_hz", high)] {
        guard let part, let partSpec = part.spec, partSpec.range.upperBound >= nyquist else {
          continue
        }
        let value = format(partSpec.range.upperBound)
        let what = partSpec.isConstant ? "\(value) Hz is" : "can reach \(value) Hz, which is"
        report(
          part.node, "\(field).\(name)",
          "\(what) not below the Nyquist frequency \(format(nyquist)) Hz (half of sample_rate "
            + "\(sampleRate)); lower it or raise sample_rate")
        ok = false
      }
    }
    spec.lowHz = low?.spec
    spec.highHz = high?.spec
    if let entry = entries["stopband_db"] {
      let stopField = "\(field).stopband_db"
      if let value = plainNumber(entry.value, stopField, unit: " dB", example: "stopband_db: 60") {
        if (20...140).contains(value) {
          spec.stopbandDB = value
        } else {
          report(
            entry.value, stopField,
            "\(format(value)) is out of range; use a value from 20 to 140 dB (default 60)")
          ok = false
        }
      } else {
        ok = false
      }
    }
    if let entry = entries["transition_hz"] {
      let transitionField = "\(field).transition_hz"
      if let value = plainNumber(
        entry.value, transitionField, unit: " Hz", example: "transition_hz: 200")
      {
        if value > 0 {
          spec.transitionHz = value
        } else {
          report(
            entry.value, transitionField,
            "\(format(value)) must be greater than 0 Hz; remove the key to let the filter "
              + "design choose")
          ok = false
        }
      } else {
        ok = false
      }
    }
    return ok ? .bandLimit(spec) : nil
  }
}
