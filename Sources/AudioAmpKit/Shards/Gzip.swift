import CZlib
import Foundation

/// Gzip (RFC 1952) through zlib, for Lhotse Shar's `cuts.NNNNNN.jsonl.gz`.
enum Gzip {
  /// Compresses the file at `source` into a gzip file at `destination`, streaming 1 MiB at a
  /// time. The header carries no name and mtime 0, so the same input gives the same bytes.
  static func compressFile(_ source: String, to destination: String) throws {
    guard let input = FileHandle(forReadingAtPath: source) else {
      throw ShardFileError.write(path: destination, detail: "cannot read \(source)")
    }
    defer { try? input.close() }
    guard FileManager.default.createFile(atPath: destination, contents: nil),
      let output = FileHandle(forWritingAtPath: destination)
    else { throw ShardFileError.write(path: destination, detail: "cannot create") }
    defer { try? output.close() }
    var stream = z_stream()
    // windowBits 15 + 16 asks zlib for a gzip wrapper; level 6 is gzip's own default.
    guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw ShardFileError.write(path: destination, detail: "zlib could not start a gzip stream")
    }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: 1 << 16)
    var done = false
    while !done {
      var chunk = [UInt8](input.readData(ofLength: 1 << 20))
      let flush = chunk.isEmpty ? Z_FINISH : Z_NO_FLUSH
      try chunk.withUnsafeMutableBufferPointer { inBuf in
        stream.next_in = inBuf.baseAddress
        stream.avail_in = UInt32(inBuf.count)
        repeat {
          let produced = out.withUnsafeMutableBufferPointer { outBuf -> Int in
            stream.next_out = outBuf.baseAddress
            stream.avail_out = UInt32(outBuf.count)
            let r = deflate(&stream, flush)
            if r == Z_STREAM_END { done = true }
            return outBuf.count - Int(stream.avail_out)
          }
          if produced > 0 {
            do { try output.write(contentsOf: out[0..<produced]) } catch {
              throw ShardFileError.write(path: destination, detail: "\(error)")
            }
          }
        } while stream.avail_out == 0 || (flush == Z_FINISH && !done)
      }
    }
    do { try output.synchronize() } catch { throw ShardFileError.write(path: destination, detail: "\(error)") }
  }

  /// Decompresses a whole gzip file into memory (for reading Shar cut manifests back).
  static func decompressFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ShardFileError.read(path: path, detail: "cannot read")
    }
    var input = [UInt8](data)
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw ShardFileError.read(path: path, detail: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var result: [UInt8] = []
    var out = [UInt8](repeating: 0, count: 1 << 16)
    try input.withUnsafeMutableBufferPointer { inBuf in
      stream.next_in = inBuf.baseAddress
      stream.avail_in = UInt32(inBuf.count)
      while true {
        var r: Int32 = Z_OK
        let produced = out.withUnsafeMutableBufferPointer { outBuf -> Int in
          stream.next_out = outBuf.baseAddress
          stream.avail_out = UInt32(outBuf.count)
          r = inflate(&stream, Z_NO_FLUSH)
          return outBuf.count - Int(stream.avail_out)
        }
        result.append(contentsOf: out[0..<produced])
        if r == Z_STREAM_END { return }
        guard r == Z_OK || (r == Z_BUF_ERROR && produced > 0) else {
          throw ShardFileError.read(path: path, detail: "not a valid gzip file or cut short (zlib error \(r))")
        }
        if stream.avail_in == 0 && produced == 0 {
          throw ShardFileError.read(path: path, detail: "gzip stream is cut short")
        }
      }
    }
    return result
  }
}
