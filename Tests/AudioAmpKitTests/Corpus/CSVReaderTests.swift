import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct CSVReaderTests {
    func records(_ text: String) throws -> [Result<CSVReader.Record, CSVReader.ParseError>] {
      let path = makeTempDir() + "/t.csv"
      CorpusFixture.write(text, to: path)
      let csv = try CSVReader(path: path)
      return Array(AnyIterator { csv.next() })
    }

    @Test func quotedFieldsAndLineEndsSurviveChunkBoundaries() throws {
      // Rows of every length from 1 to 300 bytes put each kind of byte ("\r" of a "\r\n", a
      // doubled quote, a quoted line break) across the 64 KiB chunk boundary.
      var text = ""
      var expected: [[String]] = []
      var line = 1
      var lines: [Int] = []
      for i in 0..<900 {
        let pad = String(repeating: "x", count: i % 300)
        let ending = i % 2 == 0 ? "\r\n" : "\n"
        text += "\(i),\"q\(pad)\"\"\r\nz\",\(pad)" + ending
        expected.append(["\(i)", "q\(pad)\"\r\nz", pad])
        lines.append(line)
        line += 2
      }
      let got = try records(text).map { try $0.get() }
      #expect(text.utf8.count > 3 << 16)
      #expect(got.map(\.fields) == expected)
      #expect(got.map(\.line) == lines)
    }

    @Test func emptyFieldsBlankLinesAndTheByteOrderMark() throws {
      let got = try records("\u{FEFF}a,,\"\"\n\n\r\n,\n\"\"\nlast,\"x\"").map { try $0.get() }
      #expect(got.map(\.fields) == [["a", "", ""], ["", ""], [""], ["last", "x"]])
      #expect(got.map(\.line) == [1, 4, 5, 6])
    }
  }
}
