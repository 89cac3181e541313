import Foundation

/// Far-field speech: convolves the utterance with a room impulse response, synthesized for a
/// drawn shoe-box room (``RoomSampler``, ``RIRSynth``) or drawn from a set of real RIRs
/// (``RIRSet``).
///
/// - Timing: the direct path is aligned to sample 0 (synthesized RIRs are rendered that way;
///   for real ones the direct sound's peak, found by ``RIRMeasure``, becomes the convolution's
///   removed delay), so word timings stay valid. The delay removed is recorded
///   (`direct_delay_removed_s`); `timeScale` is 1.
/// - Level (`level`): `energy` (the default) scales the output so its RMS equals the input's
///   (`gain_db` records the scale); `direct` scales the RIR so the direct sound has amplitude 1,
///   so the direct sound keeps the speech level and the reverberation adds to it (louder for a
///   distant talker; `gain_db` then records the RIR's scale).
/// - Length (`length`): `same` (the default) returns exactly the input's length, the
///   reverberation past the last sample cut off; `keep_tail` appends the RIR's length after
///   its direct sound minus one sample, so the tail of the last word is kept.
/// - Real RIRs are cut where their decay meets the noise floor (Lundeby), so their noise is not
///   added to the speech; a multichannel file gives one channel per output, drawn.
/// - An RIR that is a single tap (an identity after alignment and level) returns the input
///   untouched, byte for byte.
public struct Reverb: Effect {
  public static let name = "reverb"

  /// How the output level is set.
  public enum LevelPolicy: String, Sendable, CaseIterable {
    /// Output RMS equals input RMS.
    case energy
    /// The direct sound has amplitude 1.
    case direct
  }

  /// How `noise_in_room` places the noise.
  public enum NoiseField: String, Sendable, CaseIterable {
    /// At another point of the room (a television, a fan, another talker).
    case point
    /// As a diffuse field: the room's late reverberation without direct sound or early
    /// reflections (noise from everywhere, e.g. a crowd filling the room, street noise through
    /// the windows).
    case diffuse
  }

  /// How long the output is.
  public enum LengthPolicy: String, Sendable, CaseIterable {
    /// The input's length.
    case same
    /// The input's length plus the RIR's tail after its direct sound.
    case keepTail = "keep_tail"
  }

  /// What the effect draws from and how it applies it.
  public struct Settings: Sendable {
    /// Where the RIRs come from.
    public enum Source: Sendable {
      /// A simulated shoe-box room per output.
      case room(RoomSpec)
      /// Real (or pre-synthesized) RIR files, sorted; one drawn per output.
      case files([RIRFile])
    }
    /// Where the RIRs come from.
    public var source: Source
    /// Level policy.
    public var level: LevelPolicy
    /// Length policy.
    public var length: LengthPolicy
    /// Whether a noise effect should place its sources in the same room
    /// (``Reverb/noiseImpulseResponse(in:parameters:using:)``).
    public var noiseInRoom: Bool
    /// How that noise is placed.
    public var noiseField: NoiseField = .point

    /// Creates settings.
    public init(source: Source, level: LevelPolicy = .energy, length: LengthPolicy = .same, noiseInRoom: Bool = false, noiseField: NoiseField = .point) {
      self.noiseField = noiseField
      self.source = source
      self.level = level
      self.length = length
      self.noiseInRoom = noiseInRoom
    }
  }

  /// The drawn parameters of one output.
  public struct Parameters: Sendable {
    /// What was drawn.
    public enum Choice: Sendable {
      /// A simulated room with its positions and tail seed.
      case room(DrawnRoom)
      /// A file and one of its channels (0-based).
      case file(RIRFile, channel: Int)
    }
    /// What was drawn.
    public var choice: Choice
    /// Sample rate of the audio the RIR is made for, Hz.
    public var sampleRate: Int
  }

