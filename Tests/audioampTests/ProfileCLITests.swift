import AudioAmpKit
import AudioAmpTestSupport
import Foundation
import Testing

@Suite(.serialized) struct ProfileCLITests {
  @Test func profileWritesJSONPageAndALoadableFittedRecipe() throws {
    let fx = try Fixture()
    let r = try CLI.run([
      "profile", fx.manifest, "--out", fx.dir + "/p.json", "--recipe-out", fx.dir + "/fitted.yaml", "--noise-dir",
      CLI.repoRoot + "/noise-library",
    ])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let p = try AudioProfile.load(path: fx.dir + "/p.json")
    #expect(p.files.map(\.id) == ["spk1-001", "spk2-001", "spk3-001"])
    #expect(p.files[1].sampleRate == 22050)
    let page = try String(contentsOfFile: fx.dir + "/p.html", encoding: .utf8)
    #expect(page.contains("<svg") && page.contains("snr_db"))
    let check = try CLI.run(["recipe", "check", fx.dir + "/fitted.yaml"])
    #expect(check.status == 0, "fitted recipe: \(check.stdout)\(check.stderr)")
  }

  @Test func compareReportsDistancesPerMeasure() throws {
    let fx = try Fixture()
    #expect(try CLI.run(["profile", fx.manifest, "--out", fx.dir + "/p.json"]).status == 0)
    #expect(try fx.mix("out", ["--seed", "3"]).status == 0)
    let r = try CLI.run(["profile", "--compare", fx.dir + "/p.json", fx.dir + "/out", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let j = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    let snr = try #require(j["measures"]?["snr_db"])
    #expect(snr["n_a"] == .number(3) && snr["n_b"] == .number(6))
    // The mix added noise at 5-20 dB to clean tones: the SNR distributions must differ.
    #expect((snr["ks"]?.numberValue ?? 0) > 0.5)
    let text = try CLI.run(["profile", "--compare", fx.dir + "/p.json", fx.dir + "/p.json"])
    #expect(text.status == 0 && text.stdout.contains("Wasserstein-1"))
  }

  @Test func damagedFilesAreReportedNotFatal() throws {
    let fx = try Fixture()
    let folder = fx.dir + "/mixed"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: fx.dir + "/corpus/audio/spk1-001.wav", toPath: folder + "/good.wav")
    try Data("RIFF garbage, not audio".utf8).write(to: URL(fileURLWithPath: folder + "/broken.wav"))
    let r = try CLI.run(["profile", folder, "--out", fx.dir + "/p.json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.contains("1 of 2 files could not be measured; first: broken:"))
    try FileManager.default.removeItem(atPath: folder + "/good.wav")
    let bad = try CLI.run(["profile", folder])
    #expect(bad.status == 1 && bad.stderr.contains("none of the 1 files could be measured; first problem: broken:"))
    let usage = try CLI.run(["profile", "--compare", fx.dir + "/p.json"])
    #expect(usage.status == 64 && usage.stderr.contains("--compare takes two profiles or inputs, got 1"))
  }

  /// Blind RT60 on rooms nobody here simulated: pyroomacoustics image-source rooms (RT60 0.3,
  /// 0.5, 0.8, 1.2 s by inverse Sabine, random sizes and positions), the corpus speech convolved
  /// with them and 0.4 s pauses kept; the truth is pyroomacoustics' own T30 of each RIR. The
  /// README states the measured bias per RT60.
  @Test(.enabled(if: PythonTool.has("pyroomacoustics", "soundfile", "scipy")))
  func blindRT60FollowsPyroomacousticsRooms() throws {
    let fx = try Fixture()
    let g = try PythonTool.script(Self.roomScript, [fx.dir + "/rooms", CLI.repoRoot + "/corpus/audio", fx.dir + "/truth.tsv"])
    #expect(g.status == 0, "\(g.stderr.suffix(1500))")
    let r = try CLI.run(["profile", fx.dir + "/rooms", "--out", fx.dir + "/p.json"])
    #expect(r.status == 0, "\(r.stderr)")
    let truth = try String(contentsOfFile: fx.dir + "/truth.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t") }
    let t30 = Dictionary(uniqueKeysWithValues: truth.map { (String($0[0]), Double($0[2])!) })
    var errors: [String: [Double]] = [:]
    for f in try AudioProfile.load(path: fx.dir + "/p.json").files {
      let name = (f.id as NSString).lastPathComponent.hasSuffix(".wav") ? (f.id as NSString).lastPathComponent : (f.id as NSString).lastPathComponent + ".wav"
      guard let t = t30[name], let est = f.rt60Seconds else { continue }
      errors[String(name.split(separator: "-")[0].dropFirst(2)), default: []].append(est / t - 1)
    }
    var all: [Double] = []
    for (rt, e) in errors.sorted(by: { $0.key < $1.key }) {
      let m = e.reduce(0, +) / Double(e.count)
      print(String(format: "ACCURACY rt60 pyroomacoustics %@ s: bias %+.0f%%, %d files", rt, 100 * m, e.count))
      all += e.map(abs)
    }
    #expect(all.count >= 20, "\(all.count) of 24 files with an estimate")
    all.sort()
    let medianAbs = all[all.count / 2]
    #expect(medianAbs < 0.25, "median |error| \(medianAbs)")
  }

  /// Codec family on files coded by sox (libopencore-amrnb through sox's own chain, sox's
  /// G.711 μ-law), not by the codec effect: corpus speech with traffic at 5–15 dB, written at
  /// 8 kHz. AMR-NB at 12.2 and at 4.75 kbit/s must read `amr`, μ-law `telephone`.
  @Test(.enabled(if: PythonTool.executable("sox") != nil))
  func codecFamilyOfSoxCodedFiles() throws {
    let fx = try Fixture()
    try """
      sample_rate: 16000
      effects:
        - noise: {categories: {traffic: 1}, snr_db: {uniform: [5, 15]}, snr_reference: active_speech}
      """.write(toFile: fx.dir + "/traffic.yaml", atomically: true, encoding: .utf8)
    let mixed = try CLI.run([
      "mix", "--recipe", fx.dir + "/traffic.yaml", "--input", CLI.repoRoot + "/corpus/manifest.jsonl", "--output", fx.dir + "/noisy",
      "--noise-library", CLI.repoRoot + "/noise-library", "--seed", "4", "--quiet",
    ])
    #expect(mixed.status == 0, "\(mixed.stderr)")
    let wavs = try FileManager.default.contentsOfDirectory(atPath: fx.dir + "/noisy/audio").filter { $0.hasSuffix(".wav") }.sorted().prefix(8)
    let chains: [(String, [String], String)] = [
      ("amr122", ["-C", "7"], "amr-nb"), ("amr475", ["-C", "0"], "amr-nb"), ("ulaw", ["-e", "u-law"], "wav"),
    ]
    for (name, args, ext) in chains {
      let folder = fx.dir + "/" + name
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for w in wavs {
        let coded = fx.dir + "/coded." + ext
        for argv in [[fx.dir + "/noisy/audio/" + w, "-r", "8000"] + args + [coded], [coded, "-e", "signed", "-b", "16", folder + "/" + w]] {
          let r = try PythonTool.run(PythonTool.executable("sox")!, argv)
          #expect(r.status == 0, "sox \(argv): \(r.stderr)")
        }
      }
      #expect(try CLI.run(["profile", folder, "--out", folder + ".json"]).status == 0)
    }
    let families = try chains.map { c in try AudioProfile.load(path: fx.dir + "/\(c.0).json").files.map(\.codecFamily) }
    print("ACCURACY codec family, sox-coded: " + zip(chains, families).map { c, f in "\(c.0) \(f.map(\.rawValue))" }.joined(separator: "; "))
    #expect(families[0].filter { $0 == .amr }.count == wavs.count, "AMR 12.2: \(families[0])")
    #expect(families[1].filter { $0 == .amr }.count >= wavs.count - 1, "AMR 4.75: \(families[1])")
    #expect(families[2].allSatisfy { $0 == .telephone }, "μ-law: \(families[2])")
  }


  static let roomScript = #"""
import sys, os, numpy as np, soundfile as sf, pyroomacoustics as pra, scipy.signal as ss
out, corpus, truth = sys.argv[1], sys.argv[2], sys.argv[3]; os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(5)
ids = ["spk1-001", "spk2-003", "spk3-004", "spk4-005", "spk5-006", "spk6-002"]
rows = []
for k, rt in enumerate([0.3, 0.5, 0.8, 1.2]):
    for j, uid in enumerate(ids):
        x, fs = sf.read(f"{corpus}/{uid}.flac")
        dims = [rng.uniform(4, 9), rng.uniform(3, 7), rng.uniform(2.5, 3.5)]
        e, order = pra.inverse_sabine(rt, dims)
        room = pra.ShoeBox(dims, fs=fs, materials=pra.Material(e), max_order=min(order, 60))
        src = [rng.uniform(0.5, d - 0.5) for d in dims]
        mic = [rng.uniform(0.5, d - 0.5) for d in dims]
        room.add_source(src); room.add_microphone(mic)
        room.compute_rir()
        h = np.asarray(room.rir[0][0])
        t60 = pra.experimental.measure_rt60(h, fs=fs, decay_db=30)
        pad = np.zeros(int(0.4 * fs))
        y = ss.fftconvolve(np.concatenate([pad, x, pad]), h)[: len(x) + 2 * len(pad)]
        y *= 0.1 / np.sqrt(np.mean(y ** 2))
        name = f"rt{rt}-{uid}.wav"
        sf.write(f"{out}/{name}", y, fs, subtype="PCM_16")
        rows.append((name, rt, t60))
with open(truth, "w") as f:
    for r in rows: f.write("%s\t%.3f\t%.3f\n" % r)
"""#
}
