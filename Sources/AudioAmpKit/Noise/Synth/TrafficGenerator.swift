import Foundation

/// Road traffic heard from the kerb: vehicles passing at random times over a bed of distant
/// traffic.
///
/// Each vehicle is a moving point source on a straight road at closest distance d, speed v,
/// passing the listener at time t0. Its sound power per octave band (63 Hz–8 kHz) is the
/// CNOSSOS-EU road model's (Kephalopoulos et al. 2012; Directive (EU) 2015/996, Annex II,
/// categories 1, 2 and 3: cars, medium and heavy goods vehicles and buses): rolling noise L_WR = A_R + B_R·lg(v/70) and propulsion noise
/// L_WP = A_P + B_P·(v − 70)/70, with the propulsion correction for accelerating vehicles. From
/// about 40 km/h the rolling (tyre/road) noise dominates the A-weighted level; it peaks in the
/// 1 kHz octave. The
/// propulsion noise of the 63–250 Hz octaves is rendered as a harmonic series on the engine's
/// firing frequency (which follows the speed within a gear); everything else is noise shaped to
/// the model's spectrum, interpolated between octave centres. On a wet road the tyres also
/// splash: +4 dB at 1 kHz rising to +12 dB from 4 kHz (Sandberg & Ejsmont, Tyre/Road Noise
/// Reference Book, 2002). The listener hears the source at the retarded time t − r(t)/c, so
/// the Doppler shift comes out of the geometry (f·c/(c + v_r)), with 1/r spreading, about 6 dB
/// per 100 m of excess attenuation (ground and obstacles) and a running low-pass that takes as
/// much of 4 kHz as the air does over the current distance (ISO 9613-1, 15 °C, 70 %; see
/// ``AirAbsorption``). Heavy vehicles keep to 90 km/h (speed limiters, Directive 92/6/EEC).
/// The bed is the same model's spectrum for the road's own mix of vehicles at its mean speed,
/// heard through 275 m of air. Horns (two-tone, 0.2–0.8 s) sound occasionally. Everything is drawn from `seed`.
///
/// ``Scene`` picks the setting: a street at a ``Density``, stop-and-go city traffic at lights
/// (flow stopping, then moving off accelerating, brakes squealing, cross traffic behind), a
/// motorway heard from 100–400 m, a wet road, and two interiors (a car cabin at speed, a city bus), rendered by
/// ``VehicleInterior``.
public struct TrafficGenerator: Sendable {
  /// Traffic densities, from a quiet side street to a motorway.
  public enum Density: String, Sendable, CaseIterable {
    case quiet, busy, highway
    /// Vehicles per minute passing.
    var perMinute: Double { self == .quiet ? 6 : self == .busy ? 24 : 70 }
    /// Speed range, km/h.
    var speedKmh: ClosedRange<Double> { self == .highway ? 80...125 : self == .busy ? 40...60 : 30...50 }
    /// Share of goods vehicles and buses (CNOSSOS categories 2 and 3, half each in town). Urban
    /// main roads carry 5–10 % of them, motorways 15–25 %.
    var heavyShare: Double { self == .highway ? 0.2 : self == .busy ? 0.08 : 0.05 }
    /// Level of the distant-traffic bed relative to a car at 10 m, dB. A car at 50 km/h and
    /// 10 m is about 70 dBA; a busy street's background from the surrounding roads (its L90)
    /// is about 55 dBA, which keeps its L10 − L90 within the 4–16 dB measured at kerbsides.
    var bedDB: Double { self == .quiet ? -40 : self == .busy ? -15 : -12 }
  }

  /// The CNOSSOS-EU vehicle categories the generator draws.
  public enum Category: Int, Sendable {
    /// Cars and vans (category 1).
    case light = 1
    /// Medium heavy vehicles: delivery lorries, two-axle buses (category 2).
    case medium = 2
    /// Heavy vehicles: lorries and coaches with three or more axles (category 3).
    case heavy = 3
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
    /// CNOSSOS category.
    public var category: Category
    /// A goods vehicle or bus (diesel engine, category 2 or 3).
    public var heavy: Bool { category != .light }
    /// Horn start relative to passTime (s), if it sounds its horn.
    public var hornAt: Double?
    /// Accelerating (CNOSSOS propulsion correction, firing frequency rising).
    public var accelerating = false
    /// Brake squeal: start relative to passTime (s) and pitch (Hz), if its brakes squeal.
    public var squeal: (at: Double, hz: Double)? = nil

