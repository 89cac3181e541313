import Foundation

/// What a bad mobile call adds besides the talker, one kind per file.
///
/// - `gsmBuzz`: GSM TDMA interference. A handset transmits one 577 µs burst per 4.615 ms TDMA
///   frame (216.7 Hz), and every 26th frame is idle; audio circuits nearby demodulate the
///   bursts into a rectangular pulse train, heard as a buzz with harmonics at multiples of
///   216.7 Hz. Bursts come in spells (call set-up, handovers) separated by quiet gaps.
/// - `static`: crackle bursts (clicks of random size) and short hash bursts over a low hiss.
/// - `dropouts`: the comfort-noise hiss of a line that drops out (50–400 ms) now and then, with
///   a click at each edge.
/// - `rubbing`: handset rubbing against cheek or clothing: low-frequency scrapes.
/// - `tones`: call-progress and notification tones from real tone plans, each at its own
///   cadence (see `TonePlan`), at a low level over line hiss.
public struct CellPhoneGenerator: Sendable {
  /// The kinds of cell-phone noise.
  public enum Kind: String, Sendable, CaseIterable {
    case gsmBuzz = "gsm-buzz"
    case `static` = "static"
    case dropouts
    case rubbing
    case tones
  }

  /// A call-progress tone: frequencies (Hz, summed) and an on/off cadence (s), repeating.
  public struct TonePlan: Sendable {
    public var name: String
    public var frequencies: [Double]
    public var cadence: [(on: Double, off: Double)]
  }

  /// Tone plans in use on real networks.
  public static let tonePlans: [TonePlan] = [
    TonePlan(name: "eu-dial", frequencies: [425], cadence: [(4.0, 0)]),
    TonePlan(name: "eu-busy", frequencies: [425], cadence: [(0.5, 0.5)]),
    TonePlan(name: "eu-ringback", frequencies: [425], cadence: [(1.0, 4.0)]),
    TonePlan(name: "na-dial", frequencies: [350, 440], cadence: [(4.0, 0)]),
    TonePlan(name: "na-busy", frequencies: [480, 620], cadence: [(0.5, 0.5)]),
    TonePlan(name: "na-ringback", frequencies: [440, 480], cadence: [(2.0, 4.0)]),
    TonePlan(name: "call-waiting", frequencies: [440], cadence: [(0.3, 9.7)]),
    TonePlan(name: "uk-ringback", frequencies: [400, 450], cadence: [(0.4, 0.2), (0.4, 2.0)]),
  ]

  /// `plan` for `seconds` from the start of its cadence: each "on" a sum of its frequencies
  /// (0.3 full scale in all) with 5 ms raised-cosine edges, each "off" silent.
  public static func render(_ plan: TonePlan, seconds: Double, sampleRate: Int) -> [Float] {
    let sr = Double(sampleRate)
    var out = [Float](repeating: 0, count: Int(seconds * sr))
    var t = 0.0
    var c = 0
    while t < seconds {
      let (on, off) = plan.cadence[c % plan.cadence.count]
      c += 1
      let len = min(on, seconds - t)
      if len > 0.02 {
        let tone = SynthKit.tones(plan.frequencies, count: Int(len * sr), sampleRate: sampleRate, amplitude: 0.3 / Float(plan.frequencies.count))
        SynthKit.place(tone, into: &out, at: Int((t * sr).rounded()), fade: Int(0.005 * sr))
      }
      t += on + off
    }
    return out
  }

  /// GSM TDMA frame rate, Hz (1 / 4.615 ms).
  public static let tdmaFrameHz = 1 / 4.615e-3

  public var kind: Kind

  /// Creates a generator for `kind`.
  public init(kind: Kind) { self.kind = kind }

