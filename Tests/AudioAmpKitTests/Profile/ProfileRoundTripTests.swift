import AudioAmpTestSupport
import Foundation
import Testing
@testable import AudioAmpKit

/// Round trip on known conditions: a target set made from the bundled clean speech with
/// reverberation (RT60 uniform 0.3–0.8 s, synthetic RIRs), traffic noise (active-speech SNR
/// uniform 0–10 dB) and GSM full rate on every other file; profiled, fitted, and the fitted
/// recipe run on the clean speech again and profiled.
@Suite struct ProfileRoundTripTests {
  static let F = ProfileFixtures.self

  struct Target {
    var profile: AudioProfile
    var snrs: [Double]
    var rt60s: [Double]
    var gsm: [Bool]
  }

  static let target: Target = {
    var files: [FileMeasures] = []
    var snrs: [Double] = [], rts: [Double] = [], gsm: [Bool] = []
    for (i, id) in F.ids.enumerated() {
      var rng = UtteranceRNG(seed: 12, utteranceID: id, variant: 0)
      let rt = rng.uniform(0.3, 0.8), snr = rng.uniform(0, 10)
      var y = F.reverberate(try! F.clean(id), F.rir(rt60: rt, seed: UInt64(i)))
      y = try! F.noisy(y, category: "traffic", snrDB: snr, seed: UInt64(1000 + i))
      if i % 2 == 0 { y = try! F.coded(y, .gsmFR) }
      files.append(F.measure(y, id: id))
      snrs.append(snr)
      rts.append(rt)
      gsm.append(i % 2 == 0)
    }
    return Target(profile: AudioProfile(source: "target", files: files), snrs: snrs, rt60s: rts, gsm: gsm)
  }()

  static func sourceLevel() throws -> Double {
    let levels = try F.ids.map { ActiveSpeechLevel.measure(try F.clean($0), sampleRate: 16000).levelDB }.sorted()
    return levels[levels.count / 2]
  }

  static func fitted() throws -> (String, Recipe) {
    var o = RecipeFit.Options()
    o.sourceLevelDBFS = try sourceLevel()
    let yaml = RecipeFit.yaml(for: target.profile, options: o)
    return (yaml, try RecipeLoader.parse(yaml: yaml, path: "fitted.yaml"))
  }

  /// Values of a recipe number as a sorted sample (a list's entries, or a uniform's deciles).
  static func sample(_ n: NumberSpec) -> [Double] {
    switch n {
    case .constant(let v): return [v]
    case .uniform(let a, let b): return (0..<10).map { a + (b - a) * (Double($0) + 0.5) / 10 }
    case .choice(let v), .cycle(let v): return v.sorted()
    }
  }

