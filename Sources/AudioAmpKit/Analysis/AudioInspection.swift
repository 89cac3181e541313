import Foundation

/// What `audioamp inspect` reports about one audio file, measured from the audio alone.
///
/// Multi-channel files are measured on their mono downmix (the mean of the channels), which is
/// what the pipeline reads; `channels` still reports the file's own count.
public struct AudioInspection: Sendable, Equatable {
  /// The file, as given.
  public var path: String
  /// Duration in seconds (frames / rate).
  public var durationSeconds: Double
  /// Sample rate in Hz.
  public var sampleRate: Int
  /// Channels in the file.
  public var channels: Int
  /// Largest |sample| in dBFS (−∞ for silence).
  public var peakDBFS: Double
  /// RMS level in dBFS over the whole file (a full-scale sine reads −3.01).
  public var rmsDBFS: Double
  /// Active speech level in dBFS, ITU-T P.56 method B (see ``ActiveSpeechLevel``).
  public var activeLevelDBFS: Double
  /// P.56 activity factor, 0...1.
  public var activityFactor: Double
  /// Samples at or beyond the 16-bit ceiling, |x| ≥ 32767/32768 (see ``clipThreshold``).
  public var clippedSamples: Int
  /// Blind SNR estimate in dB (WADA-SNR, see ``BlindSNR``); nil for silence.
  public var estimatedSNRDB: Double?
  /// Effective bandwidth in Hz (see ``Bandwidth``).
  public var bandwidthHz: Double

  /// Magnitude at or above which a sample counts as clipped: the largest positive 16-bit value.
  public static let clipThreshold: Float = 32767.0 / 32768.0

  /// A file is "silent" when its peak is below this level, dBFS (−60 dBFS ≈ 33 LSB at 16 bits).
  public static let silenceDBFS = -60.0

  /// Measures a buffer (`path` and `channels` are carried through for the report).
  public static func measure(_ audio: AudioBuffer, path: String = "", channels: Int = 1) -> AudioInspection {
    let x = audio.samples
    let p56 = ActiveSpeechLevel.measure(x, sampleRate: audio.sampleRate)
    var clipped = 0
    for v in x where abs(v) >= clipThreshold { clipped += 1 }
    return AudioInspection(
      path: path, durationSeconds: audio.durationSeconds, sampleRate: audio.sampleRate, channels: channels,
      peakDBFS: Levels.dB(amplitude: Double(Levels.peak(x))), rmsDBFS: Levels.dB(amplitude: Levels.rms(x)),
      activeLevelDBFS: p56.levelDB, activityFactor: p56.activityFactor, clippedSamples: clipped,
      estimatedSNRDB: BlindSNR.wadaDB(x),
      bandwidthHz: Bandwidth.effectiveHz(x, sampleRate: audio.sampleRate))
  }

  /// Reads `path` (any format libsndfile reads) at its own rate and measures it.
  public static func inspect(path: String) throws -> AudioInspection {
    let info = try SoundFile(readingFrom: path).info
    let audio = try AudioLoader.load(path: path, sampleRate: info.sampleRate)
    return measure(audio, path: path, channels: info.channels)
  }

  /// True when the peak is below ``silenceDBFS``.
  public var isSilent: Bool { !(peakDBFS >= AudioInspection.silenceDBFS) }

  /// The fields as an ordered JSON object (levels rounded to 0.01 dB; −∞ and a missing SNR
  /// become null).
  public var json: JSONValue {
    func r(_ v: Double) -> JSONValue { .number((v * 100).rounded() / 100) }
    return .object([
      ("path", .string(path)), ("duration_s", .number((durationSeconds * 1000).rounded() / 1000)),
      ("sample_rate", .number(Double(sampleRate))), ("channels", .number(Double(channels))),
      ("peak_dbfs", r(peakDBFS)), ("rms_dbfs", r(rmsDBFS)), ("active_level_dbfs", r(activeLevelDBFS)),
      ("activity_factor", .number((activityFactor * 1000).rounded() / 1000)),
      ("clipped_samples", .number(Double(clippedSamples))),
      ("estimated_snr_db", estimatedSNRDB.map(r) ?? .null), ("bandwidth_hz", .number(bandwidthHz.rounded())),
    ])
  }

  /// A few aligned lines for a person.
  public var text: String {
    func db(_ v: Double) -> String { v.isFinite ? String(format: "%.1f dBFS", v) : "-inf dBFS" }
    let rows: [(String, String)] = [
      ("duration", String(format: "%.3f s", durationSeconds)), ("sample rate", "\(sampleRate) Hz"),
      ("channels", "\(channels)"), ("peak", db(peakDBFS)), ("rms", db(rmsDBFS)),
      ("active level", db(activeLevelDBFS) + String(format: " (P.56, activity %.0f%%)", activityFactor * 100)),
      ("clipped", "\(clippedSamples) samples"),
      ("snr (blind)", estimatedSNRDB.map { String(format: "%.1f dB (WADA)", $0) } ?? "n/a (silent)"),
      ("bandwidth", String(format: "%.0f Hz", bandwidthHz)),
    ]
    return ([path] + rows.map { "  " + $0.0.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.1 })
      .joined(separator: "\n")
  }
}
