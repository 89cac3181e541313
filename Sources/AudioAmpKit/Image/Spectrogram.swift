import Foundation

/// Short-time power spectra in decibels, as computed by ``Spectrogram/analyze(_:frameSize:hop:)``.
public struct PowerSpectrogram: Sendable {
  /// Sample rate of the analysed audio, Hz.
  public var sampleRate: Int
  /// FFT frame length in samples.
  public var frameSize: Int
  /// Hop between frames in samples; frame k is centred on sample k·hop.
  public var hop: Int
  /// Number of frames.
  public var frameCount: Int
  /// Bins per frame (frameSize/2 + 1, DC to Nyquist); bin b is at b·sampleRate/frameSize Hz.
  public var binCount: Int
  /// Level of each bin in dBFS (a full-scale sine reads 0 dB at its peak bin), frame-major:
  /// bin b of frame k at k·binCount + b. Silence floors at −200 dB.
  public var db: [Float]

  /// Width of one bin in Hz.
  public var binHz: Double { Double(sampleRate) / Double(frameSize) }
  /// Loudest bin over all frames in dBFS (−200 for silence or empty input).
  public var maxDB: Double { Double(db.max() ?? -200) }
}

/// Frequency axis of a rendered spectrogram.
public enum FrequencyScale: String, Sendable, CaseIterable {
  /// Mel scale, m = 2595·log10(1 + f/700) (O'Shaughnessy, *Speech Communication*, 1987).
  case mel
  /// Logarithmic in frequency from the minimum frequency up.
  case log

  /// Position of `hz` on this scale (monotonic; only differences matter).
  public func warp(_ hz: Double) -> Double {
    switch self {
    case .mel: return 2595 * log10(1 + hz / 700)
    case .log: return Foundation.log(max(hz, 1e-3))
    }
  }

  /// Inverse of ``warp(_:)``.
  public func unwarp(_ v: Double) -> Double {
    switch self {
    case .mel: return 700 * (pow(10, v / 2595) - 1)
    case .log: return exp(v)
    }
  }
}

/// How a spectrogram image is laid out and scaled.
public struct SpectrogramStyle: Sendable {
  /// Frequency axis.
  public var scale: FrequencyScale = .mel
  /// Lowest frequency shown, Hz (> 0; ignored below one bin for the log scale).
  public var minHz: Double = 50
  /// Highest frequency shown, Hz; nil means the Nyquist frequency.
  public var maxHz: Double?
  /// Plot height in pixels.
  public var plotHeight = 200
  /// Horizontal resolution, pixels per second of audio (the same for every image of a report,
  /// so images of different lengths share a time scale).
  public var pixelsPerSecond = 200.0
  /// Plot width limits in pixels; long files are compressed to the maximum.
  public var minPlotWidth = 120
  /// See ``minPlotWidth``.
  public var maxPlotWidth = 1600
  /// Level shown at the top of the colour scale, dBFS; nil uses the loudest bin of the input.
  /// Give clean and augmented audio the same value to compare them.
  public var topDB: Double?
  /// Span of the colour scale in dB below `topDB`.
  public var rangeDB = 80.0

  /// Default style: mel axis from 50 Hz to Nyquist, 200 px high, 200 px/s, 80 dB range.
  public init() {}
}

/// Where the plot sits inside a rendered image and how pixels map to time and frequency.
public struct SpectrogramLayout: Sendable {
  /// Left edge of the plot (first plot column), pixels from the image's left.
  public var plotX: Int
  /// Top edge of the plot, pixels from the image's top.
  public var plotY: Int
  /// Plot width and height in pixels.
  public var plotWidth: Int
  /// See ``plotWidth``.
  public var plotHeight: Int
  /// Seconds covered by one plot column.
  public var secondsPerColumn: Double
  /// Frequency range and scale of the plot.
  public var minHz: Double
  /// See ``minHz``.
  public var maxHz: Double
  /// See ``minHz``.
  public var scale: FrequencyScale

  /// Centre frequency (Hz) of plot row `row` (0 = top = `maxHz`).
  public func frequency(ofRow row: Int) -> Double {
    let lo = scale.warp(minHz), hi = scale.warp(maxHz)
    let u = (Double(plotHeight - 1 - row) + 0.5) / Double(plotHeight)
    return scale.unwarp(lo + u * (hi - lo))
  }

  /// Plot row (0 = top) whose band contains `hz`, clamped to the plot.
  public func row(forFrequency hz: Double) -> Int {
    let lo = scale.warp(minHz), hi = scale.warp(maxHz)
    let u = (scale.warp(min(max(hz, minHz), maxHz)) - lo) / (hi - lo)
    return min(plotHeight - 1, max(0, plotHeight - 1 - Int(u * Double(plotHeight))))
  }

  /// Time in seconds at the centre of plot column `column`.
  public func time(ofColumn column: Int) -> Double { (Double(column) + 0.5) * secondsPerColumn }
}