  /// An impulse response ready to convolve with, and what was measured in it.
  public struct ImpulseResponse: Sendable {
    /// The taps at the audio's rate (direct sound amplitude 1 for synthesized ones).
    public var taps: [Float]
    /// The tap holding the direct sound; removed as delay by the convolution.
    public var directSample: Int
    /// Delay removed so that the direct sound lands on sample 0, seconds.
    public var removedDelaySeconds: Double
    /// Measurement of `taps`.
    public var measured: RIRMeasurement
    /// The room, absorption as calibrated, for synthesized RIRs.
    public var room: ShoeBoxRoom?
  }

  /// The settings.
  public let settings: Settings

  /// Creates the effect. A `.files` source must list at least one file.
  public init(_ settings: Settings) {
    if case .files(let f) = settings.source { precondition(!f.isEmpty, "Reverb needs at least one RIR file") }
    self.settings = settings
  }

  public func draw(_ context: EffectContext, using rng: inout UtteranceRNG) throws -> Parameters {
    switch settings.source {
    case .room(let spec):
      do {
        return Parameters(choice: .room(try RoomSampler.draw(spec, using: &rng)), sampleRate: context.sampleRate)
      } catch let e as RoomError {
        throw EffectError.badParameter(effect: Self.name, detail: "utterance \(context.utterance.id): \(e)")
      }
    case .files(let files):
      let f = files[rng.index(below: files.count)]
      let channel = f.channels > 1 ? rng.index(below: f.channels) : 0
      return Parameters(choice: .file(f, channel: channel), sampleRate: context.sampleRate)
    }
  }

  /// The impulse response `p` stands for, at `p.sampleRate`: rendered (calibrated to the drawn
  /// RT60 by ``RIRSynth/renderMeetingRT60``) or read, resampled and cut at its noise floor.
  public func impulseResponse(for p: Parameters) throws -> ImpulseResponse {
    switch p.choice {
    case .room(let d):
      var options = RIRSynth.Options()
      options.directivity = d.directivity
      let (room, rir, m) = try RIRSynth.renderMeetingRT60(
        lengthM: d.room.lengthM, widthM: d.room.widthM, heightM: d.room.heightM, rt60Seconds: d.rt60Seconds, profile: Self.profile(of: d),
        source: d.source, mic: d.mic, sampleRate: p.sampleRate, seed: d.tailSeed, options: options)
      return ImpulseResponse(taps: rir.samples, directSample: 0, removedDelaySeconds: rir.directDelaySeconds, measured: m, room: room)
    case .file(let f, let channel):
      var h = try Self.readRIR(f, channel: channel, sampleRate: p.sampleRate)
      let m: RIRMeasurement
      do { m = try RIRMeasure.measure(h, sampleRate: p.sampleRate) } catch {
        throw EffectError.badParameter(effect: Self.name, detail: "RIR \(f.name) channel \(channel): \(error); remove it from the set")
      }
      let end = min(h.count, Int((m.truncationSeconds * Double(p.sampleRate)).rounded()))
      if end > m.directSample { h = Array(h[..<end]) }
      return ImpulseResponse(taps: h, directSample: m.directSample, removedDelaySeconds: Double(m.directSample) / Double(p.sampleRate), measured: m, room: nil)
    }
  }

  /// Reads one RIR of the set; a file gone, truncated or unreadable since the set was listed
  /// becomes ``EffectError/unreadableRIR(path:detail:)``, reported against the utterance.
  static func readRIR(_ f: RIRFile, channel: Int, sampleRate: Int) throws -> [Float] {
    do {
      return try RIRSet.read(f, channel: channel, sampleRate: sampleRate)
    } catch let e as AudioFileError {
      throw EffectError.unreadableRIR(path: f.path, detail: e.reason)
    }
  }

