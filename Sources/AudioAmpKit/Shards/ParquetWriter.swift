import Foundation

/// One cell of a Parquet row.
enum ParquetCell: Equatable {
  case null
  case bytes([UInt8])
  case double(Double)
  case int64(Int64)
}

/// A leaf column of the flat-or-one-level-struct schemas audioamp writes.
struct ParquetColumn {
  enum Kind { case binary, string, double, int64 }
  /// Top-level name (the group's name for a struct member).
  var name: String
  /// Member name inside the struct `name`, or nil for a top-level column.
  var member: String?
  var kind: Kind

  /// Highest definition level: every field is nullable (as pyarrow and `datasets` write them),
  /// so 1 for a top-level column, 2 for a struct member.
  var maxDefinition: UInt8 { member == nil ? 1 : 2 }
}

/// Writes a Parquet file (Apache Parquet format 2.x, readable by pyarrow and Hugging Face
/// `datasets`) from rows spooled to disk.
///
/// Hand-written because no Parquet or Arrow library is available to this build (no Debian 12
/// package, no allowed Swift package). The subset written: format version 1 footer in Thrift
/// compact protocol; nullable flat columns plus one level of nullable struct (`audio {bytes,
/// path}`), nullable because `datasets` only takes its features metadata for fields whose
/// Arrow type, nullability included, matches; BYTE_ARRAY (UTF8-annotated for strings), DOUBLE and INT64 types;
/// one uncompressed data page (v1) per column chunk in PLAIN encoding with RLE definition
/// levels; row groups of at most `rowGroupBytes` of values; key-value metadata (the
/// `huggingface` features entry). Everything is deterministic: the same rows give the same bytes.
///
/// Rows are first appended to a spool file (so a shard in progress survives a crash and is
/// resumed by truncating the spool), and `write(spool:to:)` assembles the Parquet file from it
/// one row group at a time, so memory holds one row group, never the whole file.
struct ParquetWriter {
  let columns: [ParquetColumn]
  let metadata: [(String, String)]
  var rowGroupBytes = 64 << 20
  var rowGroupRows = 10_000

  // MARK: spool

  /// Appends one row (cells in column order) to the spool at `spool`, as a length-prefixed record.
  static func spoolRecord(_ cells: [ParquetCell]) -> [UInt8] {
    var body: [UInt8] = []
    for c in cells {
      switch c {
      case .null: body.append(0)
      case .bytes(let b):
        body.append(1)
        appendLE(&body, UInt32(b.count))
        body.append(contentsOf: b)
      case .double(let d):
        body.append(2)
        appendLE(&body, d.bitPattern)
      case .int64(let i):
        body.append(3)
        appendLE(&body, UInt64(bitPattern: i))
      }
    }
    var out: [UInt8] = []
    appendLE(&out, UInt32(body.count))
    out.append(contentsOf: body)
    return out
  }

  /// Reads spool records back, one row at a time.
  final class SpoolReader {
    let path: String
    private let handle: FileHandle
    init(path: String) throws {
      self.path = path
      guard let h = FileHandle(forReadingAtPath: path) else { throw ShardFileError.read(path: path, detail: "cannot open the row spool") }
      handle = h
    }
    deinit { try? handle.close() }

    func next(columns: Int) throws -> [ParquetCell]? {
      let head = handle.readData(ofLength: 4)
      if head.isEmpty { return nil }
      guard head.count == 4 else { throw ShardFileError.read(path: path, detail: "row spool is cut short") }
      let n = Int(readLE32([UInt8](head), 0))
      let body = [UInt8](handle.readData(ofLength: n))
      guard body.count == n else { throw ShardFileError.read(path: path, detail: "row spool is cut short") }
      var cells: [ParquetCell] = []
      var i = 0
      for _ in 0..<columns {
        guard i < n else { throw ShardFileError.read(path: path, detail: "row spool record has too few cells") }
        let tag = body[i]
        i += 1
        switch tag {
        case 0: cells.append(.null)
        case 1:
          let len = Int(readLE32(body, i))
          i += 4
          cells.append(.bytes(Array(body[i..<i + len])))
          i += len
        case 2:
          cells.append(.double(Double(bitPattern: readLE64(body, i))))
          i += 8
        default:
          cells.append(.int64(Int64(bitPattern: readLE64(body, i))))
          i += 8
        }
      }
      return cells
    }
  }

  // MARK: file

