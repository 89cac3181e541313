import Foundation

/// Adds a stretch of recorded or synthesised noise at a drawn signal-to-noise ratio.
///
/// Which file: a pool (category) is chosen by its weight, then a file within it with probability
/// proportional to its duration, so long files are not under-used; then a random offset such
/// that the segment fits (files shorter than the utterance loop with a crossfade). The SNR
/// reference (`snr_reference`) is the whole-utterance RMS of the audio reaching the effect
/// (`rms`, the default) or its ITU-T P.56 active speech level (`active_speech`, see
/// ``ActiveSpeechLevel``), which ignores pauses, so a sentence with long pauses is not given too
/// little noise. The noise gain is set so that level(speech) / RMS(gain · noise) equals the drawn
/// SNR, and the SNR of what was actually added, under the same reference, is measured and
/// recorded as `achieved_snr_db` (with `speech_activity` for `active_speech`). Output length
/// equals input length.
public struct NoiseMix: Effect {
  public static let name = "noise"

  /// A group of files drawn with a relative weight.
  public struct Pool: Sendable {
    /// Relative weight (> 0).
    public var weight: Double
    /// The files, sorted by name.
    public var files: [NoiseFile]
    /// Creates a pool.
    public init(weight: Double, files: [NoiseFile]) {
      self.weight = weight
      self.files = files
    }
  }

  /// The drawn parameters.
  public struct Parameters: Sendable {
    /// The noise file.
    public var file: NoiseFile
    /// Where the segment starts in the file, seconds (a whole number of the file's frames).
    public var offsetSeconds: Double
    /// Target SNR, dB.
    public var snrDB: Double
    /// For babble: how many talkers, the seed of their arrangement, and the target utterance
    /// (whose speaker is left out).
    public var babble: Babble? = nil
    /// With an earlier `reverb` stage's `noise_in_room`: the room, and the seed of the noise
    /// source's position in it.
    public var room: (context: RoomContext, seed: UInt64)? = nil
    /// For a layered scene: every layer's file, offset and level.
    public var layers: [NoiseLayers.Layer]? = nil
  }

  /// What a babble draw decides.
  public struct Babble: Sendable {
    public var talkers: Int
    public var seed: UInt64
    public var target: Utterance
  }

  /// Pools to draw from.
  public let pools: [Pool]
  /// Target SNR distribution, dB.
  public let snrDB: NumberSpec
  /// What the speech level in the SNR is.
  public let snrReference: SNRReference

  /// Creates the effect. `pools` must be non-empty, each with files.
  /// Babble made live from the corpus, when this mixes babble instead of files.
  public let babbleSource: BabbleSource?
  /// Talkers per output, for babble.
  public let talkers: NumberSpec?

  public init(pools: [Pool], snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    precondition(!pools.isEmpty && pools.allSatisfy { !$0.files.isEmpty }, "NoiseMix needs non-empty pools")
    self.pools = pools
    self.snrDB = snrDB
    self.snrReference = snrReference
    babbleSource = nil
    talkers = nil
  }

  /// Mixes babble of `talkers` other speakers of the corpus (never the target's own speaker).
  public init(babble: BabbleSource, talkers: NumberSpec, snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    pools = []
    self.snrDB = snrDB
    self.snrReference = snrReference
    babbleSource = babble
    self.talkers = talkers
  }

  /// The layers of a layered scene (``NoiseLayers``), when this mixes one.
  public private(set) var layerSources: [NoiseLayers.Source]? = nil

  /// Mixes a layered scene: one stretch of every source at once, each at its drawn level
  /// relative to the others, the SNR applied to the sum.
  public init(layers: [NoiseLayers.Source], snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    precondition(!layers.isEmpty && layers.allSatisfy { !$0.files.isEmpty }, "NoiseMix needs non-empty layers")
    pools = []
    self.snrDB = snrDB
    self.snrReference = snrReference
    babbleSource = nil
    talkers = nil
    layerSources = layers
  }

