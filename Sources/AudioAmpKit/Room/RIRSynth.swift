import Foundation

/// A synthesized room impulse response and what was used to make it.
public struct SynthesizedRIR: Sendable {
  /// The impulse response, scaled so that an omnidirectional source's direct sound has
  /// amplitude 1 (with a directivity, the direct sound has its pattern's gain towards the mic).
  public var samples: [Float]
  /// Sample rate, Hz.
  public var sampleRate: Int
  /// Propagation time of the direct path, seconds (d/c). With `alignDirect` this much delay was
  /// removed and the direct sound sits exactly on sample 0; otherwise it sits at this time.
  public var directDelaySeconds: Double
  /// The physical direct-path amplitude 1/(4π·d) that the normalisation divided out.
  public var directAmplitude: Double
  /// Source–microphone distance, metres.
  public var distanceM: Double
  /// Where image sources end and the stochastic tail begins (absolute propagation time), s.
  public var mixingTimeSeconds: Double
  /// Number of image sources rendered (direct path included).
  public var imageCount: Int
  /// Eyring RT60 per octave band that the tail decays with, seconds.
  public var bandRT60Seconds: [Double]
}

/// Renders room impulse responses: image sources for the early part, a noise tail for the rest.
///
/// - Early part: every image source (``ImageSources``) arriving before the mixing time
///   (``ShoeBoxRoom/mixingTime(source:mic:)``) is placed at its exact delay d/c with a
///   Hann-windowed sinc fractional-delay interpolator of 16 taps (Laakso et al., "Splitting the
///   unit delay", IEEE SP Magazine 1996), with amplitude Π β^n / (4π d). When the walls'
///   absorption differs between octave bands, each band gets its own impulse train and the trains
///   are weighted by the zero-phase crossover of ``OctaveBands`` in the frequency domain and
///   summed; the direct path is never band-filtered.
/// - Late part: Gaussian noise whose energy per sample in band b is c/(4π·V·fs)·exp(−6·ln10·t/T_b),
///   the expected energy of the image sources' impulse train at time t (image density 1/V,
///   amplitude 1/(4π c t), Eyring decay), with T_b the band's Eyring RT60 (Kuttruff §4.1, §5.4).
/// - The two are joined at the mixing time: the images fade out over 4 ms (cos²), the tail fades
///   in from 1 ms after the direct sound (power rising to ½ at the mixing time, then to 1 over
///   the same 4 ms), so the sparse gaps between the first reflections of large rooms are not
///   left empty.
///
/// With a source directivity (``SourceDirectivity``), each image is weighted by the pattern's
/// gain in the direction its ray left the source, and the tail by the pattern's diffuse-field gain.
///
/// The output is scaled so an omnidirectional source's direct sound has amplitude 1. Length: until the slowest band has
/// decayed by 60 dB (its RT60 after the direct sound), unless a length is given. The same room,
/// positions, rate and seed always give the same samples.
public enum RIRSynth {
  /// Rendering choices.
  public struct Options: Sendable {
    /// Shift the response so the direct sound is on sample 0 (its delay is then reported, not
    /// rendered). Default true: that is what convolution with speech needs.
    public var alignDirect = true
    /// Length of the response, seconds; nil for "until the slowest band has decayed 60 dB".
    public var lengthSeconds: Double? = nil
    /// Leave out the stochastic tail (image sources only, up to `imageOnlyUntilSeconds`); for
    /// checking the image-source part against analytic delays.
    public var imagesOnly = false
    /// With `imagesOnly`, the propagation time up to which images are rendered, seconds.
    public var imageOnlyUntilSeconds = 0.05
    /// How the source radiates; nil for omnidirectional.
    public var directivity: SourceDirectivity? = nil
    /// Creates the default options.
    public init() {}
  }

  /// Half-width of the fractional-delay interpolator, samples (16 taps in all).
  static let halfWidth = 8
  /// Length of the crossfade between image sources and tail, seconds.
  static let crossfadeSeconds = 0.004

