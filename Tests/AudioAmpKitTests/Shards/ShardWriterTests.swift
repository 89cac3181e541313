import AudioAmpTestSupport
import Foundation
import Testing

@testable import AudioAmpKit

/// The container writers on their own: Parquet cells as pyarrow reads them, tar members as
/// libarchive reads them back, in-memory encoding equal to file encoding, size parsing.
@Suite struct ShardWriterTests {
  @Test func shardSizesParse() {
    let cases: [(String, Int?)] = [
      ("1GB", 1_000_000_000), ("500MB", 500_000_000), ("64KiB", 65_536), ("2GiB", 2_147_483_648), ("1000", 1000),
      ("1.5 MB", 1_500_000), ("10kb", 10_000), ("0", nil), ("-1GB", nil), ("1XB", nil), ("", nil), ("GB", nil),
    ]
    for (text, want) in cases { #expect(ShardOptions.parseSize(text) == want, "\(text)") }
  }

  @Test func memoryEncodingEqualsFileEncoding() throws {
    let dir = makeTempDir()
    let x = Signals.sine(440, seconds: 0.7, rate: 16000, amplitude: 0.4)
    for format in [AudioFileFormat.wav16, .flac16] {
      let path = dir + "/a.\(format.rawValue)"
      try SoundFile.write(x, sampleRate: 16000, to: path, format: format)
      let bytes = try SoundFile.encode(x, sampleRate: 16000, format: format, label: "a")
      #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes, "\(format)")
      let (y, rate) = try SoundFile.decode(bytes, label: "a")
      #expect(rate == 16000 && y.count == x.count)
      // 16-bit PCM: within half a step of the input everywhere.
      #expect(zip(x, y).map { abs($0 - $1) }.max()! <= 1.0 / 32768 + 1e-6, "\(format)")
    }
    #expect(throws: AudioFileError.self) { try SoundFile.decode([1, 2, 3, 4, 5, 6, 7, 8], label: "junk") }
  }

  @Test func tarMembersReadBackAndResumeMidArchive() throws {
    let dir = makeTempDir()
    let members: [(String, [UInt8])] = [
      ("a.flac", [UInt8](repeating: 7, count: 1000)), ("a.json", Array("{}".utf8)), ("b.wav", []),
      ("ünï/" + String(repeating: "long", count: 40) + ".txt", Array(repeating: 1, count: 513)),
    ]
    let whole = TarArchiveWriter.self
    let w = try whole.init(path: dir + "/whole.tar")
    for (n, b) in members { try w.add(name: n, bytes: b) }
    try w.finish()
    // The same members written in two sessions, the first cut off without a trailer.
    let first = try TarArchiveWriter(path: dir + "/split.tar")
    for (n, b) in members.prefix(2) { try first.add(name: n, bytes: b) }
    let cut = first.length
    try first.add(name: "junk", bytes: [9, 9, 9])
    try first.sync()
    let second = try TarArchiveWriter(path: dir + "/split.tar", resumingAt: cut)
    for (n, b) in members.dropFirst(2) { try second.add(name: n, bytes: b) }
    try second.finish()
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole.tar"))
    #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir + "/split.tar"))))
    let index = try TarIndex.of(dir + "/whole.tar")
    #expect(index.members.map(\.name) == members.map(\.0))
    for (n, b) in members { #expect(try index.read(index.member(n)!) == b, "\(n)") }
    let r = try TarArchiveReader(path: dir + "/whole.tar")
    var names: [String] = []
    while let m = try r.next() { names.append(m.name) }
    #expect(names == members.map(\.0))
  }

  @Test(.enabled(if: PythonTool.has("pyarrow")))
  func pyarrowReadsEveryParquetCell() throws {
    let dir = makeTempDir()
    let columns = [
      ParquetColumn(name: "audio", member: "bytes", kind: .binary), ParquetColumn(name: "audio", member: "path", kind: .string),
      ParquetColumn(name: "name", kind: .string), ParquetColumn(name: "x", kind: .double), ParquetColumn(name: "n", kind: .int64),
    ]
    var spool: [UInt8] = []
    var expected: [String] = []
    for i in 0..<23 {
      let name: ParquetCell = i % 4 == 1 ? .null : .bytes(Array("ü\(i)".utf8))
      spool += ParquetWriter.spoolRecord([
        .bytes([UInt8](repeating: UInt8(i), count: i * 3)), .bytes(Array("p\(i).flac".utf8)), name,
        .double(Double(i) / 8 - 1), .int64(Int64(i) * 1_000_000_007 - 5),
      ])
      expected.append("\(i * 3) p\(i).flac \(i % 4 == 1 ? "None" : "ü\(i)") \(Double(i) / 8 - 1) \(Int64(i) * 1_000_000_007 - 5)")
    }
    #expect(FileManager.default.createFile(atPath: dir + "/rows.spool", contents: Data(spool)))
    var writer = ParquetWriter(columns: columns, metadata: [("k", "v")])
    writer.rowGroupRows = 5  // five row groups, the last short
    try writer.write(spool: dir + "/rows.spool", to: dir + "/t.parquet")
    let r = try PythonTool.script(
      """
      import sys, pyarrow.parquet as pq
      f = pq.ParquetFile(sys.argv[1])
      print(f.metadata.num_row_groups, f.schema_arrow.metadata[b"k"].decode())
      for row in f.read().to_pylist():
          print(len(row["audio"]["bytes"]), row["audio"]["path"], row["name"], float(row["x"]), row["n"])
      """, [dir + "/t.parquet"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "5 v")
    #expect(Array(lines.dropFirst()) == expected)
  }
}