  static let layersFile = NoiseFile(path: "", name: "layers", category: "layers", durationSeconds: 0, sampleRate: 0, licence: nil)
  static let babbleFile = NoiseFile(path: "", name: "babble", category: "babble", durationSeconds: 0, sampleRate: 0, licence: nil)

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    var p = drawSource(context, using: &rng)
    // Drawn last, so recipes without a room draw exactly what they always did.
    if let room = context.room { p.room = (room, rng.next()) }
    return p
  }

  func drawSource(_ context: EffectContext, using rng: inout UtteranceRNG) -> Parameters {
    if let layerSources {
      let seconds = Double(context.sampleCount) / Double(context.sampleRate)
      let layers = NoiseLayers.draw(layerSources, seconds: seconds, using: &rng)
      var p = Parameters(file: Self.layersFile, offsetSeconds: 0, snrDB: snrDB.draw(using: &rng))
      p.layers = layers
      return p
    }
    if let talkers {
      let n = Int(talkers.draw(using: &rng).rounded())
      return Parameters(
        file: Self.babbleFile, offsetSeconds: 0, snrDB: snrDB.draw(using: &rng),
        babble: Babble(talkers: max(1, n), seed: rng.next(), target: context.utterance))
    }
    let pool = pools[Self.weightedIndex(pools.map(\.weight), using: &rng)]
    let file = pool.files[Self.weightedIndex(pool.files.map(\.durationSeconds), using: &rng)]
    let needed = Double(context.sampleCount) / Double(context.sampleRate)
    var offset = 0.0
    if file.durationSeconds > needed {
      let frames = Int(((file.durationSeconds - needed) * Double(file.sampleRate)).rounded(.down))
      offset = Double(rng.index(below: max(1, frames + 1))) / Double(file.sampleRate)
    }
    return Parameters(file: file, offsetSeconds: offset, snrDB: snrDB.draw(using: &rng))
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) throws -> EffectOutput {
    guard !audio.samples.isEmpty else { throw EffectError.emptyUtterance }
    var speechRMS = Levels.rms(audio.samples)
    guard speechRMS > 0 else { throw EffectError.silentUtterance }
    var extra: [(String, JSONValue)] = []
    if snrReference == .activeSpeech {
      let p56 = ActiveSpeechLevel.measure(audio.samples, sampleRate: audio.sampleRate)
      let (levelDB, activity) = (p56.levelDB, p56.activityFactor)
      speechRMS = pow(10, levelDB / 20)
      extra.append(("speech_activity", .number((activity * 1000).rounded() / 1000)))
    }
    if let layers = p.layers {
      var segments = try layers.map {
        try NoiseSegment.read($0.file, offsetSeconds: $0.offsetSeconds, count: audio.count, sampleRate: audio.sampleRate)
      }
      if let (room, seed) = p.room {
        // The whole scene stands at one other point of the talker's room.
        let (taps, where_) = try room.noiseImpulseResponse(seed: seed)
        segments = segments.map { Convolution.apply($0, taps: taps, delay: 0, count: $0.count) }
        extra.append(("noise_in_room", .string(where_)))
      }
      let mixed = NoiseLayers.mix(
        speech: audio.samples, speechPower: speechRMS * speechRMS, segments: segments, layers: layers, snrDB: p.snrDB)
      guard mixed.achievedSNRDB.isFinite else {
        throw EffectError.silentNoise(file: layers.map(\.file.name).joined(separator: " + "), offsetSeconds: 0)
      }
      return EffectOutput(
        audio: AudioBuffer(samples: mixed.samples, sampleRate: audio.sampleRate),
        measured: [("achieved_snr_db", .number((mixed.achievedSNRDB * 1000).rounded() / 1000)),
          ("layers", NoiseLayers.record(layers, shares: mixed.shares))] + extra)
    }
    var noise: [Float]
    if let b = p.babble, let source = babbleSource {
      let (samples, speakers) = try source.pool().babble(
        for: b.target, talkers: b.talkers, count: audio.count, sampleRate: audio.sampleRate, seed: b.seed)
      noise = samples
      extra.append(("babble_speakers", .array(speakers.map { .string($0) })))
    } else {
      noise = try NoiseSegment.read(p.file, offsetSeconds: p.offsetSeconds, count: audio.count, sampleRate: audio.sampleRate)
    }
    if let (room, seed) = p.room {
      // The noise source stands elsewhere in the talker's room: what reaches the microphone is
      // the noise convolved with that point's impulse response, and the SNR is set on it.
      let (taps, where_) = try room.noiseImpulseResponse(seed: seed)
      noise = Convolution.apply(noise, taps: taps, delay: 0, count: noise.count)
      extra.append(("noise_in_room", .string(where_)))
    }
    let noiseRMS = Levels.rms(noise)
    guard noiseRMS > 1e-9 else { throw EffectError.silentNoise(file: p.file.name, offsetSeconds: p.offsetSeconds) }
    let gain = Float(speechRMS / (noiseRMS * Levels.amplitude(dB: p.snrDB)))
    noise.withUnsafeMutableBufferPointer { n in
      for i in n.indices { n[i] *= gain }
    }
    // Measured on the scaled noise actually added, not on the request.
    let achieved = Levels.dB(amplitude: speechRMS / Levels.rms(noise))
    var out = audio
    out.samples.withUnsafeMutableBufferPointer { s in
      noise.withUnsafeBufferPointer { n in
        for i in s.indices { s[i] += n[i] }
      }
    }
    return EffectOutput(
      audio: out,
      measured: [("achieved_snr_db", .number((achieved * 1000).rounded() / 1000)), ("noise_gain_db", .number((Levels.dB(amplitude: Double(gain)) * 1000).rounded() / 1000))] + extra)
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    if p.layers != nil {
      return [
        ("noise_source", .string("layers")), ("snr_reference", .string(snrReference.rawValue)),
        ("snr_db", .number(p.snrDB)),
      ]
    }
    if let b = p.babble {
      return [
        ("noise_source", .string("babble")), ("babble_talkers", .number(Double(b.talkers))),
        ("babble_seed", .string(hex16(b.seed))),
        ("snr_reference", .string(snrReference.rawValue)), ("snr_db", .number(p.snrDB)),
      ]
    }
    return [
      ("noise_file", .string(p.file.name)), ("category", .string(p.file.category)),
      ("noise_offset_s", .number(p.offsetSeconds)),
      ("snr_reference", .string(snrReference.rawValue)), ("snr_db", .number(p.snrDB)),
    ]
  }

  /// Index drawn with probability proportional to `weights` (all > 0).
  static func weightedIndex(_ weights: [Double], using rng: inout UtteranceRNG) -> Int {
    if weights.count == 1 { return 0 }
    let total = weights.reduce(0, +)
    var u = rng.nextUnit() * total
    for (i, w) in weights.enumerated() {
      if u < w { return i }
      u -= w
    }
    return weights.count - 1
  }
}