  public func apply(_ p: Parameters, to audio: AudioBuffer) throws -> EffectOutput {
    guard !audio.samples.isEmpty else { throw EffectError.emptyUtterance }
    let ir = try impulseResponse(for: p)
    var h = ir.taps
    let d = ir.directSample
    var gainDB = 0.0
    if settings.level == .direct, h[d] != 0, h[d] != 1 {
      let g = 1 / h[d]
      for i in h.indices { h[i] *= g }
      gainDB = Levels.dB(amplitude: Double(abs(g)))
    }
    let extra = settings.length == .keepTail ? h.count - 1 - d : 0
    let m = ir.measured
    var measured: [(String, JSONValue)] = []
    func r(_ v: Double) -> JSONValue { .number((v * 1000).rounded() / 1000) }
    if let t = m.t30Seconds ?? m.t20Seconds { measured.append(("rt60_measured_s", r(t))) }
    if let t = m.t20Seconds { measured.append(("t20_s", r(t))) }
    if let t = m.t30Seconds { measured.append(("t30_s", r(t))) }
    measured += [("drr_db", r(m.drrDB)), ("c50_db", r(m.c50DB)), ("direct_delay_removed_s", .number((ir.removedDelaySeconds * 1e6).rounded() / 1e6))]

    // A single tap is an identity once aligned and levelled: keep the input's bytes.
    let nonzero = h.indices.filter { h[$0] != 0 }
    if nonzero == [d], h[d] > 0, extra == 0, settings.level == .energy || h[d] == 1 {
      if settings.level == .energy { gainDB = 0 }
      return EffectOutput(audio: audio, measured: measured + [("gain_db", r(gainDB))], room: roomContext(ir, p))
    }
    var y = Convolution.apply(audio.samples, taps: h, delay: d, count: audio.count + extra)
    if settings.level == .energy {
      let inRMS = Levels.rms(audio.samples)
      let outRMS = Levels.rms(Array(y.prefix(audio.count)))
      if inRMS > 0 && outRMS > 0 {
        let g = Float(inRMS / outRMS)
        for i in y.indices { y[i] *= g }
        gainDB = Levels.dB(amplitude: Double(g))
      }
    }
    return EffectOutput(
      audio: AudioBuffer(samples: y, sampleRate: audio.sampleRate), measured: measured + [("gain_db", r(gainDB))],
      room: roomContext(ir, p))
  }

  /// What later noise effects need to place their sources in this room (`noise_in_room`).
  func roomContext(_ ir: ImpulseResponse, _ p: Parameters) -> RoomContext? {
    settings.noiseInRoom ? RoomContext(reverb: self, parameters: p, impulse: ir) : nil
  }

  public func record(_ p: Parameters) -> [(String, JSONValue)] {
    var out: [(String, JSONValue)] = []
    switch p.choice {
    case .room(let d):
      func r(_ v: Double) -> JSONValue { .number((v * 1000).rounded() / 1000) }
      out = [
        ("rt60_s", .number(d.rt60Seconds)), ("room_m", .string(d.room.sizeText)), ("source_m", .string(d.source.text)),
        ("mic_m", .string(d.mic.text)), ("distance_m", r(d.distanceM)), ("wall_profile", .string(Self.profile(of: d).rawValue)),
        ("tail_seed", .string(String(format: "%016llx", d.tailSeed))),
      ]
      if let dir = d.directivity {
        out += [("directivity", .string(dir.pattern.rawValue)), ("facing_deg", r(d.facingDegrees))]
      }
    case .file(let f, let channel):
      out = [("rir_file", .string(f.name)), ("rir_channel", .number(Double(channel)))]
      if let l = f.licence { out.append(("rir_licence", .string(l))) }
    }
    return out + [("level_policy", .string(settings.level.rawValue)), ("length_policy", .string(settings.length.rawValue))]
  }

  /// The wall profile the drawn room was solved with.
  static func profile(of d: DrawnRoom) -> WallMaterialProfile {
    d.profile
  }
}

