import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct PlainFolderReaderTests {
    @Test func pairsAreReadRecursivelyInByteOrderDroppingOneFinalNewline() throws {
      let dir = makeTempDir()
      CorpusFixture.audio(dir + "/x.wav")
      CorpusFixture.write("Hello  there\r\n", to: dir + "/x.txt")
      CorpusFixture.audio(dir + "/B.flac")
      CorpusFixture.write("two lines\n\n", to: dir + "/B.txt")
      CorpusFixture.audio(dir + "/sub/deeper/z.MP3")
      CorpusFixture.write(" kept \t", to: dir + "/sub/deeper/z.TXT")
      CorpusFixture.audio(dir + "/sub/y.ogg")
      CorpusFixture.write("é\n", to: dir + "/sub/y.txt")
      CorpusFixture.write("ignored", to: dir + "/notes.md")
      CorpusFixture.audio(dir + "/.hidden/h.wav")
      // A link back to the top is not walked again.
      try FileManager.default.createSymbolicLink(
        atPath: dir + "/sub/loop", withDestinationPath: dir)
      let got = try CorpusFixture.all(PlainFolderReader(directory: dir)).map { try $0.get() }
      #expect(
        got == [
          Utterance(
            id: "B", audioPath: dir + "/B.flac", text: "two lines\n", origin: dir + "/B.txt"),
          Utterance(
            id: "x", audioPath: dir + "/x.wav", text: "Hello  there", origin: dir + "/x.txt"),
          Utterance(
            id: "sub-y", audioPath: dir + "/sub/y.ogg", text: "é", origin: dir + "/sub/y.txt"),
          Utterance(
            id: "sub-deeper-z", audioPath: dir + "/sub/deeper/z.MP3", text: " kept \t",
            origin: dir + "/sub/deeper/z.TXT"),
        ])
    }

    @Test func unpairedFilesAndCollisionsAreReportedWithTheFix() throws {
      let dir = makeTempDir()
      CorpusFixture.audio(dir + "/lone.wav")
      CorpusFixture.write("orphan", to: dir + "/orphan.txt")
      CorpusFixture.audio(dir + "/dup.wav")
      CorpusFixture.audio(dir + "/dup.flac")
      CorpusFixture.write("dup", to: dir + "/dup.txt")
      CorpusFixture.audio(dir + "/latin1.wav")
      CorpusFixture.writeBytes(Data([0x63, 0x61, 0x66, 0xE9]), to: dir + "/latin1.txt")
      CorpusFixture.audio(dir + "/a-b/x.wav")
      CorpusFixture.write("first", to: dir + "/a-b/x.txt")
      CorpusFixture.audio(dir + "/a/b-x.wav")
      CorpusFixture.write("second", to: dir + "/a/b-x.txt")
      let got = try CorpusFixture.all(PlainFolderReader(directory: dir))
      #expect(CorpusFixture.utterances(got).map(\.id) == ["a-b-x"])
      #expect(
        CorpusFixture.messages(got) == [
          "\(dir)/dup.txt: utterance 'dup': several audio files share this transcript (dup.flac, dup.wav); keep one",
          "\(dir)/latin1.txt: utterance 'latin1': transcript is not UTF-8; convert it (e.g. iconv -t UTF-8)",
          "\(dir)/lone.wav: utterance 'lone': transcript missing: add lone.txt beside the audio",
          "\(dir)/orphan.txt: utterance 'orphan': a transcript without audio: no orphan.wav (or .flac, .ogg, .opus, .mp3) beside it; add the audio or remove the .txt",
          "\(dir)/a-b/x.txt: utterance id 'a-b-x' appears again (first at \(dir)/a); ids must be unique because outputs are named after them",
        ])
    }

    @Test func aFolderWithoutAudioOrTranscriptsIsRefused() throws {
      let dir = makeTempDir()
      CorpusFixture.write("x", to: dir + "/sub/notes.md")
      #expect(
        throws: CorpusError.unrecognisedInput(
          path: dir,
          detail:
            "no audio files (aif, aiff, flac, mp3, oga, ogg, opus, wav) or .txt transcripts anywhere below this folder"
        )
      ) {
        try PlainFolderReader(directory: dir).entries()
      }
    }
  }
}
