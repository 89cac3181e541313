import Foundation

/// How rooms are drawn: each quantity a ``NumberSpec`` (fixed, uniform range or list).
public struct RoomSpec: Sendable, Equatable {
  /// Target RT60, seconds (at 500 Hz–1 kHz; in every band with the `flat` profile).
  public var rt60Seconds: NumberSpec
  /// Room length (the longest side), metres.
  public var lengthM: NumberSpec
  /// Width, metres; nil draws it as length × U(0.55, 0.9).
  public var widthM: NumberSpec?
  /// Height, metres; nil draws U(2.4, 3.2), but never more than the width.
  public var heightM: NumberSpec?
  /// Source–microphone distance, metres; nil places both anywhere (at least 0.2 m apart).
  public var distanceM: NumberSpec?
  /// How the walls' absorption varies with frequency.
  public var profile: WallMaterialProfile
  /// The talker's radiation pattern.
  public var directivity: SourceDirectivity.Pattern = .omni
  /// Where the talker faces: azimuth from the direction of the microphone, degrees (0: towards
  /// it); nil faces the microphone.
  public var facingDegrees: NumberSpec? = nil

  /// Creates a spec.
  public init(rt60Seconds: NumberSpec, lengthM: NumberSpec, widthM: NumberSpec? = nil, heightM: NumberSpec? = nil, distanceM: NumberSpec? = nil, profile: WallMaterialProfile = .flat, directivity: SourceDirectivity.Pattern = .omni, facingDegrees: NumberSpec? = nil) {
    self.directivity = directivity
    self.facingDegrees = facingDegrees
    self.rt60Seconds = rt60Seconds
    self.lengthM = lengthM
    self.widthM = widthM
    self.heightM = heightM
    self.distanceM = distanceM
    self.profile = profile
  }
}

/// One drawn room with its source and microphone: everything needed to render the RIR again.
public struct DrawnRoom: Sendable, Equatable {
  /// Target RT60, seconds.
  public var rt60Seconds: Double
  /// The room, absorption solved for the target.
  public var room: ShoeBoxRoom
  /// Talker position.
  public var source: RoomPoint
  /// Microphone position.
  public var mic: RoomPoint
  /// Seed of the RIR's stochastic tail.
  public var tailSeed: UInt64
  /// The wall profile the absorption follows.
  public var profile: WallMaterialProfile = .flat
  /// The talker's radiation pattern and facing; nil for omnidirectional.
  public var directivity: SourceDirectivity? = nil
  /// The facing drawn, degrees from the direction of the microphone.
  public var facingDegrees: Double = 0
  /// Source–microphone distance, metres.
  public var distanceM: Double { source.distance(to: mic) }
}

/// Draws rooms and positions from an utterance's stream.
///
/// Draw order is fixed (RT60, length, width, height, microphone, source, tail seed, then the
/// facing for a directional talker), so a given stream always gives the same room, and an
/// omnidirectional spec draws exactly what it drew before directivity existed. Positions keep min(0.5 m, 20 % of the side) from every
/// wall, so neither talker nor microphone sits in a wall.
public enum RoomSampler {
  /// Draws a room for `spec`. Throws ``RoomError`` when the drawn RT60 cannot be reached in the
  /// drawn room or the drawn distance does not fit.
  public static func draw(_ spec: RoomSpec, using rng: inout UtteranceRNG) throws -> DrawnRoom {
    let rt60 = spec.rt60Seconds.draw(using: &rng)
    let length = spec.lengthM.draw(using: &rng)
    let width = spec.widthM?.draw(using: &rng) ?? length * rng.uniform(0.55, 0.9)
    let height = spec.heightM?.draw(using: &rng) ?? min(rng.uniform(2.4, 3.2), width)
    guard length > 0, width > 0, height > 0 else {
      throw RoomError.badValue(what: "room size", detail: String(format: "%.2fx%.2fx%.2f m has a side that is not positive", length, width, height))
    }
    let room = try RT60Solver.room(lengthM: length, widthM: width, heightM: height, rt60Seconds: rt60, profile: spec.profile)
    let distance = spec.distanceM?.draw(using: &rng)
    let (source, mic) = try positions(in: room, distanceM: distance, using: &rng)
    var drawn = DrawnRoom(rt60Seconds: rt60, room: room, source: source, mic: mic, tailSeed: rng.next(), profile: spec.profile)
    if spec.directivity != .omni {
      drawn.facingDegrees = spec.facingDegrees?.draw(using: &rng) ?? 0
      drawn.directivity = .facing(spec.directivity, source: source, mic: mic, azimuthDegrees: drawn.facingDegrees)
    }
    return drawn
  }

