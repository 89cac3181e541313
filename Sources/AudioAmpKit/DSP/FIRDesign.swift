import Foundation

/// Linear-phase FIR design by the windowed-sinc method with a Kaiser window.
///
/// The ideal response (a difference of ideal low-passes, or a unit impulse minus one) is
/// multiplied by a Kaiser window whose β and length come from Kaiser's formulas for the asked
/// stop-band attenuation and transition width (Oppenheim & Schafer, *Discrete-Time Signal
/// Processing*, 3rd ed., §7.5.3; Kaiser, ISCAS 1974). Each design is then measured on a dense
/// FFT grid and, if the measured figures miss the spec, redesigned with a larger attenuation
/// target, so the returned filter always meets its spec as measured.
public enum FIRDesign {
  /// Measured properties of a filter's frequency response.
  public struct Response: Sendable {
    /// Smallest attenuation anywhere in the stop band(s), in dB (positive).
    public var stopbandAttenuationDB: Double
    /// Peak-to-peak variation of the gain over the pass band, in dB.
    public var passbandRippleDB: Double
  }

  /// Designs a linear-phase band-pass, low-pass or high-pass filter.
  ///
  /// - `lowHz` only: high-pass with pass band [lowHz, Nyquist].
  /// - `highHz` only: low-pass with pass band [0, highHz].
  /// - both: band-pass with pass band [lowHz, highHz].
  ///
  /// `lowHz`/`highHz` are pass-band edges: the gain there is within the ripple of 0 dB. The stop
  /// band starts `transitionHz` outside them (below lowHz, above highHz) and is attenuated by at
  /// least `stopbandDB` dB; pass-band ripple is at most 0.5 dB (typically ~0.01 dB at 60 dB).
  /// The default transition width is min(200 Hz, lowHz/2, (Nyquist − highHz)/2), a compromise
  /// between sharpness for speech bands and filter length.
  ///
  /// - Returns: an odd number of taps, symmetric, with group delay (count − 1)/2 samples.
  /// - Throws: ``DSPError/invalidFilter(_:)`` when no edge is given, an edge is not strictly
  ///   inside (0, Nyquist), lowHz ≥ highHz, the stop band would fall outside (0, Nyquist), the
  ///   attenuation is not in (0, 200] dB, or the filter would need more than 2^20 taps;
  ///   ``DSPError/invalidSampleRate(_:)`` for a sample rate ≤ 0.
  public static func bandPass(
    lowHz: Double?, highHz: Double?, sampleRate: Int, stopbandDB: Double = 60,
    transitionHz: Double? = nil
  ) throws -> [Float] {
    guard sampleRate > 0 else { throw DSPError.invalidSampleRate(sampleRate) }
    let fs = Double(sampleRate)
    let nyquist = fs / 2
    guard lowHz != nil || highHz != nil else {
      throw DSPError.invalidFilter("give a low edge, a high edge or both")
    }
    if let lo = lowHz {
      guard lo.isFinite, lo > 0, lo < nyquist else {
        throw DSPError.invalidFilter(
          "low edge \(lo) Hz must be above 0 Hz and below the Nyquist frequency \(nyquist) Hz "
            + "(sample rate \(sampleRate) Hz)")
      }
    }
    if let hi = highHz {
      guard hi.isFinite, hi > 0, hi < nyquist else {
        throw DSPError.invalidFilter(
          "high edge \(hi) Hz must be above 0 Hz and below the Nyquist frequency \(nyquist) Hz "
            + "(sample rate \(sampleRate) Hz)")
      }
    }
    if let lo = lowHz, let hi = highHz, lo >= hi {
      throw DSPError.invalidFilter("low edge \(lo) Hz must be below high edge \(hi) Hz")
    }
    guard stopbandDB.isFinite, stopbandDB > 0, stopbandDB <= 200 else {
      throw DSPError.invalidFilter(
        "stop-band attenuation \(stopbandDB) dB must be above 0 dB and at most 200 dB")
    }
    var tw = 200.0
    if let lo = lowHz { tw = min(tw, lo * 0.5) }
    if let hi = highHz { tw = min(tw, (nyquist - hi) * 0.5) }
    if let t = transitionHz {
      guard t.isFinite, t > 0 else {
        throw DSPError.invalidFilter("transition width \(t) Hz must be positive")
      }
      tw = t
    }
    if let lo = lowHz, lo - tw <= 0 {
      throw DSPError.invalidFilter(
        "low edge \(lo) Hz minus transition \(tw) Hz leaves no stop band above 0 Hz; "
          + "use a narrower transition or a higher low edge")
    }
    if let hi = highHz, hi + tw >= nyquist {
      throw DSPError.invalidFilter(
        "high edge \(hi) Hz plus transition \(tw) Hz reaches the Nyquist frequency \(nyquist) Hz; "
          + "use a narrower transition or a lower high edge")
    }

    // Windowed-sinc designs overshoot Kaiser's estimate only slightly; start 3 dB above the
    // asked figure and step up until the measured response passes.
    var target = stopbandDB + 3
    for _ in 0..<12 {
      let order = Window.kaiserOrder(stopbandDB: target, transitionCyclesPerSample: tw / fs)
      let m = order + (order & 1)  // even order → odd length, integer group delay
      guard m + 1 <= 1 << 20 else {
        throw DSPError.invalidFilter(
          "the spec needs more than 2^20 taps (transition \(tw) Hz at \(sampleRate) Hz); "
            + "widen the transition")
      }
      let taps = design(
        order: m, lowCut: lowHz.map { ($0 - tw / 2) / fs },
        highCut: highHz.map { ($0 + tw / 2) / fs }, beta: Window.kaiserBeta(stopbandDB: target))
      let r = measure(
        taps: taps, lowHz: lowHz, highHz: highHz, transitionHz: tw, sampleRate: sampleRate)
      if r.stopbandAttenuationDB >= stopbandDB && r.passbandRippleDB <= 0.5 { return taps }
      target += 3
    }
    throw DSPError.invalidFilter(
      "could not meet \(stopbandDB) dB with transition \(tw) Hz; widen the transition")
  }

