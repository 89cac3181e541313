/// Errors raised by the DSP kernels for specifications that cannot be met.
///
/// Each case renders as a sentence a person can act on: what was asked, why it is impossible and,
/// where there is one, what to change.
public enum DSPError: Error, CustomStringConvertible, Equatable {
  /// A filter specification is impossible (the message says which constraint failed).
  case invalidFilter(String)
  /// A sample rate is not a positive number of Hz.
  case invalidSampleRate(Int)
  /// A conversion ratio is outside what the converter supports.
  case unsupportedRatio(from: Int, to: Int, reason: String)
  /// libsamplerate reported an error; `message` is its own `src_strerror` text.
  case sampleRateConversionFailed(code: Int, message: String)

  /// A person-readable explanation.
  public var description: String {
    switch self {
    case .invalidFilter(let why):
      return "cannot design filter: \(why)"
    case .invalidSampleRate(let rate):
      return "invalid sample rate \(rate) Hz: it must be a positive whole number of Hz"
    case .unsupportedRatio(let from, let to, let reason):
      return "cannot convert \(from) Hz to \(to) Hz: \(reason)"
    case .sampleRateConversionFailed(let code, let message):
      return "sample-rate conversion failed (libsamplerate error \(code)): \(message)"
    }
  }
}
