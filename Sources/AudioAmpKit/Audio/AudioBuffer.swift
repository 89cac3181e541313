/// Mono floating-point audio at a known sample rate.
///
/// Samples are nominally in [-1, 1] (full scale); values outside that range are legal while
/// processing and are dealt with by the clip guard before writing. An empty buffer is valid.
public struct AudioBuffer: Sendable, Equatable {
  /// The samples, one channel.
  public var samples: [Float]
  /// Sample rate in Hz.
  public var sampleRate: Int

  /// Creates a buffer from samples at `sampleRate` Hz.
  public init(samples: [Float], sampleRate: Int) {
    self.samples = samples
    self.sampleRate = sampleRate
  }

  /// Number of samples.
  public var count: Int { samples.count }

  /// Duration in seconds (`count / sampleRate`).
  public var durationSeconds: Double {
    sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0
  }
}