  /// Assembles the Parquet file at `path` from the rows in `spool`.
  func write(spool: String, to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
      throw ShardFileError.write(path: path, detail: "cannot create")
    }
    defer { try? out.close() }
    var offset = 0
    func emit(_ bytes: [UInt8]) throws {
      do { try out.write(contentsOf: bytes) } catch { throw ShardFileError.write(path: path, detail: "\(error)") }
      offset += bytes.count
    }
    try emit(Array("PAR1".utf8))
    let reader = try SpoolReader(path: spool)
    var groups: [(rows: Int, chunks: [(offset: Int, size: Int, values: Int)], bytes: Int)] = []
    var totalRows = 0
    var pending: [[ParquetCell]] = []
    var pendingBytes = 0
    func flushGroup() throws {
      guard !pending.isEmpty else { return }
      var chunks: [(Int, Int, Int)] = []
      var groupBytes = 0
      for (c, col) in columns.enumerated() {
        let page = Self.page(pending.map { $0[c] }, column: col)
        chunks.append((offset, page.count, pending.count))
        groupBytes += page.count
        try emit(page)
      }
      groups.append((pending.count, chunks, groupBytes))
      totalRows += pending.count
      pending.removeAll(keepingCapacity: true)
      pendingBytes = 0
    }
    while let row = try reader.next(columns: columns.count) {
      pending.append(row)
      for cell in row { if case .bytes(let b) = cell { pendingBytes += b.count + 4 } else { pendingBytes += 8 } }
      if pendingBytes >= rowGroupBytes || pending.count >= rowGroupRows { try flushGroup() }
    }
    try flushGroup()
    let footer = footerBytes(groups: groups, rows: totalRows)
    try emit(footer)
    var len: [UInt8] = []
    appendLE(&len, UInt32(footer.count))
    try emit(len + Array("PAR1".utf8))
    do { try out.synchronize() } catch { throw ShardFileError.write(path: path, detail: "\(error)") }
  }

  /// One data page (header + levels + PLAIN values) holding a whole column chunk.
  static func page(_ cells: [ParquetCell], column: ParquetColumn) -> [UInt8] {
    var body: [UInt8] = []
    // Definition levels (RLE/bit-packed hybrid, bit width 1 or 2, so one byte per run value) as
    // runs of equal levels: maxDefinition for a value, 0 for a null.
    let top = column.maxDefinition
    var levels: [UInt8] = []
    var i = 0
    while i < cells.count {
      let v: UInt8 = cells[i] == .null ? 0 : top
      var j = i
      while j < cells.count && (cells[j] == .null ? 0 : top) == v { j += 1 }
      varint(&levels, UInt64(j - i) << 1)
      levels.append(v)
      i = j
    }
    appendLE(&body, UInt32(levels.count))
    body.append(contentsOf: levels)
    for c in cells {
      switch c {
      case .null: continue
      case .bytes(let b):
        appendLE(&body, UInt32(b.count))
        body.append(contentsOf: b)
      case .double(let d): appendLE(&body, d.bitPattern)
      case .int64(let x): appendLE(&body, UInt64(bitPattern: x))
      }
    }
    var h = ThriftCompactWriter()
    h.i32(1, 0)  // DATA_PAGE
    h.i32(2, Int32(body.count))
    h.i32(3, Int32(body.count))
    h.beginStruct(5)
    h.i32(1, Int32(cells.count))
    h.i32(2, 0)  // PLAIN
    h.i32(3, 3)  // RLE
    h.i32(4, 3)  // RLE
    h.endStruct()
    h.stop()
    return h.bytes + body
  }

  private func physicalType(_ k: ParquetColumn.Kind) -> Int32 {
    switch k {
    case .binary, .string: return 6
    case .double: return 5
    case .int64: return 2
    }
  }

  private func footerBytes(groups: [(rows: Int, chunks: [(offset: Int, size: Int, values: Int)], bytes: Int)], rows: Int) -> [UInt8] {
    // Schema elements in depth-first order: root, then each top-level field (a struct's
    // members right after it).
    var topLevel: [(name: String, members: [ParquetColumn])] = []
    for c in columns {
      if let m = c.member, !m.isEmpty, let last = topLevel.last, last.name == c.name, last.members.first?.member != nil {
        topLevel[topLevel.count - 1].members.append(c)
      } else {
        topLevel.append((c.name, [c]))
      }
    }
    var t = ThriftCompactWriter()
    t.i32(1, 1)
    var elements = 1
    for f in topLevel { elements += f.members.first?.member != nil ? 1 + f.members.count : 1 }
    t.beginList(2, elementType: 12, count: elements)
    t.beginElement()
    t.string(4, "schema")
    t.i32(5, Int32(topLevel.count))
    t.endStruct()
    func leaf(_ c: ParquetColumn, name: String) {
      t.beginElement()
      t.i32(1, physicalType(c.kind))
      t.i32(3, 1)  // OPTIONAL
      t.string(4, name)
      if c.kind == .string { t.i32(6, 0) }  // UTF8
      t.endStruct()
    }
    for f in topLevel {
      if f.members.first?.member != nil {
        t.beginElement()
        t.i32(3, 1)  // OPTIONAL
        t.string(4, f.name)
        t.i32(5, Int32(f.members.count))
        t.endStruct()
        for m in f.members { leaf(m, name: m.member!) }
      } else {
        leaf(f.members[0], name: f.name)
      }
    }
    t.i64(3, Int64(rows))
    t.beginList(4, elementType: 12, count: groups.count)
    for g in groups {
      t.beginElement()
      t.beginList(1, elementType: 12, count: columns.count)
      for (c, col) in columns.enumerated() {
        let chunk = g.chunks[c]
        t.beginElement()
        t.i64(2, Int64(chunk.offset))
        t.beginStruct(3)
        t.i32(1, physicalType(col.kind))
        t.beginList(2, elementType: 5, count: 2)
        t.listI32(0)  // PLAIN
        t.listI32(3)  // RLE
        let path = col.member.map { [col.name, $0] } ?? [col.name]
        t.beginList(3, elementType: 8, count: path.count)
        for p in path { t.listString(p) }
        t.i32(4, 0)  // UNCOMPRESSED
        t.i64(5, Int64(chunk.values))
        t.i64(6, Int64(chunk.size))
        t.i64(7, Int64(chunk.size))
        t.i64(9, Int64(chunk.offset))
        t.endStruct()
        t.endStruct()
      }
      t.i64(2, Int64(g.bytes))
      t.i64(3, Int64(g.rows))
      t.endStruct()
    }
    if !metadata.isEmpty {
      t.beginList(5, elementType: 12, count: metadata.count)
      for (k, v) in metadata {
        t.beginElement()
        t.string(1, k)
        t.string(2, v)
        t.endStruct()
      }
    }
    t.string(6, "audioamp \(AudioAmpVersion.string)")
    t.stop()
    return t.bytes
  }
}

