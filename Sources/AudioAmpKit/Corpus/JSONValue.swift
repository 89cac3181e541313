import Foundation

/// A JSON value that keeps object keys in their written order.
///
/// Manifests are read and written through this type rather than `JSONSerialization`, so that the
/// fields a source manifest carries come out in the same order and the output bytes are the same
/// on every run and platform (Foundation's dictionaries have no stable order).
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// The value under `key` of an object (first occurrence), or nil.
  public subscript(key: String) -> JSONValue? {
    if case .object(let pairs) = self { return pairs.first(where: { $0.0 == key })?.1 }
    return nil
  }

  /// The string, when this is a string.
  public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
  /// The number, when this is a number.
  public var numberValue: Double? { if case .number(let d) = self { return d } else { return nil } }

  /// Serialises on one line: no spaces, keys in order, non-ASCII text kept as UTF-8, numbers
  /// printed by `JSONValue.format(_:)`.
  public var serialized: String {
    var out = ""
    write(to: &out)
    return out
  }

  private func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let d): out += JSONValue.format(d)
    case .string(let s): JSONValue.writeString(s, to: &out)
    case .array(let items):
      out += "["
      for (i, v) in items.enumerated() {
        if i > 0 { out += "," }
        v.write(to: &out)
      }
      out += "]"
    case .object(let pairs):
      out += "{"
      for (i, (k, v)) in pairs.enumerated() {
        if i > 0 { out += "," }
        JSONValue.writeString(k, to: &out)
        out += ":"
        v.write(to: &out)
      }
      out += "}"
    }
  }

  /// Formats a number the same way everywhere: integers without a fraction, others with up to
  /// six decimals and no trailing zeros; non-finite values (which JSON lacks) as null.
  public static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    var s = String(format: "%.6f", d)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s == "-0" ? "0" : s
  }

  private static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        out += String(format: "\\u%04x", u.value)
      default: out.unicodeScalars.append(u)
      }
    }
    out += "\""
  }
}

/// Why a line could not be read as JSON; `offset` is the byte position (0-based) of the problem.
public struct JSONParseError: Error, Sendable, Equatable {
  public var offset: Int
  public var message: String
}

extension JSONValue {
  /// Parses one line of a JSON-lines file that must hold an object; problems come back as the
  /// corpus error for `origin` ("file:line"), `shape` naming the fields the line should have.
  static func parseObjectLine(_ line: String, origin: String, shape: String) -> Result<(JSONValue, [(String, JSONValue)]), CorpusError> {
    let value: JSONValue
    do {
      value = try JSONValue.parse(line)
    } catch let e as JSONParseError {
      return .failure(
        .badEntry(
          origin: origin, id: nil,
          detail: "not valid JSON (\(e.message) at character \(e.offset + 1)); each line must be one JSON object"))
    } catch {
      return .failure(.badEntry(origin: origin, id: nil, detail: "not valid JSON"))
    }
    guard case .object(let pairs) = value else {
      return .failure(.badEntry(origin: origin, id: nil, detail: "line is JSON but not an object; each line must be \(shape)"))
    }
    return .success((value, pairs))
  }

  /// Parses one JSON document (RFC 8259). Object keys keep their order; duplicate keys are kept
  /// as written (lookups take the first).
  public static func parse(_ text: String) throws -> JSONValue {
    var p = JSONParser(bytes: Array(text.utf8))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    if p.i != p.bytes.count { throw p.fail("unexpected text after the JSON value") }
    return v
  }
}

private struct JSONParser {
  let bytes: [UInt8]
  var i = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  func fail(_ message: String) -> JSONParseError { JSONParseError(offset: i, message: message) }

  mutating func skipSpace() {
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
      i += 1
    }
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < 512 else { throw fail("nesting deeper than 512 levels") }
    guard i < bytes.count else { throw fail("unexpected end of line") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var pairs: [(String, JSONValue)] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
      while true {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
        let k = try string()
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(k)\"") }
        i += 1
        skipSpace()
        pairs.append((k, try value(depth: depth + 1)))
        skipSpace()
        guard i < bytes.count else { throw fail("unterminated object") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
        if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
        throw fail("expected ',' or '}' in object")
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JSONValue] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard i < bytes.count else { throw fail("unterminated array") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
        if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        throw fail("expected ',' or ']' in array")
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default:
      return .number(try number())
    }
  }

  mutating func literal(_ word: String) throws {
    let w = Array(word.utf8)
    guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
      throw fail("unexpected character")
    }
    i += w.count
  }

  mutating func number() throws -> Double {
    let start = i
    while i < bytes.count, let c = Optional(bytes[i]),
      (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2B || c == 0x2E || c == 0x65 || c == 0x45
    {
      i += 1
    }
    guard i > start, let s = String(bytes: bytes[start..<i], encoding: .ascii), let d = Double(s),
      s.first != "+", s.first != "."
    else {
      i = start
      throw fail("unexpected character")
    }
    return d
  }

  mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count, let s = String(bytes: bytes[i..<i + 4], encoding: .ascii),
      let v = UInt32(s, radix: 16)
    else { throw fail("bad \\u escape") }
    i += 4
    return v
  }

  mutating func string() throws -> String {
    i += 1  // opening quote
    var out = [UInt8]()
    while true {
      guard i < bytes.count else { throw fail("unterminated string") }
      let c = bytes[i]
      if c == UInt8(ascii: "\"") { i += 1; break }
      if c < 0x20 { throw fail("control character in string") }
      if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
      i += 1
      guard i < bytes.count else { throw fail("unterminated escape") }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
          guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
            throw fail("unpaired surrogate in \\u escape")
          }
          i += 2
          let low = try hex4()
          guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
        out.append(contentsOf: Array(String(Character(u)).utf8))
      default: throw fail("unknown escape \\\(Character(Unicode.Scalar(e)))")
      }
    }
    guard let s = String(bytes: out, encoding: .utf8) else { throw fail("string is not valid UTF-8") }
    return s
  }
}