/// Where the noise for a `noise` effect comes from.
public enum NoiseSource: Sendable, Equatable {
  /// One category from the noise library (`category: cell-phone`).
  case category(String)
  /// Several categories, picked with the given weights (> 0; they need not sum to 1), in the
  /// order written (`categories: {traffic: 0.7, crowd: 0.3}`).
  case categories([(name: String, weight: Double)])
  /// Every audio file in a folder; the path exactly as written in the recipe (`dir: some/folder`).
  case dir(String)
  /// Every file of a noise index (`index: ~/data/musan`, a folder holding index.tsv, or the file).
  case index(String)
  /// Babble made live from other speakers of the corpus being augmented
  /// (`babble: {talkers: [3, 7]}`), never the target's own speaker.
  case babble(talkers: NumberSpec)
  /// A layered scene: several sources heard at once, each at its own drawn level relative to
  /// the others (`layers: [{category: traffic, level_db: 0}, {dir: hum/, level_db: -20}]`).
  case layers([NoiseLayerSpec])

  /// Compares sources; `.categories` must match entry by entry, in order.
  public static func == (lhs: NoiseSource, rhs: NoiseSource) -> Bool {
    switch (lhs, rhs) {
    case (.category(let a), .category(let b)):
      return a == b
    case (.dir(let a), .dir(let b)), (.index(let a), .index(let b)):
      return a == b
    case (.babble(let a), .babble(let b)):
      return a == b
    case (.layers(let a), .layers(let b)):
      return a == b
    case (.categories(let a), .categories(let b)):
      return a.count == b.count
        && zip(a, b).allSatisfy { $0.name == $1.name && $0.weight == $1.weight }
    default:
      return false
    }
  }
}

/// One layer of a layered noise scene.
public struct NoiseLayerSpec: Sendable, Equatable {
  /// A library category, or a folder of audio files when `isFolder`.
  public var source: String
  /// `source` is a folder (`dir:`) rather than a category.
  public var isFolder: Bool
  /// Level relative to the other layers, dB, drawn uniformly from this range.
  public var levelDB: ClosedRange<Double>

