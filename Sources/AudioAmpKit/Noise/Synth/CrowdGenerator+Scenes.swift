import Foundation

extension CrowdGenerator {
  /// Rooms full of people: many talkers at a distance in a reverberant room over a diffuse bed,
  /// so that no foreground voice is clear.
  ///
  /// Each talker is one speaker of the source corpus, its clips resampled by a factor of
  /// 0.86–1.16 (a different voice: pitch and speaking rate move together, as between people),
  /// at its own level (±4 dB) and distance d. Its direct sound falls as 1/d; its reverberant
  /// sound is the same everywhere in the room (a diffuse field), so the direct-to-reverberant
  /// ratio is (r_c/d)², with the critical distance r_c = 0.057·√(V/T60) (Kuttruff, Room
  /// Acoustics, 5th ed., §5.1). The reverberation is an exponentially decaying noise tail of
  /// the scene's T60, darker with time. The nearest talkers stand at 1.5–10 m depending on the
  /// scene, beyond the critical distance, so even they are more room than voice. A speech-shaped
  /// murmur bed stands for the talkers too far away to be separate, and the scene adds its own
  /// sounds (cutlery, footsteps, doors, ventilation).
  public enum Scene: String, Sendable, CaseIterable {
    case cafe
    case restaurant
    case stationHall = "station-hall"
    case openOffice = "open-office"
    case party

    /// Room volume (m³), T60 range (s), nearest-talker distances (m), the distance range of the
    /// rest (m), murmur level re the talkers, and extras per minute (clinks, steps, doors), and
    /// ventilation noise level re the talkers (dB, nil for none), and the share of time each
    /// talker is speaking (the rest they listen: conversational turns).
    var room: (volume: Double, t60: ClosedRange<Double>, near: ClosedRange<Double>, far: ClosedRange<Double>, murmur: Double, clinks: Double, steps: Double, doors: Double, hvacDB: Double?, talking: Double) {
      switch self {
      case .cafe: return (300, 0.5...0.8, 2.5...5, 4...12, 0.3, 8, 0, 1, nil, 0.45)
      case .restaurant: return (600, 0.6...1.0, 2...4, 4...15, 0.4, 12, 2, 0.5, nil, 0.45)
      case .stationHall: return (20000, 2.0...3.5, 5...12, 8...60, 0.6, 0, 12, 0, -18, 0.5)
      case .openOffice: return (1500, 0.4...0.6, 3...6, 5...20, 0.2, 0, 1, 0.5, -12, 0.3)
      case .party: return (200, 0.5...0.9, 1.5...3, 2.5...8, 0.3, 4, 0, 0, nil, 0.55)
      }
    }

    /// Spatial decay of the reverberant level per doubling of distance, dB: 0 in a diffuse room.
    /// Furnished, occupied rooms are not diffuse; fitted workrooms measure a DL2 (ISO 14257) of
    /// a few dB, and open-plan offices a D2,S (ISO 3382-3) of 5–8 dB, 7 dB or more counting as
    /// good. Used here: 3 dB in cafés, restaurants and parties, 4 dB in the open office (its
    /// screens are not modelled, so the low end of the office range), 1 dB in a large hard
    /// station hall, which is nearly diffuse.
    var reverberantDecayDB: Double {
      switch self {
      case .cafe, .restaurant, .party: return 3
      case .openOffice: return 4
      case .stationHall: return 1
      }
    }
  }

