import Foundation

extension AudioProfile {
  /// Format version written as `audioamp_profile`.
  public static let formatVersion = 1

  /// The profile as JSON: a header, the categorical shares, one entry per measure with count,
  /// missing, mean, quantiles (`p05` … `p95`) and the histogram (range and 20 counts), then every
  /// file's measures (which is what ``parse(json:path:)`` reads back).
  public var json: JSONValue {
    func r(_ v: Double?, _ scale: Double = 1000) -> JSONValue {
      guard let v, v.isFinite else { return .null }
      return .number((v * scale).rounded() / scale)
    }
    let measures: [(String, JSONValue)] = distributions.map { d in
      (d.key, .object([
        ("unit", .string(d.unit)), ("count", .number(Double(d.values.count))), ("missing", .number(Double(d.missing))),
        ("mean", r(d.mean)),
        ("quantiles", .object(MeasureDistribution.quantileLevels.map { q in
          (String(format: "p%02d", Int((q * 100).rounded())), r(d.quantile(q)))
        })),
        ("histogram", .object([
          ("lower", .number(d.lower)), ("upper", .number(d.upper)),
          ("counts", .array(d.counts.map { .number(Double($0)) })),
        ])),
      ]))
    }
    let summary: JSONValue = .object([
      ("narrowband_share", r(narrowbandShare)),
      ("codec_families", .object(codecFamilyShares.map { ($0.0.rawValue, r($0.1)) })),
      ("noise_categories", .object(noiseCategoryShares.map { ($0.0, r($0.1)) })),
      ("clipped_share", r(share { $0.clippedFraction > Self.clippedFileFraction })),
      ("hum_share", r(share { $0.humDB > Self.humFileDB })),
    ])
    return .object([
      ("audioamp_profile", .number(Double(Self.formatVersion))), ("source", .string(source)),
      ("files_measured", .number(Double(files.count))), ("files_failed", .number(Double(failures.count))),
      ("failures", .array(failures.map { .object([("id", .string($0.id)), ("reason", .string($0.reason))]) })),
      ("summary", summary), ("measures", .object(measures)),
      ("files", .array(files.map(\.json))),
    ])
  }

  /// Reads a profile written by ``json`` (the per-file records; everything else is derived).
  /// Throws ``ProfileError/badProfile(path:field:detail:)`` naming the field at fault.
  public static func parse(json text: String, path: String) throws -> AudioProfile {
    let root: JSONValue
    do { root = try JSONValue.parse(text) } catch let e as JSONParseError {
      throw ProfileError.badProfile(path: path, field: "offset \(e.offset)", detail: "not JSON (\(e.message))")
    }
    guard root["audioamp_profile"]?.numberValue == Double(formatVersion) else {
      throw ProfileError.badProfile(
        path: path, field: "audioamp_profile", detail: "missing or not \(formatVersion): this is not an audioamp profile")
    }
    guard case .array(let items)? = root["files"] else {
      throw ProfileError.badProfile(path: path, field: "files", detail: "missing or not an array")
    }
    var files: [FileMeasures] = []
    for (i, item) in items.enumerated() {
      files.append(try FileMeasures(json: item, path: path, field: "files[\(i)]"))
    }
    var failures: [ProfileFailure] = []
    if case .array(let fs)? = root["failures"] {
      for f in fs { failures.append(ProfileFailure(id: f["id"]?.stringValue ?? "", reason: f["reason"]?.stringValue ?? "")) }
    }
    return AudioProfile(source: root["source"]?.stringValue ?? path, files: files, failures: failures)
  }

  /// Reads a profile file.
  public static func load(path: String) throws -> AudioProfile {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ProfileError.badProfile(path: path, field: "file", detail: "cannot be read (\(error.localizedDescription))")
    }
    return try parse(json: text, path: path)
  }
}