  /// Creates a layer.
  public init(source: String, isFolder: Bool, levelDB: ClosedRange<Double>) {
    self.source = source
    self.isFolder = isFolder
    self.levelDB = levelDB
  }
}

/// Which side of a noise set's train/test split to draw from.
public enum NoiseSplit: String, Sendable, CaseIterable {
  case train, test
}

/// Settings of a `noise` effect.
public struct NoiseSpec: Sendable, Equatable {
  /// Where the noise comes from.
  public var source: NoiseSource
  /// Target signal-to-noise ratio in dB; every possible value lies in -20…100.
  public var snrDB: NumberSpec
  /// What the speech level in the SNR is (`snr_reference`, default `.rms`).
  public var snrReference: SNRReference
  /// The noise index `category`/`categories` are looked up in, instead of the library's.
  public var index: String? = nil
  /// Only files of this split (`split: train|test`), so training and test sets draw disjoint noise.
  public var split: NoiseSplit? = nil
  /// Only files whose licence starts with one of these (case-insensitive), e.g. `[CC0, CC-BY-4]`.
  public var licences: [String]? = nil
  /// Leave out files whose licence contains any of these (case-insensitive), e.g. `[NC, ND]`.
  public var excludeLicences: [String]? = nil

  /// Creates noise settings.
  public init(source: NoiseSource, snrDB: NumberSpec, snrReference: SNRReference = .rms) {
    self.source = source
    self.snrDB = snrDB
    self.snrReference = snrReference
  }
}

/// The speech level a `noise` effect's SNR is measured against.
public enum SNRReference: String, Sendable, CaseIterable {
  /// RMS over the whole utterance, pauses included.
  case rms
  /// ITU-T P.56 active speech level (method B): pauses do not count.
  case activeSpeech = "active_speech"
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

extension NoiseMix: RecipeEffect {
  public static let summary = """
    Adds noise at the drawn SNR. File sources: a pool is chosen by weight, a file within it with \
    probability proportional to its duration, and a random offset such that the segment fits; a \
    file shorter than the utterance loops with a 100 ms equal-power crossfade. `babble` mixes N \
    talkers drawn live from the corpus being augmented — never the target's own speaker — each \
    at its own level in a small synthetic room (the talker pool is up to 3 utterances per \
    speaker, 300 in all, chosen by id hash). With `snr_reference: active_speech` the speech \
    level is the ITU-T P.56 active level rather than the whole-utterance RMS. Records \
    `noise_file`, `category`, `noise_offset_s` (or `noise_source: babble`, `babble_talkers`, \
    `babble_speakers`, `babble_seed`), `snr_reference`, `snr_db` (asked), `achieved_snr_db` \
    (measured on the noise actually added), `noise_gain_db` and, for active speech, \
    `speech_activity`. A silent utterance is an error (the SNR would be undefined). Give \
    exactly one source: `category`, `categories`, `dir`, `babble`, `layers`, or `index` alone. \
    `layers` mixes a scene, real backgrounds being mixtures (traffic + distant crowd + hum): a \
    stretch of every layer at once, each scaled to its drawn level relative to the others, the \
    SNR applied to the sum and measured on it; records `noise_source: layers` and `layers` (each \
    layer's source, file, offset, level and achieved power share). After a `reverb` with \
    `noise_in_room`, the noise (every layer of a scene) comes from another point of the same \
    room, `noise_in_room` records that point, and the SNR is the one at the microphone.
    """

  /// The keys that name where the noise comes from (`index` may also go with a category).
  static let sourceKeys = ["category", "categories", "dir", "babble", "layers"]

