import Testing

@testable import AudioAmpKit

/// LibriSpeech-format outputs get ids LibriSpeech readers accept, whatever the source ids.
@Suite struct LibriSpeechNamingTests {
  /// Three runs of ASCII digits joined by `-`, as lhotse and torchaudio parse them.
  func isLibriSpeechID(_ id: String) -> Bool { LibriSpeechNaming.libriSpeechParts(id) != nil }

  @Test(arguments: [
    // (source id, speaker, variant, expected speaker folder or nil when hashed)
    ("103-1240-0001", "103", 2, "103"),
    ("spk1-001", "spk1", 0, nil),
    ("utt with spaces/and/slashes", nil, 4, nil),
    ("a-b-c", "a", 1, nil),
    ("19-198-0000-extra", "19", 0, nil),
    ("Ünïcode-id", "42", 7, "42"),
    ("", "", 0, nil),
  ] as [(String, String?, Int, String?)])
  func everyOutputIDIsALibriSpeechID(source: String, speaker: String?, variant: Int, folder: String?) {
    let u = Utterance(id: source, audioPath: "-", text: "x", speaker: speaker, origin: "-")
    let id = LibriSpeechNaming.outputID(for: u, variant: variant)
    #expect(isLibriSpeechID(id), "\(id) for \(source)")
    let (spk, chapter) = LibriSpeechNaming.folders(ofOutputID: id)
    if let folder { #expect(spk == folder) }
    let (path, _) = OutputFormat.librispeech.audioLocation(outputID: id, source: u)
    #expect(path == "\(spk)/\(chapter)/\(id).flac")
    // Stable: the same source and variant always give the same id.
    #expect(LibriSpeechNaming.outputID(for: u, variant: variant) == id)
  }

  @Test func idsAreDistinctAcrossSourcesAndVariants() {
    var seen = Set<String>()
    for s in 0..<500 {
      let u = Utterance(id: "utt\(s)", audioPath: "-", text: "", speaker: "s\(s % 7)", origin: "-")
      for v in 0..<4 { seen.insert(LibriSpeechNaming.outputID(for: u, variant: v)) }
    }
    #expect(seen.count == 2000)
  }

  @Test func otherFormatsKeepTheSourceIDWithVariant() {
    let u = Utterance(id: "spk1-001", audioPath: "-", text: "", speaker: "spk1", origin: "-")
    for f in OutputFormat.allCases where f != .librispeech {
      #expect(f.outputID(for: u, variant: 3) == "spk1-001__v3")
    }
  }
}
