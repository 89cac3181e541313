import Foundation
import Testing

@testable import AudioAmpKit

@Suite("DSP FIR design")
struct DSPFIRDesignTests {
  struct Case: CustomStringConvertible, Sendable {
    var name: String
    var lowHz: Double?
    var highHz: Double?
    var sampleRate: Int
    var stopbandDB: Double
    /// Transition the design uses by default: min(200, low/2, (Nyquist − high)/2).
    var transitionHz: Double {
      var t = 200.0
      if let l = lowHz { t = min(t, l / 2) }
      if let h = highHz { t = min(t, (Double(sampleRate) / 2 - h) / 2) }
      return t
    }
    var description: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "band-pass 300–3400 @16k", lowHz: 300, highHz: 3400, sampleRate: 16000, stopbandDB: 60),
    Case(
      name: "band-pass 300–3400 @8k", lowHz: 300, highHz: 3400, sampleRate: 8000, stopbandDB: 60),
    Case(name: "low-pass 4000 @16k", lowHz: nil, highHz: 4000, sampleRate: 16000, stopbandDB: 60),
    Case(name: "high-pass 300 @16k", lowHz: 300, highHz: nil, sampleRate: 16000, stopbandDB: 60),
    Case(
      name: "band-pass 500–2000 @16k, 80 dB", lowHz: 500, highHz: 2000, sampleRate: 16000,
      stopbandDB: 80),
  ]

  @Test("designed response meets stop-band and ripple spec", arguments: cases)
  func filterResponseMeetsSpec(c: Case) throws {
    let taps = try FIRDesign.bandPass(
      lowHz: c.lowHz, highHz: c.highHz, sampleRate: c.sampleRate,
      stopbandDB: c.stopbandDB)
    #expect(taps.count % 2 == 1)
    let r = FIRDesign.measure(
      taps: taps, lowHz: c.lowHz, highHz: c.highHz,
      transitionHz: c.transitionHz, sampleRate: c.sampleRate)
    print(
      "\(c): \(taps.count) taps, stop-band \(r.stopbandAttenuationDB) dB,",
      "ripple \(r.passbandRippleDB) dB"
    )
    #expect(r.stopbandAttenuationDB >= c.stopbandDB)
    #expect(r.passbandRippleDB <= 0.5)
  }

  @Test("white noise through the convolver shows the spec in a Welch estimate", arguments: cases)
  func filteredNoiseMeetsSpec(c: Case) throws {
    let taps = try FIRDesign.bandPass(
      lowHz: c.lowHz, highHz: c.highHz, sampleRate: c.sampleRate,
      stopbandDB: c.stopbandDB)
    let x = Signals.noise(key: 42, count: 20 * c.sampleRate, sigma: 0.1)
    let y = FFTConvolver(taps: taps).apply(x)
    let nfft = 4096
    let gain = Signals.transferGain(input: x, output: y, nfft: nfft)
    let binHz = Double(c.sampleRate) / Double(nfft)
    // Skip 3 bins at each band edge: the Hann window spreads the response by ±2 bins.
    let guardHz = 3 * binHz
    var stopMax = 0.0
    var passMin = Double.infinity
    var passMax = 0.0
    for (k, g) in gain.enumerated() {
      let f = Double(k) * binHz
      if let l = c.lowHz, f <= l - c.transitionHz - guardHz { stopMax = max(stopMax, g) }
      if let h = c.highHz, f >= h + c.transitionHz + guardHz { stopMax = max(stopMax, g) }
      if f >= (c.lowHz ?? 0) + guardHz && f <= (c.highHz ?? Double(c.sampleRate) / 2) - guardHz
        && k > 0 && k < gain.count - 1
      {
        passMin = min(passMin, g)
        passMax = max(passMax, g)
      }
    }
    let atten = -20 * log10(stopMax)
    let ripple = 20 * log10(passMax / passMin)
    print("\(c) on noise: stop-band \(atten) dB, ripple \(ripple) dB")
    #expect(atten >= c.stopbandDB)
    #expect(ripple <= 0.5)
    if atten < c.stopbandDB || ripple > 0.5 {
      Signals.dump("fir-noise", sampleRate: c.sampleRate, [("in", x), ("out", y)])
    }
  }

  /// A slow linear sweep through the filter: the output/input RMS ratio over 512-sample frames
  /// gives the gain at each frame's instantaneous frequency (the sweep moves 32 Hz per frame).
  @Test("a sine sweep through the convolver shows the spec", arguments: cases)
  func filteredSweepMeetsSpec(c: Case) throws {
    let taps = try FIRDesign.bandPass(
      lowHz: c.lowHz, highHz: c.highHz, sampleRate: c.sampleRate, stopbandDB: c.stopbandDB)
    let fs = Double(c.sampleRate)
    let seconds = 8.0 * fs / 16000
    let n = Int(seconds * fs)
    let f0 = 10.0
    let f1 = fs / 2 - 20
    let x: [Float] = (0..<n).map { i in
      let t = Double(i) / fs
      return Float(0.5 * sin(2 * Double.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))))
    }
    let y = FFTConvolver(taps: taps).apply(x)
    let frame = 512
    let guardHz = 16 + 30.0
    var stopMax = 0.0
    var passMin = Double.infinity
    var passMax = 0.0
    var stopFrames = 0
    var start = frame
    while start + frame <= n - frame {
      let f = f0 + (f1 - f0) * (Double(start) + Double(frame) / 2) / Double(n)
      let g = Signals.rms(y[start..<(start + frame)]) / Signals.rms(x[start..<(start + frame)])
      let lo = c.lowHz ?? 0
      let hi = c.highHz ?? fs / 2
      if let l = c.lowHz, f <= l - c.transitionHz - guardHz {
        stopMax = max(stopMax, g)
        stopFrames += 1
      }
      if let h = c.highHz, f >= h + c.transitionHz + guardHz {
        stopMax = max(stopMax, g)
        stopFrames += 1
      }
      if f >= lo + guardHz && f <= hi - guardHz {
        passMin = min(passMin, g)
        passMax = max(passMax, g)
      }
      start += frame
    }
    let atten = -20 * log10(stopMax)
    let ripple = 20 * log10(passMax / passMin)
    print("\(c) on a sweep: stop-band \(atten) dB (\(stopFrames) frames), ripple \(ripple) dB")
    #expect(stopFrames >= 2)
    #expect(atten >= c.stopbandDB)
    #expect(ripple <= 0.5)
    if atten < c.stopbandDB || ripple > 0.5 {
      Signals.dump("fir-sweep", sampleRate: c.sampleRate, [("in", x), ("out", y)])
    }
  }

  @Test("impossible specs throw readable errors")
  func impossibleSpecsThrow() {
    let table: [(Double?, Double?, Int, String)] = [
      (nil, nil, 16000, "give a low edge"),
      (300, 8000, 16000, "below the Nyquist"),
      (3400, 300, 16000, "must be below high edge"),
      (300, 3400, 0, "invalid sample rate"),
      (-5, nil, 16000, "above 0 Hz"),
    ]
    for (lo, hi, fs, fragment) in table {
      do {
        _ = try FIRDesign.bandPass(lowHz: lo, highHz: hi, sampleRate: fs)
        Issue.record(
          "expected an error for \(String(describing: lo))–\(String(describing: hi)) @\(fs)")
      } catch let e as DSPError {
        #expect(e.description.contains(fragment), "\(e)")
      } catch { Issue.record("unexpected \(error)") }
    }
  }
}
