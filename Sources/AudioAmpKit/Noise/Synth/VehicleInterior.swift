import Foundation

/// Noise inside a moving vehicle: a car cabin at motorway speed, or a city bus stopping and
/// starting.
///
/// Inside a vehicle the unweighted spectrum is dominated by structure-borne road noise and
/// engine orders below 200 Hz; airborne tyre/road noise (the CNOSSOS-EU rolling spectrum, see
/// ``TrafficGenerator``) arrives through the body, whose transmission loss rises by about 6 dB
/// per octave (mass law) from ~20 dB at 125 Hz, and wind noise grows with the sixth power of
/// speed (Sandberg & Ejsmont, Tyre/Road Noise Reference Book, 2002, on interior noise;
/// Hendricx & Vandeurzen on vehicle interior noise paths). The components:
/// - engine: a harmonic series on the firing frequency (car: 4 cylinders in top gear,
///   rpm/30; bus: 6-cylinder diesel, rpm/20), its level rising with load;
/// - road roar: noise in 30–250 Hz, its level following the speed and the road surface
///   (patches changing every few seconds), with a joint's thump now and then;
/// - tyre noise through the body and wind noise, both following the speed;
/// - bus only: a drive cycle (stop 10–30 s with the engine idling, doors' pneumatic hiss,
///   a stop chime; move off through the gears; cruise at 30–50 km/h; brake), an HVAC fan, and
///   rattles whose rate follows the speed.
public struct VehicleInterior: Sendable {
  /// A bus rather than a car.
  public var bus: Bool

  /// Creates a generator.
  public init(bus: Bool) { self.bus = bus }

  /// Speed (km/h) and engine load (0…1) per 10 ms control step, and events (s) of doors and
  /// chimes, for `seconds`.
  func driveCycle(seconds: Double, rng: inout UtteranceRNG) -> (speed: [Double], load: [Double], rpm: [Double], stops: [Double]) {
    let steps = Int(seconds * 100) + 1
    var speed = [Double](repeating: 0, count: steps), load = speed, rpm = speed
    var stops: [Double] = []
    if !bus {
      // A car cruising at one drawn speed, drifting ±5 km/h; top gear ≈ 25 rpm per km/h.
      let v0 = rng.uniform(90, 130)
      let drift = SynthKit.smoothEnvelope(steps, sampleRate: 100, rateHz: 0.05, floor: 0, rng: &rng)
      let throttle = SynthKit.smoothEnvelope(steps, sampleRate: 100, rateHz: 0.2, floor: 0.3, rng: &rng)
      for i in 0..<steps {
        speed[i] = v0 + 10 * (Double(drift[i]) - 0.5)
        load[i] = Double(throttle[i])
        rpm[i] = 25 * speed[i]
      }
      return (speed, load, rpm, stops)
    }
    var i = -Int(rng.uniform(0, 40) * 100)  // start mid-cycle
    while i < steps {
      // Stop: idle with doors.
      let stop = Int(rng.uniform(10, 30) * 100)
      if i + stop > 0 { stops.append(Double(max(i, 0)) / 100) }
      for k in i..<(i + stop) where k >= 0 && k < steps { (speed[k], load[k], rpm[k]) = (0, 0.1, 650) }
      i += stop
      // Move off through three gears to the cruising speed.
      let cruise = rng.uniform(30, 50)
      let accel = Int(rng.uniform(8, 14) * 100)
      for k in 0..<accel where i + k >= 0 && i + k < steps {
        let x = Double(k) / Double(accel)
        let gear = min(2, Int(x * 3))
        let inGear = x * 3 - Double(gear)
        speed[i + k] = cruise * x
        load[i + k] = 0.9
        rpm[i + k] = 900 + 1100 * inGear + Double(gear) * 50
      }
      i += accel
      let hold = Int(rng.uniform(15, 50) * 100)
      let wob = rng.uniform(0, 6)
      for k in 0..<hold where i + k >= 0 && i + k < steps {
        speed[i + k] = cruise + wob * sin(Double(k) / 300)
        load[i + k] = 0.4
        rpm[i + k] = 1400 + 10 * (speed[i + k] - 40)
      }
      i += hold
      let brake = Int(rng.uniform(4, 8) * 100)
      for k in 0..<brake where i + k >= 0 && i + k < steps {
        let x = Double(k) / Double(brake)
        speed[i + k] = cruise * (1 - x)
        load[i + k] = 0.05
        rpm[i + k] = 1200 - 500 * x
      }
      i += brake
    }
    return (speed, load, rpm, stops)
  }

