import AudioAmpKit
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
}