    /// Creates a vehicle; `category` defaults to heavy or light as `heavy` says.
    public init(passTime: Double, speed: Double, distance: Double, firingHz: Double, heavy: Bool, hornAt: Double?, accelerating: Bool = false, squeal: (at: Double, hz: Double)? = nil, category: Category? = nil) {
      self.passTime = passTime
      self.speed = speed
      self.distance = distance
      self.firingHz = firingHz
      self.category = category ?? (heavy ? .heavy : .light)
      self.hornAt = hornAt
      self.accelerating = accelerating
      self.squeal = squeal
    }
  }

  /// Where the listener is.
  public enum Scene: String, Sendable, CaseIterable {
    /// At the kerb of a street or road, traffic at the generator's ``Density``.
    case street
    /// At the kerb near traffic lights: flow stops every 40–80 s (cross traffic goes on
    /// behind), then moves off accelerating; brakes squeal now and then.
    case stopAndGo = "stop-and-go"
    /// A motorway 100–400 m away: dense fast traffic merging into a steady roar.
    case motorwayFar = "motorway-far"
    /// A busy street in the rain: tyre splash and hiss.
    case wetRoad = "wet-road"
    /// Inside a car at 90–130 km/h.
    case carCabin = "car-cabin"
    /// Inside a city bus, stopping and starting.
    case busInterior = "bus-interior"
  }

  public var density: Density
  /// The setting (``Scene/street`` unless chosen).
  public var scene: Scene = .street
  /// Closest-approach distances, m.
  public var distanceMeters: ClosedRange<Double>
  /// Chance a vehicle sounds its horn.
  public var hornProbability: Double
  /// Speed of sound, m/s.
  static let c = 343.0

  /// Creates a generator.
  public init(density: Density = .busy, scene: Scene = .street, distanceMeters: ClosedRange<Double> = 5...40, hornProbability: Double? = nil) {
    self.density = density
    self.scene = scene
    self.distanceMeters = distanceMeters
    self.hornProbability = hornProbability ?? (density == .busy ? 0.08 : 0.02)
  }

  /// The vehicles of a scene `seconds` long (including those passing just before or after, so
  /// the scene starts and ends mid-traffic).
  public func vehicles(seconds: Double, rng: inout UtteranceRNG) -> [Vehicle] {
    var out: [Vehicle] = []
    var t = -10.0
    let (perMinute, speeds, heavyShare) = traffic
    let rate = perMinute / 60
    // Stop-and-go: a light cycle of 40–80 s, red for about 45 % of it; no vehicle passes on
    // red, and those passing in the first 12 s of green are moving off from the queue.
    let cycle = rng.uniform(40, 80), red = cycle * rng.uniform(0.35, 0.55), phase = rng.uniform(0, cycle)
    while t < seconds + 10 {
      t += -log(max(1e-12, 1 - rng.nextUnit())) / rate
      var accelerating = false
      if scene == .stopAndGo {
        let c = (t + phase).truncatingRemainder(dividingBy: cycle)
        let inCycle = c < 0 ? c + cycle : c
        if inCycle < red { continue }
        accelerating = inCycle - red < 12
      }
      let heavy = rng.nextUnit() < heavyShare
      let category: Category = !heavy ? .light : rng.nextUnit() < Self.mediumShare(speeds) ? .medium : .heavy
      let drawn = rng.uniform(speeds.lowerBound, speeds.upperBound)
      var v = (heavy ? Self.goodsVehicleKmh(drawn) : drawn) / 3.6
      if accelerating { v = min(v, rng.uniform(12, 30) / 3.6) }
      // Firing frequency: rpm/60 × cylinders/2 ≈ 45–110 Hz for cars, 35–70 Hz for diesels.
      let perMS = heavy ? rng.uniform(2.2, 3.2) : rng.uniform(3.5, 5.5)
      let firing = min(heavy ? 75 : 120, max(heavy ? 35 : 40, perMS * v))
      let d = scene == .motorwayFar ? rng.uniform(100, 400) : rng.uniform(distanceMeters.lowerBound, distanceMeters.upperBound)
      let horn: Double? = rng.nextUnit() < hornProbability ? rng.uniform(-2, 1) : nil
      // Brakes squeal on some vehicles slowing for the lights (2–5 kHz, a tenth of them).
      let squeal: (Double, Double)? = scene == .stopAndGo && !accelerating && rng.nextUnit() < 0.1 ? (rng.uniform(-3, 0), rng.uniform(2000, 5000)) : nil
      out.append(Vehicle(passTime: t, speed: v, distance: d, firingHz: firing, heavy: heavy, hornAt: horn, accelerating: accelerating, squeal: squeal, category: category))
    }
    return out
  }

