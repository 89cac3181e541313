import Testing

@testable import AudioAmpKit

@Suite("DSP FFT and convolution")
struct DSPFFTAndConvolverTests {
  @Test(
    "FFT forward then inverse returns the input (×n)", arguments: [2, 16, 30, 1000, 1024, 4096])
  func fftRoundTripRestoresSignal(size: Int) {
    let x = Signals.noise(key: UInt64(size), count: size, sigma: 1)
    let plan = FFTPlan.shared(size: size)
    let a = FFTBuffer(count: size)
    let s = FFTBuffer(count: 2 * plan.binCount)
    let b = FFTBuffer(count: size)
    for i in 0..<size { a.pointer[i] = x[i] }
    plan.forward(a, s)
    plan.inverse(s, b)
    var worst: Float = 0
    for i in 0..<size { worst = max(worst, abs(b.pointer[i] / Float(size) - x[i])) }
    #expect(worst < 1e-5, "size \(size): max error \(worst)")
  }

  @Test("fastSize returns the next 2^a·3^b·5^c·7^d")
  func fastSizeFindsSmoothNumbers() {
    let table: [(Int, Int)] = [
      (0, 1), (1, 1), (11, 12), (13, 14), (97, 98), (1023, 1024),
      (1025, 1029), (4097, 4116),
    ]
    for (n, want) in table { #expect(FFTPlan.fastSize(atLeast: n) == want, "n = \(n)") }
  }

  /// Direct "same" convolution: y[i] = Σ h[j]·x[i + D − j], D = (L − 1)/2.
  static func direct(_ x: [Float], _ h: [Float]) -> [Float] {
    let d = (h.count - 1) / 2
    return (0..<x.count).map { i in
      var s = 0.0
      for j in 0..<h.count {
        let k = i + d - j
        if k >= 0 && k < x.count { s += Double(h[j]) * Double(x[k]) }
      }
      return Float(s)
    }
  }

  @Test(
    "FFT convolution equals direct convolution",
    arguments: [
      (0, 31), (1, 31), (5, 31), (30, 31), (100, 7), (1000, 1), (1000, 101),
      (5000, 64), (20000, 431),
    ])
  func convolverMatchesDirectConvolution(n: Int, taps: Int) {
    let x = Signals.noise(key: 1000 + UInt64(n), count: n, sigma: 0.3)
    let h = Signals.noise(key: 7 + UInt64(taps), count: taps, sigma: 0.2)
    let got = FFTConvolver(taps: h).apply(x)
    let want = Self.direct(x, h)
    #expect(got.count == n)
    var worst: Float = 0
    for i in 0..<n { worst = max(worst, abs(got[i] - want[i])) }
    #expect(worst < 1e-4, "n \(n), taps \(taps): max error \(worst)")
    if worst >= 1e-4 {
      Signals.dump(
        "convolver-\(n)-\(taps)", sampleRate: 16000, [("in", x), ("fft", got), ("direct", want)])
    }
  }

  @Test(
    "STFT analysis then synthesis reconstructs the signal",
    arguments: [(0, 512), (100, 512), (16000, 512), (16001, 1024)])
  func stftRoundTripIsPerfect(n: Int, frame: Int) {
    let x = Signals.noise(key: 99, count: n, sigma: 0.3)
    let stft = STFT(frameSize: frame, hop: frame / 4)
    let y = stft.synthesize(stft.analyze(x), length: n)
    #expect(y.count == n)
    var worst: Float = 0
    for i in 0..<n { worst = max(worst, abs(y[i] - x[i])) }
    #expect(worst < 1e-5)
  }
}