  public static let keys: [RecipeKey] = [
    .text("category", example: "traffic", help: "a noise-library category"),
    .weights(
      "categories", item: "category", example: "{traffic: 0.7, crowd: 0.3}",
      help: "categories with relative weights, one drawn per output"),
    .text("dir", example: "noise-library/traffic", help: "a folder of audio files, searched recursively"),
    .text(
      "index", example: "~/data/musan",
      help: "a noise index (folder or index.tsv): alone, all its files; with category/categories, those categories in it"),
    .mapping(
      "babble",
      [
        .number(
          "talkers", .closed(1, 32, ""), required: true, example: "[3, 7]",
          help: "how many talkers, drawn per output")
      ], example: "{talkers: [3, 7]}",
      help: "babble made live from other speakers of the corpus being augmented"),
    .mappings(
      "layers",
      [
        .text("category", example: "traffic", help: "a noise-library category (or give dir)"),
        .text("dir", example: "my-noise/hum", help: "a folder of audio files (or give category)"),
        .number(
          "level_db", .closed(-60, 0, " dB"), default: .constant(0), example: "{uniform: [-15, -6]}",
          help: "level relative to the other layers, dB: a number or {uniform: [a, b]}"),
      ], example: "{category: traffic, level_db: 0}",
      help: "a layered scene: every layer heard at once at its drawn relative level, the SNR applied to the sum"),
    .number(
      "snr_db", .closed(-20, 100, " dB"), required: true, example: "{uniform: [5, 20]}",
      help: "signal-to-noise ratio, dB"),
    .keyword(
      "snr_reference", SNRReference.self,
      meanings: [.rms: "whole-utterance RMS", .activeSpeech: "ITU-T P.56 active level"],
      default: .rms, example: "active_speech", help: "the speech level the SNR is measured against"),
    .keyword(
      "split", NoiseSplit.self, example: "train",
      help: "only files of this split of the noise set (file sources)"),
    .texts(
      "licences", example: "[CC0, CC-BY]",
      help: "only files whose licence starts with one of these (case-insensitive)"),
    .texts(
      "exclude_licences", example: "[NC, ND]",
      help: "leave out files whose licence contains one of these (case-insensitive)"),
  ]

  public static let example = "{category: traffic, snr_db: {uniform: [5, 20]}}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> NoiseSpec? {
    let given = settings.given.filter { sourceKeys.contains($0) }
    let hasIndex = settings.isGiven("index")
    var source: NoiseSource?
    var ok = true
    if given.isEmpty && !hasIndex {
      ok = false
      if settings.suggested.isDisjoint(with: sourceKeys + ["index"]) {
        check.report(
          settings.location, settings.field,
          "no noise source; add exactly one of category (e.g. 'category: traffic'), categories "
            + "(e.g. 'categories: {traffic: 0.7, crowd: 0.3}'), dir (a folder of noise files), index "
            + "(a noise index) or babble (e.g. 'babble: {talkers: [3, 7]}')")
      }
    }
    for extra in given.dropFirst() {
      check.report(
        settings.keyLocation(extra), settings.field(extra),
        "only one noise source is allowed, and '\(given[0])' is already given; remove one "
          + "(to mix categories use 'categories: {traffic: 0.7, crowd: 0.3}')")
      ok = false
    }
    if let first = given.first {
      switch first {
      case "category":
        // Categories of another index are checked against that index when the run starts.
        if let name = settings.text("category"),
          hasIndex
            || check.checkNoiseCategory(
              name, at: settings.valueLocation("category"), field: settings.field("category"))
        {
          source = .category(name)
        }
      case "categories":
        if let weighted = settings.weights("categories") {
          var namesOK = true
          if !hasIndex {
            for (i, entry) in weighted.enumerated() {
              namesOK =
                check.checkNoiseCategory(
                  entry.name, at: settings.itemLocation("categories", i),
                  field: settings.field("categories") + ".\(entry.name)") && namesOK
            }
          }
          if namesOK { source = .categories(weighted) }
        }
      case "babble":
        if let talkers = settings.mapping("babble")?.number("talkers") {
          source = .babble(talkers: talkers)
        }
      case "layers":
        source = layers(settings, hasIndex: hasIndex, check: &check)
      default:
        source = settings.text("dir").map { .dir($0) }
      }
      if hasIndex, first == "dir" || first == "babble" {
        check.report(
          settings.keyLocation("index"), settings.field("index"),
          "index names where categories are looked up; it does not go with \(first); remove one")
        ok = false
      }
    } else if let index = settings.text("index") {
      source = .index(index)
    }
    if case .babble = source {
      for name in ["split", "licences", "exclude_licences"] where settings.isGiven(name) {
        check.report(
          settings.keyLocation(name), settings.field(name),
          "babble is made from the corpus itself; \(name) applies to noise files only; remove it")
        ok = false
      }
    }
    guard ok, let source, let snr = settings.number("snr_db"),
      let reference = settings.keyword("snr_reference", as: SNRReference.self)
    else { return nil }
    var spec = NoiseSpec(source: source, snrDB: snr, snrReference: reference)
    if case .index = source {} else { spec.index = settings.text("index") }
    spec.split = settings.keyword("split", as: NoiseSplit.self)
    spec.licences = settings.texts("licences")
    spec.excludeLicences = settings.texts("exclude_licences")
    return spec
  }

