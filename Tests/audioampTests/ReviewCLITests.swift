import Foundation
import Testing
import AudioAmpKit

/// Finds a Chromium binary on PATH.
private func chromiumPath() -> String? {
  let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
  for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
    for d in dirs where FileManager.default.isExecutableFile(atPath: "\(d)/\(name)") { return "\(d)/\(name)" }
  }
  return nil
}

/// Runs a program with a time limit; returns (status, stdout, stderr, seconds). A run past the
/// limit is terminated and reported with status −1.
private func runWithLimit(_ exe: String, _ args: [String], seconds limit: Double) throws -> (Int32, String, String, Double) {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: exe)
  p.arguments = args
  // stderr goes to a file so a chatty log can never fill a pipe and block the child.
  let errPath = NSTemporaryDirectory() + "audioamp-stderr-\(UUID().uuidString.prefix(8)).log"
  _ = FileManager.default.createFile(atPath: errPath, contents: nil)
  let errFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
  let out = Pipe()
  p.standardOutput = out
  p.standardError = errFile
  let start = Date()
  try p.run()
  let timer = DispatchSource.makeTimerSource()
  timer.schedule(deadline: .now() + limit)
  timer.setEventHandler { if p.isRunning { p.terminate() } }
  timer.resume()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  timer.cancel()
  try? errFile.close()
  let errData = FileManager.default.contents(atPath: errPath) ?? Data()
  try? FileManager.default.removeItem(atPath: errPath)
  let elapsed = Date().timeIntervalSince(start)
  let status = p.terminationReason == .uncaughtSignal ? -1 : p.terminationStatus
  return (status, String(decoding: o, as: UTF8.self), String(decoding: errData, as: UTF8.self), elapsed)
}

@Suite(.serialized) struct ReviewCLITests {
  /// A fixture run (3 utterances × 2 variants) with its review report.
  static func reviewedRun(_ name: String = #function, extra: [String] = []) throws -> (Fixture, String, CLI.Result) {
    let fx = try Fixture(name: name)
    let mix = try fx.mix("out", ["--seed", "3", "--jobs", "1"])
    #expect(mix.status == 0, "mix: \(mix.stderr)")
    let out = fx.dir + "/out"
    let r = try CLI.run(["review", out, "--input", fx.manifest] + extra)
    return (fx, out, r)
  }

