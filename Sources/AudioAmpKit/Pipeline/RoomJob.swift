import Foundation

/// What `audioamp room synth` was asked.
public struct RoomSynthOptions: Sendable {
  /// Target RT60, seconds.
  public var rt60Seconds: NumberSpec
  /// Fixed room size (length, width, height in metres); nil draws the length from `lengthM`.
  public var size: (Double, Double, Double)?
  /// Room length to draw when `size` is nil, metres (width and height as ``RoomSpec`` does).
  public var lengthM: NumberSpec = .uniform(3, 10)
  /// Talker position; nil draws it.
  public var source: RoomPoint?
  /// Microphone position; nil draws it.
  public var mic: RoomPoint?
  /// Talker–microphone distance to draw when positions are not given; nil for anywhere.
  public var distanceM: NumberSpec?
  /// Wall absorption profile.
  public var profile: WallMaterialProfile = .flat
  /// The talker's radiation pattern.
  public var directivity: SourceDirectivity.Pattern = .omni
  /// Where a directional talker faces, degrees from the direction of the microphone; nil faces it.
  public var facingDegrees: NumberSpec?
  /// Sample rate, Hz.
  public var sampleRate = 16000
  /// Seed.
  public var seed: UInt64 = 0
  /// Number of RIRs; with more than one (or `out` a folder), a library with `index.tsv`.
  public var count = 1
  /// Output file (one RIR) or folder (a library).
  public var out: String
  /// Keep the direct path's propagation delay in the file instead of aligning it to sample 0.
  public var keepDelay = false
  /// Threads for a library.
  public var jobs = 1

  /// Creates options.
  public init(rt60Seconds: NumberSpec, out: String) {
    self.rt60Seconds = rt60Seconds
    self.out = out
  }
}

/// One synthesized RIR and what was measured in it.
public struct RoomSynthResult: Sendable {
  /// File written.
  public var path: String
  /// The room drawn (target and positions).
  public var drawn: DrawnRoom
  /// The calibrated room.
  public var room: ShoeBoxRoom
  /// The rendering.
  public var rir: SynthesizedRIR
  /// Its measurement.
  public var measured: RIRMeasurement

  /// Everything as JSON fields, for `--json` and the index.
  public var fields: [(String, JSONValue)] {
    func r(_ v: Double?) -> JSONValue { v.map { .number(($0 * 1000).rounded() / 1000) } ?? .null }
    return [
      ("file", .string(path)), ("sample_rate", .number(Double(rir.sampleRate))), ("length_s", r(Double(rir.samples.count) / Double(rir.sampleRate))),
      ("room_m", .string(room.sizeText)), ("source_m", .string(drawn.source.text)), ("mic_m", .string(drawn.mic.text)),
      ("distance_m", r(drawn.distanceM)), ("wall_profile", .string(drawn.profile.rawValue)),
      ("absorption_1k", r(room.meanAbsorption(band: 3))), ("rt60_s", .number(drawn.rt60Seconds)),
      ("t20_s", r(measured.t20Seconds)), ("t30_s", r(measured.t30Seconds)), ("edt_s", r(measured.edtSeconds)),
      ("drr_db", r(measured.drrDB)), ("c50_db", r(measured.c50DB)),
      ("direct_delay_s", .number((rir.directDelaySeconds * 1e6).rounded() / 1e6)),
      ("mixing_time_s", r(rir.mixingTimeSeconds)), ("image_sources", .number(Double(rir.imageCount))),
      ("tail_seed", .string(String(format: "%016llx", drawn.tailSeed))),
    ] + (drawn.directivity.map { [("directivity", .string($0.pattern.rawValue)), ("facing_deg", r(drawn.facingDegrees))] } ?? [])
  }
}

/// `audioamp room synth` and `audioamp room measure`.
public enum RoomJob {
  /// Draws the room of RIR `index` (its own stream: seed, "rir-<index>"), so a library's
  /// files do not depend on `--jobs` or on how many are made.
  public static func draw(_ o: RoomSynthOptions, index: Int) throws -> DrawnRoom {
    var rng = UtteranceRNG(seed: o.seed, utteranceID: "rir-\(index)", variant: 0)
    if let s = o.size, let src = o.source, let mic = o.mic {
      let rt60 = o.rt60Seconds.draw(using: &rng)
      let room = try RT60Solver.room(lengthM: s.0, widthM: s.1, heightM: s.2, rt60Seconds: rt60, profile: o.profile)
      guard room.contains(src) else { throw RoomError.outside(what: "--source", point: src.text, room: room.sizeText) }
      guard room.contains(mic) else { throw RoomError.outside(what: "--mic", point: mic.text, room: room.sizeText) }
      var d = DrawnRoom(rt60Seconds: rt60, room: room, source: src, mic: mic, tailSeed: rng.next(), profile: o.profile)
      if o.directivity != .omni {
        d.facingDegrees = o.facingDegrees?.draw(using: &rng) ?? 0
        d.directivity = .facing(o.directivity, source: src, mic: mic, azimuthDegrees: d.facingDegrees)
      }
      return d
    }
    let spec = RoomSpec(
      rt60Seconds: o.rt60Seconds, lengthM: o.size.map { .constant($0.0) } ?? o.lengthM, widthM: o.size.map { .constant($0.1) },
      heightM: o.size.map { .constant($0.2) }, distanceM: o.distanceM, profile: o.profile,
      directivity: o.directivity, facingDegrees: o.facingDegrees)
    var d = try RoomSampler.draw(spec, using: &rng)
    // A position given on its own is kept; the other one stays drawn.
    if let src = o.source {
      guard d.room.contains(src) else { throw RoomError.outside(what: "--source", point: src.text, room: d.room.sizeText) }
      d.source = src
    }
    if let mic = o.mic {
      guard d.room.contains(mic) else { throw RoomError.outside(what: "--mic", point: mic.text, room: d.room.sizeText) }
      d.mic = mic
    }
    if let dir = d.directivity { d.directivity = .facing(dir.pattern, source: d.source, mic: d.mic, azimuthDegrees: d.facingDegrees) }
    return d
  }

