import Foundation

/// One image source of a shoe-box room: where it is, how far it travels, how often it reflected
/// off each wall.
public struct ImageSource: Sendable, Equatable {
  /// Position of the image, metres (outside the room except for the direct path).
  public var position: RoomPoint
  /// Path length to the microphone, metres.
  public var distanceM: Double
  /// Reflections off each wall, in ``ShoeBoxRoom``'s wall order.
  public var reflections: [Int]

  /// Total reflection order (0 for the direct path).
  public var order: Int { reflections.reduce(0, +) }
}

/// The image-source method for a rectangular room (Allen & Berkley, "Image method for
/// efficiently simulating small-room acoustics", JASA 65(4), 1979).
///
/// Image positions are x = (1 − 2u)·xs + 2l·Lx (and likewise in y, z) for u ∈ {0, 1} and
/// integer l; such an image has reflected |l − u| times off the wall x = 0 and |l| times off
/// x = Lx. Its contribution arrives after d/c seconds with amplitude Π β_w^{n_w} / (4π d).
public enum ImageSources {
  /// The six first-order images of `source` (one per wall).
  public static func firstOrder(of s: RoomPoint, in room: ShoeBoxRoom) -> [RoomPoint] {
    [
      RoomPoint(x: -s.x, y: s.y, z: s.z), RoomPoint(x: 2 * room.lengthM - s.x, y: s.y, z: s.z),
      RoomPoint(x: s.x, y: -s.y, z: s.z), RoomPoint(x: s.x, y: 2 * room.widthM - s.y, z: s.z),
      RoomPoint(x: s.x, y: s.y, z: -s.z), RoomPoint(x: s.x, y: s.y, z: 2 * room.heightM - s.z),
    ]
  }

  /// Every image (direct path included) whose path to `mic` is at most `maxDistanceM`, sorted by
  /// distance (ties by reflection counts, so the order is fixed).
  public static func enumerate(source s: RoomPoint, mic m: RoomPoint, room: ShoeBoxRoom, maxDistanceM: Double) -> [ImageSource] {
    var out: [ImageSource] = []
    forEach(source: s, mic: m, room: room, maxDistanceM: maxDistanceM) { p, d, r in
      out.append(ImageSource(position: p, distanceM: d, reflections: [r.0, r.1, r.2, r.3, r.4, r.5]))
    }
    out.sort { a, b in a.distanceM != b.distanceM ? a.distanceM < b.distanceM : a.reflections.lexicographicallyPrecedes(b.reflections) }
    return out
  }

  /// Reflection counts per wall, in ``ShoeBoxRoom``'s wall order.
  typealias Reflections = (Int, Int, Int, Int, Int, Int)

  /// Calls `body(position, distance, reflections)` for each image within `maxDistanceM`, in a
  /// fixed (lattice) order, without collecting them.
  static func forEach(source s: RoomPoint, mic m: RoomPoint, room: ShoeBoxRoom, maxDistanceM: Double, _ body: (RoomPoint, Double, Reflections) -> Void) {
    let lx = room.lengthM, ly = room.widthM, lz = room.heightM
    let r2 = maxDistanceM * maxDistanceM
    // Per axis: candidate coordinates (with their two reflection counts) whose offset from the
    // microphone alone is within the radius.
    func axis(_ src: Double, _ mic: Double, _ len: Double) -> [(Double, Double, Int, Int)] {
      var c: [(Double, Double, Int, Int)] = []
      let n = Int((maxDistanceM / (2 * len)).rounded(.up)) + 1
      for l in -n...n {
        for u in 0...1 {
          let p = Double(1 - 2 * u) * src + 2 * Double(l) * len
          let d = p - mic
          if d * d <= r2 { c.append((p, d * d, abs(l - u), abs(l))) }
        }
      }
      return c
    }
    let ax = axis(s.x, m.x, lx), ay = axis(s.y, m.y, ly), az = axis(s.z, m.z, lz)
    for a in ax {
      for b in ay where a.1 + b.1 <= r2 {
        for c in az {
          let d2 = a.1 + b.1 + c.1
          if d2 <= r2 {
            body(RoomPoint(x: a.0, y: b.0, z: c.0), d2.squareRoot(), (a.2, a.3, b.2, b.3, c.2, c.3))
          }
        }
      }
    }
  }
}