  /// Renders the impulse response from `source` to `mic` in `room` at `sampleRate` Hz, the tail
  /// noise drawn from `seed`.
  ///
  /// Throws ``RoomError/outside`` when a position lies outside the room and
  /// ``RoomError/badValue`` for a source on the microphone (closer than 1 cm) or a sample rate
  /// below 1 kHz.
  public static func render(room: ShoeBoxRoom, source: RoomPoint, mic: RoomPoint, sampleRate fs: Int, seed: UInt64, options: Options = Options()) throws -> SynthesizedRIR {
    guard room.contains(source) else { throw RoomError.outside(what: "source", point: source.text, room: room.sizeText) }
    guard room.contains(mic) else { throw RoomError.outside(what: "microphone", point: mic.text, room: room.sizeText) }
    guard fs >= 1000 else { throw RoomError.badValue(what: "sample rate", detail: "\(fs) Hz is below 1000 Hz") }
    let dDirect = source.distance(to: mic)
    guard dDirect >= 0.01 else {
      throw RoomError.badValue(what: "positions", detail: "source and microphone are \(String(format: "%.3f", dDirect)) m apart; keep them at least 1 cm apart")
    }
    let c = room.speedOfSound
    let rate = Double(fs)
    let tauDirect = dDirect / c
    let shift = options.alignDirect ? tauDirect * rate : 0  // samples removed from every arrival
    let bands = activeBands(sampleRate: fs)
    let bandT60 = (0..<OctaveBands.count).map { room.eyringRT60(band: $0) }
    let slowest = bands.map { bandT60[$0] }.max()!
    let tMix = options.imagesOnly ? options.imageOnlyUntilSeconds : room.mixingTime(source: source, mic: mic)
    let fade = options.imagesOnly ? 0 : crossfadeSeconds
    let defaultLength = options.imagesOnly ? tMix + 0.005 : slowest + tauDirect
    let lengthSeconds = options.lengthSeconds ?? defaultLength
    let n = max(1, Int((lengthSeconds * rate - shift).rounded(.up)))

    // Does the absorption vary with frequency (over the bands that exist at this rate)?
    let logBeta: [[Double]] = (0..<6).map { w in (0..<OctaveBands.count).map { b in 0.5 * log(1 - room.absorption[w][b]) } }
    let flat = (0..<6).allSatisfy { w in bands.allSatisfy { abs(logBeta[w][$0] - logBeta[w][bands[0]]) < 1e-12 } }
    let trainBands = flat ? [bands[0]] : bands

    // Early part: one impulse train per band (one when flat), offset by `pre` samples so the
    // band filters' zero-phase pre-ringing and the interpolator's left taps have room.
    let pre = flat ? halfWidth : max(halfWidth, fs / 32)
    let earlyEnd = min(n, Int(((tMix + fade) * rate - shift).rounded(.up)) + halfWidth + 1)
    let trainLength = pre + max(earlyEnd, 1) + halfWidth + (flat ? 0 : fs / 32)
    var trains = [[Double]](repeating: [Double](repeating: 0, count: trainLength), count: trainBands.count)
    var direct = [Double](repeating: 0, count: trainLength)
    var imageCount = 0
    let maxDistance = (tMix + fade) * c
    let directivity = options.directivity.flatMap { $0.pattern == .omni ? nil : $0 }
    ImageSources.forEach(source: source, mic: mic, room: room, maxDistanceM: maxDistance) { image, d, r in
      let t = d / c
      let weight: Double
      if t <= tMix {
        weight = 1
      } else if fade > 0 {
        weight = cos(Double.pi / 2 * min(1, (t - tMix) / fade))
      } else {
        return
      }
      let pos = Double(pre) + t * rate - shift
      imageCount += 1
      var base = weight * dDirect / d
      if let directivity {
        // The ray leaves the real source in the image's direction with every axis it was
        // mirrored in (an odd number of reflections on that axis) flipped back.
        func sign(_ a: Int, _ b: Int) -> Double { (a + b) % 2 == 0 ? 1 : -1 }
        base *= directivity.gain(
          sign(r.0, r.1) * (mic.x - image.x), sign(r.2, r.3) * (mic.y - image.y), sign(r.4, r.5) * (mic.z - image.z))
      }
      let order = r.0 + r.1 + r.2 + r.3 + r.4 + r.5
      if order == 0 {
        addImpulse(&direct, at: pos, amplitude: base)
        return
      }
      for (i, b) in trainBands.enumerated() {
        let lb = Double(r.0) * logBeta[0][b] + Double(r.1) * logBeta[1][b] + Double(r.2) * logBeta[2][b]
          + Double(r.3) * logBeta[3][b] + Double(r.4) * logBeta[4][b] + Double(r.5) * logBeta[5][b]
        addImpulse(&trains[i], at: pos, amplitude: base * exp(lb))
      }
    }
    var early: [Double]
    if flat {
      early = zip(direct, trains[0]).map { $0 + $1 }
    } else {
      early = combineBands(trains, bands: trainBands, sampleRate: fs)
      for i in early.indices { early[i] += direct[i] }
    }

    var out = [Float](repeating: 0, count: n)
    for i in 0..<min(n, early.count - pre) { out[i] = Float(early[i + pre]) }
    if !options.imagesOnly {
      var rng = UtteranceRNG(key: seed)
      // The tail fades in from just after the direct sound (power rising linearly to one half at
      // the mixing time, then to 1 over the crossfade), so the sparse gaps between the first
      // reflections of a large room hold their share of diffuse energy.
      let t0 = min(tauDirect + 0.001, tMix)
      let tailStart = max(0, Int((t0 * rate - shift).rounded(.down)))
      if tailStart < n {
        let count = n - tailStart
        let noise = (0..<count).map { _ in Float(rng.gaussian()) }
        // Expected energy per sample of the image train, relative to the direct sound's
        // amplitude 1/(4π d): (c / (4π V fs)) · (4π d)².
        let level = (c / (4 * Double.pi * room.volume * rate)).squareRoot() * 4 * Double.pi * dDirect * (directivity?.diffuseGain ?? 1)
        let bandNoise: [[Float]] = flat ? [noise] : splitBands(noise, bands: bands, sampleRate: fs)
        let decayBands = flat ? [bands[0]] : bands
        for (k, b) in decayBands.enumerated() {
          let lambda = 3 * log(10.0) / bandT60[b]  // amplitude decay rate, 1/s
          let x = bandNoise[k]
          for j in 0..<count {
            let t = (Double(tailStart + j) + shift) / rate
            guard t >= t0 else { continue }
            let ramp: Double
            if t < tMix {
              ramp = (0.5 * (t - t0) / (tMix - t0)).squareRoot()
            } else {
              let x = fade > 0 ? min(1, (t - tMix) / fade) : 1
              ramp = (0.5 + 0.5 * pow(sin(Double.pi / 2 * x), 2)).squareRoot()
            }
            out[tailStart + j] += Float(level * exp(-lambda * t) * ramp) * x[j]
          }
        }
      }
    }
    return SynthesizedRIR(
      samples: out, sampleRate: fs, directDelaySeconds: tauDirect, directAmplitude: 1 / (4 * Double.pi * dDirect), distanceM: dDirect,
      mixingTimeSeconds: tMix, imageCount: imageCount, bandRT60Seconds: bandT60)
  }

