import Foundation

/// A deterministic random number generator owned by one output (seed, utterance id, variant).
///
/// The seed is derived with a fixed hash (64-bit FNV-1a over the recipe seed, the utterance id's
/// UTF-8 bytes and the variant index), then expanded with SplitMix64 into the state of a
/// xoshiro256** generator (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
/// 2021). Nothing here depends on the process, the thread or the order utterances are visited, so
/// the same inputs always give the same stream on every machine.
public struct UtteranceRNG: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// The 64-bit key this stream was started from; recorded in the manifest so an output can be
  /// rebuilt from its manifest line.
  public let key: UInt64
  /// The variant index this stream belongs to (0 when made from a bare key); lets a
  /// `{cycle: [...]}` parameter pick its value by variant.
  public let variant: Int

  /// Creates the stream for `variant` of utterance `utteranceID` under recipe seed `seed`.
  public init(seed: UInt64, utteranceID: String, variant: Int) {
    self.init(key: UtteranceRNG.streamKey(seed: seed, utteranceID: utteranceID, variant: variant), variant: variant)
  }

  /// Creates a stream directly from a 64-bit key (for example one read back from a manifest).
  public init(key: UInt64, variant: Int = 0) {
    self.key = key
    self.variant = variant
    var sm = key
    s0 = UtteranceRNG.splitMix64(&sm)
    s1 = UtteranceRNG.splitMix64(&sm)
    s2 = UtteranceRNG.splitMix64(&sm)
    s3 = UtteranceRNG.splitMix64(&sm)
  }

  /// The FNV-1a key for (seed, utterance id, variant). Fields are separated so that
  /// ("a", 12) and ("a1", 2) hash differently.
  public static func streamKey(seed: UInt64, utteranceID: String, variant: Int) -> UInt64 {
    var h = FNV1a()
    h.combine(seed)
    h.combine(byte: 0x1F)
    for b in utteranceID.utf8 { h.combine(byte: b) }
    h.combine(byte: 0x1F)
    h.combine(UInt64(bitPattern: Int64(variant)))
    return h.value
  }

  /// Derives an independent child stream, for example one per effect, so that adding a draw to
  /// one effect does not shift the numbers every later effect sees.
  public func child(_ label: String) -> UtteranceRNG {
    var h = FNV1a()
    h.combine(key)
    h.combine(byte: 0x1E)
    for b in label.utf8 { h.combine(byte: b) }
    return UtteranceRNG(key: h.value, variant: variant)
  }

  /// Next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  /// A uniform double in [0, 1) built from the top 53 bits.
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform double in [a, b] (returns `a` when a == b).
  public mutating func uniform(_ a: Double, _ b: Double) -> Double {
    a == b ? a : a + (b - a) * nextUnit()
  }

  /// A uniform integer in 0..<n (n ≥ 1), without modulo bias.
  public mutating func index(below n: Int) -> Int {
    precondition(n > 0, "index(below:) needs n ≥ 1")
    return Int(next(upperBound: UInt64(n)))
  }

  /// A standard normal draw (Box–Muller; uses two uniforms).
  public mutating func gaussian() -> Double {
    var u1 = nextUnit()
    if u1 < 1e-300 { u1 = 1e-300 }
    let u2 = nextUnit()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }

  private static func splitMix64(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// 64-bit FNV-1a, a fixed (process-independent) hash for seeds and shard assignment.
public struct FNV1a: Sendable {
  /// The hash so far.
  public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
  /// Starts a new hash.
  public init() {}
  /// Mixes in one byte.
  public mutating func combine(byte: UInt8) {
    value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
  }
  /// Mixes in a 64-bit integer, little-endian byte order.
  public mutating func combine(_ x: UInt64) {
    for i in 0..<8 { combine(byte: UInt8(truncatingIfNeeded: x >> (8 * UInt64(i)))) }
  }
  /// Mixes in a string's UTF-8 bytes.
  public mutating func combine(_ s: String) {
    for b in s.utf8 { combine(byte: b) }
  }
}
