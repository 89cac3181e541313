import Foundation

/// A point in a room, metres, in the room's frame (origin at one floor corner, z up).
public struct RoomPoint: Sendable, Equatable, Codable {
  /// Along the room's length, metres.
  public var x: Double
  /// Along the room's width, metres.
  public var y: Double
  /// Height above the floor, metres.
  public var z: Double

  /// Creates a point.
  public init(x: Double, y: Double, z: Double) {
    self.x = x
    self.y = y
    self.z = z
  }

  /// Euclidean distance to `other`, metres.
  public func distance(to other: RoomPoint) -> Double {
    let dx = x - other.x
    let dy = y - other.y
    let dz = z - other.z
    return (dx * dx + dy * dy + dz * dz).squareRoot()
  }

  /// `x,y,z` with three decimals (the CLI's and the manifest's form).
  public var text: String { String(format: "%.3f,%.3f,%.3f", x, y, z) }
}

/// The octave bands in which wall absorption and reverberation time are given: 125 Hz to 8 kHz.
///
/// Band b is centred on `centresHz[b]`; bands above the Nyquist frequency of a given sample rate
/// are ignored by the renderer (their absorption then does not matter).
public enum OctaveBands {
  /// Centre frequencies, Hz.
  public static let centresHz: [Double] = [125, 250, 500, 1000, 2000, 4000, 8000]
  /// Number of bands.
  public static var count: Int { centresHz.count }

  /// Zero-phase crossover weights of the bands at frequency `f` Hz: between two neighbouring
  /// centres the lower band falls as cos²(π/2·x) and the upper rises as sin²(π/2·x), with x the
  /// position in octaves; below the first centre only band 0 is 1, above the last only the last.
  /// The weights always sum to exactly 1, so a frequency-flat absorption renders the same RIR as
  /// no band split at all.
  public static func weights(atHz f: Double) -> [Double] {
    var w = [Double](repeating: 0, count: count)
    if f <= centresHz[0] {
      w[0] = 1
      return w
    }
    if f >= centresHz[count - 1] {
      w[count - 1] = 1
      return w
    }
    let pos = log2(f / centresHz[0])
    let b = min(Int(pos), count - 2)
    let x = pos - Double(b)
    let c = cos(Double.pi / 2 * x)
    w[b] = c * c
    w[b + 1] = 1 - c * c
    return w
  }
}

/// A shoe-box room: size, per-wall octave-band absorption, speed of sound.
///
/// Walls are indexed 0…5 as x = 0, x = Lx, y = 0, y = Ly, z = 0 (floor), z = Lz (ceiling).
/// `absorption[w][b]` is the random-incidence energy absorption coefficient α of wall w in octave
/// band b (``OctaveBands``), in (0, 1); the pressure reflection coefficient used by the image
/// sources is β = √(1 − α).
public struct ShoeBoxRoom: Sendable, Equatable {
  /// Length, width, height in metres (each > 0).
  public var lengthM: Double
  /// Width, metres.
  public var widthM: Double
  /// Height, metres.
  public var heightM: Double
  /// α per wall (6) per octave band (``OctaveBands/count``).
  public var absorption: [[Double]]
  /// Speed of sound, m/s (343 at 20 °C).
  public var speedOfSound: Double

  /// Creates a room with the given absorption (6 walls × 7 bands, each in (0, 1)).
  public init(lengthM: Double, widthM: Double, heightM: Double, absorption: [[Double]], speedOfSound: Double = 343) {
    precondition(lengthM > 0 && widthM > 0 && heightM > 0, "room dimensions must be positive")
    precondition(absorption.count == 6 && absorption.allSatisfy { $0.count == OctaveBands.count }, "absorption is 6 walls × \(OctaveBands.count) bands")
    self.lengthM = lengthM
    self.widthM = widthM
    self.heightM = heightM
    self.absorption = absorption
    self.speedOfSound = speedOfSound
  }

  /// Creates a room whose six walls all have absorption `alpha` in every band.
  public init(lengthM: Double, widthM: Double, heightM: Double, uniformAbsorption alpha: Double, speedOfSound: Double = 343) {
    let bands = [Double](repeating: alpha, count: OctaveBands.count)
    self.init(lengthM: lengthM, widthM: widthM, heightM: heightM, absorption: [[Double]](repeating: bands, count: 6), speedOfSound: speedOfSound)
  }

