import Foundation
import Testing

@testable import AudioAmpKit

extension Corpus {
  @Suite struct CommonVoiceReaderTests {
    /// A release folder `cv-corpus/en/` with a newer-style validated.tsv, an older-style
    /// train.tsv and mp3 clips.
    static func makeRelease(_ dir: String) -> String {
      let lang = dir + "/cv-corpus-17.0/en"
      let validated = [
        "client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tage\tgender\taccents\tvariant\tlocale\tsegment",
        "c0ffee\tcommon_voice_en_1.mp3\ts1\tHe said \"hi\" – then  left.\t\t2\t0\ttwenties\tmale_masculine\tUnited States English\t\ten\t",
        "\tcommon_voice_en_2.mp3\ts2\t'Quoted\" odd\t\t3\t1\t\t\t\t\ten\t",
      ]
      CorpusFixture.write(validated.joined(separator: "\n") + "\n", to: lang + "/validated.tsv")
      let train = [
        "client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccent\tlocale\tsegment",
        "beef\tcommon_voice_en_2.mp3\tOld header.\t2\t0\tthirties\tfemale\tscotland\ten\t",
      ]
      CorpusFixture.write(train.joined(separator: "\r\n") + "\r\n", to: lang + "/train.tsv")
      CorpusFixture.audio(lang + "/clips/common_voice_en_1.mp3")
      CorpusFixture.link(
        lang + "/clips/common_voice_en_1.mp3", lang + "/clips/common_voice_en_2.mp3")
      return lang
    }

    @Test func theFolderMeansValidatedTSVAndRowsKeepTheirBytes() throws {
      let lang = Self.makeRelease(makeTempDir())
      let got = try CorpusFixture.all(CommonVoiceReader(path: lang)).map { try $0.get() }
      #expect(
        got == [
          Utterance(
            id: "common_voice_en_1", audioPath: lang + "/clips/common_voice_en_1.mp3",
            text: "He said \"hi\" – then  left.", speaker: "c0ffee",
            origin: lang + "/validated.tsv:2",
            extra: [
              ("locale", .string("en")), ("gender", .string("male_masculine")),
              ("age", .string("twenties")),
              ("accents", .string("United States English")),
            ]),
          Utterance(
            id: "common_voice_en_2", audioPath: lang + "/clips/common_voice_en_2.mp3",
            text: "'Quoted\" odd",
            speaker: nil, origin: lang + "/validated.tsv:3", extra: [("locale", .string("en"))]),
        ])
    }

    @Test func aTSVFileGivenDirectlyWithTheOlderHeaderAndCRLF() throws {
      let lang = Self.makeRelease(makeTempDir())
      let got = try CorpusFixture.all(CommonVoiceReader(path: lang + "/train.tsv")).map {
        try $0.get()
      }
      #expect(got.count == 1)
      #expect(
        got[0].text == "Old header." && got[0].speaker == "beef" && got[0].id == "common_voice_en_2"
      )
      #expect(
        JSONValue.object(got[0].extra)
          == .object([
            ("locale", .string("en")), ("gender", .string("female")), ("age", .string("thirties")),
            ("accent", .string("scotland")),
          ]))
    }

    @Test func badRowsAreReportedWithFileLineAndFix() throws {
      let lang = Self.makeRelease(makeTempDir())
      let tsv = lang + "/dev.tsv"
      CorpusFixture.write(
        [
          "client_id\tpath\tsentence\tlocale",
          "a\tcommon_voice_en_1.mp3\tfine\ten",
          "a\tcommon_voice_en_9.mp3\tno clip\ten",
          "a\tcommon_voice_en_2.mp3\ta\ttab inside\ten",
          "a\tcommon_voice_en_2.mp3\tshort",
          "a\t\tno path\ten",
          "",
          "b\tcommon_voice_en_1.mp3\tagain\ten",
        ].joined(separator: "\n"), to: tsv)
      let got = try CorpusFixture.all(CommonVoiceReader(path: tsv))
      #expect(got.count == 6)
      #expect(
        CorpusFixture.messages(got) == [
          "\(tsv):3: utterance 'common_voice_en_9': a transcript without audio: \(lang)/clips/common_voice_en_9.mp3 not found",
          "\(tsv):4: row has 5 tab-separated fields but the header has 4; a tab or line break inside a sentence splits it, so remove it",
          "\(tsv):5: row has 3 tab-separated fields but the header has 4; a tab or line break inside a sentence splits it, so remove it",
          "\(tsv):6: empty 'path': each row needs its clip's file name",
          "\(tsv):8: utterance id 'common_voice_en_1' appears again (first at \(tsv):2); ids must be unique because outputs are named after them",
        ])
    }

    @Test func aHeaderWithoutSentenceOrAFolderWithoutTSVIsRefused() throws {
      let dir = makeTempDir()
      CorpusFixture.write("client_id\tpath\ttext\n", to: dir + "/other.tsv")
      #expect(
        throws: CorpusError.badEntry(
          origin: dir + "/other.tsv:1", id: nil,
          detail:
            "header has no 'sentence' column (found: client_id, path, text); is this a Common Voice TSV?"
        )
      ) {
        try CommonVoiceReader(path: dir + "/other.tsv").entries()
      }
      #expect(
        throws: CorpusError.unrecognisedInput(
          path: dir,
          detail:
            "Common Voice folder has neither validated.tsv nor train.tsv; pass the .tsv file to read"
        )
      ) {
        try CommonVoiceReader(path: dir).entries()
      }
    }
  }
}
