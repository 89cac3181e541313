import CSndFile
import Foundation

/// A growable byte buffer that libsndfile reads and writes through its virtual I/O callbacks.
private final class MemoryFile {
  var bytes: [UInt8]
  var position = 0

  init(_ bytes: [UInt8] = []) { self.bytes = bytes }

  static func from(_ p: UnsafeMutableRawPointer?) -> MemoryFile {
    Unmanaged<MemoryFile>.fromOpaque(p!).takeUnretainedValue()
  }
}

private let memoryIO: SF_VIRTUAL_IO = {
  var io = SF_VIRTUAL_IO()
  io.get_filelen = { user in sf_count_t(MemoryFile.from(user).bytes.count) }
  io.seek = { offset, whence, user in
    let f = MemoryFile.from(user)
    let base: Int
    switch whence {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = f.position
    default: base = f.bytes.count
    }
    let target = base + Int(offset)
    guard target >= 0 else { return -1 }
    f.position = target
    return sf_count_t(target)
  }
  io.read = { ptr, count, user in
    let f = MemoryFile.from(user)
    let n = max(0, min(Int(count), f.bytes.count - f.position))
    if n > 0, let ptr {
      f.bytes.withUnsafeBytes { src in
        ptr.copyMemory(from: src.baseAddress! + f.position, byteCount: n)
      }
    }
    f.position += n
    return sf_count_t(n)
  }
  io.write = { ptr, count, user in
    let f = MemoryFile.from(user)
    let n = Int(count)
    guard n > 0, let ptr else { return 0 }
    // A seek past the end (FLAC and Ogg do not, but the API allows it) leaves a zero-filled gap.
    if f.position > f.bytes.count { f.bytes.append(contentsOf: repeatElement(0, count: f.position - f.bytes.count)) }
    let src = UnsafeRawBufferPointer(start: ptr, count: n)
    let overlap = min(n, f.bytes.count - f.position)
    if overlap > 0 {
      f.bytes.withUnsafeMutableBytes { dst in
        (dst.baseAddress! + f.position).copyMemory(from: ptr, byteCount: overlap)
      }
    }
    if overlap < n { f.bytes.append(contentsOf: src[overlap...]) }
    f.position += n
    return count
  }
  io.tell = { user in sf_count_t(MemoryFile.from(user).position) }
  return io
}()

extension SoundFile {
  /// Encodes `samples` (mono, nominal range [-1, 1]) in `format` at `sampleRate` Hz and returns
  /// the bytes a file written by `write(_:sampleRate:to:format:bitrateKbps:)` would hold.
  ///
  /// Nothing touches the disk (libsndfile's virtual I/O writes into memory), so a shard writer
  /// can put the encoded audio straight into a tar or Parquet file. The same samples give the
  /// same bytes. Throws `AudioFileError.writeFailed` naming `label` (the output id or member
  /// name) when libsndfile cannot encode the format at this rate.
  ///
  /// `compressionLevel` (0 fastest ... 1 smallest; libsndfile's scale, mapped to FLAC levels
  /// 0–8) overrides libsndfile's default for FLAC, Vorbis and Opus; nil keeps the default, which
  /// gives the same bytes as `write`.
  public static func encode(
    _ samples: [Float], sampleRate: Int, format: AudioFileFormat, label: String, compressionLevel: Double? = nil
  ) throws -> [UInt8] {
    var sfinfo = SF_INFO()
    sfinfo.samplerate = Int32(sampleRate)
    sfinfo.channels = 1
    sfinfo.format = format.libsndfileFormat
    guard sf_format_check(&sfinfo) == SF_TRUE else {
      throw AudioFileError.writeFailed(path: label, reason: "this libsndfile cannot write \(format) at \(sampleRate) Hz")
    }
    let file = MemoryFile()
    // Rough size guess so the buffer seldom grows: 2 bytes a sample plus headers.
    file.bytes.reserveCapacity(samples.count * 2 + 256)
    var io = memoryIO
    let user = Unmanaged.passUnretained(file).toOpaque()
    guard let h = sf_open_virtual(&io, Int32(SFM_WRITE), &sfinfo, user) else {
      throw AudioFileError.writeFailed(path: label, reason: String(cString: sf_strerror(nil)))
    }
    var clip: Int32 = Int32(SF_TRUE)
    _ = sf_command(h, Int32(SFC_SET_CLIPPING), &clip, 0)
    if var level = compressionLevel, format != .wav16, format != .mp3 {
      guard sf_command(h, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) == SF_TRUE else {
        sf_close(h)
        throw AudioFileError.writeFailed(path: label, reason: "libsndfile refused compression level \(level) for \(format)")
      }
    }
    let written = samples.withUnsafeBufferPointer { sf_writef_float(h, $0.baseAddress, sf_count_t(samples.count)) }
    let writeError = written != sf_count_t(samples.count) ? String(cString: sf_strerror(h)) : nil
    let closeResult = sf_close(h)
    if let e = writeError ?? (closeResult != 0 ? "libsndfile could not finish the stream" : nil) {
      throw AudioFileError.writeFailed(path: label, reason: e)
    }
    return withExtendedLifetime(file) { file.bytes }
  }

  /// Decodes audio held in memory (any format libsndfile reads) to mono `Float` samples at the
  /// data's own rate; `label` names it in errors (e.g. `shard-000003.tar:utt1.flac`).
  ///
  /// Throws `AudioFileError.cannotOpen` with libsndfile's message for bytes it cannot parse,
  /// `.empty` for a stream with no frames and `.truncated` when fewer frames decode than the
  /// header declares.
  public static func decode(_ bytes: [UInt8], label: String) throws -> (samples: [Float], sampleRate: Int) {
    guard !bytes.isEmpty else { throw AudioFileError.empty(path: label) }
    let file = MemoryFile(bytes)
    var io = memoryIO
    var sfinfo = SF_INFO()
    let user = Unmanaged.passUnretained(file).toOpaque()
    guard let h = sf_open_virtual(&io, Int32(SFM_READ), &sfinfo, user) else {
      throw AudioFileError.cannotOpen(path: label, reason: String(cString: sf_strerror(nil)))
    }
    defer { sf_close(h) }
    let frames = Int(sfinfo.frames)
    let ch = Int(sfinfo.channels)
    guard frames > 0, ch > 0, sfinfo.samplerate > 0 else { throw AudioFileError.empty(path: label) }
    var interleaved = [Float](repeating: 0, count: frames * ch)
    let got = Int(interleaved.withUnsafeMutableBufferPointer { sf_readf_float(h, $0.baseAddress, sf_count_t(frames)) })
    if got < frames { throw AudioFileError.truncated(path: label, expectedFrames: frames, readFrames: max(0, got)) }
    if ch == 1 { return (interleaved, Int(sfinfo.samplerate)) }
    var mono = [Float](repeating: 0, count: frames)
    let scale = 1 / Float(ch)
    for i in 0..<frames {
      var acc: Float = 0
      for c in 0..<ch { acc += interleaved[i * ch + c] }
      mono[i] = acc * scale
    }
    return withExtendedLifetime(file) { (mono, Int(sfinfo.samplerate)) }
  }
}