extension Reverb {
  /// For `noise_in_room`: the impulse response from another point of the same room to the same
  /// microphone, for a point noise source (a television, a fan, another talker), drawn from
  /// `rng` (give the noise effect's own child stream). Synthesized rooms: a new source position
  /// (``RoomSampler/otherSource(in:mic:using:)``) in the calibrated room `ir.room`, its direct
  /// sound on sample 0 like the speech RIR. RIR sets: another file of the same room folder (or
  /// another channel of the same file; the same RIR when the room has only one). Convolve the
  /// noise with it, then set the SNR on what reaches the microphone.
  public func noiseImpulseResponse(in ir: ImpulseResponse, parameters p: Parameters, using rng: inout UtteranceRNG) throws -> (taps: [Float], source: String) {
    switch p.choice {
    case .room(let d):
      let room = ir.room ?? d.room
      let s = RoomSampler.otherSource(in: room, mic: d.mic, using: &rng)
      let rir = try RIRSynth.render(room: room, source: s, mic: d.mic, sampleRate: p.sampleRate, seed: rng.next())
      return (rir.samples, s.text)
    case .file(let f, let channel):
      guard case .files(let all) = settings.source else { return (ir.taps, f.name) }
      let same = all.filter { $0.roomKey == f.roomKey && $0 != f }
      if !same.isEmpty {
        let g = same[rng.index(below: same.count)]
        let ch = g.channels > 1 ? rng.index(below: g.channels) : 0
        return (try Self.readRIR(g, channel: ch, sampleRate: p.sampleRate), "\(g.name)#\(ch)")
      }
      if f.channels > 1 {
        let ch = (channel + 1 + rng.index(below: f.channels - 1)) % f.channels
        return (try Self.readRIR(f, channel: ch, sampleRate: p.sampleRate), "\(f.name)#\(ch)")
      }
      return (ir.taps, f.name)
    }
  }

  /// For `noise_in_room` as a diffuse field: the room's late reverberation without direct sound
  /// (``RIRSynth/diffuseTail(room:sampleRate:seed:lengthSeconds:)``), unit energy. Nil for RIR
  /// sets (no room model; use ``noiseImpulseResponse(in:parameters:using:)``).
  public func diffuseImpulseResponse(in ir: ImpulseResponse, parameters p: Parameters, seed: UInt64) -> [Float]? {
    guard case .room(let d) = p.choice else { return nil }
    return RIRSynth.diffuseTail(room: ir.room ?? d.room, sampleRate: p.sampleRate, seed: seed)
  }
}

/// The validated recipe settings of a `reverb` effect (files are resolved when a run starts).
public struct ReverbSpec: Sendable, Equatable {
  /// Where the impulse responses come from.
  public enum Source: Sendable, Equatable {
    /// A simulated shoe-box room drawn per output.
    case room(RoomSpec)
    /// A set of impulse-response files (an index folder or any folder of audio), one drawn per
    /// output, optionally one split of it.
    case rirs(folder: String, split: String?)
  }
  /// Where the impulse responses come from.
  public var source: Source
  /// Level policy.
  public var level: Reverb.LevelPolicy
  /// Length policy.
  public var length: Reverb.LengthPolicy
  /// Whether the noise effect places its sources in the same room.
  public var noiseInRoom: Bool
  /// How it places them.
  public var noiseField: Reverb.NoiseField = .point
}


extension Reverb: RecipeEffect {
  public static let summary = """
    Far-field speech: convolves the utterance with a room impulse response through the FFT core \
    (one FFT up to 2048 taps, uniformly partitioned beyond). `room` draws a shoe-box room per \
    output — image sources at exact (fractional) delays with octave-band absorption for the \
    early part, a noise tail shaped by each band's decay, joined at the mixing time — with its \
    absorption solved (and corrected by measuring the rendered RIR) so that T20/T30 meet the \
    drawn `rt60_s` within 2 %; `rir` draws real or pre-synthesized RIRs from a folder or an index \
    (one channel per output of a multichannel file; real RIRs are cut at their noise floor). The \
    direct path is aligned to sample 0, so word timings stay valid (the delay removed is \
    recorded). `level: energy` keeps the output RMS equal to the input's; `direct` keeps the \
    direct sound at the speech level. `length: same` keeps the input's length; `keep_tail` adds \
    the reverberant tail. Records the room, positions, `distance_m`, `rt60_s` asked and measured \
    (T20, T30), `drr_db`, `c50_db`, `gain_db`, `direct_delay_removed_s` (or `rir_file` and channel).
    """

