import Yams

/// Decoding of the phone-channel effects: `codec` (with `packet_loss`), `handset`, `agc`,
/// `compressor` and `clipping`, plus the keyword, list-of-keywords, boolean and bounded-number
/// helpers they share.
extension RecipeDecoder {
  // MARK: - Shared helpers

  /// A keyword from `T`'s raw values, with a "did you mean" hint for a near miss.
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

  /// One keyword or a non-empty list of them (drawn with equal chances), duplicates rejected.
  mutating func keywords<T: RawRepresentable & CaseIterable & Equatable>(
    _ node: Node, _ field: String, example: String, meanings: String
  ) -> [T]? where T.RawValue == String {
    guard case .sequence(let sequence) = node else {
      let one: T? = keyword(node, field, example: example, meanings: meanings)
      return one.map { [$0] }
    }
    guard !sequence.isEmpty else {
      report(node, field, "empty list; name at least one, e.g. '\(example)'")
      return nil
    }
    var out: [T] = []
    var ok = true
    for (i, item) in sequence.enumerated() {
      let itemField = "\(field)[\(i)]"
      guard let value: T = keyword(item, itemField, example: example, meanings: meanings) else {
        ok = false
        continue
      }
      if out.contains(value) {
        report(item, itemField, "'\(value.rawValue)' is listed twice; list each once")
        ok = false
      }
      out.append(value)
    }
    return ok ? out : nil
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

  /// A plain number within `limits` (an optional key: nil entry gives `fallback`).
  mutating func bounded(
    _ entry: Entry?, _ field: String, limits: Limits, fallback: Double, example: String
  ) -> Double? {
    guard let entry else { return fallback }
    guard let value = plainNumber(entry.value, field, unit: limits.unit, example: example) else {
      return nil
    }
    guard limits.contains(value) else {
      report(
        entry.value, field,
        "\(format(value)) is out of range; use a value \(limits.describe()) (default "
          + "\(format(fallback))\(limits.unit))")
      return nil
    }
    return value
  }

  /// An optional number spec: the entry's, or `fallback` when absent.
  mutating func optionalSpec(_ entry: Entry?, _ field: String, limits: Limits, fallback: NumberSpec)
    -> NumberSpec?
  {
    guard let entry else { return fallback }
    return numberSpec(entry.value, field, limits: limits)
  }

  // MARK: - codec

  static let codecKeys: [(key: String, codec: CodecName)] = [
    ("law", .g711), ("mode", .amrNB), ("mode_switch_s", .amrNB), ("dtx", .amrNB),
    ("bandwidth", .opus), ("bitrate_kbps", .opus), ("mp3_bitrate_kbps", .mp3),
  ]

  mutating func decodeCodec(_ entries: Entries, key: Node, field: String) -> EffectKind? {
    let codecMeanings = "g711, gsm-fr, amr-nb, opus or mp3, or a list of them (one drawn per output)"
    guard let nameEntry = entries["name"] else {
      if !entries.suggested.contains("name") {
        report(
          key, "\(field).name",
          "missing; add the codec, e.g. 'name: amr-nb'; use \(codecMeanings)")
      }
      return nil
    }
    let parsed: [CodecName]? = keywords(
      nameEntry.value, "\(field).name", example: "name: [amr-nb, gsm-fr]", meanings: codecMeanings)
    // With a bad name, still check the other settings (as if every codec were named), so one
    // pass reports everything.
    let names = parsed ?? CodecName.allCases
    var ok = parsed != nil
    var spec = CodecSpec(names: names)
    // A setting for a codec that is not named would silently do nothing: reject it.
    for (settingKey, codec) in Self.codecKeys {
      guard let entry = entries[settingKey], !names.contains(codec) else { continue }
      report(
        entry.key, "\(field).\(settingKey)",
        "applies only to \(codec.rawValue), which is not among the codecs named ("
          + names.map(\.rawValue).joined(separator: ", ") + "); remove it or add \(codec.rawValue)")
      ok = false
    }
    if let entry = entries["law"], names.contains(.g711) {
      if let law: G711.Law = keyword(
        entry.value, "\(field).law", example: "law: a", meanings: "'mu' (µ-law) or 'a' (A-law)")
      {
        spec.law = law
      } else {
        ok = false
      }
    }
    if let entry = entries["mode"], names.contains(.amrNB) {
      let modeField = "\(field).mode"
      if let mode = numberSpec(entry.value, modeField, limits: .closed(4.75, 12.2, " kbit/s")) {
        let allowed = AMRNBCodec.modes.map { format($0) }.joined(separator: ", ")
        switch mode {
        case .uniform:
          report(
            entry.value, modeField,
            "AMR-NB has eight fixed modes, so a uniform range cannot be used; list the modes "
              + "to draw from, e.g. 'mode: [4.75, 7.95, 12.2]' (modes: \(allowed))")
          ok = false
        case .constant(let v) where AMRNBCodec.modeIndex(v) == nil:
          report(entry.value, modeField, "\(format(v)) is not an AMR-NB mode; use one of \(allowed)")
          ok = false
        case .choice(let list), .cycle(let list):
          if let bad = list.first(where: { AMRNBCodec.modeIndex($0) == nil }) {
            report(
              entry.value, modeField,
              "\(format(bad)) is not an AMR-NB mode; use only \(allowed)")
            ok = false
          } else {
            spec.amrMode = mode
          }
        default:
          spec.amrMode = mode
        }
      } else {
        ok = false
      }
    }
    if names.contains(.amrNB) {
      if let entry = entries["mode_switch_s"] {
        if let value = bounded(
          entry, "\(field).mode_switch_s", limits: .closed(0.02, 60, " s"), fallback: 0,
          example: "mode_switch_s: 2")
        {
          spec.modeSwitchSeconds = value
        } else {
          ok = false
        }
      }
      if let entry = entries["dtx"] {
        if let value = boolean(entry.value, "\(field).dtx", example: "dtx: true") {
          spec.dtx = value
        } else {
          ok = false
        }
      }
    }
    if names.contains(.opus) {
      if let entry = entries["bandwidth"] {
        if let value: OpusCodec.Bandwidth = keyword(
          entry.value, "\(field).bandwidth", example: "bandwidth: wideband",
          meanings: "narrowband (4 kHz), mediumband (6 kHz) or wideband (8 kHz)")
        {
          spec.opusBandwidth = value
        } else {
          ok = false
        }
      }
      if let value = optionalSpec(
        entries["bitrate_kbps"], "\(field).bitrate_kbps", limits: .closed(6, 64, " kbit/s"),
        fallback: .constant(16))
      {
        spec.bitrateKbps = value
      } else {
        ok = false
      }
    }
    if names.contains(.mp3) {
      if let value = optionalSpec(
        entries["mp3_bitrate_kbps"], "\(field).mp3_bitrate_kbps", limits: .closed(8, 160, " kbit/s"),
        fallback: .constant(24))
      {
        spec.mp3BitrateKbps = value
      } else {
        ok = false
      }
    }
    if let entry = entries["packet_loss"], parsed?.contains(.mp3) == true {
      report(
        entry.key, "\(field).packet_loss",
        "applies to the frame codecs (g711, gsm-fr, amr-nb, opus), not mp3; put mp3 in a codec effect of its own")
      ok = false
    } else if let entry = entries["packet_loss"] {
      if let loss = decodePacketLoss(entry.value, "\(field).packet_loss") {
        spec.packetLoss = loss
      } else {
        ok = false
      }
    }
    return ok ? .codec(spec) : nil
  }

  mutating func decodePacketLoss(_ node: Node, _ field: String) -> PacketLossSpec? {
    guard case .mapping(let mapping) = node else {
      report(
        node, field,
        "expected a mapping, e.g. 'packet_loss: {rate: 0.05, burst: 2}'; found \(describeKind(node))")
      return nil
    }
    let entries = self.entries(of: mapping, field: field, allowed: ["rate", "burst"])
    guard let rateEntry = entries["rate"] else {
      if !entries.suggested.contains("rate") {
        report(
          node, "\(field).rate",
          "missing; add the long-run fraction of lost frames, e.g. 'rate: 0.05' (allowed from 0 to 0.5)")
      }
      return nil
    }
    let rate = numberSpec(rateEntry.value, "\(field).rate", limits: .closed(0, 0.5, ""))
    let burst = optionalSpec(
      entries["burst"], "\(field).burst", limits: .closed(1, 50, " frames"), fallback: .constant(1))
    guard entries.isClean, let rate, let burst else { return nil }
    return PacketLossSpec(rate: rate, burst: burst)
  }

  // MARK: - handset, agc, compressor, clipping

  mutating func decodeHandset(_ entries: Entries, key: Node, field: String) -> EffectKind? {
    guard let entry = entries["type"] else {
      if !entries.suggested.contains("type") {
        report(key, "\(field).type", "missing; add the response, e.g. 'type: irs' (irs or mobile, or a list)")
      }
      return nil
    }
    let types: [HandsetType]? = keywords(
      entry.value, "\(field).type", example: "type: [irs, mobile]",
      meanings: "irs (IRS-like send response) or mobile (mobile handset), or a list of them")
    return types.map { .handset(HandsetSpec(types: $0)) }
  }

  mutating func decodeAGC(_ entries: Entries, field: String) -> EffectKind? {
    let target = optionalSpec(
      entries["target_db"], "\(field).target_db", limits: .closed(-50, -6, " dB"), fallback: .constant(-26))
    let maxGain = bounded(
      entries["max_gain_db"], "\(field).max_gain_db", limits: .closed(0, 40, " dB"), fallback: 20,
      example: "max_gain_db: 20")
    let time = bounded(
      entries["time_s"], "\(field).time_s", limits: .closed(0.05, 10, " s"), fallback: 1, example: "time_s: 1")
    guard let target, let maxGain, let time else { return nil }
    return .agc(AGCSpec(targetDB: target, maxGainDB: maxGain, timeSeconds: time))
  }

  mutating func decodeCompressor(_ entries: Entries, key: Node, field: String) -> EffectKind? {
    let threshold = required(
      entries, "threshold_db", key: key, field: field, limits: .closed(-60, 0, " dB"),
      example: "threshold_db: -20")
    let ratio = optionalSpec(entries["ratio"], "\(field).ratio", limits: .closed(1, 20, ""), fallback: .constant(4))
    let attack = bounded(
      entries["attack_ms"], "\(field).attack_ms", limits: .closed(0.1, 200, " ms"), fallback: 5,
      example: "attack_ms: 5")
    let release = bounded(
      entries["release_ms"], "\(field).release_ms", limits: .closed(1, 2000, " ms"), fallback: 100,
      example: "release_ms: 100")
    let makeup = bounded(
      entries["makeup_db"], "\(field).makeup_db", limits: .closed(0, 40, " dB"), fallback: 0,
      example: "makeup_db: 6")
    guard let threshold, let ratio, let attack, let release, let makeup else { return nil }
    return .compressor(
      CompressorSpec(thresholdDB: threshold, ratio: ratio, attackMS: attack, releaseMS: release, makeupDB: makeup))
  }

  mutating func decodeClipping(_ entries: Entries, key: Node, field: String) -> EffectKind? {
    var ok = true
    var soft = false
    if let entry = entries["mode"] {
      if let text = string(entry.value, "\(field).mode", example: "mode: soft") {
        if text == "hard" || text == "soft" {
          soft = text == "soft"
        } else {
          let hint = Suggestion.closest(to: text, among: ["hard", "soft"]).map { "did you mean '\($0)'? " } ?? ""
          report(
            entry.value, "\(field).mode",
            "unknown value '\(text)'; \(hint)use 'hard' (flat tops) or 'soft' (tanh saturation)")
          ok = false
        }
      } else {
        ok = false
      }
    }
    let given = entries.ordered.filter { $0.name == "threshold_db" || $0.name == "fraction" }
    if given.isEmpty {
      if entries.suggested.isDisjoint(with: ["threshold_db", "fraction"]) {
        report(
          key, field,
          "give the clip level as threshold_db (e.g. 'threshold_db: -6') or as the fraction of "
            + "samples to clip (e.g. 'fraction: 0.01')")
      }
      return nil
    }
    if given.count > 1 {
      report(
        given[1].key, "\(field).\(given[1].name)",
        "give threshold_db or fraction, not both ('\(given[0].name)' is already given)")
      return nil
    }
    let level: ClipLevel?
    if given[0].name == "threshold_db" {
      level = numberSpec(given[0].value, "\(field).threshold_db", limits: .closed(-40, 0, " dB")).map {
        .thresholdDB($0)
      }
    } else {
      level = numberSpec(given[0].value, "\(field).fraction", limits: .closed(0, 0.5, "")).map {
        .fraction($0)
      }
    }
    guard ok, let level else { return nil }
    return .clipping(ClippingSpec(soft: soft, level: level))
  }
}
