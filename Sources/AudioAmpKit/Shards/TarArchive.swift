import CArchive
import Foundation

/// A problem writing or reading a shard container (tar, Parquet, gzip).
public enum ShardFileError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A shard file could not be written.
  case write(path: String, detail: String)
  /// A shard file could not be read or is damaged.
  case read(path: String, detail: String)

  public var description: String {
    switch self {
    case .write(let p, let d): return "\(p): cannot write shard (\(d)); check the output disk has space and is writable"
    case .read(let p, let d): return "\(p): \(d)"
    }
  }
}

/// Appends members to a tar file with libarchive (POSIX pax, restricted: plain ustar headers
/// unless a name needs an extended header); the only type in the package that calls libarchive.
///
/// Headers are deterministic: mtime 0, uid/gid 0, empty user and group names, mode 0644,
/// members in the order added, names stored as their UTF-8 bytes (a pax `path` record when
/// they do not fit ustar). Output is
/// unblocked (no 10240-byte padding) and goes straight to the file through our own write
/// callback, so after each `add` the file holds exactly the members so far with no trailer: a
/// writer opened with `resumingAt:` the length of an earlier, interrupted attempt continues byte
/// for byte where it stopped. `finish()` writes the two-block end-of-archive marker; a writer
/// dropped without `finish()` writes nothing more (the file stays resumable).
final class TarArchiveWriter {
  let path: String
  private var archive: OpaquePointer?
  private let entry: OpaquePointer
  private let sink: Sink

  /// The file the callbacks write to, and how much they wrote.
  private final class Sink {
    let fd: Int32
    var length: Int
    var abandoned = false
    var error: Int32 = 0
    init(fd: Int32, length: Int) {
      self.fd = fd
      self.length = length
    }
  }

  /// Opens `path` for writing, truncated to `offset` bytes (0 for a new file).
  init(path: String, resumingAt offset: Int = 0) throws {
    self.path = path
    let fd = open(path, O_WRONLY | O_CREAT, 0o644)
    guard fd >= 0 else { throw ShardFileError.write(path: path, detail: String(cString: strerror(errno))) }
    guard ftruncate(fd, off_t(offset)) == 0, lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
      let e = String(cString: strerror(errno))
      close(fd)
      throw ShardFileError.write(path: path, detail: e)
    }
    sink = Sink(fd: fd, length: offset)
    guard let a = archive_write_new(), let e = archive_entry_new() else {
      close(fd)
      throw ShardFileError.write(path: path, detail: "libarchive could not allocate a writer")
    }
    archive = a
    entry = e
    func check(_ r: Int32) throws {
      if r != ARCHIVE_OK { throw ShardFileError.write(path: path, detail: archiveMessage(a)) }
    }
    do {
      try check(archive_write_set_format_pax_restricted(a))
      // Names are UTF-8 already: store their bytes as they are. (Without this, libarchive 3.6
      // converts names through the process locale and crashes on a non-ASCII name in "C".)
      try check(archive_write_set_format_option(a, "pax", "hdrcharset", "BINARY"))
      try check(archive_write_set_bytes_per_block(a, 0))
      let user = Unmanaged.passUnretained(sink).toOpaque()
      try check(
        archive_write_open2(
          a, user, nil,
          { _, user, buffer, length in
            let s = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
            if s.abandoned { return la_ssize_t(length) }
            var done = 0
            while done < length {
              let n = write(s.fd, buffer! + done, length - done)
              if n < 0 {
                if errno == EINTR { continue }
                s.error = errno
                return -1
              }
              done += n
            }
            s.length += length
            return la_ssize_t(length)
          }, nil, nil))
    } catch {
      archive_write_free(a)
      archive = nil
      archive_entry_free(e)
      close(fd)
      throw error
    }
  }

  deinit {
    if let a = archive {
      // Freeing an open archive makes libarchive write its trailer: drop it, so the file
      // stays as the last `add` left it.
      sink.abandoned = true
      archive_write_free(a)
      close(sink.fd)
    }
    archive_entry_free(entry)
  }

  /// Bytes in the file so far.
  var length: Int { sink.length }

  private func failure(_ a: OpaquePointer, _ name: String) -> ShardFileError {
    let detail = sink.error != 0 ? String(cString: strerror(sink.error)) : archiveMessage(a)
    return .write(path: path, detail: "\(name): \(detail)")
  }

  /// Appends a regular file member `name` (UTF-8) holding `bytes`.
  func add(name: String, bytes: [UInt8]) throws {
    guard let a = archive else { throw ShardFileError.write(path: path, detail: "archive already finished") }
    archive_entry_clear(entry)
    archive_entry_copy_pathname(entry, name)
    archive_entry_set_filetype(entry, UInt32(0o100000))  // AE_IFREG
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_size(entry, la_int64_t(bytes.count))
    archive_entry_set_mtime(entry, 0, 0)
    archive_entry_set_uid(entry, 0)
    archive_entry_set_gid(entry, 0)
    // ARCHIVE_WARN is a header libarchive could write with a caveat (it still wrote it).
    let r = archive_write_header(a, entry)
    guard r == ARCHIVE_OK || r == ARCHIVE_WARN else { throw failure(a, name) }
    if !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
      guard n == bytes.count else { throw failure(a, name) }
    }
    guard archive_write_finish_entry(a) == ARCHIVE_OK else { throw failure(a, name) }
  }

  /// Makes everything added so far durable (fsync).
  func sync() throws {
    guard fsync(sink.fd) == 0 else { throw ShardFileError.write(path: path, detail: String(cString: strerror(errno))) }
  }

  /// Writes the end-of-archive marker, syncs and closes the file.
  func finish() throws {
    guard let a = archive else { return }
    archive = nil
    let r = archive_write_close(a)
    let message = r == ARCHIVE_OK ? nil : failure(a, "end of archive")
    archive_write_free(a)
    let synced = fsync(sink.fd) == 0
    close(sink.fd)
    if let message { throw message }
    if !synced { throw ShardFileError.write(path: path, detail: String(cString: strerror(errno))) }
  }
}