  public static let keys: [RecipeKey] = [
    .mapping(
      "room",
      [
        .number("rt60_s", .closed(0.05, 5, " s"), required: true, example: "{uniform: [0.2, 1.0]}", help: "reverberation time to meet (T20/T30), seconds"),
        .number("size_m", .closed(1, 50, " m"), default: .uniform(3, 10), example: "{uniform: [3, 12]}", help: "room length (its longest side), metres"),
        .number("width_m", .closed(1, 50, " m"), example: "4", whenAbsent: "to draw length × U(0.55, 0.9)", help: "room width, metres"),
        .number("height_m", .closed(1, 20, " m"), example: "2.7", whenAbsent: "to draw U(2.4, 3.2) m, at most the width", help: "room height, metres"),
        .number("distance_m", .closed(0.1, 30, " m"), example: "{uniform: [0.5, 4]}", whenAbsent: "to place talker and microphone anywhere", help: "talker–microphone distance, metres (capped at what the room can hold; the one used is recorded)"),
        .keyword(
          "wall_profile", WallMaterialProfile.self,
          meanings: [.flat: "same absorption in every band", .furnished: "living rooms and offices", .cabin: "car cabin"],
          default: .flat, example: "furnished", help: "how wall absorption varies with frequency (RT60 is then met at 500 Hz–1 kHz)"),
        .keyword(
          "directivity", SourceDirectivity.Pattern.self,
          meanings: [.omni: "the same in every direction", .subcardioid: "a + (1 − a)·cos θ with a = 0.7 (2.8 dB index, about a talker's)", .cardioid: "a = 0.5 (4.8 dB, nothing behind)"],
          default: .omni, example: "subcardioid", help: "the talker's radiation pattern; images and tail are weighted by it"),
        .number("facing_deg", .closed(-360, 360, "°"), example: "{uniform: [-180, 180]}", whenAbsent: "to face the microphone", help: "where a directional talker faces: azimuth from the direction of the microphone, degrees (0 towards it, 180 away)"),
      ], example: "{rt60_s: {uniform: [0.2, 1.0]}, size_m: {uniform: [3, 12]}, distance_m: {uniform: [0.5, 4]}}",
      help: "a simulated shoe-box room per output (give room or rir)"),
    .mapping(
      "rir",
      [
        .text("index", example: "rirs/", help: "a folder with an index.tsv (noise index --layout ..., room synth --count)"),
        .text("dir", example: "some/real/rirs", help: "any folder of impulse-response audio files"),
        .text("split", example: "train", help: "only RIRs of this split of the index"),
      ], example: "{index: rirs/}", help: "real or pre-synthesized impulse responses (give room or rir)"),
    .keyword(
      "level", Reverb.LevelPolicy.self,
      meanings: [.energy: "output RMS equals input RMS", .direct: "direct sound at the speech level"],
      default: .energy, example: "direct", help: "how the output level is set"),
    .keyword(
      "length", Reverb.LengthPolicy.self,
      meanings: [.same: "the input's length", .keepTail: "input plus the reverberant tail"],
      default: .same, example: "keep_tail", help: "how long the output is"),
    .flag("noise_in_room", help: "noise effects after this one are heard in the same room: convolved with an RIR from another point of it, the SNR measured at the microphone"),
    .keyword(
      "noise_field", Reverb.NoiseField.self,
      meanings: [.point: "from another point of the room", .diffuse: "from everywhere: the room's late field, no direct sound (simulated rooms only)"],
      default: .point, example: "diffuse", help: "with noise_in_room, how the noise is placed"),
  ]

  public static let example = "{room: {rt60_s: {uniform: [0.2, 1.0]}, size_m: {uniform: [3, 12]}}}"

