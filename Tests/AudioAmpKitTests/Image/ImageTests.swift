import Foundation
import Testing

@testable import AudioAmpKit

/// A linear sweep from f0 to f1 Hz over `seconds`; instantaneous frequency f0 + (f1 − f0)·t/T.
private func sweep(_ f0: Double, _ f1: Double, seconds: Double, rate: Int) -> [Float] {
  let n = Int(seconds * Double(rate))
  let k = (f1 - f0) / seconds
  return (0..<n).map { i in
    let t = Double(i) / Double(rate)
    return Float(0.5 * sin(2 * Double.pi * (f0 * t + 0.5 * k * t * t)))
  }
}

/// Splits a PNG into (type, data) chunks, checking each CRC.
private func chunks(_ png: [UInt8]) -> [(String, [UInt8])]? {
  guard png.count > 8, Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
  var out: [(String, [UInt8])] = []
  var i = 8
  func u32(_ j: Int) -> Int {
    let a = Int(png[j]) << 24, b = Int(png[j + 1]) << 16, c = Int(png[j + 2]) << 8
    return a | b | c | Int(png[j + 3])
  }
  while i + 12 <= png.count {
    let len = u32(i)
    let type = Array(png[(i + 4)..<(i + 8)])
    let data = Array(png[(i + 8)..<(i + 8 + len)])
    guard PNGWriter.crc(type + data) == UInt32(u32(i + 8 + len)) else { return nil }
    out.append((String(decoding: type, as: UTF8.self), data))
    i += 12 + len
  }
  return i == png.count ? out : nil
}

@Suite struct SpectrogramTests {
  /// A 200 → 7000 Hz linear sweep: at each time in the table, the loudest bin of the nearest
  /// frame is within one bin of the sweep's instantaneous frequency.
  @Test(arguments: [0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 2.75])
  func sweepRidgeLiesOnItsFrequencyWithinOneBin(t: Double) {
    let rate = 16000, seconds = 3.0
    let spec = Spectrogram.analyze(AudioBuffer(samples: sweep(200, 7000, seconds: seconds, rate: rate), sampleRate: rate))
    #expect(spec.frameSize == 512 && spec.hop == 128)
    let k = Int((t * Double(rate) / Double(spec.hop)).rounded())
    let row = spec.db[(k * spec.binCount)..<((k + 1) * spec.binCount)]
    let peakBin = row.indices.max { row[$0] < row[$1] }! - k * spec.binCount
    let expected = 200 + (7000 - 200) * t / seconds
    #expect(abs(Double(peakBin) * spec.binHz - expected) <= spec.binHz, "t \(t): ridge at bin \(peakBin), expected \(expected) Hz")
    // A sine of amplitude 0.5 reads about −6 dBFS at its peak (Hann scalloping ≤ 1.5 dB).
    #expect(abs(Double(row.max()!) - 20 * log10(0.5)) < 1.6)
  }

  /// The same ridge in the rendered image: in the plot column at each time, the brightest row
  /// is the one whose band holds the expected frequency, give or take one row or one FFT bin.
  @Test(arguments: FrequencyScale.allCases)
  func renderedRidgeFollowsTheSweep(scale: FrequencyScale) {
    let rate = 16000, seconds = 3.0
    let audio = AudioBuffer(samples: sweep(200, 7000, seconds: seconds, rate: rate), sampleRate: rate)
    let spec = Spectrogram.analyze(audio)
    var style = SpectrogramStyle()
    style.scale = scale
    let img = Spectrogram.render(spec, durationSeconds: seconds, style: style)
    let L = Spectrogram.layout(durationSeconds: seconds, sampleRate: rate, style: style)
    #expect(img.width > L.plotX + L.plotWidth && img.height > L.plotY + L.plotHeight)
    for t in [0.3, 0.9, 1.5, 2.1, 2.7] {
      let col = L.plotX + Int(t / L.secondsPerColumn)
      func brightness(_ r: Int) -> Int { let c = img[col, L.plotY + r]; return Int(c.r) + Int(c.g) + Int(c.b) }
      let best = (0..<L.plotHeight).max { brightness($0) < brightness($1) }!
      let tc = L.time(ofColumn: col - L.plotX)
      let expected = 200 + (7000 - 200) * tc / seconds
      let f = L.frequency(ofRow: best)
      let rowWidth = abs(L.frequency(ofRow: max(0, best - 1)) - L.frequency(ofRow: min(L.plotHeight - 1, best + 1))) / 2
      #expect(abs(f - expected) <= max(spec.binHz, rowWidth) + spec.binHz / 2, "\(scale) t \(t): row \(best) = \(f) Hz, expected \(expected)")
    }
  }