extension FileMeasures {
  /// One file's measures as a JSON object (nil values as null).
  public var json: JSONValue {
    func r(_ v: Double?, _ scale: Double = 1000) -> JSONValue {
      guard let v, v.isFinite else { return .null }
      return .number((v * scale).rounded() / scale)
    }
    return .object([
      ("id", .string(id)), ("duration_s", r(durationSeconds)), ("sample_rate", .number(Double(sampleRate))),
      ("active_level_dbfs", r(activeLevelDBFS)), ("activity_factor", r(activityFactor)), ("snr_db", r(snrDB)),
      ("wada_snr_db", r(wadaSNRDB)), ("noise_level_dbfs", r(noiseLevelDBFS)), ("upper_edge_hz", r(upperEdgeHz)),
      ("lower_edge_hz", r(lowerEdgeHz)), ("narrowband", .bool(narrowband)), ("codec_family", .string(codecFamily.rawValue)),
      ("gsm_lattice_score", r(gsmLatticeScore, 1e5)), ("celp_sparsity", r(celpSparsity, 1e5)), ("clipped_fraction", r(clippedFraction, 1e7)), ("dc_dbfs", r(dcDBFS)),
      ("hum_hz", r(humHz)), ("hum_db", r(humDB)), ("rt60_s", r(rt60Seconds)), ("c50_db", r(c50DB)),
      ("decays", .number(Double(decayCount))),
      ("noise_features", noiseFeatures.map { .array($0.map { r($0) }) } ?? .null),
      ("noise_category", noiseCategory.map { .string($0) } ?? .null),
      ("noise_category_confidence", r(noiseCategoryConfidence)), ("speaking_rate_per_s", r(speakingRate)),
    ])
  }

  /// Reads the object written by ``json``; `field` locates it in error messages.
  init(json v: JSONValue, path: String, field: String) throws {
    func bad(_ key: String, _ detail: String) -> ProfileError {
      .badProfile(path: path, field: "\(field).\(key)", detail: detail)
    }
    func num(_ key: String) throws -> Double? {
      switch v[key] {
      case nil, .null?: return nil
      case .number(let d)?: return d
      default: throw bad(key, "expected a number or null")
      }
    }
    func req(_ key: String) throws -> Double {
      guard let d = try num(key) else { throw bad(key, "missing") }
      return d
    }
    guard case .object = v else {
      throw ProfileError.badProfile(path: path, field: field, detail: "expected an object")
    }
    guard let id = v["id"]?.stringValue else { throw bad("id", "missing or not a string") }
    let famName = v["codec_family"]?.stringValue ?? "none"
    guard let fam = CodecFamily(rawValue: famName) else {
      throw bad("codec_family", "unknown family '\(famName)' (one of \(CodecFamily.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    var features: [Double]? = nil
    if case .array(let a)? = v["noise_features"] { features = a.compactMap(\.numberValue) }
    var narrow = false
    if case .bool(let b)? = v["narrowband"] { narrow = b }
    self.init(
      id: id, durationSeconds: try req("duration_s"), sampleRate: Int(try req("sample_rate")),
      activeLevelDBFS: try num("active_level_dbfs") ?? -.infinity, activityFactor: try num("activity_factor") ?? 0,
      snrDB: try num("snr_db"), wadaSNRDB: try num("wada_snr_db"), noiseLevelDBFS: try num("noise_level_dbfs"),
      upperEdgeHz: try num("upper_edge_hz") ?? 0, lowerEdgeHz: try num("lower_edge_hz") ?? 0, narrowband: narrow,
      codecFamily: fam, gsmLatticeScore: try num("gsm_lattice_score") ?? 0, celpSparsity: try num("celp_sparsity") ?? 0,
      clippedFraction: try num("clipped_fraction") ?? 0, dcDBFS: try num("dc_dbfs") ?? -120, humHz: try num("hum_hz") ?? 50,
      humDB: try num("hum_db") ?? 0, rt60Seconds: try num("rt60_s"), c50DB: try num("c50_db"),
      decayCount: Int(try num("decays") ?? 0), noiseFeatures: features, noiseCategory: v["noise_category"]?.stringValue,
      noiseCategoryConfidence: try num("noise_category_confidence"), speakingRate: try num("speaking_rate_per_s"))
  }
}