  /// Renders `seconds` at `sampleRate`, normalised to −26 dBFS RMS.
  public func render(seconds: Double, sampleRate: Int, seed: UInt64) -> [Float] {
    var rng = UtteranceRNG(key: seed)
    let n = Int(seconds * Double(sampleRate))
    let sr = Double(sampleRate)
    var out = [Float](repeating: 0, count: n)
    switch kind {
    case .gsmBuzz:
      // Spells of transmission: on 1–6 s, off 0.5–3 s.
      var gate = [Float](repeating: 0, count: n)
      var t = rng.uniform(0, 1)
      while t < seconds {
        let on = rng.uniform(1, 6)
        let a = Int(t * sr), b = min(n, Int((t + on) * sr))
        if a < b { for i in a..<b { gate[i] = 1 } }
        t += on + rng.uniform(0.5, 3)
      }
      let frame = 1 / CellPhoneGenerator.tdmaFrameHz
      let burst = 577e-6
      for i in 0..<n {
        let tt = Double(i) / sr
        let frameIndex = Int(tt / frame)
        let inBurst = tt - Double(frameIndex) * frame < burst && frameIndex % 26 != 25
        out[i] = inBurst ? gate[i] : 0
      }
      // Remove DC, soften edges a little (the coupling path is band-limited), smooth the gate.
      out = SynthKit.shape(out, sampleRate: sampleRate) { f in f < 100 ? pow(f / 100, 2) : 1 / (1 + pow(f / 5000, 4)) }
      var gateSmooth = gate
      SynthKit.varyingLowPass(&gateSmooth, sampleRate: sampleRate) { _ in 40 }
      let hiss = SynthKit.colouredNoise(n, exponent: 0.5, sampleRate: sampleRate, rng: &rng)
      for i in 0..<n { out[i] = out[i] * gateSmooth[i] + 0.01 * hiss[i] }
    case .static:
      let hiss = SynthKit.colouredNoise(n, exponent: 0.3, sampleRate: sampleRate, rng: &rng)
      for i in 0..<n { out[i] = 0.05 * hiss[i] }
      var t = 0.0
      while true {
        t += -log(max(1e-12, 1 - rng.nextUnit())) / 3  // ~3 crackle spells per second
        if t >= seconds { break }
        let clicks = 1 + rng.index(below: 12)
        for _ in 0..<clicks {
          let at = Int((t + rng.uniform(0, 0.15)) * sr)
          let amp = Float(rng.uniform(0.1, 1)) * (rng.nextUnit() < 0.5 ? -1 : 1)
          let len = 8 + rng.index(below: 40)
          for i in 0..<len where at + i < n {
            out[at + i] += amp * Float(exp(-Double(i) / Double(len) * 4)) * Float(rng.gaussian() * 0.5 + (i == 0 ? 1 : 0))
          }
        }
        if rng.nextUnit() < 0.3 {
          let len = Int(rng.uniform(0.05, 0.3) * sr)
          var hash = SynthKit.colouredNoise(len, exponent: 0, sampleRate: sampleRate, rng: &rng)
          hash = SynthKit.shape(hash, sampleRate: sampleRate) { f in f > 1000 ? 1 : 0.2 }
          SynthKit.place(hash, into: &out, at: Int(t * sr), gain: Float(rng.uniform(0.05, 0.2)), fade: 80)
        }
      }
    case .dropouts:
      out = SynthKit.colouredNoise(n, exponent: 0.7, sampleRate: sampleRate, rng: &rng).map { $0 * 0.1 }
      var t = rng.uniform(0.5, 2)
      while t < seconds {
        let len = rng.uniform(0.05, 0.4)
        let a = Int(t * sr), b = min(n, Int((t + len) * sr))
        if a < b {
          for i in a..<b { out[i] = 0 }
          for edge in [a, b - 1] where edge < n { out[edge] += Float(rng.uniform(0.3, 0.8)) * (rng.nextUnit() < 0.5 ? -1 : 1) }
        }
        t += len + rng.uniform(1, 5)
      }
    case .rubbing:
      let rumble = SynthKit.shape(SynthKit.colouredNoise(n, exponent: 1.5, sampleRate: sampleRate, rng: &rng), sampleRate: sampleRate) { f in
        f < 40 ? 0 : 1 / (1 + pow(f / 700, 3))
      }
      var t = rng.uniform(0, 1)
      var gate = [Float](repeating: 0.05, count: n)
      while t < seconds {
        let len = rng.uniform(0.3, 1.5)
        let scrapeHz = rng.uniform(3, 8)
        let a = Int(t * sr), b = min(n, Int((t + len) * sr))
        if a < b {
          for i in a..<b {
            let tt = Double(i - a) / sr
            gate[i] = max(gate[i], Float(0.5 + 0.5 * sin(2 * Double.pi * scrapeHz * tt)) * Float(sin(Double.pi * tt / len)))
          }
        }
        t += len + rng.uniform(0.5, 4)
      }
      for i in 0..<n { out[i] = rumble[i] * gate[i] }
    case .tones:
      out = SynthKit.colouredNoise(n, exponent: 0.5, sampleRate: sampleRate, rng: &rng).map { $0 * 0.02 }
      var t = rng.uniform(0, 1)
      var plans = CellPhoneGenerator.tonePlans
      plans.shuffle(using: &rng)
      var k = 0
      while t < seconds {
        let plan = plans[k % plans.count]
        k += 1
        let spell = min(rng.uniform(3, 8), seconds - t)
        let tone = CellPhoneGenerator.render(plan, seconds: spell, sampleRate: sampleRate)
        SynthKit.place(tone, into: &out, at: Int(t * sr), fade: 0)
        t += spell + rng.uniform(0.5, 2)
      }
    }
    return SynthKit.finish(out, sampleRate: sampleRate, rmsDBFS: -26)
  }
}