/// Thrift compact protocol encoder, just what the Parquet footer and page headers need.
struct ThriftCompactWriter {
  var bytes: [UInt8] = []
  private var lastField: [Int16] = [0]

  private mutating func header(_ id: Int16, _ type: UInt8) {
    let delta = id - lastField[lastField.count - 1]
    if delta > 0 && delta <= 15 {
      bytes.append(UInt8(delta) << 4 | type)
    } else {
      bytes.append(type)
      varint(&bytes, zigzag(Int64(id)))
    }
    lastField[lastField.count - 1] = id
  }

  mutating func i32(_ id: Int16, _ v: Int32) {
    header(id, 5)
    varint(&bytes, zigzag(Int64(v)))
  }

  mutating func i64(_ id: Int16, _ v: Int64) {
    header(id, 6)
    varint(&bytes, zigzag(v))
  }

  mutating func string(_ id: Int16, _ s: String) {
    header(id, 8)
    listString(s)
  }

  mutating func beginStruct(_ id: Int16) {
    header(id, 12)
    lastField.append(0)
  }

  /// Starts a struct that is an element of a list (no field header).
  mutating func beginElement() { lastField.append(0) }

  mutating func endStruct() {
    bytes.append(0)
    lastField.removeLast()
  }

  /// The stop byte of the outermost struct.
  mutating func stop() { bytes.append(0) }

  mutating func beginList(_ id: Int16, elementType: UInt8, count: Int) {
    header(id, 9)
    if count < 15 {
      bytes.append(UInt8(count) << 4 | elementType)
    } else {
      bytes.append(0xF0 | elementType)
      varint(&bytes, UInt64(count))
    }
  }

  mutating func listI32(_ v: Int32) { varint(&bytes, zigzag(Int64(v))) }

  mutating func listString(_ s: String) {
    let u = Array(s.utf8)
    varint(&bytes, UInt64(u.count))
    bytes.append(contentsOf: u)
  }
}

private func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

private func varint(_ out: inout [UInt8], _ v: UInt64) {
  var x = v
  while x >= 0x80 {
    out.append(UInt8(x & 0x7F) | 0x80)
    x >>= 7
  }
  out.append(UInt8(x))
}

func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
  withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
}

func readLE32(_ b: [UInt8], _ i: Int) -> UInt32 {
  UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

func readLE64(_ b: [UInt8], _ i: Int) -> UInt64 {
  UInt64(readLE32(b, i)) | UInt64(readLE32(b, i + 4)) << 32
}