  public static func spec(from settings: RecipeSettings, check: inout RecipeCheck) -> ReverbSpec? {
    let given = settings.given.filter { $0 == "room" || $0 == "rir" }
    if given.isEmpty {
      if settings.suggested.isDisjoint(with: ["room", "rir"]) {
        check.report(
          settings.location, settings.field,
          "give room (a simulated room, e.g. 'room: {rt60_s: {uniform: [0.2, 1.0]}, size_m: {uniform: [3, 12]}}') "
            + "or rir (impulse responses, e.g. 'rir: {index: rirs/}')")
      }
      return nil
    }
    if given.count > 1 {
      check.report(
        settings.keyLocation(given[1]), settings.field(given[1]),
        "give room or rir, not both ('\(given[0])' is already given)")
      return nil
    }
    var source: ReverbSpec.Source?
    if let room = settings.mapping("room") {
      if let rt60 = room.number("rt60_s"), let size = room.number("size_m"),
        let profile = room.keyword("wall_profile", as: WallMaterialProfile.self),
        let pattern = room.keyword("directivity", as: SourceDirectivity.Pattern.self)
      {
        if room.isGiven("facing_deg") && pattern == .omni {
          check.report(room.keyLocation("facing_deg"), room.field("facing_deg"), "an omnidirectional talker has no facing; give directivity: subcardioid or cardioid")
        } else {
          source = .room(
            RoomSpec(
              rt60Seconds: rt60, lengthM: size, widthM: room.number("width_m"), heightM: room.number("height_m"),
              distanceM: room.number("distance_m"), profile: profile, directivity: pattern, facingDegrees: room.number("facing_deg")))
        }
      }
    } else if let rir = settings.mapping("rir") {
      let folders = rir.given.filter { $0 == "index" || $0 == "dir" }
      if folders.count != 1 {
        check.report(
          folders.count > 1 ? rir.keyLocation(folders[1]) : rir.location, rir.field,
          folders.count > 1
            ? "give index or dir, not both" : "name the impulse responses: 'rir: {index: rirs/}' or 'rir: {dir: some/folder}'")
      } else if let folder = rir.text(folders[0]) {
        if folders[0] == "dir" && rir.isGiven("split") {
          check.report(rir.keyLocation("split"), rir.field("split"), "split needs an index (its split column); use index: instead of dir:")
        } else {
          source = .rirs(folder: folder, split: rir.text("split"))
        }
      }
    }
    guard let source, let level = settings.keyword("level", as: Reverb.LevelPolicy.self),
      let length = settings.keyword("length", as: Reverb.LengthPolicy.self), let inRoom = settings.flag("noise_in_room"),
      let field = settings.keyword("noise_field", as: Reverb.NoiseField.self)
    else { return nil }
    if settings.isGiven("noise_field") && !inRoom {
      check.report(settings.keyLocation("noise_field"), settings.field("noise_field"), "noise_field places the noise of noise_in_room; add 'noise_in_room: true'")
      return nil
    }
    if field == .diffuse, case .rirs = source {
      check.report(
        settings.keyLocation("noise_field"), settings.field("noise_field"),
        "a diffuse field needs a room model; with rir sets use noise_field: point (another RIR of the same room)")
      return nil
    }
    return ReverbSpec(source: source, level: level, length: length, noiseInRoom: inRoom, noiseField: field)
  }

  public init(spec: ReverbSpec, environment: EffectEnvironment) throws {
    let source: Settings.Source
    switch spec.source {
    case .room(let room): source = .room(room)
    case .rirs(let folder, let split): source = .files(try RIRSet.load(folder, split: split))
    }
    self.init(Settings(source: source, level: spec.level, length: spec.length, noiseInRoom: spec.noiseInRoom, noiseField: spec.noiseField))
  }
}

/// The room a `reverb` stage with `noise_in_room` put the talker in: later noise effects convolve
/// their noise with an impulse response from another point of it (``Reverb/noiseImpulseResponse(in:parameters:using:)``)
/// and set the SNR on what reaches the microphone.
public struct RoomContext: Sendable {
  /// The reverb effect that drew the room.
  public var reverb: Reverb
  /// Its drawn parameters.
  public var parameters: Reverb.Parameters
  /// The talker's impulse response in it.
  public var impulse: Reverb.ImpulseResponse

  /// An impulse response from another point of the room to the microphone, drawn from `seed`,
  /// and a description of that point; with `noise_field: diffuse`, the room's late field and
  /// "diffuse".
  public func noiseImpulseResponse(seed: UInt64) throws -> (taps: [Float], source: String) {
    if reverb.settings.noiseField == .diffuse, let taps = reverb.diffuseImpulseResponse(in: impulse, parameters: parameters, seed: seed) {
      return (taps, "diffuse")
    }
    var rng = UtteranceRNG(key: seed)
    return try reverb.noiseImpulseResponse(in: impulse, parameters: parameters, using: &rng)
  }
}