/// Reads the regular-file members of a tar archive in order, with libarchive.
///
/// Memory holds one member at a time. A damaged or truncated archive throws `ShardFileError.read`
/// naming the archive and the last member read, never crashes.
final class TarArchiveReader {
  let path: String
  private let archive: OpaquePointer
  private var last = "(start of archive)"

  /// Opens `path` (plain tar; gzip or other filters libarchive recognises are undone too).
  init(path: String) throws {
    self.path = path
    guard let a = archive_read_new() else { throw ShardFileError.read(path: path, detail: "libarchive could not allocate a reader") }
    archive = a
    archive_read_support_format_tar(a)
    archive_read_support_filter_all(a)
    guard archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK else {
      let m = archiveMessage(a)
      archive_read_free(a)
      throw ShardFileError.read(path: path, detail: "cannot open as a tar archive (\(m))")
    }
  }

  deinit { archive_read_free(archive) }

  /// The next regular member's name and bytes, or nil at the end of the archive.
  func next() throws -> (name: String, bytes: [UInt8])? {
    var entry: OpaquePointer?
    while true {
      let r = archive_read_next_header(archive, &entry)
      if r == ARCHIVE_EOF { return nil }
      guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
        throw ShardFileError.read(path: path, detail: "damaged tar after member \(last) (\(archiveMessage(archive)))")
      }
      let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
        ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
      guard archive_entry_filetype(entry) == UInt32(0o100000) else { continue }
      let size = Int(archive_entry_size(entry))
      guard size >= 0, size < 1 << 32 else {
        throw ShardFileError.read(path: path, detail: "member \(name) declares an impossible size \(size)")
      }
      var bytes = [UInt8](repeating: 0, count: size)
      var got = 0
      while got < size {
        let n = bytes.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress! + got, size - got) }
        guard n > 0 else {
          throw ShardFileError.read(path: path, detail: "member \(name) is cut short (\(got) of \(size) bytes); the archive is truncated or damaged")
        }
        got += n
      }
      last = name
      return (name, bytes)
    }
  }
}