  /// A room of the given size with an RIR from `source` to `mic` whose measured Schroeder RT60
  /// (the geometric mean of T20 and T30, ``RIRMeasure``) meets `rt60Seconds`: broadband for the
  /// `flat` profile, in the 500 Hz and 1 kHz octave bands otherwise (the returned measurement's
  /// T20, T30 and EDT are then those of the 500 Hz–1 kHz part; DRR, C50 and the direct sound
  /// stay broadband).
  ///
  /// Eyring's formula gives the first absorption (``RT60Solver``). Where the early reflections
  /// carry much of the energy (large, absorbent rooms with a distant talker), the measured decay
  /// is faster than Eyring's, so the Eyring time asked of the solver is corrected by a secant
  /// step on log(measured) against log(asked) and the RIR re-rendered, until the measurement is
  /// within 2 % of the target (at most 8 renders; the absorption stays within
  /// ``RT60Solver/absorptionRange``, and the best render is returned when that bound stops it).
  /// Throws ``RoomError/unreachableRT60`` when not even Eyring's formula can reach the target.
  public static func renderMeetingRT60(
    lengthM: Double, widthM: Double, heightM: Double, rt60Seconds target: Double, profile: WallMaterialProfile = .flat,
    source: RoomPoint, mic: RoomPoint, sampleRate fs: Int, seed: UInt64, options: Options = Options()
  ) throws -> (room: ShoeBoxRoom, rir: SynthesizedRIR, measured: RIRMeasurement) {
    var asked = target
    var room = try RT60Solver.room(lengthM: lengthM, widthM: widthM, heightM: heightM, rt60Seconds: asked, profile: profile)
    var best: (room: ShoeBoxRoom, rir: SynthesizedRIR, measured: RIRMeasurement, error: Double)?
    var previous: (asked: Double, got: Double)?
    for _ in 0..<8 {
      let rir = try render(room: room, source: source, mic: mic, sampleRate: fs, seed: seed, options: options)
      var m = try RIRMeasure.measure(rir.samples, sampleRate: fs)
      if profile != .flat {
        // The target holds at 500 Hz–1 kHz: a frequency-dependent decay has no single
        // broadband RT60 (its Schroeder curve bends as the highs die away first).
        let mid = try RIRMeasure.measure(band(rir.samples, bands: [2, 3], sampleRate: fs), sampleRate: fs)
        m.t20Seconds = mid.t20Seconds
        m.t30Seconds = mid.t30Seconds
        m.edtSeconds = mid.edtSeconds
      }
      let got: Double
      switch (m.t20Seconds, m.t30Seconds) {
      case (let a?, let b?): got = (a * b).squareRoot()
      case (let a?, nil), (nil, let a?): got = a
      default: got = m.edtSeconds ?? asked
      }
      let error = abs(log(got / target))
      if best == nil || error < best!.error { best = (room, rir, m, error) }
      if error < log(1.02) { break }
      // Secant step in log–log; a plain ratio step until two points exist.
      var next = asked * target / got
      if let p = previous, abs(log(p.got / got)) > 1e-6 {
        let slope = log(got / p.got) / log(asked / p.asked)
        if slope > 0.05 { next = asked * exp(log(target / got) / slope) }
      }
      previous = (asked, got)
      guard let r = try? RT60Solver.room(lengthM: lengthM, widthM: widthM, heightM: heightM, rt60Seconds: next, profile: profile) else { break }
      asked = next
      room = r
    }
    return (best!.room, best!.rir, best!.measured)
  }

