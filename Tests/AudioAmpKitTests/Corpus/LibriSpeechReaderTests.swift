import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct LibriSpeechReaderTests {
    /// LibriSpeech/{dev-clean,train-clean-100}/<speaker>/<chapter>/ with transcripts and flacs.
    static func makeTree(_ dir: String) -> String {
      let root = dir + "/LibriSpeech"
      let chapters: [(String, String, [(String, String)])] = [
        (
          "train-clean-100", "19/198",
          [
            ("19-198-0000", "NORTHANGER ABBEY"),
            ("19-198-0001", "THIS LITTLE WORK WAS FINISHED IN THE YEAR EIGHTEEN O THREE"),
          ]
        ),
        ("train-clean-100", "19/227", [("19-227-0000", "CHAPTER ONE")]),
        (
          "train-clean-100", "103/1240",
          [("103-1240-0000", "CHAPTER ONE MISSUS RACHEL LYNDE IS SURPRISED")]
        ),
        ("dev-clean", "84/121123", [("84-121123-0000", "GO DO YOU HEAR")]),
      ]
      for (split, chapter, lines) in chapters {
        let folder = "\(root)/\(split)/\(chapter)"
        let stem = chapter.replacingOccurrences(of: "/", with: "-")
        CorpusFixture.write(
          lines.map { "\($0.0) \($0.1)\n" }.joined(), to: "\(folder)/\(stem).trans.txt")
        for (id, _) in lines { CorpusFixture.audio("\(folder)/\(id).flac") }
      }
      CorpusFixture.write("LibriSpeech ASR corpus\n", to: root + "/README.TXT")
      return root
    }

    @Test func readsEverySplitInByteOrderWithSpeakerAndFlacBesideTheTranscript() throws {
      let root = Self.makeTree(makeTempDir())
      let got = try CorpusFixture.all(LibriSpeechReader(directory: root)).map { try $0.get() }
      // "103" sorts before "19" by bytes; dev-clean before train-clean-100.
      #expect(
        got.map(\.id) == [
          "84-121123-0000", "103-1240-0000", "19-198-0000", "19-198-0001", "19-227-0000",
        ])
      let trans = "\(root)/train-clean-100/19/198/19-198.trans.txt"
      #expect(
        got[3]
          == Utterance(
            id: "19-198-0001", audioPath: "\(root)/train-clean-100/19/198/19-198-0001.flac",
            text: "THIS LITTLE WORK WAS FINISHED IN THE YEAR EIGHTEEN O THREE", speaker: "19",
            origin: trans + ":2"))
      #expect(got.map { $0.speaker! } == ["84", "103", "19", "19", "19"])
      #expect(
        got.allSatisfy { $0.extra.isEmpty && $0.offsetSeconds == 0 && $0.durationSeconds == nil })
    }

    @Test func oneSplitOrOneChapterIsReadToo() throws {
      let root = Self.makeTree(makeTempDir())
      let split = try CorpusFixture.all(LibriSpeechReader(directory: root + "/train-clean-100")).map
      { try $0.get().id }
      #expect(split == ["103-1240-0000", "19-198-0000", "19-198-0001", "19-227-0000"])
      let chapter = try CorpusFixture.all(
        LibriSpeechReader(directory: root + "/dev-clean/84/121123")
      ).map { try $0.get().id }
      #expect(chapter == ["84-121123-0000"])
    }

    @Test func badLinesAreReportedWithFileLineAndFix() throws {
      let dir = makeTempDir()
      let folder = dir + "/train/7/99"
      let trans = folder + "/7-99.trans.txt"
      CorpusFixture.write(
        "7-99-0000 FINE\r\n7-99-0001 NO AUDIO\n7-98-0002 WRONG CHAPTER\n7-99-0003\n7-99-0000 AGAIN\n\n7-99-0004 LAST LINE",
        to: trans)
      for id in ["7-99-0000", "7-99-0002", "7-99-0003", "7-99-0004", "7-99-0005"] {
        CorpusFixture.audio("\(folder)/\(id).flac")
      }
      let got = try CorpusFixture.all(LibriSpeechReader(directory: dir))
      #expect(got.count == 6)
      #expect(CorpusFixture.utterances(got).map(\.text) == ["FINE", "LAST LINE"])
      #expect(
        CorpusFixture.messages(got) == [
          "\(trans):2: utterance '7-99-0001': a transcript without audio: \(folder)/7-99-0001.flac not found",
          "\(trans):3: utterance '7-98-0002': id does not belong to this chapter: ids in 7-99.trans.txt must start with '7-99-'",
          "\(trans):4: utterance '7-99-0003': no transcript after the id; each line is '<utterance-id> <TRANSCRIPT>'",
          "\(trans):5: utterance id '7-99-0000' appears again (first at \(trans):1); ids must be unique because outputs are named after them",
        ])
    }

    @Test func aChapterFoundTwiceIsRefused() throws {
      let dir = makeTempDir()
      for split in ["a", "b"] {
        CorpusFixture.write("5-6-0000 X\n", to: "\(dir)/\(split)/5/6/5-6.trans.txt")
        CorpusFixture.audio("\(dir)/\(split)/5/6/5-6-0000.flac")
      }
      let got = try CorpusFixture.all(LibriSpeechReader(directory: dir))
      #expect(got.count == 2)
      #expect(
        CorpusFixture.messages(got) == [
          "\(dir)/b/5/6/5-6.trans.txt: chapter 5-6 appears again (first in \(dir)/a/5/6/5-6.trans.txt); pass one copy of each split"
        ])
    }

    @Test func aFolderWithoutTranscriptsIsRefusedBeforeReading() throws {
      let dir = makeTempDir()
      CorpusFixture.audio(dir + "/1/2/1-2-0000.flac")
      #expect(
        throws: CorpusError.unrecognisedInput(
          path: dir,
          detail:
            "no LibriSpeech transcripts (<speaker>-<chapter>.trans.txt) anywhere below this folder")
      ) {
        try LibriSpeechReader(directory: dir).entries()
      }
    }
  }
}