  /// Volume, m³.
  public var volume: Double { lengthM * widthM * heightM }
  /// Surface of the six walls, m².
  public var surface: Double { 2 * (lengthM * widthM + lengthM * heightM + widthM * heightM) }
  /// Area of wall w (0…5), m².
  public func wallArea(_ w: Int) -> Double {
    switch w / 2 {
    case 0: return widthM * heightM
    case 1: return lengthM * heightM
    default: return lengthM * widthM
    }
  }

  /// `LxWxH` with two decimals, the CLI's form.
  public var sizeText: String { String(format: "%.2fx%.2fx%.2f", lengthM, widthM, heightM) }

  /// True when `p` lies inside the room (walls included).
  public func contains(_ p: RoomPoint) -> Bool {
    p.x >= 0 && p.x <= lengthM && p.y >= 0 && p.y <= widthM && p.z >= 0 && p.z <= heightM
  }

  /// Area-weighted mean absorption in band b.
  public func meanAbsorption(band b: Int) -> Double {
    var a = 0.0
    for w in 0..<6 { a += wallArea(w) * absorption[w][b] }
    return a / surface
  }

  /// Eyring's reverberation time in band b, seconds:
  /// T = 24·ln(10)·V / (c·S·(−ln(1 − ᾱ))) (Kuttruff, *Room Acoustics*, 5th ed., §5.4).
  /// This is also the decay rate of the image-source energy when the reflection count per unit
  /// time is c·S/(4V) (the mean free path), which is why the stochastic tail uses it.
  public func eyringRT60(band b: Int) -> Double {
    let a = meanAbsorption(band: b)
    return 24 * log(10.0) * volume / (speedOfSound * surface * -log(1 - a))
  }

  /// Sabine's reverberation time in band b, seconds: T = 24·ln(10)·V / (c·S·ᾱ).
  public func sabineRT60(band b: Int) -> Double {
    24 * log(10.0) * volume / (speedOfSound * surface * meanAbsorption(band: b))
  }

  /// The mixing time after which the image sources are replaced by the stochastic tail, seconds:
  /// 2 ms after the last first-order reflection of the given positions has arrived, but no later
  /// than Lindau, Kosanke & Weinzierl's (JAES 2012) perceptual mixing time 20·V/S ms + 12 ms
  /// (nor 80 ms). Starting the tail as early as the first reflections allow matters in large,
  /// absorbent rooms: there the few images between the first reflections and Lindau's time carry
  /// less energy than the diffuse-field average, which would bend the decay curve and make T20
  /// and T30 disagree.
  public func mixingTime(source: RoomPoint, mic: RoomPoint) -> Double {
    let lindau = (20 * volume / surface + 12) * 1e-3
    var latestFirst = 0.0
    for image in ImageSources.firstOrder(of: source, in: self) {
      latestFirst = max(latestFirst, image.distance(to: mic) / speedOfSound)
    }
    return min(lindau, latestFirst + 0.002, 0.08)
  }
}

/// Relative absorption profiles of typical surfaces per octave band (125 Hz … 8 kHz), scaled by
/// the RT60 solver: the shape says how a surface's absorption changes with frequency, the
/// solver sets its level.
public enum WallMaterialProfile: String, Sendable, CaseIterable, Codable {
  /// The same absorption in every band: every band then has the target RT60.
  case flat
  /// Painted plaster and glass walls, hard floors: absorption rising towards high frequencies
  /// (living rooms and offices with furniture; RT60 at 4 kHz about two thirds of that at 500 Hz).
  case furnished
  /// Car cabin: upholstery absorbs highs much more than lows.
  case cabin

  /// The relative absorption per band (1 at 500–1000 Hz).
  public var shape: [Double] {
    switch self {
    case .flat: return [1, 1, 1, 1, 1, 1, 1]
    case .furnished: return [0.7, 0.85, 1, 1, 1.15, 1.3, 1.4]
    case .cabin: return [0.5, 0.7, 1, 1.1, 1.25, 1.4, 1.5]
    }
  }
}