  /// The layers of a `layers:` source, checked: one of category/dir each, categories known,
  /// levels a number or a uniform range.
  static func layers(_ settings: RecipeSettings, hasIndex: Bool, check: inout RecipeCheck) -> NoiseSource? {
    guard let items = settings.mappings("layers") else { return nil }
    var out: [NoiseLayerSpec] = []
    for item in items {
      let named = item.given.filter { $0 == "category" || $0 == "dir" }
      guard named.count == 1 else {
        check.report(
          named.count > 1 ? item.keyLocation(named[1]) : item.location, item.field,
          named.count > 1 ? "give category or dir, not both" : "each layer needs a category or a dir, e.g. '{category: traffic, level_db: 0}'")
        continue
      }
      guard let name = item.text(named[0]), let level = item.number("level_db") else { continue }
      if named[0] == "category", !hasIndex,
        !check.checkNoiseCategory(name, at: item.valueLocation("category"), field: item.field("category"))
      {
        continue
      }
      let range: ClosedRange<Double>
      switch level {
      case .constant(let v): range = v...v
      case .uniform(let a, let b): range = a...b
      case .choice, .cycle:
        check.report(
          item.valueLocation("level_db"), item.field("level_db"),
          "a layer's level is a number or a uniform range, e.g. 'level_db: {uniform: [-15, -6]}'")
        continue
      }
      out.append(NoiseLayerSpec(source: name, isFolder: named[0] == "dir", levelDB: range))
    }
    return out.count == items.count ? .layers(out) : nil
  }

  public init(spec: NoiseSpec, environment: EffectEnvironment) throws {
    if case .layers(let layers) = spec.source {
      let filtered = try Self.pools(spec, library: environment.noiseLibrary)
      self.init(
        layers: zip(layers, filtered).map { NoiseLayers.Source(files: $1.files, levelDB: $0.levelDB, label: $0.source) },
        snrDB: spec.snrDB, snrReference: spec.snrReference)
      return
    }
    if case .babble(let talkers) = spec.source {
      let loader =
        environment.babble ?? {
          throw NoiseLibraryError.badFile(
            path: environment.recipePath,
            detail: "babble needs the corpus being augmented; it is made by mix and plan")
        }
      self.init(
        babble: BabbleSource(loader), talkers: talkers, snrDB: spec.snrDB,
        snrReference: spec.snrReference)
    } else {
      self.init(
        pools: try Self.pools(spec, library: environment.noiseLibrary), snrDB: spec.snrDB,
        snrReference: spec.snrReference)
    }
  }

  /// The pools a file-based noise source draws from, after its split and licence filters.
  static func pools(_ n: NoiseSpec, library: () throws -> NoiseLibrary) throws -> [Pool] {
    func lib() throws -> NoiseLibrary {
      guard let index = n.index else { return try library() }
      return try NoiseLibrary(root: NoiseLibrary.root(ofIndex: index))
    }
    var pools: [(String, Pool)]
    switch n.source {
    case .category(let c):
      pools = [(c, Pool(weight: 1, files: try lib().files(in: c)))]
    case .categories(let list):
      let l = try lib()
      pools = try list.map { ($0.name, Pool(weight: $0.weight, files: try l.files(in: $0.name))) }
    case .dir(let d):
      pools = [(d, Pool(weight: 1, files: try NoiseLibrary.scan(folder: d)))]
    case .index(let path):
      let l = try NoiseLibrary(root: NoiseLibrary.root(ofIndex: path))
      pools = [
        (path, Pool(weight: 1, files: l.categories.keys.sorted().flatMap { l.categories[$0]! }.sorted { $0.name < $1.name }))
      ]
    case .layers(let layers):
      let l = layers.contains { !$0.isFolder } ? try lib() : nil
      pools = try layers.map {
        ($0.source, Pool(weight: 1, files: $0.isFolder ? try NoiseLibrary.scan(folder: $0.source) : try l!.files(in: $0.source)))
      }
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
