import Foundation

/// Turns a validated recipe's effect list into runnable stages. Adding an effect means one file
/// for it, one case here, and one test file.
public enum EffectRegistry {
  /// Builds the stages of `recipe`. Noise sources are resolved here, before any audio is read:
  /// an unknown category or an unusable noise folder is reported against the recipe line that
  /// names it.
  ///
  /// `babble` loads the speech for `babble:` sources (the corpus being augmented); it is called
  /// at most once, on the first output that needs babble. Without it, such a source fails when
  /// used.
  public static func stages(
    for recipe: Recipe, noiseLibrary: () throws -> NoiseLibrary,
    babble: (@Sendable () throws -> BabblePool)? = nil
  ) throws -> [EffectStage] {
    var problems: [RecipeDiagnostic] = []
    var stages: [EffectStage] = []
    for spec in recipe.effects {
      switch spec.kind {
      case .noise(let n):
        do {
          let effect: NoiseMix
          if case .babble(let talkers) = n.source {
            let loader = babble ?? { throw NoiseLibraryError.badFile(path: recipe.path, detail: "babble needs the corpus being augmented; it is made by mix and plan") }
            effect = NoiseMix(babble: BabbleSource(loader), talkers: talkers, snrDB: n.snrDB, snrReference: n.snrReference)
          } else {
            effect = NoiseMix(pools: try noisePools(n, library: noiseLibrary), snrDB: n.snrDB, snrReference: n.snrReference)
          }
          stages.append(EffectStage(effect, probability: spec.probability, index: spec.index))
        } catch let e as NoiseLibraryError {
          problems.append(
            RecipeDiagnostic(path: recipe.path, line: spec.location.line, column: spec.location.column, field: spec.fieldPath, message: e.description))
        }
      case .bandLimit(let b):
        stages.append(
          EffectStage(
            BandLimit(lowHz: b.lowHz, highHz: b.highHz, stopbandDB: b.stopbandDB, transitionHz: b.transitionHz),
            probability: spec.probability, index: spec.index))
      case .speed(let s):
        stages.append(EffectStage(SpeedChange(factor: s.factor), probability: spec.probability, index: spec.index))
      case .pitch(let p):
        stages.append(EffectStage(PitchShift(semitones: p.semitones), probability: spec.probability, index: spec.index))
      case .tempo(let t):
        stages.append(EffectStage(TempoChange(factor: t.factor), probability: spec.probability, index: spec.index))
      case .gain(let g):
        stages.append(EffectStage(Gain(db: g.db), probability: spec.probability, index: spec.index))
      case .codec(let c):
        stages.append(EffectStage(Codec(spec: c), probability: spec.probability, index: spec.index))
      case .handset(let h):
        stages.append(EffectStage(Handset(types: h.types), probability: spec.probability, index: spec.index))
      case .agc(let a):
        stages.append(EffectStage(AGC(spec: a), probability: spec.probability, index: spec.index))
      case .compressor(let c):
        stages.append(EffectStage(Compressor(spec: c), probability: spec.probability, index: spec.index))
      case .clipping(let c):
        stages.append(EffectStage(Clipping(spec: c), probability: spec.probability, index: spec.index))
      }
    }
    if !problems.isEmpty { throw RecipeError.invalid(problems) }
    return stages
  }

  /// The pools a file-based noise source draws from, after its split and licence filters.
  static func noisePools(_ n: NoiseSpec, library: () throws -> NoiseLibrary) throws -> [NoiseMix.Pool] {
    func lib() throws -> NoiseLibrary {
      guard let index = n.index else { return try library() }
      return try NoiseLibrary(root: NoiseLibrary.root(ofIndex: index))
    }
    var pools: [(String, NoiseMix.Pool)]
    switch n.source {
    case .category(let c):
      pools = [(c, NoiseMix.Pool(weight: 1, files: try lib().files(in: c)))]
    case .categories(let list):
      let l = try lib()
      pools = try list.map { ($0.name, NoiseMix.Pool(weight: $0.weight, files: try l.files(in: $0.name))) }
    case .dir(let d):
      pools = [(d, NoiseMix.Pool(weight: 1, files: try NoiseLibrary.scan(folder: d)))]
    case .index(let path):
      let l = try NoiseLibrary(root: NoiseLibrary.root(ofIndex: path))
      pools = [(path, NoiseMix.Pool(weight: 1, files: l.categories.keys.sorted().flatMap { l.categories[$0]! }.sorted { $0.name < $1.name }))]
    case .babble:
      return []
    }
    for i in pools.indices {
      pools[i].1.files = pools[i].1.files.filter { file in
        if let split = n.split, (file.split ?? NoiseImporter.hashSplit(file.name)) != split.rawValue { return false }
        let licence = (file.licence ?? "").lowercased()
        if let allow = n.licences, !allow.contains(where: { !licence.isEmpty && licence.hasPrefix($0.lowercased()) }) { return false }
        if let deny = n.excludeLicences, deny.contains(where: { licence.contains($0.lowercased()) }) { return false }
        return true
      }
      if pools[i].1.files.isEmpty {
        throw NoiseLibraryError.badFile(
          path: pools[i].0, detail: "no noise files left after the split/licence filters (split: \(n.split?.rawValue ?? "any"), licences: \(n.licences?.joined(separator: ", ") ?? "any"), exclude_licences: \(n.excludeLicences?.joined(separator: ", ") ?? "none")); loosen them")
      }
    }
    return pools.map(\.1)
  }
}

/// The babble pool, loaded once on first use and shared by every thread of a run.
public final class BabbleSource: @unchecked Sendable {
  private let lock = NSLock()
  private let loader: @Sendable () throws -> BabblePool
  private var loaded: Result<BabblePool, Error>?

  /// Wraps `loader`.
  public init(_ loader: @escaping @Sendable () throws -> BabblePool) { self.loader = loader }

  /// The pool (loading it the first time).
  public func pool() throws -> BabblePool {
    lock.lock()
    defer { lock.unlock() }
    if loaded == nil { loaded = Result { try loader() } }
    return try loaded!.get()
  }
}
