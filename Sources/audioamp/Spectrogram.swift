import ArgumentParser
import AudioAmpKit
import Foundation

struct SpectrogramCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "spectrogram",
    abstract: "Render an audio file's spectrogram as a PNG image.",
    discussion: """
      32 ms Hann frames every 8 ms through the FFT core; mel (default) or log frequency axis; \
      colours span --range-db below the loudest bin (or --top-db); time ticks in seconds, \
      frequency ticks in Hz, and a dBFS colour bar.
      """)

  @Argument(help: ArgumentHelp("Audio file.", valueName: "in"))
  var input: String

  @Argument(help: ArgumentHelp("PNG file to write.", valueName: "out.png"))
  var output: String

  @Option(name: .long, help: "Frequency axis: mel or log.")
  var scale: String = "mel"

  @Option(name: .long, help: ArgumentHelp("Level at the top of the colour scale, dBFS (default: the loudest bin).", valueName: "dB"))
  var topDb: Double?

  @Option(name: .long, help: ArgumentHelp("Colour scale span, dB.", valueName: "dB"))
  var rangeDb: Double = 80

  func validate() throws {
    guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("\(input): no such file") }
    guard FrequencyScale(rawValue: scale) != nil else { throw ValidationError("--scale must be mel or log (got \(scale))") }
    guard rangeDb > 0 else { throw ValidationError("--range-db must be positive") }
  }

  func run() throws {
    do {
      let info = try SoundFile(readingFrom: input).info
      let audio = try AudioLoader.load(path: input, sampleRate: info.sampleRate)
      var style = SpectrogramStyle()
      style.scale = FrequencyScale(rawValue: scale) ?? .mel
      style.topDB = topDb
      style.rangeDB = rangeDb
      let spec = Spectrogram.analyze(audio)
      let img = Spectrogram.render(spec, durationSeconds: audio.durationSeconds, style: style)
      try PNGWriter.write(img, to: output)
      print("wrote \(output) (\(img.width)×\(img.height))")
    } catch {
      fail("\(error)", code: 1)
    }
  }
}
