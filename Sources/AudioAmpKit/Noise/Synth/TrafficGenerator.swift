import Foundation

/// Road traffic heard from the kerb: vehicles passing at random times over a low rumble bed.
///
/// Each vehicle is a moving point source on a straight road at closest distance d, speed v,
/// passing the listener at time t0. Its engine is a harmonic series on the firing frequency
/// (which follows the speed within a gear) and its tyres a broadband road noise; the listener
/// hears the source at the retarded time t − r(t)/c, so the Doppler shift comes out of the
/// geometry (f·c/(c + v_r)), with 1/r spreading and a low-pass whose cutoff falls with distance
/// (air and ground absorb highs). A bed of brown noise below ~150 Hz stands for distant traffic.
/// Horns (two-tone, 0.2–0.8 s) sound occasionally. Everything is drawn from `seed`.
public struct TrafficGenerator: Sendable {
  /// Traffic densities, from a quiet side street to a motorway.
  public enum Density: String, Sendable, CaseIterable {
    case quiet, busy, highway
    /// Vehicles per minute passing.
    var perMinute: Double { self == .quiet ? 6 : self == .busy ? 24 : 70 }
    /// Speed range, km/h.
    var speedKmh: ClosedRange<Double> { self == .highway ? 80...125 : self == .busy ? 20...50 : 25...50 }
    /// Share of trucks and buses.
    var heavyShare: Double { self == .highway ? 0.2 : self == .busy ? 0.15 : 0.05 }
    /// Level of the distant-traffic bed relative to a car at 10 m, dB.
    var bedDB: Double { self == .quiet ? -40 : self == .busy ? -30 : -12 }
  }

  /// One vehicle's drawn properties (exposed for tests and manifests).
  public struct Vehicle: Sendable {
    /// Time it passes its closest point, s.
    public var passTime: Double
    /// Speed, m/s.
    public var speed: Double
    /// Closest distance to the listener, m.
    public var distance: Double
    /// Engine firing frequency, Hz.
    public var firingHz: Double
    /// Truck or bus.
    public var heavy: Bool
    /// Horn start relative to passTime (s), if it sounds its horn.
    public var hornAt: Double?
  }

  public var density: Density
  /// Closest-approach distances, m.
  public var distanceMeters: ClosedRange<Double>
  /// Chance a vehicle sounds its horn.
  public var hornProbability: Double
  /// Speed of sound, m/s.
  static let c = 343.0

  /// Creates a generator.
  public init(density: Density = .busy, distanceMeters: ClosedRange<Double> = 5...40, hornProbability: Double? = nil) {
    self.density = density
    self.distanceMeters = distanceMeters
    self.hornProbability = hornProbability ?? (density == .busy ? 0.08 : 0.02)
  }

  /// The vehicles of a scene `seconds` long (including those passing just before or after, so
  /// the scene starts and ends mid-traffic).
  public func vehicles(seconds: Double, rng: inout UtteranceRNG) -> [Vehicle] {
    var out: [Vehicle] = []
    var t = -10.0
    let rate = density.perMinute / 60
    while t < seconds + 10 {
      t += -log(max(1e-12, 1 - rng.nextUnit())) / rate
      let heavy = rng.nextUnit() < density.heavyShare
      let v = rng.uniform(density.speedKmh.lowerBound, density.speedKmh.upperBound) / 3.6 * (heavy ? 0.9 : 1)
      // Firing frequency: rpm/60 × cylinders/2 ≈ 45–110 Hz for cars, 35–70 Hz for diesels.
      let perMS = heavy ? rng.uniform(2.2, 3.2) : rng.uniform(3.5, 5.5)
      let firing = min(heavy ? 75 : 120, max(heavy ? 35 : 40, perMS * v))
      let d = rng.uniform(distanceMeters.lowerBound, distanceMeters.upperBound)
      let horn: Double? = rng.nextUnit() < hornProbability ? rng.uniform(-2, 1) : nil
      out.append(Vehicle(passTime: t, speed: v, distance: d, firingHz: firing, heavy: heavy, hornAt: horn))
    }
    return out
  }

