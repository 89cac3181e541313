import ArgumentParser
import AudioAmpKit
import Foundation

struct RoomCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "room",
    abstract: "Synthesize and measure room impulse responses (reverberation, far-field speech).",
    subcommands: [Synth.self, Measure.self])

  struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "synth",
      abstract: "Synthesize a room impulse response, or a library of them, meeting a target RT60.",
      discussion: """
        Image sources for the early part (exact delays, fractional-delay interpolation, octave-band \
        wall absorption) and a noise tail decaying at the room's RT60, joined at the mixing time. \
        Absorption is solved so that the RIR's measured T20/T30 meet --rt60. The direct sound is \
        on sample 0 with amplitude 1 (--keep-delay keeps the propagation delay). 32-bit float WAV. \
        Numbers take the recipe forms: 0.6, "[0.3, 0.6]", "{uniform: [0.2, 1.2]}". Examples:
          audioamp room synth --rt60 0.6 --room 6x4x3 --source 1.5,2,1.6 --mic 4,2.5,1.2 --out rir.wav --json
          audioamp room synth --rt60 0.4 --room 5x4x3 --seed 1 --out rir.wav      # positions drawn
          audioamp room synth --rt60 "{uniform: [0.2, 1.2]}" --count 1000 --seed 3 --out rirs/
        A library folder gets rir-NNNNN.wav files and an index.tsv (room, positions, asked and \
        measured RT60, DRR, C50) that the reverb effect reads with `rir: {index: rirs/}`.
        """)

    @Option(help: ArgumentHelp("Target RT60, seconds (number, list or {uniform: [a, b]}).", valueName: "s")) var rt60: String
    @Option(help: ArgumentHelp("Room size LxWxH in metres; drawn from --length when not given.", valueName: "LxWxH")) var room: String?
    @Option(help: ArgumentHelp("Room length to draw when --room is not given, metres.", valueName: "m")) var length = "{uniform: [3, 10]}"
    @Option(help: ArgumentHelp("Talker position x,y,z in metres; drawn from --seed when not given.", valueName: "x,y,z")) var source: String?
    @Option(help: ArgumentHelp("Microphone position x,y,z in metres; drawn when not given.", valueName: "x,y,z")) var mic: String?
    @Option(help: ArgumentHelp("Talker–microphone distance to draw positions at, metres.", valueName: "m")) var distance: String?
    @Option(help: ArgumentHelp("Wall absorption against frequency: flat, furnished or cabin.", valueName: "profile")) var profile = "flat"
    @Option(help: ArgumentHelp("Talker radiation pattern: omni, subcardioid (about a talker's) or cardioid.", valueName: "pattern")) var directivity = "omni"
    @Option(help: ArgumentHelp("Where a directional talker faces: degrees from the direction of the mic (0 towards it; number, list or {uniform: [a, b]}).", valueName: "deg")) var facing: String?
    @Option(help: "Sample rate, Hz.") var rate = 16000
    @Option(help: "Random seed (positions, sizes, the tail).") var seed: UInt64 = 0
    @Option(help: "Number of RIRs (more than one makes a library folder).") var count = 1
    @Option(help: "Threads for a library.") var jobs = 1
    @Option(help: ArgumentHelp("Output .wav file, or a folder (ending in /) for a library.", valueName: "path")) var out: String
    @Flag(help: "Keep the direct path's propagation delay instead of aligning it to sample 0.") var keepDelay = false
    @Flag(help: "Print the room, positions and measured figures as JSON.") var json = false

    func options() throws -> RoomSynthOptions {
      var o = RoomSynthOptions(rt60Seconds: try parseNumberSpec(rt60, flag: "--rt60"), out: out)
      if let r = room {
        let p = r.lowercased().split(separator: "x").compactMap { Double($0) }
        guard p.count == 3, p.allSatisfy({ $0 > 0 }) else { throw ValidationError("--room \(r): write LxWxH in metres, e.g. 6x4x3") }
        o.size = (p[0], p[1], p[2])
      }
      o.lengthM = try parseNumberSpec(length, flag: "--length")
      guard o.lengthM.range.lowerBound > 0 else { throw ValidationError("--length must be positive") }
      o.source = try source.map { try point($0, flag: "--source") }
      o.mic = try mic.map { try point($0, flag: "--mic") }
      o.distanceM = try distance.map { try parseNumberSpec($0, flag: "--distance") }
      guard let pr = WallMaterialProfile(rawValue: profile) else {
        throw ValidationError("--profile \(profile): choose \(WallMaterialProfile.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      o.profile = pr
      guard let dir = SourceDirectivity.Pattern(rawValue: directivity) else {
        throw ValidationError("--directivity \(directivity): choose \(SourceDirectivity.Pattern.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      o.directivity = dir
      o.facingDegrees = try facing.map { try parseNumberSpec($0, flag: "--facing") }
      if o.facingDegrees != nil && dir == .omni { throw ValidationError("--facing needs a directional talker: give --directivity subcardioid or cardioid") }
      o.sampleRate = rate
      o.seed = seed
      o.count = count
      o.jobs = jobs
      o.keepDelay = keepDelay
      return o
    }

    func point(_ s: String, flag: String) throws -> RoomPoint {
      let p = s.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard p.count == 3 else { throw ValidationError("\(flag) \(s): write x,y,z in metres, e.g. 1.5,2,1.6") }
      return RoomPoint(x: p[0], y: p[1], z: p[2])
    }

    func validate() throws {
      guard (1000...192_000).contains(rate) else { throw ValidationError("--rate must be 1000 to 192000 Hz") }
      guard count >= 1 else { throw ValidationError("--count must be at least 1") }
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
      let o = try options()
      guard o.rt60Seconds.range.lowerBound > 0 else { throw ValidationError("--rt60 must be positive") }
      if count == 1 && !out.hasSuffix("/") && !out.lowercased().hasSuffix(".wav") {
        throw ValidationError("--out \(out): give a .wav file, or a folder ending in / for a library")
      }
    }

    func run() throws {
      do {
        let o = try options()
        let command = CommandLine.arguments.dropFirst().joined(separator: " ")
        let results = try RoomJob.synth(o, command: command)
        if json {
          for r in results { print(JSONValue.object(r.fields).serialized) }
        } else if results.count == 1 && !out.hasSuffix("/") {
          let r = results[0]
          let m = r.measured
          print("wrote \(out): \(String(format: "%.3f", Double(r.rir.samples.count) / Double(rate))) s at \(rate) Hz")
          print("  room \(r.room.sizeText) m, source \(r.drawn.source.text), mic \(r.drawn.mic.text), distance \(String(format: "%.2f", r.drawn.distanceM)) m")
          print(String(format: "  RT60 asked %.3f s; measured T20 %@, T30 %@; DRR %.1f dB, C50 %.1f dB; direct delay %.2f ms%@", r.drawn.rt60Seconds,
                       fmt(m.t20Seconds), fmt(m.t30Seconds), m.drrDB, m.c50DB, r.rir.directDelaySeconds * 1e3, keepDelay ? "" : " (removed)"))
        } else {
          let ok = results.filter { r in [r.measured.t20Seconds, r.measured.t30Seconds].allSatisfy { t in t.map { abs($0 / r.drawn.rt60Seconds - 1) <= 0.1 } ?? false } }
          print("wrote \(results.count) RIRs and index.tsv into \(out); \(ok.count) with T20 and T30 within 10 % of their target")
        }
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }

  struct Measure: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "measure",
      abstract: "Measure an impulse response: RT60 (T20, T30 by Schroeder integration), EDT, DRR, C50, direct-path delay.",
      discussion: """
        The noise floor is found and cut off (Lundeby) before integrating. Example:
          audioamp room measure rir.wav --json
        """)

    @Argument(help: ArgumentHelp("Impulse response file.", valueName: "file")) var file: String
    @Option(help: "Channel of a multichannel file (0-based).") var channel = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
      guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
      guard channel >= 0 else { throw ValidationError("--channel must be 0 or more") }
    }

    func run() throws {
      do {
        let (m, info) = try RoomJob.measure(path: file, channel: channel)
        if json {
          func r(_ v: Double?) -> JSONValue { v.map { .number(($0 * 1000).rounded() / 1000) } ?? .null }
          let fields: [(String, JSONValue)] = [
            ("file", .string(file)), ("channel", .number(Double(channel))), ("sample_rate", .number(Double(info.sampleRate))),
            ("t20_s", r(m.t20Seconds)), ("t30_s", r(m.t30Seconds)), ("edt_s", r(m.edtSeconds)), ("drr_db", r(m.drrDB)), ("c50_db", r(m.c50DB)),
            ("direct_delay_s", .number((m.directDelaySeconds * 1e6).rounded() / 1e6)), ("truncation_s", r(m.truncationSeconds)),
            ("noise_floor_db", r(m.noiseFloorDB)),
          ]
          print(JSONValue.object(fields).serialized)
        } else {
          print("\(file) (channel \(channel), \(info.sampleRate) Hz, \(String(format: "%.3f", info.durationSeconds)) s)")
          print("  T20 \(fmt(m.t20Seconds)), T30 \(fmt(m.t30Seconds)), EDT \(fmt(m.edtSeconds))")
          print(String(format: "  DRR %.1f dB, C50 %.1f dB, direct sound at %.3f ms", m.drrDB, m.c50DB, m.directDelaySeconds * 1e3))
          print("  integrated to \(String(format: "%.3f", m.truncationSeconds)) s; noise floor " + (m.noiseFloorDB.map { String(format: "%.1f dB", $0) } ?? "not reached"))
        }
      } catch {
        fail("\(error)", code: 1)
      }
    }
  }
}

/// Seconds with three decimals, or "n/a" when the decay range was not reached.
private func fmt(_ v: Double?) -> String { v.map { String(format: "%.3f s", $0) } ?? "n/a (decay range not reached)" }

/// Parses the recipe number forms on the command line: `0.6`, `[0.3, 0.6]` (a choice),
/// `{uniform: [0.2, 1.2]}`, `{cycle: [..]}`, `{choice: [..]}`.
func parseNumberSpec(_ text: String, flag: String) throws -> NumberSpec {
  let s = text.filter { !$0.isWhitespace }
  func list(_ t: Substring) throws -> [Double] {
    guard t.hasPrefix("["), t.hasSuffix("]") else { throw ValidationError("\(flag) \(text): expected a list like [0.2, 1.2]") }
    let items = t.dropFirst().dropLast().split(separator: ",")
    let v = items.compactMap { Double($0) }
    guard !v.isEmpty, v.count == items.count, v.allSatisfy(\.isFinite) else { throw ValidationError("\(flag) \(text): the list must hold numbers") }
    return v
  }
  if let v = Double(s), v.isFinite { return .constant(v) }
  if s.hasPrefix("[") { return .choice(try list(Substring(s))) }
  if s.hasPrefix("{"), s.hasSuffix("}"), let colon = s.firstIndex(of: ":") {
    let key = s[s.index(after: s.startIndex)..<colon]
    let v = try list(s[s.index(after: colon)..<s.index(before: s.endIndex)])
    switch key {
    case "uniform":
      guard v.count == 2, v[0] <= v[1] else { throw ValidationError("\(flag) \(text): uniform takes [min, max] with min ≤ max") }
      return .uniform(v[0], v[1])
    case "cycle": return .cycle(v)
    case "choice": return .choice(v)
    default: break
    }
  }
  throw ValidationError("\(flag) \(text): write a number (0.6), a list ([0.3, 0.6]) or {uniform: [0.2, 1.2]}")
}