  /// The commented (or active) `rt60_s:` list of the fitted recipe.
  static func rt60List(_ yaml: String) -> [Double] {
    guard let line = yaml.split(separator: "\n").first(where: { $0.contains("rt60_s:") }),
      let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]")
    else { return [] }
    return line[line.index(after: open)..<close].split(separator: ",").compactMap {
      Double($0.trimmingCharacters(in: .whitespaces))
    }.sorted()
  }

  @Test func fittedRecipeReproducesTheKnownConditions() throws {
    let (yaml, recipe) = try Self.fitted()
    let t = Self.target
    var noise: NoiseSpec?, codec: (CodecSpec, Double)?
    for e in recipe.effects {
      if case .noise(let n) = e.kind { noise = n }
      if case .codec(let c) = e.kind { codec = (c, e.probability) }
    }
    let n = try #require(noise, "no noise step in\n\(yaml)")
    #expect(n.snrReference == .activeSpeech)
    let fittedSNR = Self.sample(n.snrDB)
    let trueSNR = t.snrs.sorted()
    for q in [0.1, 0.25, 0.5, 0.75, 0.9] {
      let a = quantile(sorted: fittedSNR, q)!, b = quantile(sorted: trueSNR, q)!
      print(String(format: "ROUNDTRIP snr p%02.0f: fitted %.1f dB, true %.1f dB", q * 100, a, b))
      #expect(abs(a - b) <= 3, "SNR p\(q): fitted \(a) dB vs true \(b) dB\n\(yaml)")
    }
    let c = try #require(codec, "no codec step in\n\(yaml)")
    print(String(format: "ROUNDTRIP narrowband share: fitted %.2f, true 0.50; codec %@", c.1, c.0.names.map(\.rawValue).joined(separator: ",")))
    #expect(abs(c.1 - 0.5) <= 0.1)
    #expect(c.0.names == [.gsmFR])
    let gsmRight = zip(t.profile.files, t.gsm).filter { $0.1 && $0.0.codecFamily == .gsm }.count
    let wideRight = zip(t.profile.files, t.gsm).filter { !$0.1 && $0.0.codecFamily == .none }.count
    print("ROUNDTRIP codec family: \(gsmRight) of 18 GSM files read gsm, \(wideRight) of 18 others read none")
    #expect(gsmRight >= 15 && wideRight >= 15)
    let rts = Self.rt60List(yaml)
    let fittedMedian = try #require(quantile(sorted: rts, 0.5), "no rt60_s list in\n\(yaml)")
    let trueMedian = quantile(sorted: t.rt60s.sorted(), 0.5)!
    print(String(format: "ROUNDTRIP rt60 median: fitted %.2f s, true %.2f s (%+.0f%%)", fittedMedian, trueMedian, (fittedMedian / trueMedian - 1) * 100))
    #expect(abs(fittedMedian / trueMedian - 1) <= 0.2)
  }

  /// Runs `recipe` on every clean utterance (after a synthetic-RIR reverb drawn from `rt60s`
  /// when given, standing in for the reverb step until it exists) and profiles the outputs.
  static func augment(_ recipe: Recipe, rt60s: [Double]) throws -> AudioProfile {
    let stages = try EffectRegistry.stages(for: recipe, noiseLibrary: { F.library })
    var files: [FileMeasures] = []
    for (i, id) in F.ids.enumerated() {
      var x = try F.clean(id)
      let rng = UtteranceRNG(seed: 99, utteranceID: id, variant: 0)
      if !rt60s.isEmpty {
        var r = rng.child("reverb")
        x = F.reverberate(x, F.rir(rt60: rt60s[r.index(below: rt60s.count)], seed: UInt64(500 + i)))
      }
      var audio = AudioBuffer(samples: x, sampleRate: 16000)
      let utt = Utterance(id: id, audioPath: "", text: "", speaker: String(id.prefix(4)), origin: "test")
      for s in stages {
        audio = try s.run(audio, context: EffectContext(utterance: utt, sampleRate: 16000, sampleCount: audio.count), rng: rng).0
      }
      files.append(F.measure(audio.samples, id: id))
    }
    return AudioProfile(source: recipe.path, files: files)
  }

  /// (measure, KS bound for the fitted recipe).
  static let bounds: [(String, Double)] = [("snr_db", 0.35), ("rt60_s", 0.4), ("upper_edge_hz", 0.25), ("active_level_dbfs", 0.4)]

  @Test func augmentingWithTheFittedRecipeApproachesTheTarget() throws {
    let (yaml, recipe) = try Self.fitted()
    let fitted = ProfileComparison(Self.target.profile, try Self.augment(recipe, rt60s: Self.rt60List(yaml)))
    let phone = try RecipeLoader.load(path: "\(Self.F.repo)/recipes/traffic.yaml")
    let other = ProfileComparison(Self.target.profile, try Self.augment(phone, rt60s: []))
    var sumFitted = 0.0, sumOther = 0.0
    for (key, bound) in Self.bounds {
      let a = try #require(fitted.row(key)?.ks), b = try #require(other.row(key)?.ks)
      print(String(format: "ROUNDTRIP KS %@: fitted %.2f, traffic.yaml %.2f (W1 %.3f vs %.3f)", key, a, b, fitted.row(key)!.wasserstein!, other.row(key)!.wasserstein!))
      #expect(a <= bound, "\(key): KS \(a) > \(bound)\n\(fitted.text)")
      sumFitted += a
      sumOther += b
    }
    let tvF = fitted.category("codec_family")!.totalVariation, tvO = other.category("codec_family")!.totalVariation
    print(String(format: "ROUNDTRIP codec-family TV: fitted %.2f, traffic.yaml %.2f; KS sum fitted %.2f, traffic.yaml %.2f", tvF, tvO, sumFitted, sumOther))
    #expect(tvF <= 0.2)
    #expect(sumFitted <= 0.5 * sumOther, "fitted \(sumFitted) vs traffic.yaml \(sumOther)")
  }

  @Test func profileSurvivesItsJSON() throws {
    let p = Self.target.profile
    let back = try AudioProfile.parse(json: p.json.serialized, path: "p.json")
    #expect(back.files.count == p.files.count)
    let c = ProfileComparison(p, back)
    // Values are written rounded (0.001 in their unit, finer for small fractions): the
    // distributions move by no more than that, and a second trip changes nothing.
    for r in c.rows { #expect((r.wasserstein ?? 0) <= 0.001, "\(r.key) moved by \(r.wasserstein ?? 0) through JSON") }
    #expect(try AudioProfile.parse(json: back.json.serialized, path: "p.json").json.serialized == back.json.serialized)
    #expect(throws: ProfileError.badProfile(path: "x.json", field: "files[0].snr_db", detail: "expected a number or null")) {
      try AudioProfile.parse(json: #"{"audioamp_profile": 1, "files": [{"id": "a", "duration_s": 1, "sample_rate": 16000, "snr_db": "high"}]}"#, path: "x.json")
    }
  }
}
