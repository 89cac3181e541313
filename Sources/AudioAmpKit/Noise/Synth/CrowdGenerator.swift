import Foundation

/// Multi-talker babble from real speech: a room of people talking over each other.
///
/// Each talker is one speaker of the source corpus whose utterances are strung together with
/// short pauses (0.1–0.7 s) from a random starting point, at their own level (±6 dB) and their own
/// distance in a small room: the room is a synthetic impulse response (a direct path plus an
/// exponentially decaying noise tail, RT60 0.3–0.6 s, darker with time), and farther talkers get
/// more of the tail. From about six talkers up no single voice can be followed. Optional extras:
/// a speech-shaped murmur bed (noise with the sources' long-term spectrum), cutlery clinks and
/// footsteps. Everything is drawn from `seed`.
public struct CrowdGenerator: Sendable {
  /// Number of talkers.
  public var talkers: Int
  /// The setting; nil for the plain small room (the babble pool's and older files' model).
  public var scene: Scene?
  /// Add a murmur bed.
  public var murmur: Bool
  /// Cutlery clinks per minute (0 for none).
  public var clinksPerMinute: Double
  /// Footsteps per minute (0 for none).
  public var stepsPerMinute: Double
  /// Doors opening and closing per minute (0 for none).
  public var doorsPerMinute: Double

  /// Creates a generator.
  public init(talkers: Int = 8, scene: Scene? = nil, murmur: Bool = true, clinksPerMinute: Double = 0, stepsPerMinute: Double = 0, doorsPerMinute: Double = 0) {
    self.talkers = talkers
    self.scene = scene
    self.murmur = murmur
    self.clinksPerMinute = clinksPerMinute
    self.stepsPerMinute = stepsPerMinute
    self.doorsPerMinute = doorsPerMinute
  }

  /// Speech for the talkers: utterances grouped by speaker (sorted by speaker, then id).
  public struct Sources: Sendable {
    /// Per speaker, their utterances' audio at the render rate.
    public var speakers: [(speaker: String, clips: [[Float]])]