  /// Renders a ``Scene`` with `talkers` talkers (the first few of them nearest).
  func renderScene(_ scene: Scene, seconds: Double, sampleRate: Int, seed: UInt64, sources: Sources, finish: Bool) -> (samples: [Float], speakers: [String]) {
    var rng = UtteranceRNG(key: seed)
    let sr = Double(sampleRate)
    let n = Int(seconds * sr)
    let room = scene.room
    let t60 = rng.uniform(room.t60.lowerBound, room.t60.upperBound)
    let critical = 0.057 * (room.volume / t60).squareRoot()
    let nearCount = min(talkers, max(1, talkers / 8))
    let middle = (room.far.lowerBound * room.far.upperBound).squareRoot()
    var direct = [Float](repeating: 0, count: n)
    var diffuse = [Float](repeating: 0, count: n)
    var order = Array(sources.speakers.indices)
    order.shuffle(using: &rng)
    var used: [String] = []
    for t in 0..<talkers {
      let speaker = sources.speakers[order[t % order.count]]
      used.append(speaker.speaker)
      var trng = rng.child("talker-\(t)")
      let factor = trng.uniform(0.86, 1.16)
      let target = Int((sr * factor).rounded())
      let clips = speaker.clips.map { (try? SampleRateConverter.convert($0, from: sampleRate, to: target, quality: .fastest)) ?? $0 }
      var stream = talkerStream(clips: clips, count: n, sampleRate: sampleRate, rng: &trng)
      applyTurns(&stream, talking: room.talking, sampleRate: sampleRate, rng: &trng)
      let level = Levels.amplitude(dB: trng.uniform(-4, 4))
      let range = t < nearCount ? room.near : room.far
      let d = trng.uniform(range.lowerBound, range.upperBound)
      // Air and furnishings take some highs from farther talkers.
      let cutoff = 9000 / (1 + d / 15)
      SynthKit.varyingLowPass(&stream, sampleRate: sampleRate) { _ in cutoff }
      // Furnished rooms full of people are not diffuse: the reverberant level too falls with
      // distance, by the scene's DL2 per doubling (ISO 14257), relative to the talkers' middle
      // distance, so the nearer talkers stand out of the room's wash as they do in recordings.
      let decay = pow(middle / d, scene.reverberantDecayDB / (20 * log10(2.0)))
      let g = Float(level / d), gr = Float(level / critical * decay)
      for i in 0..<n {
        direct[i] += g * stream[i]
        diffuse[i] += gr * stream[i]
      }
    }
    var rrng = rng.child("room")
    let ir = diffuseTail(t60: t60, sampleRate: sampleRate, rng: &rrng)
    let wet = FFTConvolver(taps: ir).apply(diffuse)
    let shift = (ir.count - 1) / 2  // FFTConvolver centres its taps; the tail is causal
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let j = i - shift
      out[i] = direct[i] + (j >= 0 ? wet[j] : 0)
    }
    if murmur {
      var mrng = rng.child("murmur")
      let bed = speechShapedNoise(like: out, sampleRate: sampleRate, rng: &mrng)
      let breath = SynthKit.smoothEnvelope(n, sampleRate: sampleRate, rateHz: 0.3, floor: 0.6, rng: &mrng)
      let g = Float(room.murmur * Levels.rms(out) / max(1e-9, Levels.rms(bed)))
      for i in 0..<n { out[i] += g * bed[i] * breath[i] }
    }
    if let hvac = room.hvacDB {
      var hrng = rng.child("hvac")
      let fan = SynthKit.shape(SynthKit.colouredNoise(n, exponent: 1, sampleRate: sampleRate, rng: &hrng), sampleRate: sampleRate) { f in 1 / (1 + pow(f / 1500, 2)) }
      let g = Float(Levels.amplitude(dB: hvac) * Levels.rms(out) / max(1e-9, Levels.rms(fan)))
      for i in 0..<n { out[i] += g * fan[i] }
    }
    var xrng = rng.child("extras")
    addClinks(&out, perMinute: clinksPerMinute > 0 ? clinksPerMinute : room.clinks, sampleRate: sampleRate, rng: &xrng)
    addSteps(&out, perMinute: stepsPerMinute > 0 ? stepsPerMinute : room.steps, sampleRate: sampleRate, rng: &xrng)
    addDoors(&out, perMinute: doorsPerMinute > 0 ? doorsPerMinute : room.doors, sampleRate: sampleRate, rng: &xrng)
    return (finish ? SynthKit.finish(out, sampleRate: sampleRate, rmsDBFS: -26) : out, used)
  }

  /// Conversational turns: the talker speaks in spurts of 1.5–8 s and listens in between, for
  /// `talking` of the time on average; 80 ms raised-cosine edges.
  func applyTurns(_ x: inout [Float], talking: Double, sampleRate: Int, rng: inout UtteranceRNG) {
    let sr = Double(sampleRate)
    var gate = [Float](repeating: 0, count: x.count)
    var t = -rng.uniform(0, 8)
    var on = rng.nextUnit() < talking
    let meanOn = 4.5, meanOff = meanOn * (1 - talking) / talking
    while t < Double(x.count) / sr {
      let len = on ? rng.uniform(1.5, 8) : rng.uniform(0.3, 2 * meanOff - 0.3)
      if on {
        let a = max(0, Int(t * sr)), b = min(x.count, Int((t + len) * sr))
        if b > a { for i in a..<b { gate[i] = 1 } }
      }
      t += len
      on.toggle()
    }
    // Smooth the edges so a turn never starts with a click.
    let fade = Int(0.08 * sr)
    var smooth = [Float](repeating: 0, count: x.count)
    var acc: Float = 0
    for i in 0..<x.count {
      acc += gate[i] - (i >= fade ? gate[i - fade] : 0)
      smooth[i] = acc / Float(fade)
    }
    for i in x.indices { x[i] *= smooth[i] }
  }

  /// A diffuse reverberant tail of unit energy: Gaussian noise decaying by 60 dB over `t60`,
  /// low-passed progressively (walls and air absorb highs first), starting 5 ms after the
  /// direct sound.
  func diffuseTail(t60: Double, sampleRate: Int, rng: inout UtteranceRNG) -> [Float] {
    let sr = Double(sampleRate)
    let n = Int(t60 * sr)
    let gap = Int(0.005 * sr)
    var h = (0..<n).map { i -> Float in
      guard i >= gap else { return 0 }
      return Float(rng.gaussian() * pow(10, -3 * Double(i) / sr / t60))
    }
    SynthKit.varyingLowPass(&h, sampleRate: sampleRate) { i in 7000 * exp(-3 * Double(i) / Double(n)) + 400 }
    let e = Levels.energy(h)
    return e > 0 ? h.map { $0 / Float(e.squareRoot()) } : h
  }
}