  /// Distance kept from the walls along an axis of length `side`.
  static func margin(_ side: Double) -> Double { min(0.5, 0.2 * side) }

  /// A point drawn uniformly inside the room, away from the walls.
  public static func point(in room: ShoeBoxRoom, using rng: inout UtteranceRNG) -> RoomPoint {
    func coord(_ side: Double) -> Double { rng.uniform(margin(side), side - margin(side)) }
    let x = coord(room.lengthM)
    let y = coord(room.widthM)
    let z = coord(room.heightM)
    return RoomPoint(x: x, y: y, z: z)
  }

  /// Source and microphone positions: `distanceM` apart when given (direction uniform on the
  /// sphere; capped at 60 % of the diagonal of the allowed space), else anywhere at least 0.2 m
  /// apart. Throws ``RoomError/distanceDoesNotFit`` when 1000 tries find no pair.
  public static func positions(in room: ShoeBoxRoom, distanceM: Double?, using rng: inout UtteranceRNG) throws -> (source: RoomPoint, mic: RoomPoint) {
    func inside(_ p: RoomPoint) -> Bool {
      p.x >= margin(room.lengthM) && p.x <= room.lengthM - margin(room.lengthM) && p.y >= margin(room.widthM)
        && p.y <= room.widthM - margin(room.widthM) && p.z >= margin(room.heightM) && p.z <= room.heightM - margin(room.heightM)
    }
    // A distance longer than the room allows is capped at 60 % of the diagonal of the space
    // the positions may take (the recorded distance is the one used), so a recipe drawing size
    // and distance independently never asks for the impossible.
    let inner = RoomPoint(x: room.lengthM - 2 * margin(room.lengthM), y: room.widthM - 2 * margin(room.widthM), z: room.heightM - 2 * margin(room.heightM))
    let cap = 0.6 * inner.distance(to: RoomPoint(x: 0, y: 0, z: 0))
    let distanceM = distanceM.map { min($0, cap) }
    for _ in 0..<1000 {
      let mic = point(in: room, using: &rng)
      if let d = distanceM {
        let z = rng.uniform(-1, 1)
        let phi = rng.uniform(0, 2 * Double.pi)
        let r = (1 - z * z).squareRoot()
        let s = RoomPoint(x: mic.x + d * r * cos(phi), y: mic.y + d * r * sin(phi), z: mic.z + d * z)
        if inside(s) { return (s, mic) }
      } else {
        let s = point(in: room, using: &rng)
        if s.distance(to: mic) >= 0.2 { return (s, mic) }
      }
    }
    throw RoomError.distanceDoesNotFit(distanceM: distanceM ?? 0.2, room: room.sizeText)
  }

  /// Another point source in the same room for noise in the room (a television, a fan, a
  /// second talker): drawn like a talker position, at least 0.5 m (or as far as the room
  /// allows) from the microphone.
  public static func otherSource(in room: ShoeBoxRoom, mic: RoomPoint, using rng: inout UtteranceRNG) -> RoomPoint {
    var best = point(in: room, using: &rng)
    for _ in 0..<100 where best.distance(to: mic) < 0.5 {
      let p = point(in: room, using: &rng)
      if p.distance(to: mic) > best.distance(to: mic) { best = p }
    }
    return best
  }
}