/// Where each regular member's data lies inside an uncompressed tar file, found once with
/// libarchive (headers only; data is skipped), so a member can later be read with one `pread`.
///
/// Indexes are cached per path for the life of the process (names and two integers per
/// member), so a reader or `review` that visits the members of a shard in any order scans its
/// headers once.
final class TarIndex: @unchecked Sendable {
  /// A member's name, data offset and size in bytes.
  struct Member: Sendable {
    var name: String
    var offset: Int
    var size: Int
  }

  let path: String
  let members: [Member]
  private let byName: [String: Int]

  private static let lock = NSLock()
  nonisolated(unsafe) private static var cache: [String: TarIndex] = [:]

  /// The index of `path`, built on first use.
  static func of(_ path: String) throws -> TarIndex {
    lock.lock()
    if let i = cache[path] {
      lock.unlock()
      return i
    }
    lock.unlock()
    let index = try TarIndex(path: path)
    lock.lock()
    // Keep the cache small: a long run visits shards one after another.
    if cache.count > 64 { cache.removeAll() }
    cache[path] = index
    lock.unlock()
    return index
  }

  private init(path: String) throws {
    self.path = path
    guard let a = archive_read_new() else { throw ShardFileError.read(path: path, detail: "libarchive could not allocate a reader") }
    defer { archive_read_free(a) }
    archive_read_support_format_tar(a)
    guard archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK else {
      throw ShardFileError.read(path: path, detail: "cannot open as a tar archive (\(archiveMessage(a)))")
    }
    // Header positions only: a member's data ends where the next header starts, less the
    // padding to the 512-byte block (the end-of-archive marker counts as the last "next header").
    var entries: [(name: String, header: Int, size: Int, regular: Bool)] = []
    var entry: OpaquePointer?
    var end = 0
    while true {
      let r = archive_read_next_header(a, &entry)
      let position = Int(archive_read_header_position(a))
      if r == ARCHIVE_EOF {
        end = position
        break
      }
      guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry else {
        throw ShardFileError.read(
          path: path, detail: "damaged tar after member \(entries.last?.name ?? "(start)") (\(archiveMessage(a)))")
      }
      let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) } ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
      entries.append((name, position, Int(archive_entry_size(entry)), archive_entry_filetype(entry) == UInt32(0o100000)))
    }
    var members: [Member] = []
    var byName: [String: Int] = [:]
    for (k, e) in entries.enumerated() where e.regular {
      let next = k + 1 < entries.count ? entries[k + 1].header : end
      let padded = (e.size + 511) / 512 * 512
      let offset = next - padded
      guard offset >= e.header + 512 else {
        throw ShardFileError.read(path: path, detail: "member \(e.name): cannot locate its data (compressed or damaged tar?)")
      }
      byName[e.name] = members.count
      members.append(Member(name: e.name, offset: offset, size: e.size))
    }
    self.members = members
    self.byName = byName
  }

  /// The member called `name`, or nil.
  func member(_ name: String) -> Member? { byName[name].map { members[$0] } }

  /// Reads `member`'s bytes.
  func read(_ member: Member) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ShardFileError.read(path: path, detail: "cannot open (\(String(cString: strerror(errno))))") }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: member.size)
    var got = 0
    while got < member.size {
      let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, member.size - got, off_t(member.offset + got)) }
      guard n > 0 else {
        throw ShardFileError.read(path: path, detail: "member \(member.name) is cut short; the tar is truncated")
      }
      got += n
    }
    return bytes
  }
}

/// libarchive's message for the last error of `a` (it may have none).
private func archiveMessage(_ a: OpaquePointer) -> String {
  archive_error_string(a).map { String(cString: $0) } ?? "libarchive error \(archive_errno(a))"
}
