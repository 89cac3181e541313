import Foundation

/// Turns a validated recipe's effect list into runnable stages. Adding an effect means one file
/// for it, one case here, and one test file.
public enum EffectRegistry {
  /// Builds the stages of `recipe`. Noise sources are resolved here, before any audio is read:
  /// an unknown category or an unusable noise folder is reported against the recipe line that
  /// names it.
  public static func stages(for recipe: Recipe, noiseLibrary: () throws -> NoiseLibrary) throws -> [EffectStage] {
    var problems: [RecipeDiagnostic] = []
    var stages: [EffectStage] = []
    for spec in recipe.effects {
      switch spec.kind {
      case .noise(let n):
        do {
          let pools = try noisePools(n.source, library: noiseLibrary)
          stages.append(EffectStage(NoiseMix(pools: pools, snrDB: n.snrDB, snrReference: n.snrReference), probability: spec.probability, index: spec.index))
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

  static func noisePools(_ source: NoiseSource, library: () throws -> NoiseLibrary) throws -> [NoiseMix.Pool] {
    switch source {
    case .category(let c):
      return [NoiseMix.Pool(weight: 1, files: try library().files(in: c))]
    case .categories(let list):
      let lib = try library()
      return try list.map { NoiseMix.Pool(weight: $0.weight, files: try lib.files(in: $0.name)) }
    case .dir(let d):
      return [NoiseMix.Pool(weight: 1, files: try NoiseLibrary.scan(folder: d))]
    }
  }
}
