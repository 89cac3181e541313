import CSndFile
import Foundation

/// What libsndfile reports about an audio file without reading its samples.
public struct AudioFileInfo: Sendable, Equatable {
  /// Frames (samples per channel).
  public var frames: Int
  /// Sample rate in Hz.
  public var sampleRate: Int
  /// Channel count.
  public var channels: Int
  /// libsndfile's name for the major format, e.g. "WAV (Microsoft)".
  public var formatName: String
  /// Duration in seconds.
  public var durationSeconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }
}

/// Audio file formats audioamp writes.
public enum AudioFileFormat: String, Sendable, CaseIterable, CustomStringConvertible {
  /// 16-bit PCM WAV (the pipeline's output).
  case wav16 = "wav"
  /// 16-bit FLAC (lossless, about half the size; the noise library's format).
  case flac16 = "flac"
  /// Ogg Vorbis.
  case vorbis = "ogg"
  /// Ogg Opus (8, 12, 16, 24 or 48 kHz only).
  case opus = "opus"
  /// MPEG-1/2 Layer III (needs a libsndfile built with LAME, as Debian's is).
  case mp3 = "mp3"

  /// The format a file name's extension asks for (`.wav`, `.flac`, `.ogg`/`.oga`, `.opus`,
  /// `.mp3`), or nil.
  public init?(path: String) {
    switch (path as NSString).pathExtension.lowercased() {
    case "wav": self = .wav16
    case "flac": self = .flac16
    case "ogg", "oga": self = .vorbis
    case "opus": self = .opus
    case "mp3": self = .mp3
    default: return nil
    }
  }

  public var description: String { rawValue }

  /// File extensions treated as audio when scanning folders (lower case; libsndfile decides
  /// whether a given file really reads).
  public static let readableExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff"]
}

/// A libsndfile handle open for reading; the only type in the package that calls libsndfile.
///
/// Reads return mono `Float` samples (the mean of all channels) at the file's own rate. The
/// handle is closed in `deinit`. Not thread-safe: use one instance per thread.
public final class SoundFile {
  /// The path as given.
  public let path: String
  /// Format, rate, channels and length.
  public let info: AudioFileInfo
  private var handle: OpaquePointer?
  private var interleaved: [Float] = []

  /// Sample rates a file may declare (Hz); anything else is taken as a damaged header.
  public static let plausibleRates = 1000...768_000
  /// Most channels a file may declare (libsndfile's own limit is 1024).
  public static let maxChannels = 256