/// Spectrogram analysis (through ``STFT`` and ``FFTPlan``) and rendering to an ``RGBImage`` with
/// a colour bar, time ticks (seconds) and frequency ticks (Hz).
public enum Spectrogram {
  /// Frame size for `sampleRate`: the power of two nearest to 32 ms (512 at 16 kHz), a common
  /// compromise between time and frequency resolution for speech.
  public static func defaultFrameSize(sampleRate: Int) -> Int {
    let target = 0.032 * Double(sampleRate)
    let p = FFTPlan.powerOfTwo(atLeast: Int(target))
    return (Double(p) - target < target - Double(p / 2)) ? max(2, p) : max(2, p / 2)
  }

  /// Power spectra of `audio` in dBFS with a periodic Hann window, frames centred every `hop`
  /// samples (defaults: ``defaultFrameSize(sampleRate:)`` and a quarter of it).
  ///
  /// Level: 20·log10(2|X_k| / Σw), so a sine of amplitude A reads 20·log10(A) at its peak bin.
  /// Empty audio gives zero frames.
  public static func analyze(_ audio: AudioBuffer, frameSize: Int? = nil, hop: Int? = nil)
    -> PowerSpectrogram
  {
    let n = frameSize ?? defaultFrameSize(sampleRate: audio.sampleRate)
    let h = hop ?? max(1, n / 4)
    let stft = STFT(frameSize: n, hop: h)
    let frames = stft.analyze(audio.samples)
    let norm = 2 / Double(stft.window.reduce(0, +))
    var db = [Float](repeating: -200, count: frames.real.count)
    for i in 0..<db.count {
      let re = Double(frames.real[i]), im = Double(frames.imag[i])
      let a = (re * re + im * im).squareRoot() * norm
      db[i] = a > 1e-10 ? Float(20 * log10(a)) : -200
    }
    return PowerSpectrogram(
      sampleRate: audio.sampleRate, frameSize: n, hop: h, frameCount: frames.frameCount,
      binCount: frames.binCount, db: db)
  }

  static let leftMargin = 44
  static let topMargin = 6
  static let bottomMargin = 22
  static let barGap = 8
  static let barWidth = 12
  static let rightMargin = 44

  /// The layout an image of `durationSeconds` at `sampleRate` gets under `style`.
  public static func layout(durationSeconds: Double, sampleRate: Int, style: SpectrogramStyle)
    -> SpectrogramLayout
  {
    let nyquist = Double(sampleRate) / 2
    let maxHz = min(style.maxHz ?? nyquist, nyquist)
    let minHz = min(max(style.minHz, 1), maxHz / 2)
    let wanted = Int((durationSeconds * style.pixelsPerSecond).rounded())
    let width = min(style.maxPlotWidth, max(style.minPlotWidth, wanted))
    let spc = durationSeconds > 0 ? durationSeconds / Double(width) : 1 / style.pixelsPerSecond
    return SpectrogramLayout(
      plotX: leftMargin, plotY: topMargin, plotWidth: width, plotHeight: style.plotHeight,
      secondsPerColumn: spc, minHz: minHz, maxHz: maxHz, scale: style.scale)
  }

  /// Renders `spec` (of audio lasting `durationSeconds`) as an image: the plot, frequency ticks
  /// on the left, time ticks below, and a labelled dB colour bar on the right.
  ///
  /// Each plot column shows the frame nearest its centre time. Each row shows the loudest bin
  /// inside its frequency band, or, where a band is narrower than a bin, the level interpolated
  /// linearly between the two nearest bins, so a pure tone lights the row containing it.
  public static func render(
    _ spec: PowerSpectrogram, durationSeconds: Double, style: SpectrogramStyle = SpectrogramStyle()
  ) -> RGBImage {
    let L = layout(durationSeconds: durationSeconds, sampleRate: spec.sampleRate, style: style)
    let width = L.plotX + L.plotWidth + barGap + barWidth + rightMargin
    let height = L.plotY + L.plotHeight + bottomMargin
    var img = RGBImage(width: width, height: height, background: .white)
    let top = style.topDB ?? spec.maxDB
    let range = max(style.rangeDB, 1)

    // Per row: the bin interval its band covers.
    let binHz = spec.binHz
    var rowBins: [(Int, Int, Double)] = []  // (first bin, last bin, fractional bin for narrow bands)
    let lo = L.scale.warp(L.minHz), hi = L.scale.warp(L.maxHz)
    for r in 0..<L.plotHeight {
      let u0 = Double(L.plotHeight - 1 - r) / Double(L.plotHeight)
      let u1 = Double(L.plotHeight - r) / Double(L.plotHeight)
      let f0 = L.scale.unwarp(lo + u0 * (hi - lo)), f1 = L.scale.unwarp(lo + u1 * (hi - lo))
      let b0 = Int((f0 / binHz).rounded(.up)), b1 = Int((f1 / binHz).rounded(.down))
      rowBins.append((b0, b1, L.frequency(ofRow: r) / binHz))
    }
    if spec.frameCount > 0 {
      for c in 0..<L.plotWidth {
        let t = L.time(ofColumn: c)
        let k = min(spec.frameCount - 1, max(0, Int((t * Double(spec.sampleRate) / Double(spec.hop)).rounded())))
        let base = k * spec.binCount
        for r in 0..<L.plotHeight {
          let (b0, b1, fb) = rowBins[r]
          var v: Double
          if b1 >= b0 {
            v = -200
            for b in b0...min(b1, spec.binCount - 1) { v = max(v, Double(spec.db[base + b])) }
          } else {
            let i = min(spec.binCount - 2, max(0, Int(fb)))
            let f = min(1, max(0, fb - Double(i)))
            v = Double(spec.db[base + i]) * (1 - f) + Double(spec.db[base + i + 1]) * f
          }
          img.set(L.plotX + c, L.plotY + r, ColorMap.color((v - (top - range)) / range))
        }
      }
    }
    drawAxes(&img, L, durationSeconds: durationSeconds, top: top, range: range)
    return img
  }