    /// Reads up to `maxPerSpeaker` utterances per speaker from `corpus` (any readable format),
    /// excluding speaker `exclude`; utterances without a speaker are grouped by id prefix.
    public static func load(corpus: String, sampleRate: Int, maxPerSpeaker: Int = 20, exclude: String? = nil) throws -> Sources {
      let reader = try CorpusFormat.reader(for: corpus)
      var bySpeaker: [String: [Utterance]] = [:]
      let it = try reader.entries()
      while let e = it.next() {
        guard case .success(let u) = e else { continue }
        let spk = u.speaker ?? String(u.id.split(separator: "-").first ?? Substring(u.id))
        if spk == exclude { continue }
        if bySpeaker[spk, default: []].count < maxPerSpeaker { bySpeaker[spk, default: []].append(u) }
      }
      var out: [(String, [[Float]])] = []
      for spk in bySpeaker.keys.sorted() {
        let clips = bySpeaker[spk]!.sorted { $0.id < $1.id }.compactMap {
          try? AudioLoader.load(path: $0.audioPath, offsetSeconds: $0.offsetSeconds, durationSeconds: $0.durationSeconds, sampleRate: sampleRate).samples
        }
        if !clips.isEmpty { out.append((spk, clips)) }
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: corpus, detail: "no readable speech to make babble from")
      }
      return Sources(speakers: out)
    }
  }

  /// Renders `seconds` of crowd noise at `sampleRate`, normalised to −26 dBFS RMS (or raw,
  /// unnormalised, with `finish: false`, for mixing at a measured level).
  public func render(seconds: Double, sampleRate: Int, seed: UInt64, sources: Sources, finish: Bool = true) -> [Float] {
    renderWithTalkers(seconds: seconds, sampleRate: sampleRate, seed: seed, sources: sources, finish: finish).samples
  }

  /// As `render`, also returning the speaker of each talker, in talker order.
  public func renderWithTalkers(seconds: Double, sampleRate: Int, seed: UInt64, sources: Sources, finish: Bool = true) -> (samples: [Float], speakers: [String]) {
    if let scene { return renderScene(scene, seconds: seconds, sampleRate: sampleRate, seed: seed, sources: sources, finish: finish) }
    var rng = UtteranceRNG(key: seed)
    let n = Int(seconds * Double(sampleRate))
    var dry = [Float](repeating: 0, count: n)
    var far = [Float](repeating: 0, count: n)
    // Talkers cycle through the speakers in a random order; with more talkers than speakers a
    // speaker returns with other utterances and another level.
    var order = Array(sources.speakers.indices)
    order.shuffle(using: &rng)
    var used: [String] = []
    for t in 0..<talkers {
      used.append(sources.speakers[order[t % order.count]].speaker)
      var trng = rng.child("talker-\(t)")
      let clips = sources.speakers[order[t % order.count]].clips
      let stream = talkerStream(clips: clips, count: n, sampleRate: sampleRate, rng: &trng)
      let level = Float(Levels.amplitude(dB: trng.uniform(-6, 6)))
      let distance = trng.uniform(0, 1)  // 0 near, 1 across the room
      for i in 0..<n {
        dry[i] += level * Float(1 - 0.7 * distance) * stream[i]
        far[i] += level * Float(0.3 + 0.7 * distance) * stream[i]
      }
    }
    var rrng = rng.child("room")
    let ir = roomResponse(sampleRate: sampleRate, rng: &rrng)
    let wet = FFTConvolver(taps: ir).apply(far)
    // FFTConvolver compensates a linear-phase delay of (L-1)/2; a room response is causal, so
    // shift the tail back to start at the direct sound.
    let shift = (ir.count - 1) / 2
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let j = i - shift
      out[i] = dry[i] + (j >= 0 ? wet[j] : 0)
    }
    if murmur {
      var mrng = rng.child("murmur")
      let spectrumSource = out
      let bed = speechShapedNoise(like: spectrumSource, sampleRate: sampleRate, rng: &mrng)
      let g = Float(0.35 * Levels.rms(out) / max(1e-9, Levels.rms(bed)))
      for i in 0..<n { out[i] += g * bed[i] }
    }
    var xrng = rng.child("extras")
    addClinks(&out, perMinute: clinksPerMinute, sampleRate: sampleRate, rng: &xrng)
    addSteps(&out, perMinute: stepsPerMinute, sampleRate: sampleRate, rng: &xrng)
    addDoors(&out, perMinute: doorsPerMinute, sampleRate: sampleRate, rng: &xrng)
    return (finish ? SynthKit.finish(out, sampleRate: sampleRate, rmsDBFS: -26) : out, used)
  }

  /// One talker: utterances back to back with short pauses, from a random point on.
  func talkerStream(clips: [[Float]], count n: Int, sampleRate: Int, rng: inout UtteranceRNG) -> [Float] {
    var out = [Float](repeating: 0, count: n)
    var pos = -Int(rng.uniform(0, 3) * Double(sampleRate))  // start mid-utterance
    var k = rng.index(below: clips.count)
    while pos < n {
      let clip = clips[k % clips.count]
      SynthKit.place(clip, into: &out, at: pos, fade: 32)
      pos += clip.count + Int(rng.uniform(0.1, 0.7) * Double(sampleRate))
      k += 1 + rng.index(below: max(1, clips.count - 1))
    }
    return SynthKit.normalised(out, rms: 0.1)
  }

  /// A small room's response: direct path, then Gaussian noise decaying with RT60 0.3–0.6 s,
  /// low-passed progressively (walls and air absorb highs first).
  func roomResponse(sampleRate: Int, rng: inout UtteranceRNG) -> [Float] {
    let rt60 = rng.uniform(0.3, 0.6)
    let n = Int(rt60 * Double(sampleRate))
    var h = (0..<n).map { i -> Float in
      let t = Double(i) / Double(sampleRate)
      return Float(rng.gaussian() * pow(10, -3 * t / rt60))
    }
    SynthKit.varyingLowPass(&h, sampleRate: sampleRate) { i in 8000 * exp(-3 * Double(i) / Double(n)) + 500 }
    h = SynthKit.normalised(h, rms: 0.02)
    h[0] += 0.5
    return h
  }

  /// Noise with the long-term magnitude spectrum of `x` (random phases).
  func speechShapedNoise(like x: [Float], sampleRate: Int, rng: inout UtteranceRNG) -> [Float] {
    let stft = STFT(frameSize: 1024, hop: 512)
    let frames = stft.analyze(x)
    var power = [Double](repeating: 0, count: frames.binCount)
    for f in 0..<frames.frameCount {
      for b in 0..<frames.binCount {
        let re = Double(frames.real[f * frames.binCount + b]), im = Double(frames.imag[f * frames.binCount + b])
        power[b] += re * re + im * im
      }
    }
    let white = (0..<x.count).map { _ in Float(rng.gaussian()) }
    let bins = frames.binCount
    return SynthKit.shape(white, sampleRate: sampleRate) { hz in
      let b = min(bins - 1, Int(hz / Double(sampleRate) * 1024))
      return power[b].squareRoot()
    }
  }

  /// Short bright metallic transients: decaying inharmonic partials (cutlery on china).
  func addClinks(_ out: inout [Float], perMinute: Double, sampleRate: Int, rng: inout UtteranceRNG) {
    guard perMinute > 0 else { return }
    var t = 0.0
    let seconds = Double(out.count) / Double(sampleRate)
    let level = Float(Levels.rms(out)) * 2.5
    while true {
      t += -log(max(1e-12, 1 - rng.nextUnit())) / (perMinute / 60)
      if t >= seconds { break }
      let f0 = rng.uniform(1800, 4200)
      let partials = [1.0, 2.76, 5.40, 8.93].map { f0 * $0 }.filter { $0 < Double(sampleRate) * 0.45 }
      let len = Int(0.25 * Double(sampleRate))
      let decay = rng.uniform(12, 30)
      let clink = (0..<len).map { i -> Float in
        let tt = Double(i) / Double(sampleRate)
        var v = 0.0
        for (j, f) in partials.enumerated() { v += sin(2 * Double.pi * f * tt) * exp(-decay * tt * Double(j + 1)) / Double(j + 1) }
        return Float(v)
      }
      SynthKit.place(clink, into: &out, at: Int(t * Double(sampleRate)), gain: level * Float(rng.uniform(0.3, 1)), fade: 4)
    }
  }

  /// Doors: the latch's click (a short bright noise burst), the swing's creak on some (a
  /// gliding harmonic tone), then the close — a low thump (a 40–80 Hz decaying tone plus
  /// low-passed noise) with the room's ring.
  func addDoors(_ out: inout [Float], perMinute: Double, sampleRate: Int, rng: inout UtteranceRNG) {
    guard perMinute > 0 else { return }
    let sr = Double(sampleRate)
    let seconds = Double(out.count) / sr
    let level = Float(Levels.rms(out)) * 3
    var t = 0.0
    while true {
      t += -log(max(1e-12, 1 - rng.nextUnit())) / (perMinute / 60)
      if t >= seconds { break }
      let click = SynthKit.shape(SynthKit.colouredNoise(Int(0.015 * sr), exponent: 0, sampleRate: sampleRate, rng: &rng), sampleRate: sampleRate) { f in f > 2000 ? 1 : 0.1 }
      SynthKit.place(click, into: &out, at: Int(t * sr), gain: level * 0.3, fade: 4)
      let swing = rng.uniform(0.6, 1.8)
      if rng.nextUnit() < 0.4 {
        let len = Int(swing * 0.6 * sr)
        let f0 = rng.uniform(180, 420)
        var phase = 0.0
        let creak = (0..<len).map { i -> Float in
          let x = Double(i) / Double(len)
          phase += 2 * Double.pi * f0 * (1 + 0.3 * sin(Double.pi * x)) / sr
          var v = 0.0
          for h in 1...6 { v += sin(Double(h) * phase) / Double(h) }
          return Float(v * sin(Double.pi * x))
        }
        SynthKit.place(creak, into: &out, at: Int((t + 0.1) * sr), gain: level * 0.15, fade: 200)
      }
      let f = rng.uniform(40, 80)
      let len = Int(0.5 * sr)
      var body = SynthKit.colouredNoise(len, exponent: 1, sampleRate: sampleRate, rng: &rng)
      body = SynthKit.shape(body, sampleRate: sampleRate) { hz in 1 / (1 + pow(hz / 400, 2)) }
      let thump = (0..<len).map { i -> Float in
        let tt = Double(i) / sr
        return Float(sin(2 * Double.pi * f * tt) * exp(-12 * tt) + 0.6 * Double(body[i]) * exp(-25 * tt))
      }
      SynthKit.place(thump, into: &out, at: Int((t + swing) * sr), gain: level, fade: 8)
      t += swing
    }
  }

  /// Footsteps: low thuds (a 60–120 Hz decaying tone with a noise click) in walking rhythm.
  func addSteps(_ out: inout [Float], perMinute: Double, sampleRate: Int, rng: inout UtteranceRNG) {
    guard perMinute > 0 else { return }
    let seconds = Double(out.count) / Double(sampleRate)
    let level = Float(Levels.rms(out)) * 1.5
    var t = 0.0
    while true {
      t += -log(max(1e-12, 1 - rng.nextUnit())) / (perMinute / 60) * 6  // a walker every 6 steps' time
      if t >= seconds { break }
      let pace = rng.uniform(0.45, 0.6)
      for s in 0..<6 {
        let f = rng.uniform(60, 120)
        let len = Int(0.12 * Double(sampleRate))
        let step = (0..<len).map { i -> Float in
          let tt = Double(i) / Double(sampleRate)
          return Float(sin(2 * Double.pi * f * tt) * exp(-35 * tt) + 0.3 * rng.gaussian() * exp(-120 * tt))
        }
        SynthKit.place(step, into: &out, at: Int((t + Double(s) * pace) * Double(sampleRate)), gain: level * Float(1 - 0.1 * Double(s)), fade: 8)
      }
    }
  }
}
