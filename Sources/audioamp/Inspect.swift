import ArgumentParser
import AudioAmpKit
import Foundation

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Measure audio files: duration, levels, active speech level, clipping, blind SNR, bandwidth.",
    discussion: """
      Fields: duration, sample rate, channels; peak and RMS level (dBFS); active speech level \
      (ITU-T P.56 method B) with its activity factor; clipped samples (|x| ≥ 32767/32768); an \
      SNR estimated from the audio alone (WADA-SNR, Kim & Stern 2008); effective bandwidth (the \
      highest frequency whose long-term spectrum is within 40 dB of its maximum). With --json, \
      one JSON object per file, one per line.
      """)

  @Argument(help: ArgumentHelp("Audio files (any format libsndfile reads).", valueName: "file"))
  var files: [String]

  @Flag(name: .long, help: "One JSON object per line instead of text.")
  var json = false

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one audio file") }
    for f in files where !FileManager.default.fileExists(atPath: f) {
      throw ValidationError("\(f): no such file")
    }
  }

  func run() throws {
    var failed = false
    for f in files {
      do {
        let r = try AudioInspection.inspect(path: f)
        print(json ? r.json.serialized : r.text)
      } catch {
        warn("error: \(error)")
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }
}
