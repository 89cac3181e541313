import AudioAmpTestSupport
import Foundation
import Testing
import AudioAmpKit

/// Every output format is read back by the real tool that reads that layout, from a corpus whose
/// ids are not LibriSpeech ids: the tool finds every output, with its transcript unchanged.
///
/// Readers: `jsonl` - Hugging Face `datasets`' json loader (the manifest is NeMo-style JSON
/// lines: `audio_filepath`, `duration`, `text`); `kaldi` - `lhotse.kaldi.load_kaldi_data_dir`;
/// `librispeech` - `lhotse.recipes.prepare_librispeech`; `commonvoice` -
/// `lhotse.recipes.prepare_commonvoice`; `audiofolder` - `datasets.load_dataset("audiofolder")`;
/// `folder` - `lhotse.RecordingSet.from_dir` for the audio, the `.txt` beside each for the text.
@Suite(.serialized) struct OutputTreeReaderTests {
  /// Prints `{"count": n, "texts": [...], "audio": n_readable}` for the tree at argv[2].
  static let reader = #"""
    import json, os, sys, glob, logging
    logging.disable(logging.WARNING)
    fmt, out = sys.argv[1], sys.argv[2]
    texts, audio = [], 0
    if fmt == "jsonl":
        from datasets import load_dataset
        ds = load_dataset("json", data_files=os.path.join(out, "manifest.jsonl"), split="train")
        texts = list(ds["text"])
        audio = sum(os.path.isfile(os.path.join(out, p)) for p in ds["audio_filepath"])
    elif fmt == "kaldi":
        from lhotse.kaldi import load_kaldi_data_dir
        recs, sups, _ = load_kaldi_data_dir(out, sampling_rate=16000)
        texts = [s.text for s in sups]
        audio = sum(r.load_audio().shape[1] > 0 for r in recs)
    elif fmt == "librispeech":
        from lhotse.recipes import prepare_librispeech
        parent, part = os.path.split(out.rstrip("/"))
        m = prepare_librispeech(parent, dataset_parts=[part])[part]
        texts = [s.text for s in m["supervisions"]]
        audio = sum(r.load_audio().shape[1] > 0 for r in m["recordings"])
    elif fmt == "commonvoice":
        from lhotse.recipes import prepare_commonvoice
        parent, lang = os.path.split(out.rstrip("/"))
        m = prepare_commonvoice(parent, os.path.join(parent, "lhotse-manifests"), languages=[lang], splits=["train"])[lang]["train"]
        texts = [s.text for s in m["supervisions"]]
        audio = sum(r.load_audio().shape[1] > 0 for r in m["recordings"])
    elif fmt == "audiofolder":
        from datasets import load_dataset, Audio
        rows = load_dataset("audiofolder", data_dir=out, split="train", streaming=True).cast_column("audio", Audio(decode=False))
        ds = {"transcription": [], "audio": []}
        for d in rows:
            ds["transcription"].append(d["transcription"])
            ds["audio"].append(d["audio"])
        texts = list(ds["transcription"])
        audio = sum(os.path.isfile(a["path"]) for a in ds["audio"])
    elif fmt == "folder":
        from lhotse import RecordingSet
        recs = RecordingSet.from_dir(out, "*.wav")
        for r in recs:
            src = r.sources[0].source
            texts.append(open(os.path.splitext(src)[0] + ".txt", encoding="utf-8").read().rstrip("\n"))
            audio += r.load_audio().shape[1] > 0
    print(json.dumps({"count": len(texts), "texts": sorted(texts), "audio": int(audio)}))
    """#

  @Test(.enabled(if: PythonTool.has("lhotse") && PythonTool.has("datasets") && PythonTool.has("torchcodec")),
    arguments: ["jsonl", "kaldi", "librispeech", "commonvoice", "audiofolder", "folder"])
  func realReadersFindEveryOutputAndItsTranscript(format: String) throws {
    let fx = try Fixture()
    // Ids like "spk1-001" are not LibriSpeech ids; texts carry non-ASCII and a double space.
    let recipe = fx.dir + "/gain.yaml"
    try "sample_rate: 16000\nvariants: 2\neffects:\n  - gain: {db: {uniform: [-3, 3]}}\n"
      .write(toFile: recipe, atomically: true, encoding: .utf8)
    // Common Voice's reader wants <corpus>/<language>/train.tsv, so that output is named "en".
    let out = fx.dir + "/" + (format == "commonvoice" ? "cv/en" : format == "librispeech" ? "ls/train-clean-5" : "out")
    let r = try CLI.run(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", out, "--quiet", "--output-format", format])
    #expect(r.status == 0, "\(r.stderr)")
    let expected = ((try? String(contentsOfFile: out + "/manifest.jsonl", encoding: .utf8)) ?? "")
      .split(separator: "\n").compactMap { try? JSONValue.parse(String($0))["text"]?.stringValue }.sorted()
    #expect(expected.count == 6)
    let py = try PythonTool.script(OutputTreeReaderTests.reader, [format, out])
    #expect(py.status == 0, "\(format): \(py.stderr.suffix(3000))")
    guard let line = py.stdout.split(separator: "\n").last, let v = try? JSONValue.parse(String(line)) else {
      Issue.record("\(format): no result from the reader: \(py.stdout) \(py.stderr.suffix(2000))")
      return
    }
    #expect(v["count"]?.numberValue == 6, "\(format): \(line)")
    #expect(v["audio"]?.numberValue == 6, "\(format): \(line)")
    let texts: [String]
    if case .array(let a) = v["texts"] ?? .null { texts = a.compactMap(\.stringValue) } else { texts = [] }
    #expect(texts == expected, "\(format): \(texts) vs \(expected)")
  }
}