  /// `--profile`: the target's histograms against a profile of the run, per measure with KS
  /// and W1, and the measures far from the target named; a file that is not a profile is refused.
  @Test func reviewShowsTheTargetProfileAgainstTheRun() throws {
    let fx = try Fixture()
    #expect(try fx.mix("out", ["--seed", "3", "--jobs", "1"]).status == 0)
    #expect(try CLI.run(["profile", fx.manifest, "--out", fx.dir + "/target.json"]).status == 0)
    let r = try CLI.run(["review", fx.dir + "/out", "--input", fx.manifest, "--sample", "2", "--profile", fx.dir + "/target.json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let html = try String(contentsOfFile: fx.dir + "/out/review/index.html", encoding: .utf8)
    let target = try AudioProfile.load(path: fx.dir + "/target.json")
    #expect(html.contains("Profile: target vs this run"))
    #expect(html.contains("3 files (filled) vs 6 outputs of this run (outlined)"))
    let section = html.components(separatedBy: "<section class=\"profile\">").last ?? ""
    #expect(section.components(separatedBy: "<figure><svg").count - 1 == target.distributions.count)
    #expect(section.components(separatedBy: "<figcaption>KS ").count - 1 >= 5)
    // The run added noise at 5-20 dB to clean tones: SNR is far from the clean target.
    let far = section.components(separatedBy: "<p class=\"far\">").dropFirst().first ?? ""
    #expect(far.contains("snr_db"), "\(far.prefix(300))")
    try "{\"not\": 1}".write(toFile: fx.dir + "/bad.json", atomically: true, encoding: .utf8)
    let bad = try CLI.run(["review", fx.dir + "/out", "--sample", "2", "--profile", fx.dir + "/bad.json"])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("--profile \(fx.dir)/bad.json: not a profile") && bad.stderr.contains("audioamp profile TARGET --out"), "\(bad.stderr)")
  }

  @Test func reviewWritesAReportWithEverySampleAndItsFiles() throws {
    let (_, out, r) = try Self.reviewedRun(extra: ["--sample", "4", "--stratify", "effect", "--seed", "2"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stdout.contains("4 of 6 outputs") && r.stdout.contains("review/index.html"))
    let html = try String(contentsOfFile: out + "/review/index.html", encoding: .utf8)
    #expect(html.components(separatedBy: "<section class=\"sample\"").count - 1 == 4)
    let imgs = try FileManager.default.contentsOfDirectory(atPath: out + "/review/img").filter { $0.hasSuffix(".png") }
    #expect(imgs.count == 8)
    let clean = try FileManager.default.contentsOfDirectory(atPath: out + "/review/clean")
    #expect(!clean.isEmpty && clean.allSatisfy { $0.hasSuffix(".wav") })
    // Clean audio is converted to the output rate (one source is 22.05 kHz).
    for f in clean { #expect(try SoundFile(readingFrom: out + "/review/clean/" + f).info.sampleRate == 16000) }
    // The same command gives the same sample; without --input, the clean corpus is found
    // through the "input" that mix recorded in summary.json.
    let again = try CLI.run(["review", out, "--sample", "4", "--stratify", "effect", "--seed", "2"])
    #expect(again.status == 0 && !again.stderr.contains("no input corpus known"), "stderr: \(again.stderr)")
    let ids = { (s: String) in s.components(separatedBy: "data-id=\"").dropFirst().map { $0.prefix { $0 != "\"" } } }
    #expect(ids(try String(contentsOfFile: out + "/review/index.html", encoding: .utf8)) == ids(html))
  }

  @Test func reviewRejectsMisuse() throws {
    let dir = NSTemporaryDirectory() + "audioamp-cli/review-misuse-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let noRun = try CLI.run(["review", dir])
    #expect(noRun.status == 64 && noRun.stderr.contains("no manifest.jsonl"))
    try "".write(toFile: dir + "/manifest.jsonl", atomically: true, encoding: .utf8)
    let badKey = try CLI.run(["review", dir, "--stratify", "colour"])
    #expect(badKey.status == 64 && badKey.stderr.contains("snr, effect or category"))
    let zero = try CLI.run(["review", dir, "--sample", "0"])
    #expect(zero.status == 64)
  }

  @Test func ratingsAreSummedUpByEffectAndParameterRange() throws {
    let (fx, out, r) = try Self.reviewedRun(extra: ["--sample", "6"])
    #expect(r.status == 0)
    let lines = try fx.manifestLines("out")
    let manifest = try String(contentsOfFile: out + "/manifest.jsonl", encoding: .utf8)
    let ratings = JSONValue.object([
      ("run", .string(ReviewReport.runKey(manifestText: manifest))),
      ("ratings", .array(lines.enumerated().map { i, l in
        .object([("id", l["id"]!), ("rating", .string(i < 2 ? "bad" : "ok")), ("comment", .string(""))])
      })),
    ])
    try ratings.serialized.write(toFile: fx.dir + "/ratings.json", atomically: true, encoding: .utf8)
    let s = try CLI.run(["review", out, "--ratings", fx.dir + "/ratings.json"])
    #expect(s.status == 0, "stderr: \(s.stderr)")
    #expect(!s.stdout.contains("does not match"))
    let all = s.stdout.split(separator: "\n").first { $0.hasPrefix("all ") }.map(String.init) ?? ""
    #expect(all.contains("6") && all.contains("2") && all.hasSuffix("33%"), "\(s.stdout)")
    #expect(s.stdout.contains("noise.snr_db") && s.stdout.contains("band_limit"))
  }

  @Test func inspectReportsKnownPropertiesAsTextAndJSON() throws {
    let fx = try Fixture()
    let path = fx.dir + "/tone.wav"
    var x = (0..<16000).map { Float(0.5 * sin(2 * Double.pi * 500 * Double($0) / 16000)) }
    for i in 0..<7 { x[1000 + i] = 1 }
    try SoundFile.writeWAV16(x, sampleRate: 16000, to: path)
    let j = try CLI.run(["inspect", path, fx.dir + "/corpus/audio/spk2-001.wav", "--json"])
    #expect(j.status == 0, "stderr: \(j.stderr)")
    let objs = try j.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    #expect(objs.count == 2)
    #expect(objs[0]["clipped_samples"] == .number(7) && objs[0]["duration_s"] == .number(1))
    #expect(objs[0]["sample_rate"] == .number(16000) && objs[0]["channels"] == .number(1))
    #expect(abs((objs[0]["peak_dbfs"]?.numberValue ?? 9)) < 0.01)
    #expect(objs[1]["sample_rate"] == .number(22050))
    for k in ["rms_dbfs", "active_level_dbfs", "activity_factor", "estimated_snr_db", "bandwidth_hz"] { #expect(objs[0][k] != nil, "\(k)") }
    let t = try CLI.run(["inspect", path])
    #expect(t.status == 0 && t.stdout.contains("clipped       7 samples"))
    let missing = try CLI.run(["inspect", fx.dir + "/nope.wav"])
    #expect(missing.status == 64 && missing.stderr.contains("no such file"))
  }

  @Test func spectrogramCommandWritesAPNG() throws {
    let fx = try Fixture()
    let png = fx.dir + "/s.png"
    let r = try CLI.run(["spectrogram", fx.dir + "/corpus/audio/spk1-001.wav", png, "--scale", "log"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let bytes = [UInt8](FileManager.default.contents(atPath: png) ?? Data())
    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.count > 1000)
    let bad = try CLI.run(["spectrogram", fx.dir + "/corpus/audio/spk1-001.wav", png, "--scale", "bark"])
    #expect(bad.status == 64)
  }

  /// Opens the report in headless Chromium: the page's self-test (index.html#selftest) waits for
  /// every audio element's metadata and every image's decode, rates through simulated key presses
  /// and builds the export; the test checks its result, chromium's log for uncaught errors, and
  /// keeps a screenshot (path printed). Fails, not skips, without chromium.
  @Test func reportPassesItsSelfTestInHeadlessChromium() throws {
    guard let chromium = chromiumPath() else {
      Issue.record("chromium not found on PATH: `make test` installs it (scripts/install-deps.sh: apt-get install chromium)")
      return
    }
    let (_, out, r) = try Self.reviewedRun(extra: ["--sample", "6", "--stratify", "snr"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let index = URL(fileURLWithPath: out + "/review/index.html").absoluteString
    let profile = NSTemporaryDirectory() + "audioamp-chromium-\(UUID().uuidString.prefix(8))"
    let common = [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--no-first-run",
      "--disable-extensions", "--mute-audio", "--user-data-dir=\(profile)",
    ]
    let (status, dom, log, seconds) = try runWithLimit(
      chromium, common + ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", "--dump-dom", index + "#selftest"],
      seconds: 45)
    #expect(status == 0, "chromium exited \(status) after \(seconds) s; log:\n\(log.suffix(2000))")
    guard let start = dom.range(of: "<pre id=\"selftest\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
      Issue.record("no self-test result in the page; log:\n\(log.suffix(2000))")
      return
    }
    let text = String(dom[start.upperBound..<end.lowerBound])
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
      .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    let result = try JSONValue.parse(text)
    #expect(result["ok"] == .bool(true), "self-test: \(text)")
    #expect(result["samples"] == .number(6))
    #expect(result["audio"]?["count"] == .number(12) && result["audio"]?["failed"] == .array([]))
    #expect(result["images"]?["count"] == .number(12) && result["images"]?["failed"] == .array([]))
    #expect(result["errors"] == .array([]))
    #expect(result["storedMatchesExport"] == .bool(true))
    let manifest = try String(contentsOfFile: out + "/manifest.jsonl", encoding: .utf8)
    let ids = dom.components(separatedBy: "data-id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    let expected = JSONValue.object([
      ("run", .string(ReviewReport.runKey(manifestText: manifest))),
      ("ratings", .array([
        .object([("id", .string(ids[0])), ("rating", .string("bad")), ("comment", .string("selftest: noise too loud"))]),
        .object([("id", .string(ids[1])), ("rating", .string("unintelligible")), ("comment", .string(""))]),
      ])),
    ])
    #expect(result["export"] == expected, "export: \(result["export"]?.serialized ?? "none")")
    let consoleErrors = log.split(separator: "\n").filter { $0.contains("Uncaught") || ($0.contains("CONSOLE") && $0.contains("ERROR")) }
    #expect(consoleErrors.isEmpty, "\(consoleErrors)")
    print("review self-test: page loaded and checked in \(result["loadMs"]?.numberValue ?? -1) ms (chromium \(String(format: "%.1f", seconds)) s)")

    let shot = NSTemporaryDirectory() + "audioamp-review-screenshot-\(UUID().uuidString.prefix(8)).png"
    let (s2, _, log2, _) = try runWithLimit(
      chromium, common + ["--hide-scrollbars", "--window-size=1280,1800", "--screenshot=\(shot)", index], seconds: 30)
    #expect(s2 == 0 && FileManager.default.fileExists(atPath: shot), "screenshot failed: \(log2.suffix(1000))")
    print("review screenshot (test artefact): \(shot)")
    try? FileManager.default.removeItem(atPath: profile)
  }
}