  /// A diffuse reverberant field without direct sound or early reflections: the late tail of
  /// `room` from time 0, unit energy, `lengthSeconds` long. Convolving a noise recording with it
  /// makes the noise sound as if it filled the room (a diffuse field at the microphone).
  public static func diffuseTail(room: ShoeBoxRoom, sampleRate fs: Int, seed: UInt64, lengthSeconds: Double? = nil) -> [Float] {
    let bands = activeBands(sampleRate: fs)
    let bandT60 = (0..<OctaveBands.count).map { room.eyringRT60(band: $0) }
    let n = max(1, Int(((lengthSeconds ?? bands.map { bandT60[$0] }.max()!) * Double(fs)).rounded(.up)))
    var rng = UtteranceRNG(key: seed)
    let noise = (0..<n).map { _ in Float(rng.gaussian()) }
    let split = splitBands(noise, bands: bands, sampleRate: fs)
    var out = [Float](repeating: 0, count: n)
    for (k, b) in bands.enumerated() {
      let lambda = 3 * log(10.0) / bandT60[b]
      for j in 0..<n { out[j] += Float(exp(-lambda * Double(j) / Double(fs))) * split[k][j] }
    }
    let e = Levels.energy(out)
    if e > 0 {
      let g = Float(1 / e.squareRoot())
      for j in 0..<n { out[j] *= g }
    }
    return out
  }

  /// Bands whose crossover region starts below the Nyquist frequency.
  static func activeBands(sampleRate fs: Int) -> [Int] {
    (0..<OctaveBands.count).filter { $0 == 0 || OctaveBands.centresHz[$0 - 1] < Double(fs) / 2 }
  }

  /// Adds a band-limited impulse at fractional position `pos`: Hann-windowed sinc over
  /// 2·halfWidth taps; an integer position gives a single exact sample.
  @inline(__always) static func addImpulse(_ x: inout [Double], at pos: Double, amplitude a: Double) {
    let i0 = Int(pos.rounded(.down))
    let f = pos - Double(i0)
    if f < 1e-9 {
      if i0 >= 0 && i0 < x.count { x[i0] += a }
      return
    }
    let w = halfWidth
    // sinc(k − f) = (−1)^(k+1)·sin(πf) / (π(k − f)): one sine per image.
    let s = sin(Double.pi * f) / Double.pi
    x.withUnsafeMutableBufferPointer { p in
      for k in (1 - w)...w {
        let idx = i0 + k
        guard idx >= 0 && idx < p.count else { continue }
        let u = Double(k) - f
        let sinc = (k & 1 == 0 ? -s : s) / u
        let hann = 0.5 * (1 + cos(Double.pi * u / Double(w)))
        p[idx] += a * sinc * hann
      }
    }
  }