  /// Vehicles per minute, speed range (km/h) and share of goods vehicles and buses of the scene.
  var traffic: (perMinute: Double, speedKmh: ClosedRange<Double>, heavyShare: Double) {
    let speeds = density.speedKmh
    switch scene {
    case .motorwayFar: return (90, 95...130, 0.2)
    case .stopAndGo: return (36, 25...50, 0.1)
    case .wetRoad: return (density.perMinute, max(30, speeds.lowerBound)...max(50, speeds.upperBound), density.heavyShare)
    default: return (density.perMinute, speeds, density.heavyShare)
    }
  }

  /// Renders `seconds` of traffic at `sampleRate`, normalised to −26 dBFS RMS.
  public func render(seconds: Double, sampleRate: Int, seed: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: seed)
    let n = Int(seconds * Double(sampleRate))
    if scene == .carCabin || scene == .busInterior {
      let raw = VehicleInterior(bus: scene == .busInterior).render(count: n, sampleRate: sampleRate, rng: &rng)
      return SynthKit.finish(raw, sampleRate: sampleRate, rmsDBFS: -26)
    }
    let cars = vehicles(seconds: seconds, rng: &rng)
    var out = [Float](repeating: 0, count: n)
    for (k, car) in cars.enumerated() {
      var vr = rng.child("vehicle-\(k)")
      add(car, into: &out, sampleRate: sampleRate, rng: &vr)
    }
    // Distant traffic: the CNOSSOS spectrum of the road's own mix of vehicles at its mean speed
    // (goods vehicles at most 90 km/h), heard through 275 m of air (ISO 9613-1), slowly
    // breathing.
    var bedRNG = rng.child("bed")
    let bedBands = Self.bedEmission(traffic, wet: scene == .wetRoad)
    let white = (0..<n).map { _ in Float(bedRNG.gaussian()) }
    let bed = SynthKit.shape(white, sampleRate: sampleRate) { f in
      Self.psd(bedBands, f).squareRoot() * pow(10, -AirAbsorption.dBPerMeter(f) * 275 / 20)
    }
    let breath = SynthKit.smoothEnvelope(n, sampleRate: sampleRate, rateHz: 0.2, floor: 0.5, rng: &bedRNG)
    // Level of the bed: a car at 10 m heard at the density's bed level (motorway: the bed is
    // most of what is heard).
    let bedDB = scene == .motorwayFar ? -6 : scene == .stopAndGo ? -4 : density.bedDB
    let bedGain = Float(Levels.amplitude(dB: bedDB) * Self.referenceCarRMS / max(1e-9, Levels.rms(bed)))
    for i in 0..<n { out[i] += bedGain * bed[i] * breath[i] }
    if scene == .wetRoad {
      // Rain on the road and spray: a steady hiss above 2 kHz.
      var wr = rng.child("rain")
      let hiss = SynthKit.shape((0..<n).map { _ in Float(wr.gaussian()) }, sampleRate: sampleRate) { f in
        let x = f / 3500
        return x * x / (1 + x * x * x * x)
      }
      let g = Float(Levels.amplitude(dB: -20) * Self.referenceCarRMS / max(1e-9, Levels.rms(hiss)))
      for i in 0..<n { out[i] += g * hiss[i] }
    }
    return SynthKit.finish(out, sampleRate: sampleRate, rmsDBFS: -26)
  }

  /// RMS of a car at 50 km/h, 10 m away, in the units `add` renders (for bed levels).
  static let referenceCarRMS = 0.05

  /// Octave centres of the CNOSSOS-EU coefficients, Hz.
  static let octaveHz: [Double] = [63, 125, 250, 500, 1000, 2000, 4000, 8000]

  /// Share of category 2 among the goods vehicles and buses: half in town, a third on roads
  /// faster than 100 km/h.
  static func mediumShare(_ speedKmh: ClosedRange<Double>) -> Double { speedKmh.upperBound > 100 ? 0.35 : 0.5 }

  /// A goods vehicle's speed on a road where a car drives `kmh`: a tenth slower, and at most
  /// 90 km/h (speed limiters, Directive 92/6/EEC).
  static func goodsVehicleKmh(_ kmh: Double) -> Double { min(kmh * 0.9, 90) }

  /// The long-term octave powers of a road's traffic (`traffic`: its speed range and share of
  /// goods vehicles and buses): each category at the mean speed it drives, weighted by its
  /// share of the flow.
  static func bedEmission(_ traffic: (perMinute: Double, speedKmh: ClosedRange<Double>, heavyShare: Double), wet: Bool) -> [Double] {
    let mean = (traffic.speedKmh.lowerBound + traffic.speedKmh.upperBound) / 2
    let mediumShare = Self.mediumShare(traffic.speedKmh)
    let mix: [(Category, Double, Double)] = [
      (.light, 1 - traffic.heavyShare, mean),
      (.medium, traffic.heavyShare * mediumShare, goodsVehicleKmh(mean)),
      (.heavy, traffic.heavyShare * (1 - mediumShare), goodsVehicleKmh(mean)),
    ]
    var bands = [Double](repeating: 0, count: 8)
    for (category, share, speed) in mix {
      let m = emission(category, speedKmh: speed, accelerating: false, wet: wet)
      for k in 0..<8 { bands[k] += share * (m.rolling[k] + m.propulsion[k]) }
    }
    return bands
  }

  /// CNOSSOS-EU road source power per octave (linear, re 10^10 pW = 100 dB): rolling and
  /// propulsion for a vehicle of `category` at `speedKmh`; an accelerating vehicle gets the
  /// traffic-light propulsion correction at the stop line (+5.5 dB light, +7.5 dB for goods
  /// vehicles); a wet road adds splash to the rolling noise.
  static func emission(_ category: Category, speedKmh v: Double, accelerating: Bool, wet: Bool) -> (rolling: [Double], propulsion: [Double]) {
    let ar: [Double], br: [Double], ap: [Double], bp: [Double]
    switch category {
    case .light:
      ar = [79.7, 85.7, 84.5, 90.2, 97.3, 93.9, 84.1, 74.3]
      br = [30.0, 41.5, 38.9, 25.7, 32.5, 37.2, 39.0, 40.0]
      ap = [94.5, 89.2, 88.0, 85.9, 84.2, 86.9, 83.3, 76.1]
      bp = [-1.3, 7.2, 7.7, 8, 8, 8, 8, 8]
    case .medium:
      ar = [84.0, 88.7, 91.5, 96.7, 97.4, 90.9, 83.8, 80.5]
      br = [30.0, 35.8, 32.6, 23.8, 30.1, 36.2, 38.3, 40.1]
      ap = [101.0, 96.5, 98.8, 96.8, 98.6, 95.2, 88.8, 82.7]
      bp = [-1.9, 4.7, 6.4, 6.5, 6.5, 6.5, 6.5, 6.5]
    case .heavy:
      ar = [87.0, 91.7, 94.1, 100.7, 100.8, 94.3, 87.1, 82.5]
      br = [30.0, 33.5, 31.3, 25.4, 31.8, 37.1, 38.6, 40.6]
      ap = [104.4, 100.6, 101.7, 101.0, 100.1, 95.9, 91.3, 85.3]
      bp = [0, 3, 4.6, 5, 5, 5, 5, 5]
    }
    let speed = max(v, 20)
    let accel = accelerating ? (category == .light ? 5.5 : 7.5) : 0
    let wetDB: [Double] = [0, 0, 0, 1, 4, 8, 12, 12]
    let rolling = (0..<8).map { pow(10, (ar[$0] + br[$0] * log10(speed / 70) + (wet ? wetDB[$0] : 0) - 100) / 10) }
    let propulsion = (0..<8).map { pow(10, (ap[$0] + bp[$0] * (speed - 70) / 70 + accel - 100) / 10) }
    return (rolling, propulsion)
  }

  /// Power spectral density at `f` Hz of octave powers `bands`: each band's power over its
  /// width (f/√2 … f·√2), interpolated linearly in dB against log frequency between centres
  /// and held flat beyond the end bands (falling 12 dB/octave below 45 Hz).
  static func psd(_ bands: [Double], _ f: Double) -> Double {
    let density = (0..<8).map { bands[$0] / (octaveHz[$0] * (2.0.squareRoot() - 1 / 2.0.squareRoot())) }
    guard f > 0 else { return 0 }
    let x = log2(f / 63)
    let below = f < 45 ? pow(f / 45, 4) : 1
    if x <= 0 { return density[0] * below }
    if x >= 7 { return density[7] }
    let i = Int(x), t = x - Double(i)
    return pow(10, (1 - t) * log10(density[i]) + t * log10(density[i + 1])) * below
  }

  /// Adds one vehicle (engine, tyres, horn, brakes) as heard by the listener.
  func add(_ car: Vehicle, into out: inout [Float], sampleRate: Int, rng: inout UtteranceRNG) {
    let sr = Double(sampleRate)
    // Only the stretch where the vehicle is within ~250 m (twice its distance when farther)
    // matters.
    let range = max(250.0, 2 * car.distance)
    let reach = (range * range - car.distance * car.distance).squareRoot() / car.speed
    let start = max(0, Int((car.passTime - reach) * sr))
    let end = min(out.count, Int((car.passTime + reach) * sr))
    guard end > start else { return }
    let m = end - start
    let harmonics = car.heavy ? 14 : 10
    let phases = (0..<harmonics).map { _ in rng.uniform(0, 2 * Double.pi) }
    var amps = (1...harmonics).map { h -> Double in
      // Diesel: strong low harmonics; petrol: smoother roll-off. Half-order jitter in rng.
      1 / pow(Double(h), car.heavy ? 0.8 : 1.1) * rng.uniform(0.6, 1.0)
    }
    let model = Self.emission(car.category, speedKmh: car.speed * 3.6, accelerating: car.accelerating, wet: scene == .wetRoad)
    // The harmonics carry the propulsion power of the 63–250 Hz octaves; the unit reference is
    // chosen so that a car at 50 km/h and 10 m has an RMS of about `referenceCarRMS`.
    let scale = 0.055
    let engineRMS = (model.propulsion[0...2].reduce(0, +)).squareRoot() * scale
    let ampNorm = (amps.map { $0 * $0 }.reduce(0, +) / 2).squareRoot()
    amps = amps.map { $0 / ampNorm * engineRMS }
    let wobble = SynthKit.smoothEnvelope(m, sampleRate: sampleRate, rateHz: 3, floor: 0, rng: &rng)
    let white = (0..<m).map { _ in Float(rng.gaussian()) }
    let broadband = SynthKit.shape(white, sampleRate: sampleRate) { f in
      // Rolling noise everywhere, propulsion noise above the harmonics' octaves.
      let lowShare = 1 / (1 + pow(f / 300, 4))
      return (Self.psd(model.rolling, f) + (1 - lowShare) * Self.psd(model.propulsion, f)).squareRoot()
    }
    var broadPower = 0.0
    for k in 0..<8 {
      let lowShare = 1 / (1 + pow(Self.octaveHz[k] / 300, 4))
      broadPower += model.rolling[k] + (1 - lowShare) * model.propulsion[k]
    }
    let tyre = SynthKit.normalised(broadband, rms: broadPower.squareRoot() * scale)
    // An accelerating engine revs up through its gear: +40 % firing frequency over 8 s.
    let rev = car.accelerating ? 0.05 : 0
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
      let revUp = 1 + min(0.4, max(0, rev * (tau - car.passTime + 4)))
      let f = car.firingHz * revUp * (1 + 0.015 * (Double(wobble[i]) - 0.5))
      if let last = lastTau { cycles += f * (tau - last) }
      lastTau = tau
      let phase = 2 * Double.pi * cycles.truncatingRemainder(dividingBy: 1e6)
      var e = 0.0
      for h in 0..<harmonics { e += amps[h] * sin(Double(h + 1) * phase + phases[h]) }
      // Spherical spreading (1/r) plus excess attenuation from the ground and obstacles,
      // about 6 dB per 100 m, so distant traffic does not fill every gap.
      let spreading = 10 / max(r, 1) * pow(10, -0.06 * r / 20)
      sig[i] = Float(spreading * (e + Double(tyre[i])))
      cutoffs[i] = AirAbsorption.onePoleCutoff(meters: r, ceiling: sr * 0.45)
    }
    SynthKit.varyingLowPass(&sig, sampleRate: sampleRate) { cutoffs[$0] }
    if let (at, hz) = car.squeal {
      // A squeal: a pure tone wavering by ±1 %, 0.4–1.5 s, swelling and fading.
      let count = Int(rng.uniform(0.4, 1.5) * sr)
      let wob = rng.uniform(4, 9)
      var ph = 0.0
      let tone = (0..<count).map { i -> Float in
        let tt = Double(i) / sr
        ph += 2 * Double.pi * hz * (1 + 0.01 * sin(2 * Double.pi * wob * tt)) / sr
        return Float(sin(ph) * sin(Double.pi * Double(i) / Double(count)))
      }
      let x = car.speed * at
      let r = (car.distance * car.distance + x * x).squareRoot()
      SynthKit.place(tone, into: &out, at: Int((car.passTime + at) * sr), gain: Float(0.1 * 10 / max(r, 1)), fade: Int(0.02 * sr))
    }
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
        horn[i] = Float(v * 0.08)
      }
      let at = car.passTime + hornOffset
      let x = car.speed * hornOffset
      let r = (car.distance * car.distance + x * x).squareRoot()
      SynthKit.place(horn, into: &out, at: Int(at * sr), gain: Float(10 / max(r, 1) * pow(10, -0.06 * r / 20)), fade: Int(0.01 * sr))
    }
    for i in 0..<m { out[start + i] += sig[i] }
  }
}