  /// Opens `path` for reading. Throws `AudioFileError.missing` or `.cannotOpen` (with
  /// libsndfile's own message) and `.empty` for a file with no frames.
  public init(readingFrom path: String) throws {
    self.path = path
    guard FileManager.default.fileExists(atPath: path) else { throw AudioFileError.missing(path: path) }
    if SoundFile.linkSize(path) == 0 {
      throw AudioFileError.empty(path: path)
    }
    var sfinfo = SF_INFO()
    guard let h = sf_open(path, Int32(SFM_READ), &sfinfo) else {
      // libsndfile reports this as "System error : Permission denied.", which reads like a damaged file.
      if access(path, R_OK) != 0 && errno == EACCES { throw AudioFileError.permissionDenied(path: path) }
      throw AudioFileError.cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
    }
    handle = h
    var fmt = SF_FORMAT_INFO()
    fmt.format = sfinfo.format & Int32(SF_FORMAT_TYPEMASK)
    var name = "unknown"
    if sf_command(h, Int32(SFC_GET_FORMAT_INFO), &fmt, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
      let n = fmt.name
    {
      name = String(cString: n)
    }
    info = AudioFileInfo(
      frames: Int(sfinfo.frames), sampleRate: Int(sfinfo.samplerate), channels: Int(sfinfo.channels),
      formatName: name)
    if info.frames <= 0 || info.channels <= 0 || info.sampleRate <= 0 {
      sf_close(h)
      handle = nil
      throw AudioFileError.empty(path: path)
    }
    // libsndfile reports SF_COUNT_MAX when it cannot find the length (an Ogg stream whose last
    // page is damaged or missing): such a file is damaged, and its length must not be used.
    if sfinfo.frames == sf_count_t.max {
      sf_close(h)
      handle = nil
      throw AudioFileError.cannotOpen(
        path: path, reason: "its length cannot be determined (damaged or cut-off stream: the last Ogg page or the length field is missing)")
    }
    // A damaged header can declare any rate or channel count; neither is used to size memory
    // (reads are chunked), but an absurd rate would turn resampling into a huge allocation.
    if !SoundFile.plausibleRates.contains(info.sampleRate) || info.channels > SoundFile.maxChannels {
      sf_close(h)
      handle = nil
      throw AudioFileError.cannotOpen(
        path: path,
        reason: "header declares \(info.sampleRate) Hz and \(info.channels) channels; audioamp reads \(SoundFile.plausibleRates.lowerBound)–\(SoundFile.plausibleRates.upperBound) Hz and at most \(SoundFile.maxChannels) channels, so the header is damaged")
    }
  }

  deinit {
    if let h = handle { sf_close(h) }
  }

  /// True when libsndfile noticed that the data chunk is shorter than the header declares.
  ///
  /// libsndfile silently shortens such files to what is present; its log is the only place the
  /// mismatch shows, so a truncated copy is caught here rather than read as a short utterance.
  public var headerDeclaresMoreThanPresent: Bool {
    guard let h = handle else { return false }
    var buf = [CChar](repeating: 0, count: 4096)
    let n = sf_command(h, Int32(SFC_GET_LOG_INFO), &buf, Int32(buf.count))
    guard n > 0 else { return false }
    // Lines look like "RIFF : 32036 (should be 19992)": declared size, then the size present.
    for line in String(cString: buf).split(separator: "\n") where line.contains("(should be ") {
      let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      if numbers.count >= 2, numbers[numbers.count - 2] > numbers[numbers.count - 1] { return true }
    }
    return false
  }

  /// Moves the read position to `frame` (0-based, at the file's rate).
  public func seek(toFrame frame: Int) throws {
    guard let h = handle else { throw AudioFileError.readFailed(path: path, reason: "file is closed") }
    guard frame >= 0 && frame <= info.frames else {
      throw AudioFileError.badRange(
        path: path, detail: "seek to frame \(frame) is outside the file (0...\(info.frames))")
    }
    if sf_seek(h, sf_count_t(frame), SEEK_SET) < 0 {
      throw AudioFileError.readFailed(path: path, reason: String(cString: sf_strerror(h)))
    }
  }

  /// Frames decoded per libsndfile call: the most memory a read commits ahead of the data.
  static let chunkFrames = 1 << 16

  /// Reads up to `count` frames from the current position, downmixed to mono. Returns fewer
  /// only at the end of the file.
  ///
  /// `count` is a bound, never an allocation: the data is decoded in chunks of `chunkFrames`
  /// and the result grows only as frames arrive, so a damaged header that declares billions of
  /// frames costs no more memory than the samples the file really holds.
  public func readMono(count: Int) throws -> [Float] {
    guard let h = handle else { throw AudioFileError.readFailed(path: path, reason: "file is closed") }
    guard count > 0 else { return [] }
    let ch = info.channels
    let chunk = min(count, SoundFile.chunkFrames)
    if interleaved.count < chunk * ch { interleaved = [Float](repeating: 0, count: chunk * ch) }
    var out: [Float] = []
    out.reserveCapacity(chunk)
    let scale = 1 / Float(ch)
    while out.count < count {
      let want = min(chunk, count - out.count)
      let got = interleaved.withUnsafeMutableBufferPointer {
        sf_readf_float(h, $0.baseAddress, sf_count_t(want))
      }
      if got < 0 { throw AudioFileError.readFailed(path: path, reason: String(cString: sf_strerror(h))) }
      // libsndfile never returns more than asked; a decoder that did would be a library bug,
      // and is treated as a read failure rather than trusted.
      guard got <= want else {
        throw AudioFileError.readFailed(path: path, reason: "decoder returned \(got) frames for \(want) asked")
      }
      let frames = Int(got)
      if frames == 0 { break }
      interleaved.withUnsafeBufferPointer { src in
        if ch == 1 {
          out.append(contentsOf: src[0..<frames])
        } else {
          for i in 0..<frames {
            var acc: Float = 0
            for c in 0..<ch { acc += src[i * ch + c] }
            out.append(acc * scale)
          }
        }
      }
      if frames < want { break }
    }
    return out
  }

  /// Reads up to `count` frames of one channel (`channel` in 0..<channels) from the current
  /// position, without downmixing (for multichannel impulse responses, where averaging
  /// microphones would smear the direct sound). Returns fewer only at the end of the file.
  public func readChannel(_ channel: Int, count: Int) throws -> [Float] {
    guard let h = handle else { throw AudioFileError.readFailed(path: path, reason: "file is closed") }
    let ch = info.channels
    guard channel >= 0 && channel < ch else {
      throw AudioFileError.badRange(path: path, detail: "channel \(channel) asked, the file has \(ch) (0...\(ch - 1))")
    }
    guard count > 0 else { return [] }
    if interleaved.count < count * ch { interleaved = [Float](repeating: 0, count: count * ch) }
    let got = interleaved.withUnsafeMutableBufferPointer {
      sf_readf_float(h, $0.baseAddress, sf_count_t(count))
    }
    if got < 0 { throw AudioFileError.readFailed(path: path, reason: String(cString: sf_strerror(h))) }
    return (0..<Int(got)).map { interleaved[$0 * ch + channel] }
  }

  /// Writes `samples` as a 32-bit float mono WAV file (for impulse responses, whose decaying
  /// tails would be lost below 16-bit resolution). Written through a temporary file and renamed.
  public static func writeWAVFloat(_ samples: [Float], sampleRate: Int, to path: String) throws {
    let tmp = SoundFile.partialPath(for: path)
    var sfinfo = SF_INFO()
    sfinfo.samplerate = Int32(sampleRate)
    sfinfo.channels = 1
    sfinfo.format = Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
    guard let h = sf_open(tmp, Int32(SFM_WRITE), &sfinfo) else {
      throw AudioFileError.writeFailed(path: path, reason: String(cString: sf_strerror(nil)))
    }
    // libsndfile's PEAK chunk carries a time stamp; without it the same samples give the same bytes.
    _ = sf_command(h, Int32(SFC_SET_ADD_PEAK_CHUNK), nil, Int32(SF_FALSE))
    let written = samples.withUnsafeBufferPointer { sf_writef_float(h, $0.baseAddress, sf_count_t(samples.count)) }
    let writeError = written != sf_count_t(samples.count) ? String(cString: sf_strerror(h)) : nil
    let closeResult = sf_close(h)
    if let e = writeError ?? (closeResult != 0 ? "close failed (disk full?)" : nil) {
      unlink(tmp)
      throw AudioFileError.writeFailed(path: path, reason: e)
    }
    if rename(tmp, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(tmp)
      throw AudioFileError.writeFailed(path: path, reason: reason)
    }
  }

  /// Writes `samples` (mono, nominal range [-1, 1]) as a 16-bit PCM WAV file at `path`.
  ///
  /// The same as `write(_:sampleRate:to:format:)` with `.wav16`.
  public static func writeWAV16(_ samples: [Float], sampleRate: Int, to path: String) throws {
    try write(samples, sampleRate: sampleRate, to: path, format: .wav16)
  }

  /// Writes `samples` (mono, nominal range [-1, 1]) to `path` in `format`.
  ///
  /// The data goes to a hidden temporary file beside `path` that is renamed over `path` only once
  /// it is complete and closed, so an interrupted run never leaves a partial file under the final
  /// name. Samples beyond full scale are clamped by libsndfile (the pipeline's clip guard makes
  /// sure that does not happen silently); PCM conversion rounds to nearest without dither, so the
  /// same samples always give the same bytes. Throws `AudioFileError.writeFailed` with
  /// libsndfile's message, e.g. when this libsndfile cannot encode the format or the rate.
  ///
  /// `bitrateKbps` sets a constant bit rate for `.mp3` (LAME through libsndfile; 8–160 kbit/s at
  /// 16–24 kHz, 8–64 below 16 kHz, 32–320 from 32 kHz; clamped to that range).
  public static func write(_ samples: [Float], sampleRate: Int, to path: String, format: AudioFileFormat, bitrateKbps: Double? = nil) throws {
    let tmp = SoundFile.partialPath(for: path)
    var sfinfo = SF_INFO()
    sfinfo.samplerate = Int32(sampleRate)
    sfinfo.channels = 1
    sfinfo.format = format.libsndfileFormat
    guard sf_format_check(&sfinfo) == SF_TRUE else {
      throw AudioFileError.writeFailed(
        path: path, reason: "this libsndfile cannot write \(format) at \(sampleRate) Hz")
    }
    // Room for the samples as 16-bit PCM plus headers: the most any of these formats needs.
    let needed = 2 * samples.count + 65536
    guard let h = sf_open(tmp, Int32(SFM_WRITE), &sfinfo) else {
      let reason = String(cString: sf_strerror(nil))
      unlink(tmp)
      if errno == ENOSPC || SoundFile.outOfSpace(near: path, needing: needed) { throw AudioFileError.diskFull(path: path) }
      throw AudioFileError.writeFailed(path: path, reason: reason)
    }
    var clip: Int32 = Int32(SF_TRUE)
    _ = sf_command(h, Int32(SFC_SET_CLIPPING), &clip, 0)
    if format == .mp3, let kbps = bitrateKbps {
      // libsndfile maps a compression level c in [0, 1] to bit rate max − c·(max − min) for the
      // MPEG version the rate implies; invert that for the asked rate.
      let (lo, hi): (Double, Double) = sampleRate >= 32000 ? (32, 320) : sampleRate >= 16000 ? (8, 160) : (8, 64)
      var mode = Int32(SF_BITRATE_MODE_CONSTANT)
      var level = (hi - min(hi, max(lo, kbps))) / (hi - lo)
      // Constant bit rate is LAME's default here; libsndfile 1.2.0 answers 0 to setting it even
      // when it takes effect, so only the compression level's answer is checked.
      _ = sf_command(h, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
      if sf_command(h, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) != SF_TRUE {
        sf_close(h)
        unlink(tmp)
        throw AudioFileError.writeFailed(path: path, reason: "cannot set an MP3 bit rate of \(kbps) kbit/s at \(sampleRate) Hz")
      }
    }
    errno = 0
    let written = samples.withUnsafeBufferPointer {
      sf_writef_float(h, $0.baseAddress, sf_count_t(samples.count))
    }
    var full = errno == ENOSPC
    let writeError = written != sf_count_t(samples.count) ? String(cString: sf_strerror(h)) : nil
    errno = 0
    let closeResult = sf_close(h)
    full = full || errno == ENOSPC
    // libsndfile buffers: a full disk can show only at close, or as a short file with no error
    // at all, so the size on disk is checked too (a WAV must hold its 44-byte header).
    if writeError == nil, closeResult == 0, !full, let size = SoundFile.linkSize(tmp),
      format == .wav16, size < 44 + 2 * samples.count
    {
      full = true
    }
    if full || writeError?.contains("No space") == true
      || ((writeError != nil || closeResult != 0) && SoundFile.outOfSpace(near: path, needing: needed))
    {
      unlink(tmp)
      throw AudioFileError.diskFull(path: path)
    }
    if let e = writeError ?? (closeResult != 0 ? "close failed (disk full?)" : nil) {
      unlink(tmp)
      throw AudioFileError.writeFailed(path: path, reason: e)
    }
    if rename(tmp, path) != 0 {
      let reason = String(cString: strerror(errno))
      let noSpace = errno == ENOSPC
      unlink(tmp)
      if noSpace { throw AudioFileError.diskFull(path: path) }
      throw AudioFileError.writeFailed(path: path, reason: reason)
    }
  }

  /// `.NAME.partial-PID` beside `path`: where the writers keep a file until it is complete.
  /// Built from the string: `URL(fileURLWithPath:)` asks the file system whether each path it
  /// is given is a folder, a stat per path on every output.
  static func partialPath(for path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return ".\(path).partial-\(getpid())" }
    return "\(path[...slash]).\(path[path.index(after: slash)...]).partial-\(getpid())"
  }

  /// The size in bytes of the file at `path` itself (a symbolic link is not followed, as
  /// `FileManager.attributesOfItem` does not), or nil when it cannot be read. One lstat(2):
  /// `attributesOfItem` also looks up the owner's and group's names, reading /etc/passwd and
  /// /etc/group on every call.
  static func linkSize(_ path: String) -> Int? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return Int(st.st_size)
  }

  /// True when the file system holding `path` has fewer than `bytes` bytes free for this user.
  ///
  /// libsndfile does not always pass ENOSPC on (a buffered write fails at close, errno already
  /// overwritten), so after a failed write the free space is asked for directly.
  static func outOfSpace(near path: String, needing bytes: Int) -> Bool {
    var st = statvfs()
    let dir = (path as NSString).deletingLastPathComponent
    guard statvfs(dir.isEmpty ? "." : dir, &st) == 0 else { return false }
    return UInt64(st.f_bavail) * UInt64(st.f_frsize) < UInt64(bytes)
  }

  /// The libsndfile version string, e.g. "libsndfile-1.2.0".
  public static var libraryVersion: String { String(cString: sf_version_string()) }
}

extension AudioFileFormat {
  /// The libsndfile major format and subtype this format is written with.
  var libsndfileFormat: Int32 {
    switch self {
    case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
    case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
    case .vorbis: return Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
    case .opus: return Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
    case .mp3: return Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
    }
  }
}
