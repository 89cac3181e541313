import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct KaldiCTMTests {
    func makeDir(_ files: [String: String]) -> String {
      let dir = makeTempDir()
      for (name, body) in files { CorpusFixture.write(body, to: dir + "/" + name) }
      return dir
    }

    @Test func ctmWordsAttachToTheirUtterancesInSeconds() throws {
      let dir = makeDir([
        "wav.scp": "r1 /data/r1.wav\n",
        "segments": "a r1 0 1.5\nb r1 1.5 3\nc r1 3 4\n",
        "text": "a HELLO WORLD\nb NOTHING ALIGNED\nc BYE\n",
        "ctm":
          "0extra 1 0 1 SKIPPED\na 1 0.10 0.25 HELLO 0.98\na 1 0.40 0.5 WORLD 1\nc 1 0.0 0.3 BYE\nzz 1 0 1 AFTER\n",
      ])
      let got = try CorpusFixture.all(KaldiDataDirReader(directory: dir)).map { try $0.get() }
      #expect(got.map(\.id) == ["a", "b", "c"])
      #expect(
        JSONValue.object(got[0].extra)
          == .object([
            (
              "words",
              .array([
                .object([
                  ("word", .string("HELLO")), ("start", .number(0.1)), ("end", .number(0.35)),
                  ("conf", .number(0.98)),
                ]),
                .object([
                  ("word", .string("WORLD")), ("start", .number(0.4)), ("end", .number(0.9)),
                  ("conf", .number(1)),
                ]),
              ])
            )
          ]))
      #expect(got[1].extra.isEmpty)
      #expect(
        JSONValue.object(got[2].extra).serialized
          == #"{"words":[{"word":"BYE","start":0,"end":0.3}]}"#)
    }

    @Test func unsortedFilesAndBadLinesAreRefused() throws {
      let unsortedText = makeDir([
        "wav.scp": "a /a.wav\nb /b.wav\n", "text": "b X\na Y\n", "ctm": "a 1 0 1 Y\n",
      ])
      #expect(
        throws: CorpusError.badEntry(
          origin: unsortedText + "/text:2", id: "a",
          detail:
            "text is not sorted by utterance id ('a' comes after 'b'); words from the ctm are matched to utterances in sorted order: sort it with LC_ALL=C sort (or utils/fix_data_dir.sh)"
        )
      ) {
        try KaldiDataDirReader(directory: unsortedText).entries()
      }
      let dir = makeDir([
        "wav.scp": "a /a.wav\nb /b.wav\n", "text": "a X\nb Y\n",
        "my.ctm": "a 1 0 one X\nb 1 0 1 Y\n",
      ])
      let got = try CorpusFixture.all(KaldiDataDirReader(directory: dir, ctm: dir + "/my.ctm"))
      #expect(
        CorpusFixture.messages(got) == [
          "\(dir)/my.ctm:1: utterance 'a': ctm line must be '<utt-id> <channel> <start-s> <duration-s> <word> [<confidence>]' with start and duration ≥ 0"
        ])
      #expect(CorpusFixture.utterances(got).map(\.id) == ["b"])
    }

    @Test func duplicateTextIDsNameTheFirstLine() throws {
      let dir = makeDir(["wav.scp": "a /a.wav\n", "text": "a X\na Y\n"])
      #expect(
        CorpusFixture.messages(try CorpusFixture.all(KaldiDataDirReader(directory: dir))) == [
          "\(dir)/text:2: utterance id 'a' appears again (first at \(dir)/text:1); ids must be unique because outputs are named after them"
        ])
    }
  }
}