  /// Renders one RIR (calibrated to its RT60) and measures it.
  public static func synthesize(_ o: RoomSynthOptions, index: Int, path: String) throws -> RoomSynthResult {
    let d = try draw(o, index: index)
    var options = RIRSynth.Options()
    options.alignDirect = !o.keepDelay
    options.directivity = d.directivity
    let (room, rir, m) = try RIRSynth.renderMeetingRT60(
      lengthM: d.room.lengthM, widthM: d.room.widthM, heightM: d.room.heightM, rt60Seconds: d.rt60Seconds, profile: d.profile,
      source: d.source, mic: d.mic, sampleRate: o.sampleRate, seed: d.tailSeed, options: options)
    return RoomSynthResult(path: path, drawn: d, room: room, rir: rir, measured: m)
  }

  /// Runs `room synth`: one file, or (count > 1 or `out` ending in `/`) a folder of
  /// `rir-NNNNN.wav` files (32-bit float WAV, direct sound amplitude 1) with an `index.tsv` that
  /// the reverb effect and `RIRSet` read. Returns the results in index order.
  public static func synth(_ o: RoomSynthOptions, command: String) throws -> [RoomSynthResult] {
    let library = o.count > 1 || o.out.hasSuffix("/")
    if !library {
      let r = try synthesize(o, index: 0, path: o.out)
      try SoundFile.writeWAVFloat(r.rir.samples, sampleRate: o.sampleRate, to: o.out)
      return [r]
    }
    try FileManager.default.createDirectory(atPath: o.out, withIntermediateDirectories: true)
    var results = [Result<RoomSynthResult, Error>?](repeating: nil, count: o.count)
    let lock = NSLock()
    let jobs = max(1, min(o.jobs, o.count))
    DispatchQueue.concurrentPerform(iterations: jobs) { worker in
      var i = worker
      while i < o.count {
        let name = String(format: "rir-%05d.wav", i)
        let r = Result { () throws -> RoomSynthResult in
          let r = try synthesize(o, index: i, path: name)
          try SoundFile.writeWAVFloat(r.rir.samples, sampleRate: o.sampleRate, to: (o.out as NSString).appendingPathComponent(name))
          return r
        }
        lock.lock()
        results[i] = r
        lock.unlock()
        i += jobs
      }
    }
    var out: [RoomSynthResult] = []
    for (i, r) in results.enumerated() {
      switch r! {
      case .success(let v): out.append(v)
      case .failure(let e): throw RoomError.badValue(what: String(format: "rir-%05d", i), detail: "\(e)")
      }
    }
    let extra = ["rt60_s", "t20_s", "t30_s", "drr_db", "c50_db", "distance_m", "room_m", "source_m", "mic_m", "wall_profile", "tail_seed"]
    var rows = [(["file", "category", "duration_s", "sample_rate", "channels", "level_dbfs", "licence", "made_by", "split"] + extra).joined(separator: "\t")]
    for r in out {
      let f = Dictionary(uniqueKeysWithValues: r.fields.map { ($0.0, $0.1) })
      func text(_ k: String) -> String {
        switch f[k] {
        case .number(let v)?: return JSONValue.format(v)
        case .string(let s)?: return s
        default: return ""
        }
      }
      let level = Levels.dB(amplitude: Levels.rms(r.rir.samples))
      rows.append(
        ([r.path, "rir-simulated", String(format: "%.3f", Double(r.rir.samples.count) / Double(o.sampleRate)), "\(o.sampleRate)", "1",
          String(format: "%.1f", level), "CC0-1.0", "audioamp \(AudioAmpVersion.string): \(command)", NoiseImporter.hashSplit(r.path)]
          + extra.map(text)).joined(separator: "\t"))
    }
    try StateFile.writeText(rows.joined(separator: "\n") + "\n", to: (o.out as NSString).appendingPathComponent("index.tsv"))
    return out
  }

  /// Runs `room measure` on channel `channel` of `path` (at the file's own rate).
  public static func measure(path: String, channel: Int = 0) throws -> (RIRMeasurement, AudioFileInfo) {
    let f = try SoundFile(readingFrom: path)
    guard channel < f.info.channels else {
      throw AudioFileError.badRange(path: path, detail: "channel \(channel) asked, the file has \(f.info.channels) (0...\(f.info.channels - 1))")
    }
    let h = try RIRSet.read(RIRFile(path: path, name: path, channels: f.info.channels), channel: channel, sampleRate: f.info.sampleRate)
    do {
      return (try RIRMeasure.measure(h, sampleRate: f.info.sampleRate), f.info)
    } catch {
      throw RoomError.badValue(what: path, detail: "\(error)")
    }
  }
}
