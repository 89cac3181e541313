/// A frame-based speech codec instance: encodes one frame of 16-bit PCM at the codec's own rate
/// into a packet and decodes packets (or their absence) back into PCM.
///
/// Instances hold encoder and decoder state, so each utterance gets a fresh one (see
/// ``CodecChain``); they are not shared between threads.
public protocol SpeechCodec: AnyObject {
  /// The manifest name (`g711`, `gsm-fr`, `amr-nb`, `opus`).
  var name: String { get }
  /// The rate the codec runs at, Hz.
  var sampleRate: Int { get }
  /// Samples per frame (per packet) at ``sampleRate``.
  var frameSize: Int { get }
  /// Samples (at ``sampleRate``) by which the decoded signal lags the encoder's input: the
  /// codec's lookahead plus any decoder delay. ``CodecChain`` removes it.
  var delay: Int { get }
  /// True when ``decode(_:)`` accepts nil (a lost packet) and runs the codec's own concealment.
  var hasConcealment: Bool { get }
  /// Encodes exactly ``frameSize`` samples and returns the packet.
  func encode(_ frame: [Int16], frameIndex: Int) throws -> [UInt8]
  /// Decodes a packet into exactly ``frameSize`` samples; nil means the packet was lost (only
  /// called when ``hasConcealment`` is true).
  func decode(_ packet: [UInt8]?) throws -> [Int16]
}

/// Failures of the codec libraries, each with the library's own message where it gives one.
public enum CodecError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A library call failed.
  case libraryFailed(codec: String, call: String, code: Int, message: String)
  /// A setting the codec cannot use (caught by recipe validation normally).
  case unsupported(codec: String, detail: String)

  public var description: String {
    switch self {
    case .libraryFailed(let codec, let call, let code, let message):
      return "\(codec): \(call) failed (code \(code)): \(message)"
    case .unsupported(let codec, let detail):
      return "\(codec): \(detail)"
    }
  }
}
