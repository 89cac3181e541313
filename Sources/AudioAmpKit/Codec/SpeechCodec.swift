/// A frame-based speech codec instance: encodes one frame of 16-bit PCM at the codec's own rate
/// into a packet and decodes packets (or their absence) back into PCM.
///
/// Instances hold encoder and decoder state, so each utterance gets a fresh one (see
/// ``CodecChain``); they are not shared between threads. Two forms of each call exist: the
/// array form, convenient in tests, and the buffer form ``CodecChain`` uses, which writes into
/// buffers the caller owns so that no frame allocates. A conforming type needs only one form;
/// the other comes from the default implementations below (the project's codecs implement the
/// buffer form and get the array form).
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
  /// The largest packet one frame can produce, bytes (the size of the buffer ``CodecChain``
  /// hands to ``encode(_:frameIndex:into:)``).
  var maxPacketBytes: Int { get }
  /// Encodes exactly ``frameSize`` samples and returns the packet.
  func encode(_ frame: [Int16], frameIndex: Int) throws -> [UInt8]
  /// Decodes a packet into exactly ``frameSize`` samples; nil means the packet was lost (only
  /// called when ``hasConcealment`` is true).
  func decode(_ packet: [UInt8]?) throws -> [Int16]
  /// Encodes the ``frameSize`` samples of `frame` into `packet` (at least ``maxPacketBytes``
  /// long) and returns the packet's length in bytes.
  func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) throws -> Int
  /// Decodes `packet` (nil: lost, only when ``hasConcealment``) into the ``frameSize`` samples
  /// of `output`.
  func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws
}

extension SpeechCodec {
  /// 1,500 bytes (an Ethernet payload), enough for any speech frame.
  public var maxPacketBytes: Int { 1500 }

  /// The buffer form through the array form, for codecs that implement only the latter.
  public func encode(_ frame: UnsafeBufferPointer<Int16>, frameIndex: Int, into packet: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
    let bytes = try encode(Array(frame), frameIndex: frameIndex)
    precondition(bytes.count <= packet.count, "\(name): packet of \(bytes.count) bytes exceeds maxPacketBytes")
    for (i, b) in bytes.enumerated() { packet[i] = b }
    return bytes.count
  }

  /// The buffer form through the array form, for codecs that implement only the latter.
  public func decode(_ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>) throws {
    let samples = try decode(packet.map { Array($0) })
    for i in 0..<min(samples.count, output.count) { output[i] = samples[i] }
  }

  /// The array form through the buffer form.
  public func encode(_ frame: [Int16], frameIndex: Int) throws -> [UInt8] {
    var packet = [UInt8](repeating: 0, count: maxPacketBytes)
    let n = try frame.withUnsafeBufferPointer { f in
      try packet.withUnsafeMutableBufferPointer { try encode(f, frameIndex: frameIndex, into: $0) }
    }
    return Array(packet[0..<n])
  }

  /// The array form through the buffer form.
  public func decode(_ packet: [UInt8]?) throws -> [Int16] {
    var out = [Int16](repeating: 0, count: frameSize)
    try out.withUnsafeMutableBufferPointer { o in
      if let packet {
        try packet.withUnsafeBufferPointer { try decode($0, into: o) }
      } else {
        try decode(nil, into: o)
      }
    }
    return out
  }
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
