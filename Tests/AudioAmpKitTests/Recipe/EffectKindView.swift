@testable import AudioAmpKit

// A test-side view of a decoded effect as one enum, so recipe tests can compare whole effect
// lists with `==` and match effects with `case`. The product keeps each effect's settings in
// its own file (`EffectSpec.settings`); this mirror exists only for the tests' convenience.

struct SpeedSpec: Equatable { var factor: NumberSpec }
struct PitchSpec: Equatable { var semitones: NumberSpec }
struct TempoSpec: Equatable { var factor: NumberSpec }
struct GainSpec: Equatable { var db: NumberSpec }

enum EffectKind: Equatable {
  case noise(NoiseSpec), bandLimit(BandLimitSpec), speed(SpeedSpec), pitch(PitchSpec)
  case tempo(TempoSpec), gain(GainSpec), codec(CodecSpec), handset(HandsetSpec), agc(AGCSpec)
  case compressor(CompressorSpec), clipping(ClippingSpec), reverb(ReverbSpec)

  var name: String {
    switch self {
    case .noise: return NoiseMix.name
    case .bandLimit: return BandLimit.name
    case .speed: return SpeedChange.name
    case .pitch: return PitchShift.name
    case .tempo: return TempoChange.name
    case .gain: return Gain.name
    case .codec: return Codec.name
    case .handset: return Handset.name
    case .agc: return AGC.name
    case .compressor: return Compressor.name
    case .clipping: return Clipping.name
    case .reverb: return Reverb.name
    }
  }
}

extension EffectSpec {
  /// The settings as an `EffectKind` (traps on an effect the view does not know).
  var kind: EffectKind {
    switch name {
    case NoiseMix.name: return .noise(settings(as: NoiseSpec.self)!)
    case BandLimit.name: return .bandLimit(settings(as: BandLimitSpec.self)!)
    case SpeedChange.name: return .speed(SpeedSpec(factor: settings(as: NumberSpec.self)!))
    case PitchShift.name: return .pitch(PitchSpec(semitones: settings(as: NumberSpec.self)!))
    case TempoChange.name: return .tempo(TempoSpec(factor: settings(as: NumberSpec.self)!))
    case Gain.name: return .gain(GainSpec(db: settings(as: NumberSpec.self)!))
    case Codec.name: return .codec(settings(as: CodecSpec.self)!)
    case Handset.name: return .handset(settings(as: HandsetSpec.self)!)
    case AGC.name: return .agc(settings(as: AGCSpec.self)!)
    case Compressor.name: return .compressor(settings(as: CompressorSpec.self)!)
    case Clipping.name: return .clipping(settings(as: ClippingSpec.self)!)
    case Reverb.name: return .reverb(settings(as: ReverbSpec.self)!)
    default: fatalError("EffectKindView does not know \(name)")
    }
  }

  init(kind: EffectKind, probability: Double = 1, index: Int, location: SourceLocation, fieldPath: String) {
    switch kind {
    case .noise(let s): self.init(NoiseMix.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .bandLimit(let s): self.init(BandLimit.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .speed(let s): self.init(SpeedChange.self, s.factor, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .pitch(let s): self.init(PitchShift.self, s.semitones, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .tempo(let s): self.init(TempoChange.self, s.factor, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .gain(let s): self.init(Gain.self, s.db, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .codec(let s): self.init(Codec.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .handset(let s): self.init(Handset.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .agc(let s): self.init(AGC.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .compressor(let s): self.init(Compressor.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .clipping(let s): self.init(Clipping.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    case .reverb(let s): self.init(Reverb.self, s, probability: probability, index: index, location: location, fieldPath: fieldPath)
    }
  }
}