  /// Renders `count` samples (unnormalised; the caller levels them).
  public func render(count n: Int, sampleRate: Int, rng: inout UtteranceRNG) -> [Float] {
    let sr = Double(sampleRate)
    let seconds = Double(n) / sr
    var crng = rng.child("cycle")
    let cycle = driveCycle(seconds: seconds, rng: &crng)
    func control(_ track: [Double], _ i: Int) -> Double {
      let x = Double(i) / sr * 100
      let k = min(track.count - 2, Int(x)), t = x - Double(k)
      return track[k] * (1 - t) + track[k + 1] * t
    }
    var out = [Float](repeating: 0, count: n)
    // Engine orders.
    var erng = rng.child("engine")
    let cylindersOverTwo = bus ? 3.0 : 2.0
    let harmonics = bus ? 12 : 8
    let amps = (1...harmonics).map { h in 1 / pow(Double(h), bus ? 0.7 : 1.0) * erng.uniform(0.5, 1) }
    let phases = (0..<harmonics).map { _ in erng.uniform(0, 2 * Double.pi) }
    var cycles = 0.0
    let engineLevel = bus ? 0.5 : 0.25
    for i in 0..<n {
      let f = control(cycle.rpm, i) / 60 * cylindersOverTwo
      cycles += f / sr
      let ph = 2 * Double.pi * cycles.truncatingRemainder(dividingBy: 1e6)
      var e = 0.0
      for h in 0..<harmonics { e += amps[h] * sin(Double(h + 1) * ph + phases[h]) }
      out[i] = Float(engineLevel * (0.3 + control(cycle.load, i)) * e / Double(harmonics))
    }
    // Road roar: 30–250 Hz, level ∝ (speed/100)^1.5 and the surface's patches (±4 dB).
    var rrng = rng.child("road")
    let roar = SynthKit.normalised(SynthKit.shape((0..<n).map { _ in Float(rrng.gaussian()) }, sampleRate: sampleRate) { f in
      let hp = pow(f / 30, 2) / (1 + pow(f / 30, 2))
      return hp / (1 + pow(f / 250, 2))
    }, rms: 1)
    let patches = SynthKit.smoothEnvelope(n, sampleRate: sampleRate, rateHz: 0.4, floor: 0.4, rng: &rrng)
    // Airborne tyre noise through the body (mass law from 20 dB at 125 Hz) and wind noise.
    let rolling = TrafficGenerator.emission(bus ? .heavy : .light, speedKmh: bus ? 40 : 110, accelerating: false, wet: false).rolling
    let tyre = SynthKit.normalised(SynthKit.shape((0..<n).map { _ in Float(rrng.gaussian()) }, sampleRate: sampleRate) { f in
      let tl = max(0, 20 + 20 * log10(max(f, 20) / 125)) - (bus ? 5 : 0)
      return TrafficGenerator.psd(rolling, f).squareRoot() * pow(10, -tl / 20)
    }, rms: 1)
    var wrng = rng.child("wind")
    let wind = SynthKit.normalised(SynthKit.shape((0..<n).map { _ in Float(wrng.gaussian()) }, sampleRate: sampleRate) { f in
      let x = f / 500
      return x / (1 + x * x).squareRoot() / (1 + pow(f / 2500, 1.5))
    }, rms: 1)
    let gusts = SynthKit.smoothEnvelope(n, sampleRate: sampleRate, rateHz: 0.5, floor: 0.6, rng: &wrng)
    let roarLevel = bus ? 0.35 : 0.5, tyreLevel = bus ? 0.2 : 0.25, windLevel = bus ? 0.03 : 0.12
    for i in 0..<n {
      let v = control(cycle.speed, i) / 100
      let roll = pow(max(v, 0), 1.5)
      out[i] += Float(roarLevel * roll * Double(patches[i])) * roar[i]
      out[i] += Float(tyreLevel * roll) * tyre[i]
      out[i] += Float(windLevel * pow(max(v, 0), 3) * Double(gusts[i])) * wind[i]
    }
    // Joints and potholes: a low thump every 5–30 s while moving.
    var jrng = rng.child("joints")
    var t = 0.0
    while true {
      t += jrng.uniform(5, 30)
      if t >= seconds { break }
      let v = control(cycle.speed, Int(t * sr)) / 100
      guard v > 0.1 else { continue }
      let f = jrng.uniform(25, 60)
      let len = Int(0.3 * sr)
      let thump = (0..<len).map { i -> Float in
        let tt = Double(i) / sr
        return Float(sin(2 * Double.pi * f * tt) * exp(-15 * tt))
      }
      SynthKit.place(thump, into: &out, at: Int(t * sr), gain: Float(0.25 * v), fade: 8)
    }
    if bus { addBusExtras(&out, cycle: cycle, sampleRate: sampleRate, rng: &rng) }
    return out
  }

