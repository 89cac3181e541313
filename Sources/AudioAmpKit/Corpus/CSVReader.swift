import Foundation

/// Reads a comma-separated file record by record, without loading it whole (RFC 4180).
///
/// A field in double quotes may hold commas, line breaks and doubled quotes (`""` → `"`); its
/// bytes are otherwise kept exactly, "\r\n" inside quotes included. Records end at "\n" or
/// "\r\n". A quote inside an unquoted field is an ordinary character (as spreadsheet programs
/// and Python's csv module read it). A UTF-8 byte-order mark at the start is skipped, and blank
/// lines are skipped. Memory holds one 64 KiB chunk and the current record.
final class CSVReader {
  /// One record and the line it starts on (1-based, counting physical lines).
  struct Record {
    var line: Int
    var fields: [String]
  }

  /// A record that cannot be parsed; reading goes on at the next line.
  struct ParseError: Error {
    var line: Int
    var message: String
  }

  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private var index = 0
  private var eof = false
  private var line = 1
  private var atStart = true

  init(path: String) throws {
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw CorpusError.cannotOpen(path)
    }
    handle = h
  }

  deinit { try? handle.close() }

  private func peek() -> UInt8? {
    if index == buffer.count {
      if eof { return nil }
      let chunk = handle.readData(ofLength: 1 << 16)
      buffer = [UInt8](chunk)
      index = 0
      if buffer.isEmpty {
        eof = true
        return nil
      }
    }
    return buffer[index]
  }

  private func take() -> UInt8? {
    guard let b = peek() else { return nil }
    index += 1
    if b == 0x0A { line += 1 }
    return b
  }

  private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

  /// The next record, a parse error, or nil at the end of the file.
  func next() -> Result<Record, ParseError>? {
    if atStart {
      atStart = false
      if peek() == 0xEF {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if buffer.count - index >= 3, Array(buffer[index..<index + 3]) == bom { index += 3 }
      }
    }
    while true {
      guard peek() != nil else { return nil }
      let start = line
      var fields: [String] = []
      var field: [UInt8] = []
      var quotedAny = false
      recordLoop: while true {
        // One field per pass.
        field.removeAll(keepingCapacity: true)
        if peek() == Self.quote {
          quotedAny = true
          _ = take()
          while true {
            guard let b = take() else {
              return .failure(
                ParseError(line: start, message: "a quoted field is never closed (no matching \")"))
            }
            if b == Self.quote {
              if peek() == Self.quote {
                _ = take()
                field.append(Self.quote)
              } else {
                break
              }
            } else {
              field.append(b)
            }
          }
          fields.append(String(decoding: field, as: UTF8.self))
          switch peek() {
          case nil: break recordLoop
          case Self.comma?: _ = take()
          case Self.lf?:
            _ = take()
            break recordLoop
          case Self.cr? where isCRLF():
            _ = take()
            _ = take()
            break recordLoop
          default:
            let bad = line
            skipLine()
            return .failure(
              ParseError(
                line: bad,
                message:
                  "text after a closing quote; quote the whole field and double any \" inside it"))
          }
        } else {
          while let b = peek(), b != Self.comma, b != Self.lf, !(b == Self.cr && isCRLF()) {
            field.append(b)
            _ = take()
          }
          fields.append(String(decoding: field, as: UTF8.self))
          switch peek() {
          case Self.comma?: _ = take()
          case Self.lf?:
            _ = take()
            break recordLoop
          case Self.cr?:
            _ = take()
            _ = take()
            break recordLoop
          default: break recordLoop
          }
        }
      }
      if fields.count == 1 && fields[0].isEmpty && !quotedAny { continue }
      return .success(Record(line: start, fields: fields))
    }
  }

  /// Whether the byte at the cursor is "\r" followed by "\n" (looking across a chunk boundary).
  private func isCRLF() -> Bool {
    guard peek() == Self.cr else { return false }
    if index + 1 < buffer.count { return buffer[index + 1] == Self.lf }
    // The "\r" ends the chunk: keep it and read the next chunk after it.
    let rest = Array(buffer[index...])
    let chunk = handle.readData(ofLength: 1 << 16)
    if chunk.isEmpty { eof = true }
    buffer = rest + [UInt8](chunk)
    index = 0
    return buffer.count > 1 && buffer[1] == Self.lf
  }

  private func skipLine() {
    while let b = take(), b != Self.lf {}
  }
}