  /// Σ_b crossover_b ∗ train_b, by FFT (zero-phase weights, so nothing moves in time).
  static func combineBands(_ trains: [[Double]], bands: [Int], sampleRate fs: Int) -> [Double] {
    let len = trains[0].count
    let size = FFTPlan.powerOfTwo(atLeast: 2 * len)
    let plan = FFTPlan.shared(size: size)
    let weights = bandWeights(size: size, bands: bands, sampleRate: fs)
    let input = FFTBuffer(count: size)
    let spec = FFTBuffer(count: 2 * plan.binCount)
    let sum = FFTBuffer(count: 2 * plan.binCount)
    for (k, train) in trains.enumerated() {
      input.zero()
      for i in 0..<len { input.pointer[i] = Float(train[i]) }
      plan.forward(input, spec)
      let w = weights[k]
      for bin in 0..<plan.binCount {
        sum.pointer[2 * bin] += spec.pointer[2 * bin] * w[bin]
        sum.pointer[2 * bin + 1] += spec.pointer[2 * bin + 1] * w[bin]
      }
    }
    let out = FFTBuffer(count: size)
    plan.inverse(sum, out)
    let scale = 1 / Double(size)
    return (0..<len).map { Double(out.pointer[$0]) * scale }
  }

  /// `x` split into the given bands (zero-phase crossover weights, circular FFT of at least
  /// twice the length so nothing wraps audibly); the bands sum back to `x`.
  static func splitBands(_ x: [Float], bands: [Int], sampleRate fs: Int) -> [[Float]] {
    let len = x.count
    let size = FFTPlan.powerOfTwo(atLeast: 2 * len)
    let plan = FFTPlan.shared(size: size)
    let weights = bandWeights(size: size, bands: bands, sampleRate: fs)
    let input = FFTBuffer(count: size)
    for i in 0..<len { input.pointer[i] = x[i] }
    let spec = FFTBuffer(count: 2 * plan.binCount)
    plan.forward(input, spec)
    let work = FFTBuffer(count: 2 * plan.binCount)
    let out = FFTBuffer(count: size)
    let scale = 1 / Float(size)
    return weights.map { w in
      for bin in 0..<plan.binCount {
        work.pointer[2 * bin] = spec.pointer[2 * bin] * w[bin] * scale
        work.pointer[2 * bin + 1] = spec.pointer[2 * bin + 1] * w[bin] * scale
      }
      plan.inverse(work, out)
      return Array(UnsafeBufferPointer(start: out.pointer, count: len))
    }
  }

  /// The part of `x` in the given octave bands (their crossover weights summed), zero-phase.
  public static func band(_ x: [Float], bands: [Int], sampleRate fs: Int) -> [Float] {
    let len = x.count
    let size = FFTPlan.powerOfTwo(atLeast: 2 * len)
    let plan = FFTPlan.shared(size: size)
    let input = FFTBuffer(count: size)
    for i in 0..<len { input.pointer[i] = x[i] }
    let spec = FFTBuffer(count: 2 * plan.binCount)
    plan.forward(input, spec)
    let scale = 1 / Float(size)
    for bin in 0..<plan.binCount {
      let all = OctaveBands.weights(atHz: Double(bin) * Double(fs) / Double(size))
      let w = Float(bands.reduce(0) { $0 + all[$1] }) * scale
      spec.pointer[2 * bin] *= w
      spec.pointer[2 * bin + 1] *= w
    }
    let out = FFTBuffer(count: size)
    plan.inverse(spec, out)
    return Array(UnsafeBufferPointer(start: out.pointer, count: len))
  }

  /// Crossover weight of each band at each FFT bin.
  static func bandWeights(size: Int, bands: [Int], sampleRate fs: Int) -> [[Float]] {
    let bins = size / 2 + 1
    var w = [[Float]](repeating: [Float](repeating: 0, count: bins), count: bands.count)
    for bin in 0..<bins {
      let all = OctaveBands.weights(atHz: Double(bin) * Double(fs) / Double(size))
      // Bands above the rate fold into the highest one present, so the weights still sum to 1.
      var rest = 1.0
      for (k, b) in bands.enumerated() where k < bands.count - 1 {
        w[k][bin] = Float(all[b])
        rest -= all[b]
      }
      w[bands.count - 1][bin] = Float(max(0, rest))
    }
    return w
  }
}