  @Test func layoutMapsRowsAndFrequenciesBothWays() {
    let L = Spectrogram.layout(durationSeconds: 2, sampleRate: 16000, style: SpectrogramStyle())
    #expect(L.plotWidth == 400 && L.maxHz == 8000)
    for r in [0, 17, 100, 199] { #expect(L.row(forFrequency: L.frequency(ofRow: r)) == r) }
    #expect(Spectrogram.frequencyTicks(minHz: 50, maxHz: 8000) == [50, 100, 200, 500, 1000, 2000, 5000])
  }

  @Test func silentAndEmptyAudioRenderWithoutCrashing() throws {
    let empty = Spectrogram.analyze(AudioBuffer(samples: [], sampleRate: 16000))
    #expect(empty.frameCount == 0)
    let img = Spectrogram.render(empty, durationSeconds: 0)
    #expect(img.width > 100)
    let silent = Spectrogram.analyze(AudioBuffer(samples: [Float](repeating: 0, count: 8000), sampleRate: 16000))
    #expect(silent.maxDB == -200)
    _ = try PNGWriter.encode(Spectrogram.render(silent, durationSeconds: 0.5))
  }
}

@Suite struct PNGWriterTests {
  /// Signature, IHDR fields, every chunk's CRC, and an IDAT that inflates to
  /// height·(1 + 3·width) bytes whose scanlines equal the pixels.
  @Test(arguments: [(1, 1), (7, 3), (300, 120)])
  func encodedPNGIsWellFormed(width: Int, height: Int) throws {
    var img = RGBImage(width: width, height: height, background: RGBImage.Color(10, 20, 30))
    img.fill(x: 0, y: 0, width: (width + 1) / 2, height: height, ColorMap.color(0.7))
    img.draw(text: "1.5k Hz", x: 1, y: 0)
    let png = try PNGWriter.encode(img)
    let parts = try #require(chunks(png), "bad signature, chunk layout or CRC")
    #expect(parts.map(\.0) == ["IHDR", "IDAT", "IEND"])
    let ihdr = parts[0].1
    #expect(ihdr.count == 13)
    func u32(_ i: Int) -> Int {
      let a = Int(ihdr[i]) << 24, b = Int(ihdr[i + 1]) << 16, c = Int(ihdr[i + 2]) << 8
      return a | b | c | Int(ihdr[i + 3])
    }
    #expect(u32(0) == width && u32(4) == height)
    #expect(Array(ihdr[8...]) == [8, 2, 0, 0, 0])
    let stride = 1 + 3 * width
    let raw = try #require(PNGWriter.inflate(parts[1].1, capacity: height * stride + 16))
    #expect(raw.count == height * stride)
    var pixels: [UInt8] = []
    for y in 0..<height {
      #expect(raw[y * stride] == 0)
      pixels += raw[(y * stride + 1)..<((y + 1) * stride)]
    }
    #expect(pixels == img.pixels)
  }

  @Test func colorMapRisesInBrightnessAndFontDrawsDigits() {
    var lum: [Double] = []
    for t in stride(from: 0.0, through: 1.0, by: 0.05) {
      let c = ColorMap.color(t)
      let r = 0.2126 * Double(c.r), g = 0.7152 * Double(c.g), b = 0.0722 * Double(c.b)
      lum.append(r + g + b)
    }
    #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    var img = RGBImage(width: 20, height: 9)
    img.draw(text: "8", x: 1, y: 1)
    #expect(img.pixels.contains(0) && BitmapFont.width(of: "123") == 17)
    for ch in "0123456789.-kHzsdBFS" { #expect(BitmapFont.glyph(ch).contains { $0 != 0 }, "\(ch)") }
  }
}
