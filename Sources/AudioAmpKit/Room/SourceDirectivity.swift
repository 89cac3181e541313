import Foundation

/// How a source radiates: a first-order pattern g(θ) = a + (1 − a)·cos θ about the direction it
/// faces (θ the angle between that direction and the direction of emission).
///
/// A talker radiates more to the front than to the back: about 3 dB of directivity index at
/// 1–2 kHz (Chu & Warnock, NRC report IRC-RR-104, 2002; Monson et al., JASA 2012), close to the
/// subcardioid's 2.8 dB. Each image source's amplitude is weighted by g of the direction in
/// which the real source emitted the ray that the image stands for (the image's direction with
/// the axes it was mirrored in flipped back), and the late tail by the pattern's diffuse-field
/// gain √(a² + (1 − a)²/3) (the RMS of g over the sphere), so the reverberant energy is what the
/// source puts into the room and the decay is unchanged.
public struct SourceDirectivity: Sendable, Equatable {
  /// The patterns offered.
  public enum Pattern: String, Sendable, CaseIterable, Codable {
    /// The same in every direction (a = 1).
    case omni
    /// a = 0.7: 2.8 dB directivity index, about a talker's at 1–2 kHz.
    case subcardioid
    /// a = 0.5: 4.8 dB, nothing behind.
    case cardioid

    /// The pattern's a.
    public var a: Double {
      switch self {
      case .omni: return 1
      case .subcardioid: return 0.7
      case .cardioid: return 0.5
      }
    }
  }

  /// The pattern.
  public var pattern: Pattern
  /// The direction the source faces (any length; normalised when used).
  public var facing: RoomPoint

  /// Creates a directivity.
  public init(pattern: Pattern, facing: RoomPoint) {
    self.pattern = pattern
    self.facing = facing
  }

  /// A source at `source` facing `azimuthDegrees` away from the microphone in the horizontal
  /// plane (0: towards it, 180: away), level.
  public static func facing(_ pattern: Pattern, source: RoomPoint, mic: RoomPoint, azimuthDegrees: Double) -> SourceDirectivity {
    var dx = mic.x - source.x, dy = mic.y - source.y
    if dx * dx + dy * dy < 1e-12 { (dx, dy) = (1, 0) }
    let phi = atan2(dy, dx) + azimuthDegrees * Double.pi / 180
    return SourceDirectivity(pattern: pattern, facing: RoomPoint(x: cos(phi), y: sin(phi), z: 0))
  }

  /// g in the direction (dx, dy, dz) (any length).
  public func gain(_ dx: Double, _ dy: Double, _ dz: Double) -> Double {
    let a = pattern.a
    guard a < 1 else { return 1 }
    let n = (dx * dx + dy * dy + dz * dz).squareRoot() * (facing.x * facing.x + facing.y * facing.y + facing.z * facing.z).squareRoot()
    guard n > 0 else { return 1 }
    return a + (1 - a) * (dx * facing.x + dy * facing.y + dz * facing.z) / n
  }

  /// The RMS of g over the sphere, √(a² + (1 − a)²/3).
  public var diffuseGain: Double {
    let a = pattern.a
    return (a * a + (1 - a) * (1 - a) / 3).squareRoot()
  }

  /// Directivity index, dB: on-axis power over the sphere's mean.
  public var indexDB: Double { -20 * log10(diffuseGain) }
}