  /// HVAC fan, rattles and, at every stop, door hiss and a chime.
  func addBusExtras(_ out: inout [Float], cycle: (speed: [Double], load: [Double], rpm: [Double], stops: [Double]), sampleRate: Int, rng: inout UtteranceRNG) {
    let sr = Double(sampleRate)
    let n = out.count
    // The fan's level: at 0.02 a 180 s bus ride, with its idling stops, measured a centroid of
    // 291 Hz, darker than any recorded traffic (319 Hz and up); 0.025 (+1.9 dB) gives 329 Hz.
    // There is no bus-interior recording here to set it more closely.
    var frng = rng.child("fan")
    let fan = SynthKit.normalised(SynthKit.shape((0..<n).map { _ in Float(frng.gaussian()) }, sampleRate: sampleRate) { f in
      let x = f / 400
      return x / (1 + x * x)
    }, rms: 0.025)
    for i in 0..<n { out[i] += fan[i] }
    // Rattles: short bright clicks, up to 3 per second at cruising speed.
    var krng = rng.child("rattles")
    var t = 0.0
    while t < Double(n) / sr {
      t += krng.uniform(0.05, 1.5)
      let v = cycle.speed[min(cycle.speed.count - 1, Int(t * 100))] / 50
      guard krng.nextUnit() < v else { continue }
      let len = Int(0.008 * sr)
      let click = SynthKit.shape((0..<len).map { _ in Float(krng.gaussian()) }, sampleRate: sampleRate) { f in f > 1500 ? 1 : 0.05 }
      SynthKit.place(click, into: &out, at: Int(t * sr), gain: Float(0.03 * krng.uniform(0.3, 1)), fade: 4)
    }
    var drng = rng.child("doors")
    for stop in cycle.stops {
      // Doors: pneumatic hiss on opening and closing, a two-tone chime when they close.
      for at in [stop + drng.uniform(0.5, 1.5), stop + drng.uniform(7, 9)] {
        let len = Int(drng.uniform(0.6, 1.4) * sr)
        let hiss = SynthKit.shape((0..<len).map { i in Float(drng.gaussian() * exp(-3 * Double(i) / Double(len))) }, sampleRate: sampleRate) { f in f > 1000 ? 1 : 0.1 }
        SynthKit.place(hiss, into: &out, at: Int(at * sr), gain: 0.08, fade: 200)
      }
      let chime = SynthKit.tones([659.3], count: Int(0.35 * sr), sampleRate: sampleRate, amplitude: 0.05)
        + SynthKit.tones([523.3], count: Int(0.5 * sr), sampleRate: sampleRate, amplitude: 0.05)
      SynthKit.place(chime, into: &out, at: Int((stop + 6.5) * sr), fade: Int(0.01 * sr))
    }
  }
}