  private static let axisColor = RGBImage.Color(60, 60, 60)

  private static func drawAxes(
    _ img: inout RGBImage, _ L: SpectrogramLayout, durationSeconds: Double, top: Double, range: Double
  ) {
    let x0 = L.plotX, y0 = L.plotY, w = L.plotWidth, h = L.plotHeight
    // Frame around the plot.
    img.fill(x: x0 - 1, y: y0 - 1, width: w + 2, height: 1, axisColor)
    img.fill(x: x0 - 1, y: y0 + h, width: w + 2, height: 1, axisColor)
    img.fill(x: x0 - 1, y: y0 - 1, width: 1, height: h + 2, axisColor)
    img.fill(x: x0 + w, y: y0 - 1, width: 1, height: h + 2, axisColor)
    // Frequency ticks at 1-2-5 steps inside the range, skipping labels that would overlap.
    var lastLabelY = Int.max
    for f in frequencyTicks(minHz: L.minHz, maxHz: L.maxHz) {
      let y = y0 + L.row(forFrequency: f)
      img.fill(x: x0 - 4, y: y, width: 3, height: 1, axisColor)
      if lastLabelY - y >= 10 {
        let label = f >= 1000 ? trim(f / 1000) + "k" : trim(f)
        img.draw(text: label, x: x0 - 6 - BitmapFont.width(of: label), y: y - 3, color: axisColor)
        lastLabelY = y
      }
    }
    img.draw(text: "Hz", x: 2, y: y0, color: axisColor)
    // Time ticks every 0.1/0.2/0.5/1/2/5… s, at least ~60 px apart.
    if durationSeconds > 0 {
      let pxPerSecond = Double(w) / durationSeconds
      let step = niceStep(minimum: 60 / pxPerSecond)
      var t = 0.0
      while t <= durationSeconds + 1e-9 {
        let x = x0 + Int((t * pxPerSecond).rounded())
        img.fill(x: x, y: y0 + h + 1, width: 1, height: 3, axisColor)
        let label = trim(t)
        let lx = x - BitmapFont.width(of: label) / 2
        // The colour bar's "dBFS" label sits right of the plot; keep tick labels clear of it.
        if lx + BitmapFont.width(of: label) <= x0 + w + barGap - 2 {
          img.draw(text: label, x: lx, y: y0 + h + 6, color: axisColor)
        }
        t += step
      }
      img.draw(text: "s", x: 2, y: y0 + h + 6, color: axisColor)
    }
    // Colour bar with dB labels at its ends and middle.
    let bx = x0 + w + barGap
    for r in 0..<h {
      img.fill(x: bx, y: y0 + r, width: barWidth, height: 1, ColorMap.color(1 - (Double(r) + 0.5) / Double(h)))
    }
    for (frac, value) in [(0.0, top), (0.5, top - range / 2), (1.0, top - range)] {
      let y = y0 + Int(frac * Double(h - 1))
      img.fill(x: bx + barWidth, y: y, width: 3, height: 1, axisColor)
      img.draw(text: String(Int(value.rounded())), x: bx + barWidth + 4, y: min(max(y - 3, 0), y0 + h - 7), color: axisColor)
    }
    img.draw(text: "dBFS", x: bx, y: y0 + h + 6, color: axisColor)
  }

  /// Tick frequencies 1, 2, 5 × 10^k Hz within [minHz, maxHz].
  static func frequencyTicks(minHz: Double, maxHz: Double) -> [Double] {
    var out: [Double] = []
    var decade = pow(10, floor(log10(max(minHz, 1))))
    while decade <= maxHz {
      for m in [1.0, 2, 5] where decade * m >= minHz && decade * m <= maxHz { out.append(decade * m) }
      decade *= 10
    }
    return out
  }

  /// The smallest of 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50… not below `minimum`.
  static func niceStep(minimum: Double) -> Double {
    var d = 0.01
    while true {
      for m in [1.0, 2, 5] where d * m >= minimum { return d * m }
      d *= 10
    }
  }

  private static func trim(_ v: Double) -> String {
    if abs(v - v.rounded()) < 1e-9 { return String(Int(v.rounded())) }
    var s = String(format: "%.2f", v)
    while s.hasSuffix("0") { s.removeLast() }
    return s
  }
}