  /// Taps of order `order` (order + 1 taps) for cutoffs in cycles/sample.
  static func design(order m: Int, lowCut: Double?, highCut: Double?, beta: Double) -> [Float] {
    let window = Window.kaiser(m + 1, beta: beta)
    let centre = Double(m) / 2
    func lowPass(_ fc: Double, _ t: Double) -> Double {
      if t == 0 { return 2 * fc }
      return sin(2 * Double.pi * fc * t) / (Double.pi * t)
    }
    return (0...m).map { i in
      let t = Double(i) - centre
      var h: Double
      switch (lowCut, highCut) {
      case (let lo?, let hi?): h = lowPass(hi, t) - lowPass(lo, t)
      case (let lo?, nil): h = (t == 0 ? 1 : 0) - lowPass(lo, t)
      case (nil, let hi?): h = lowPass(hi, t)
      default: h = t == 0 ? 1 : 0
      }
      return Float(h * window[i])
    }
  }

  /// Measures `taps`' response on a dense FFT grid (≥ 16 points per tap, ≥ 8192 points):
  /// the worst stop-band attenuation below lowHz − transitionHz and above highHz + transitionHz,
  /// and the pass-band ripple over [lowHz, highHz] (missing edges mean 0 Hz / Nyquist).
  public static func measure(
    taps: [Float], lowHz: Double?, highHz: Double?, transitionHz: Double, sampleRate: Int
  ) -> Response {
    let n = FFTPlan.powerOfTwo(atLeast: max(8192, 16 * taps.count))
    let plan = FFTPlan.shared(size: n)
    let input = FFTBuffer(count: n)
    let spec = FFTBuffer(count: 2 * plan.binCount)
    for (i, t) in taps.enumerated() { input.pointer[i] = t }
    plan.forward(input, spec)
    let fs = Double(sampleRate)
    var stopMax = 0.0
    var passMin = Double.infinity
    var passMax = 0.0
    for k in 0..<plan.binCount {
      let f = Double(k) * fs / Double(n)
      let re = Double(spec.pointer[2 * k])
      let im = Double(spec.pointer[2 * k + 1])
      let g = (re * re + im * im).squareRoot()
      let inPass = f >= (lowHz ?? 0) && f <= (highHz ?? fs / 2)
      var inStop = false
      if let lo = lowHz, f <= lo - transitionHz { inStop = true }
      if let hi = highHz, f >= hi + transitionHz { inStop = true }
      if inPass {
        passMin = min(passMin, g)
        passMax = max(passMax, g)
      }
      if inStop { stopMax = max(stopMax, g) }
    }
    let atten = stopMax > 0 ? -20 * log10(stopMax) : 400
    let ripple = passMin.isFinite && passMin > 0 ? 20 * log10(passMax / passMin) : 0
    return Response(stopbandAttenuationDB: atten, passbandRippleDB: ripple)
  }
}