/// Problems building a room or meeting a target in it.
public enum RoomError: Error, Sendable, CustomStringConvertible, Equatable {
  /// No absorption in the physical range gives the asked RT60 in a room of this size.
  case unreachableRT60(askedSeconds: Double, room: String, shortestSeconds: Double, longestSeconds: Double)
  /// A position lies outside the room.
  case outside(what: String, point: String, room: String)
  /// No pair of positions at the asked distance fits in the room.
  case distanceDoesNotFit(distanceM: Double, room: String)
  /// A size, position or setting is not usable.
  case badValue(what: String, detail: String)

  public var description: String {
    switch self {
    case .unreachableRT60(let t, let room, let lo, let hi):
      return String(
        format: "RT60 %.3f s cannot be reached in a %@ m room: with wall absorption between 0.01 and 0.99 its RT60 lies between %.3f s and %.3f s; ask an RT60 in that range or change the room size",
        t, room, lo, hi)
    case .outside(let what, let point, let room):
      return "\(what) \(point) lies outside the \(room) m room; give x,y,z between 0 and the room's length, width and height"
    case .distanceDoesNotFit(let d, let room):
      return String(format: "no source and microphone %.2f m apart fit in the %@ m room (keeping min(0.5 m, 20 %% of each side) from the walls); ask a shorter distance or a larger room", d, room)
    case .badValue(let what, let detail):
      return "\(what): \(detail)"
    }
  }
}

/// Finds wall absorption that gives a target reverberation time.
///
/// The RIR renderer's late tail decays at exactly the Eyring rate of the room's absorption, and
/// the image sources (whose energy loss per unit time is c·S/(4V) reflections of mean loss
/// −ln(1 − ᾱ)) decay at that same rate on average, so solving Eyring's formula in each band
/// makes the Schroeder-measured T20/T30 of the rendered RIR meet the target; the RT60 table test
/// measures it from 2×2×2 m to 20×15×6 m and 0.15 to 1.5 s.
public enum RT60Solver {
  /// Smallest and largest wall absorption the solver may use.
  public static let absorptionRange: ClosedRange<Double> = 0.01...0.99

  /// A room of the given size whose walls follow `profile`, with absorption scaled per band so
  /// that Eyring's RT60 is `rt60Seconds` at 500 Hz and 1 kHz and `rt60Seconds / shape[b]`-ish in
  /// the other bands (exactly: the band's mean absorption is the 500 Hz one times the shape,
  /// clamped to ``absorptionRange``).
  ///
  /// Throws ``RoomError/unreachableRT60`` when even α = 0.99 (or 0.01) cannot give the target.
  public static func room(lengthM: Double, widthM: Double, heightM: Double, rt60Seconds: Double, profile: WallMaterialProfile = .flat, speedOfSound: Double = 343) throws -> ShoeBoxRoom {
    let probe = ShoeBoxRoom(lengthM: lengthM, widthM: widthM, heightM: heightM, uniformAbsorption: 0.5, speedOfSound: speedOfSound)
    let k: Double = 24 * log(10.0) * probe.volume / (speedOfSound * probe.surface)
    func eyring(_ a: Double) -> Double { k / -log(1 - a) }
    let shortest = eyring(absorptionRange.upperBound)
    let longest = eyring(absorptionRange.lowerBound)
    guard rt60Seconds.isFinite, rt60Seconds >= shortest, rt60Seconds <= longest else {
      throw RoomError.unreachableRT60(askedSeconds: rt60Seconds, room: probe.sizeText, shortestSeconds: shortest, longestSeconds: longest)
    }
    // Eyring inverted: ᾱ = 1 − exp(−24·ln10·V / (c·S·T)).
    let alpha = 1 - exp(-k / rt60Seconds)
    let perBand = profile.shape.map { min(max(alpha * $0, absorptionRange.lowerBound), absorptionRange.upperBound) }
    return ShoeBoxRoom(lengthM: lengthM, widthM: widthM, heightM: heightM, absorption: Array(repeating: perBand, count: 6), speedOfSound: speedOfSound)
  }
}