  /// Renders `seconds` of traffic at `sampleRate`, normalised to −26 dBFS RMS.
  public func render(seconds: Double, sampleRate: Int, seed: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: seed)
    let n = Int(seconds * Double(sampleRate))
    let cars = vehicles(seconds: seconds, rng: &rng)
    var out = [Float](repeating: 0, count: n)
    for (k, car) in cars.enumerated() {
      var vr = rng.child("vehicle-\(k)")
      add(car, into: &out, sampleRate: sampleRate, rng: &vr)
    }
    // Distant traffic: brown noise under ~150 Hz, slowly breathing.
    var bedRNG = rng.child("bed")
    let bed = SynthKit.shape(SynthKit.colouredNoise(n, exponent: 2, sampleRate: sampleRate, rng: &bedRNG), sampleRate: sampleRate) { f in
      1 / (1 + pow(f / 150, 4))
    }
    let breath = SynthKit.smoothEnvelope(n, sampleRate: sampleRate, rateHz: 0.2, floor: 0.5, rng: &bedRNG)
    let bedGain = Float(Levels.amplitude(dB: density.bedDB) * 0.05 / max(1e-9, Levels.rms(bed)))
    for i in 0..<n { out[i] += bedGain * bed[i] * breath[i] }
    return SynthKit.finish(out, sampleRate: sampleRate, rmsDBFS: -26)
  }

  /// Adds one vehicle (engine, tyres, horn) as heard by the listener.
  func add(_ car: Vehicle, into out: inout [Float], sampleRate: Int, rng: inout UtteranceRNG) {
    let sr = Double(sampleRate)
    // Only the stretch where the vehicle is within ~250 m matters.
    let reach = (250.0 * 250 - car.distance * car.distance).squareRoot() / car.speed
    let start = max(0, Int((car.passTime - reach) * sr))
    let end = min(out.count, Int((car.passTime + reach) * sr))
    guard end > start else { return }
    let m = end - start
    let harmonics = car.heavy ? 14 : 10
    let phases = (0..<harmonics).map { _ in rng.uniform(0, 2 * Double.pi) }
    let amps = (1...harmonics).map { h -> Double in
      // Diesel: strong low harmonics; petrol: smoother roll-off. Half-order jitter in rng.
      (car.heavy ? 1.4 : 1.0) / pow(Double(h), car.heavy ? 0.8 : 1.1) * rng.uniform(0.6, 1.0)
    }
    let wobble = SynthKit.smoothEnvelope(m, sampleRate: sampleRate, rateHz: 3, floor: 0, rng: &rng)
    var tyre = SynthKit.colouredNoise(m, exponent: 1.6, sampleRate: sampleRate, rng: &rng)
    tyre = SynthKit.shape(tyre, sampleRate: sampleRate) { f in
      // Tyre/road noise: broad hump around 700–1000 Hz, falling above.
      let x = f / 850
      return x / (1 + x * x) * 2
    }
    let tyreLevel = 0.25 * pow(car.speed / 14, 1.5) * (car.heavy ? 1.5 : 1)
    let engineLevel = 0.55 * (car.heavy ? 1.8 : 1)
    var sig = [Float](repeating: 0, count: m)
    var cutoffs = [Double](repeating: 0, count: m)
    var cycles = 0.0  // engine cycles emitted so far (phase / 2π), integrated over emission time
    var lastTau: Double? = nil
    for i in 0..<m {
      let t = Double(start + i) / sr
      let x = car.speed * (t - car.passTime)
      let r = (car.distance * car.distance + x * x).squareRoot()
      let tau = t - r / TrafficGenerator.c
      // The firing frequency wobbles a little; integrating it over the emission time τ (rather
      // than multiplying f·τ) keeps the heard frequency at f·dτ/dt, the Doppler-shifted one.
      let f = car.firingHz * (1 + 0.015 * (Double(wobble[i]) - 0.5))
      if let last = lastTau { cycles += f * (tau - last) }
      lastTau = tau
      let phase = 2 * Double.pi * cycles.truncatingRemainder(dividingBy: 1e6)
      var e = 0.0
      for h in 0..<harmonics { e += amps[h] * sin(Double(h + 1) * phase + phases[h]) }
      // Spherical spreading (1/r) plus excess attenuation from the ground and obstacles,
      // about 6 dB per 100 m, so distant traffic does not fill every gap.
      let spreading = 10 / max(r, 1) * pow(10, -0.06 * r / 20)
      sig[i] = Float(spreading * (engineLevel * e / Double(harmonics) * 3 + tyreLevel * Double(tyre[i])))
      cutoffs[i] = min(sr * 0.45, max(500, 9000 * pow(10 / max(r, 1), 0.8)))
    }
    SynthKit.varyingLowPass(&sig, sampleRate: sampleRate) { cutoffs[$0] }
    if let hornOffset = car.hornAt {
      let dur = rng.uniform(0.2, 0.8)
      let base = car.heavy ? rng.uniform(280, 340) : rng.uniform(400, 470)
      let count = Int(dur * sr)
      var horn = [Float](repeating: 0, count: count)
      for i in 0..<count {
        let t = Double(i) / sr
        var v = 0.0
        for (f, a) in [(base, 1.0), (base * 1.26, 0.8)] {
          for h in 1...6 { v += a / Double(h) * sin(2 * Double.pi * f * Double(h) * t) }
        }
        horn[i] = Float(v * 0.25)
      }
      let at = car.passTime + hornOffset
      let x = car.speed * hornOffset
      let r = (car.distance * car.distance + x * x).squareRoot()
      SynthKit.place(horn, into: &out, at: Int(at * sr), gain: Float(10 / max(r, 1) * pow(10, -0.06 * r / 20)), fade: Int(0.01 * sr))
    }
    for i in 0..<m { out[start + i] += sig[i] }
  }
}
