import Foundation
import Testing
import AudioAmpKit

/// Hostile input and a hostile machine: damaged audio, signals, a full disk, awkward paths.
@Suite(.serialized) struct RobustnessCLITests {
  /// Runs `audioamp` with stdout and stderr going to files (a damaged MP3 makes libmpg123 chatty
  /// on stderr, which must never block the child on a full pipe).
  func run(_ args: [String]) throws -> (status: Int32, exited: Bool, stdout: String, stderr: String) {
    let p = try start(args)
    p.process.waitUntilExit()
    return (p.process.terminationStatus, p.process.terminationReason == .exit, read(p.out), read(p.err))
  }

  func start(_ args: [String]) throws -> (process: Process, out: String, err: String) {
    let tag = UUID().uuidString.prefix(8)
    let out = NSTemporaryDirectory() + "audioamp-cli-\(tag).out", err = NSTemporaryDirectory() + "audioamp-cli-\(tag).err"
    FileManager.default.createFile(atPath: out, contents: nil)
    FileManager.default.createFile(atPath: err, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CLI.binary)
    p.arguments = args
    p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    try p.run()
    return (p, out, err)
  }

  func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

  func lightRecipe(_ fx: Fixture) throws -> String {
    let path = fx.dir + "/light.yaml"
    try "sample_rate: 16000\nvariants: 2\neffects:\n  - gain: {db: {uniform: [-3, 3]}}\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func corpus(_ fx: Fixture, count: Int) throws -> String {
    let path = fx.dir + "/corpus/big.jsonl"
    let rows = (0..<count).map { i -> String in
      let src = ["spk1-001", "spk2-001", "spk3-001"][i % 3]
      return #"{"audio_filepath": "audio/\#(src).wav", "text": "utterance \#(i)", "id": "u\#(String(format: "%04d", i))", "speaker": "s\#(i % 5)"}"#
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func snapshot(_ dir: String) -> [String: Data] {
    var out: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: dir)!
    while let p = walker.nextObject() as? String {
      if p.hasPrefix(".audioamp") || (p as NSString).lastPathComponent.hasPrefix(".") { continue }
      var isDir: ObjCBool = false
      FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir)
      if !isDir.boolValue { out[p] = FileManager.default.contents(atPath: dir + "/" + p) }
    }
    return out
  }

  func expectSame(_ a: [String: Data], _ b: [String: Data], _ label: String) {
    #expect(a.keys.sorted() == b.keys.sorted(), "\(label): different files")
    for (k, v) in a where b[k] != v { Issue.record("\(label): \(k) differs") }
  }

  /// Every `.wav` under `dir` is a complete file (no partial file under a final name).
  func expectCompleteWAVs(_ dir: String, _ label: String) {
    let walker = FileManager.default.enumerator(atPath: dir)!
    while let p = walker.nextObject() as? String {
      guard p.hasSuffix(".wav") && !(p as NSString).lastPathComponent.hasPrefix(".") else { continue }
      #expect((try? AudioLoader.load(path: dir + "/" + p, sampleRate: 16000)) != nil, "\(label): partial file \(p)")
    }
  }

  @Test(arguments: [SIGTERM, SIGINT])
  func signalsStopAtACheckpointAndResumeExactly(signal: Int32) throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 60)
    let recipe = try lightRecipe(fx)
    let args = ["mix", "--recipe", recipe, "--input", input, "--seed", "5", "--quiet", "--jobs", "1", "--output-format", "kaldi"]
    #expect(try run(args + ["--output", fx.dir + "/out"]).status == 0)
    let reference = snapshot(fx.dir + "/out")
    try FileManager.default.moveItem(atPath: fx.dir + "/out", toPath: fx.dir + "/reference")

    let p = try start(args + ["--output", fx.dir + "/out"])
    // Wait for the first outputs, then ask it to stop.
    let manifest = fx.dir + "/out/manifest.jsonl"
    let deadline = Date().addingTimeInterval(60)
    while p.process.isRunning, Date() < deadline,
      ((try? FileManager.default.attributesOfItem(atPath: manifest))?[.size] as? Int ?? 0) == 0
    {
      usleep(20_000)
    }
    guard p.process.isRunning else {
      Issue.record("the run finished before it could be signalled; make the corpus bigger")
      return
    }
    kill(p.process.processIdentifier, signal)
    p.process.waitUntilExit()
    #expect(p.process.terminationReason == .exit, "killed by the signal instead of stopping")
    #expect(p.process.terminationStatus == 128 + signal)
    let stderr = read(p.err)
    #expect(stderr.contains("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM")") && stderr.contains("resume"), "\(stderr)")
    let progress = FileManager.default.contents(atPath: fx.dir + "/out/.audioamp/progress.json").map { String(decoding: $0, as: UTF8.self) } ?? ""
    #expect(progress.contains("\"complete\":false"), "no checkpoint: \(progress)")
    expectCompleteWAVs(fx.dir + "/out", "after \(signal)")

    let resumed = try run(args + ["--output", fx.dir + "/out"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("resumed after"), "\(resumed.stdout)")
    expectSame(reference, snapshot(fx.dir + "/out"), "resumed after \(signal)")
  }

  /// The id in the first "utterance '...'" of a message.
  func namedUtterance(_ message: String) -> String? {
    guard let r = message.range(of: "utterance '") else { return nil }
    return message[r.upperBound...].split(separator: "'", maxSplits: 1).first.map(String.init)
  }

  /// Manifest lines of `dir` by output id.
  func manifestByID(_ dir: String) -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    for line in ((try? String(contentsOfFile: dir + "/manifest.jsonl", encoding: .utf8)) ?? "").split(separator: "\n") {
      if let v = try? JSONValue.parse(String(line)), let id = v["id"]?.stringValue { out[id] = v }
    }
    return out
  }

  /// The `field` of the first `effect` record of each output of `dir`, by output id.
  func effectField(_ dir: String, effect: String, field: String) -> [String: String] {
    manifestByID(dir).compactMapValues { line -> String? in
      guard case .array(let fx) = line["effects"] ?? .null else { return nil }
      return fx.first { $0["effect"]?.stringValue == effect }?[field]?.stringValue
    }
  }

  /// failures.tsv of `dir` as (id, file, reason) rows.
  func failureRows(_ dir: String) -> [(id: String, file: String, reason: String)] {
    ((try? String(contentsOfFile: dir + "/failures.tsv", encoding: .utf8)) ?? "").split(separator: "\n").dropFirst().map {
      let f = $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return (f[0], f.count > 1 ? f[1] : "", f.count > 2 ? f[2] : "")
    }
  }

  /// Every output listed in `dir`'s manifest has the same manifest line and the same bytes as
  /// in `reference` (a run that saw no missing file).
  func expectWrittenMatch(_ dir: String, _ reference: String, _ label: String) {
    let ref = manifestByID(reference)
    for (id, line) in manifestByID(dir) {
      #expect(ref[id]?.serialized == line.serialized, "\(label): manifest line of \(id) differs")
      let rel = line["audio_filepath"]?.stringValue ?? "?"
      #expect(FileManager.default.contents(atPath: dir + "/" + rel) == FileManager.default.contents(atPath: reference + "/" + rel), "\(label): \(rel) differs")
    }
  }

  /// Starts `args` and returns once its manifest has its first lines (nil, with an issue
  /// recorded, if the run ended first).
  func startAndAwaitProgress(_ args: [String], output: String) throws -> (process: Process, out: String, err: String)? {
    let p = try start(args)
    let deadline = Date().addingTimeInterval(120)
    while p.process.isRunning, Date() < deadline,
      ((try? FileManager.default.attributesOfItem(atPath: output + "/manifest.jsonl"))?[.size] as? Int ?? 0) == 0
    {
      usleep(10_000)
    }
    guard p.process.isRunning else {
      Issue.record("the run finished before its noise file could be removed; make the corpus bigger. \(read(p.err))")
      return nil
    }
    return p
  }

  @Test func aNoiseFileDeletedMidRunIsNamedAndTheRunResumesExactly() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 320)
    var rng = UtteranceRNG(key: 17)
    try SoundFile.writeWAV16((0..<16000 * 4).map { _ in Float(0.1 * rng.gaussian()) }, sampleRate: 16000, to: fx.dir + "/noise/hiss.wav")
    let hiss = fx.dir + "/noise/hiss.wav", aside = fx.dir + "/hiss.wav.aside"
    let recipe = fx.dir + "/noisy.yaml"
    try "sample_rate: 16000\neffects:\n  - noise: {dir: \(fx.dir)/noise, snr_db: {uniform: [5, 20]}}\n  - gain: {db: {uniform: [-3, 3]}}\n"
      .write(toFile: recipe, atomically: true, encoding: .utf8)
    let args = ["mix", "--recipe", recipe, "--input", input, "--seed", "4", "--quiet", "--jobs", "1"]
    let reference = fx.dir + "/reference"
    let r = try run(args + ["--output", reference])
    #expect(r.status == 0, "\(r.stderr)")
    let noiseOf = effectField(reference, effect: "noise", field: "noise_file")
    let usesHiss = Set(noiseOf.filter { $0.value == hiss }.map { String($0.key.dropLast(4)) })  // "__v0"
    #expect(noiseOf.count == 320 && usesHiss.count > 40, "\(usesHiss.count) of \(noiseOf.count) use \(hiss)")

    // Without --keep-going: the run stops at the first utterance that needs the file.
    let out = fx.dir + "/out"
    guard let p = try startAndAwaitProgress(args + ["--output", out], output: out) else { return }
    try FileManager.default.moveItem(atPath: hiss, toPath: aside)
    p.process.waitUntilExit()
    let stderr = read(p.err)
    #expect(p.process.terminationReason == .exit && p.process.terminationStatus == 1, "status \(p.process.terminationStatus): \(stderr)")
    #expect(stderr.contains("noise file \(hiss) cannot be read (no such file)") && stderr.contains("Put it back"), "\(stderr)")
    let named = namedUtterance(stderr)
    #expect(named.map { usesHiss.contains($0) } == true, "the utterance named (\(named ?? "none")) does not use \(hiss): \(stderr)")
    let progress = FileManager.default.contents(atPath: out + "/.audioamp/progress.json").map { String(decoding: $0, as: UTF8.self) } ?? ""
    #expect(progress.contains("\"complete\":false"), "no checkpoint: \(progress)")
    expectCompleteWAVs(out, "stopped at the missing noise file")
    expectWrittenMatch(out, reference, "stopped at the missing noise file")

    // Put back, the same command resumes and ends with what an uninterrupted run wrote.
    try FileManager.default.moveItem(atPath: aside, toPath: hiss)
    let resumed = try run(args + ["--output", out])
    #expect(resumed.status == 0 && resumed.stdout.contains("resumed after"), "\(resumed.stdout) \(resumed.stderr)")
    expectSame(snapshot(reference), snapshot(out), "resumed after the noise file came back")

    // With --keep-going: the utterances that needed it are logged against it, the rest written.
    let kept = fx.dir + "/kept"
    guard let q = try startAndAwaitProgress(args + ["--output", kept, "--keep-going", "--jobs", "2"], output: kept) else { return }
    try FileManager.default.moveItem(atPath: hiss, toPath: aside)
    q.process.waitUntilExit()
    #expect(q.process.terminationReason == .exit && q.process.terminationStatus == 3, "status \(q.process.terminationStatus): \(read(q.err))")
    let rows = failureRows(kept)
    #expect(!rows.isEmpty)
    for row in rows {
      #expect(usesHiss.contains(row.id), "\(row.id) failed but does not use \(hiss)")
      #expect(row.file == hiss && row.reason.contains("noise file \(hiss) cannot be read"), "\(row)")
    }
    let written = Set(manifestByID(kept).keys.map { String($0.dropLast(4)) })
    #expect(written.isDisjoint(with: rows.map(\.id)) && written.count + rows.count == 320, "\(written.count) written + \(rows.count) failed")
    expectWrittenMatch(kept, reference, "--keep-going without the noise file")
    try FileManager.default.moveItem(atPath: aside, toPath: hiss)
  }

  @Test func aMissingOrTruncatedImpulseResponseIsNamedAndTheRunResumesExactly() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 30)
    let rirs = fx.dir + "/rirs"
    let synth = try run(["room", "synth", "--rt60", "{uniform: [0.2, 0.5]}", "--length", "{uniform: [3, 5]}", "--count", "4", "--seed", "2", "--out", rirs + "/"])
    #expect(synth.status == 0, "\(synth.stderr)")
    let recipe = fx.dir + "/far.yaml"
    try "sample_rate: 16000\nvariants: 2\neffects:\n  - reverb: {rir: {index: \(rirs)}}\n  - gain: {db: {uniform: [-3, 3]}}\n"
      .write(toFile: recipe, atomically: true, encoding: .utf8)
    let args = ["mix", "--recipe", recipe, "--input", input, "--seed", "6", "--quiet", "--jobs", "2"]
    let reference = fx.dir + "/reference"
    let r = try run(args + ["--output", reference])
    #expect(r.status == 0, "\(r.stderr)")
    let rirOf = effectField(reference, effect: "reverb", field: "rir_file")
    #expect(rirOf.count == 60, "\(rirOf.count) outputs name their RIR")
    func sources(using name: String) -> Set<String> { Set(rirOf.filter { $0.value == name }.map { String($0.key.dropLast(4)) }) }

    // Deleted after indexing: the run stops at the first utterance that draws it.
    let gone = "rir-00001.wav", gonePath = rirs + "/" + gone
    #expect(!sources(using: gone).isEmpty)
    try FileManager.default.moveItem(atPath: gonePath, toPath: gonePath + ".aside")
    let out = fx.dir + "/out"
    let stopped = try run(args + ["--output", out])
    #expect(stopped.exited && stopped.status == 1, "status \(stopped.status): \(stopped.stderr)")
    #expect(stopped.stderr.contains("impulse response \(gonePath) cannot be read (no such file)"), "\(stopped.stderr)")
    let named = namedUtterance(stopped.stderr)
    #expect(named.map { sources(using: gone).contains($0) } == true, "named \(named ?? "none"): \(stopped.stderr)")
    let progress = FileManager.default.contents(atPath: out + "/.audioamp/progress.json").map { String(decoding: $0, as: UTF8.self) } ?? ""
    #expect(progress.contains("\"complete\":false"), "no checkpoint: \(progress)")
    expectCompleteWAVs(out, "stopped at the missing RIR")
    expectWrittenMatch(out, reference, "stopped at the missing RIR")
    try FileManager.default.moveItem(atPath: gonePath + ".aside", toPath: gonePath)
    let resumed = try run(args + ["--output", out])
    #expect(resumed.status == 0 && resumed.stdout.contains("resumed after"), "\(resumed.stdout) \(resumed.stderr)")
    expectSame(snapshot(reference), snapshot(out), "resumed after the RIR came back")

    // Truncated (a copy cut short), with --keep-going: exactly its utterances are logged.
    let cut = "rir-00002.wav", cutPath = rirs + "/" + cut
    let whole = FileManager.default.contents(atPath: cutPath)!
    #expect(!sources(using: cut).isEmpty)
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cutPath))
    defer { try? whole.write(to: URL(fileURLWithPath: cutPath)) }
    let kept = fx.dir + "/kept"
    let k = try run(args + ["--output", kept, "--keep-going"])
    #expect(k.exited && k.status == 3, "status \(k.status): \(k.stderr)")
    let rows = failureRows(kept)
    #expect(Set(rows.map(\.id)) == sources(using: cut), "failed: \(rows.map(\.id).sorted())")
    for row in rows {
      #expect(row.file == cutPath && row.reason.contains("impulse response \(cutPath) cannot be read (file is truncated"), "\(row)")
    }
    #expect(manifestByID(kept).count == 60 - 2 * rows.count)
    expectWrittenMatch(kept, reference, "--keep-going with a truncated RIR")
  }

  @Test func awkwardPathsWork() throws {
    // Spaces, quotes, a newline and non-ASCII in the corpus folder, file names and output.
    let fx = try Fixture()
    let recipe = try lightRecipe(fx)
    let odd = fx.dir + "/in \"q\" 'x'\nline – ünï"
    try FileManager.default.createDirectory(atPath: odd + "/audio", withIntermediateDirectories: true)
    let names = ["a b.wav", "qu\"ote.wav", "ünï €.wav"]
    var rows: [String] = []
    for (i, n) in names.enumerated() {
      try FileManager.default.copyItem(atPath: fx.dir + "/corpus/audio/spk1-001.wav", toPath: odd + "/audio/" + n)
      let escaped = n.replacingOccurrences(of: "\"", with: "\\\"")
      rows.append(#"{"audio_filepath": "audio/\#(escaped)", "text": "t \#(i)", "id": "id \#(i) ü", "speaker": "s"}"#)
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: odd + "/m.jsonl", atomically: true, encoding: .utf8)
    for format in ["jsonl", "kaldi", "librispeech", "audiofolder", "folder"] {
      let out = fx.dir + "/out \"\(format)\" ü\nx"
      let r = try run(["mix", "--recipe", recipe, "--input", odd + "/m.jsonl", "--output", out, "--quiet", "--output-format", format])
      #expect(r.status == 0, "\(format): \(r.stderr)")
      let lines = (try? String(contentsOfFile: out + "/manifest.jsonl", encoding: .utf8))?.split(separator: "\n") ?? []
      #expect(lines.count == 6, "\(format)")
    }
  }

  /// The command prefix that drops root to `nobody` (uid/gid 65534), so permission bits apply:
  /// empty when not root, nil when root and neither setpriv nor runuser (util-linux) exists.
  static let unprivileged: [String]? = {
    guard getuid() == 0 else { return [] }
    let fm = FileManager.default
    if let t = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: fm.isExecutableFile(atPath:)) {
      return [t, "--reuid=65534", "--regid=65534", "--clear-groups"]
    }
    if let t = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: fm.isExecutableFile(atPath:)) {
      return [t, "-u", "nobody", "--"]
    }
    return nil
  }()

  /// Runs `audioamp` as the unprivileged user (see `unprivileged`).
  func runUnprivileged(_ args: [String]) throws -> (status: Int32, exited: Bool, stdout: String, stderr: String) {
    let prefix = Self.unprivileged ?? []
    guard let tool = prefix.first else { return try run(args) }
    let tag = UUID().uuidString.prefix(8)
    let out = NSTemporaryDirectory() + "audioamp-cli-\(tag).out", err = NSTemporaryDirectory() + "audioamp-cli-\(tag).err"
    FileManager.default.createFile(atPath: out, contents: nil)
    FileManager.default.createFile(atPath: err, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = Array(prefix.dropFirst()) + [CLI.binary] + args
    p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, p.terminationReason == .exit, read(out), read(err))
  }

  @Test(.enabled(if: RobustnessCLITests.unprivileged != nil, "root, and no setpriv or runuser to drop privileges"))
  func unreadableAndUnwritablePathsAreNamed() throws {
    // As root the child runs as nobody: the fixture's folders are root's 0755, which nobody may
    // read but not write; outputs go below a 0777 folder; a file made unreadable gets mode 0.
    let fx = try Fixture()
    let fm = FileManager.default
    let open = fx.dir + "/open"
    try fm.createDirectory(atPath: open, withIntermediateDirectories: true)
    chmod(open, 0o777)
    let recipe = try lightRecipe(fx)
    for p in [fx.dir, fx.dir + "/corpus", fx.dir + "/corpus/audio"] { chmod(p, 0o755) }
    for p in [recipe, fx.manifest] + ["spk1-001", "spk2-001", "spk3-001"].map({ fx.dir + "/corpus/audio/\($0).wav" }) { chmod(p, 0o644) }
    let ok = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", open + "/ok", "--quiet"])
    #expect(ok.status == 0, "the unprivileged user cannot run the fixture at all: \(ok.stderr)")

    // An input audio file it may not read: the run stops on that utterance, naming the file.
    let audio = fx.dir + "/corpus/audio/spk2-001.wav"
    chmod(audio, 0o000)
    let a = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", open + "/a", "--quiet"])
    #expect(a.exited && a.status == 1, "status \(a.status): \(a.stderr)")
    #expect(a.stderr.contains("utterance 'spk2-001'") && a.stderr.contains("\(audio): permission denied") && a.stderr.contains("make it readable"), "\(a.stderr)")
    let ak = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", open + "/ak", "--quiet", "--keep-going"])
    #expect(ak.exited && ak.status == 3, "status \(ak.status): \(ak.stderr)")
    let rows = failureRows(open + "/ak")
    #expect(rows.map(\.id) == ["spk2-001"] && rows.first?.reason.contains("permission denied") == true, "\(rows)")
    #expect(manifestByID(open + "/ak").count == 4)
    chmod(audio, 0o644)

    // A recipe it may not read.
    chmod(recipe, 0o000)
    let r = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", open + "/r", "--quiet"])
    #expect(r.exited && r.status == 2, "status \(r.status): \(r.stderr)")
    #expect(r.stderr.contains("\(recipe): cannot read recipe") && r.stderr.contains("readable (permissions)"), "\(r.stderr)")
    chmod(recipe, 0o644)

    // A corpus manifest it may not read.
    chmod(fx.manifest, 0o000)
    let m = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", open + "/m", "--quiet"])
    #expect(m.exited && m.status == 1, "status \(m.status): \(m.stderr)")
    #expect(m.stderr.contains("\(fx.manifest): cannot read (permission denied") && m.stderr.contains("make it readable"), "\(m.stderr)")
    chmod(fx.manifest, 0o644)

    // An output folder it may not create, and one that exists but it may not write into.
    let locked = open + "/locked"
    try fm.createDirectory(atPath: locked + "/out", withIntermediateDirectories: true)
    chmod(locked, 0o555)
    chmod(locked + "/out", 0o555)
    defer { chmod(locked, 0o755) }
    for output in [locked + "/new", locked + "/out"] {
      let w = try runUnprivileged(["mix", "--recipe", recipe, "--input", fx.manifest, "--output", output, "--quiet"])
      #expect(w.exited && w.status == 1, "\(output): status \(w.status): \(w.stderr)")
      #expect(w.stderr.contains(output + ": ") && w.stderr.contains("choose a writable --output"), "\(w.stderr)")
      #expect(!fm.fileExists(atPath: output + "/manifest.jsonl"))
    }
  }

  /// A full output disk: a 192 KiB tmpfs (needs root and mount; skipped otherwise).
  @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")))
  func aFullDiskStopsCleanlyAndResumesOnceSpaceIsFreed() throws {
    let fx = try Fixture()
    let input = try corpus(fx, count: 40)
    let recipe = try lightRecipe(fx)
    let mnt = fx.dir + "/small"
    try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
    func sh(_ a: [String]) -> Int32 {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: a[0])
      p.arguments = Array(a.dropFirst())
      p.standardError = FileHandle.nullDevice
      try? p.run()
      p.waitUntilExit()
      return p.terminationStatus
    }
    guard sh(["/bin/mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", mnt]) == 0 else {
      print("cannot mount a tmpfs here: disk-full test skipped")
      return
    }
    defer { _ = sh(["/bin/umount", mnt]) }
    let args = ["mix", "--recipe", recipe, "--input", input, "--output", mnt + "/out", "--seed", "3", "--quiet", "--keep-going"]
    let full = try run(args)
    #expect(full.exited && full.status == 1, "status \(full.status): \(full.stderr)")
    // The message names the file that could not be written and says why.
    #expect((full.stderr.contains("disk is full") || full.stderr.contains("free space")) && full.stderr.contains(mnt + "/out/"), "\(full.stderr)")
    // --keep-going does not turn a full disk into a failure per utterance.
    let failures = (try? String(contentsOfFile: mnt + "/out/failures.tsv", encoding: .utf8)) ?? ""
    #expect(!failures.contains("disk is full"))
    expectCompleteWAVs(mnt + "/out", "disk full")

    #expect(sh(["/bin/mount", "-o", "remount,size=64m", mnt]) == 0)
    let resumed = try run(args)
    #expect(resumed.status == 0, "\(resumed.stderr) failures: \((try? String(contentsOfFile: mnt + "/out/failures.tsv", encoding: .utf8)) ?? "")")
    #expect(try run(args.map { $0 == mnt + "/out" ? fx.dir + "/reference" : $0 }).status == 0)
    expectSame(snapshot(fx.dir + "/reference"), snapshot(mnt + "/out"), "after the disk was freed")
  }

  @Test func damagedAudioNeverTakesAKeepGoingRunDown() throws {
    // Good WAV/FLAC/OGG/MP3 files and damaged copies of them (flipped bytes, extreme header
    // bytes, truncations, splices, including the Ogg file that used to crash the process).
    let fx = try Fixture()
    let dir = fx.dir + "/corpus/audio"
    let x = try AudioLoader.load(path: dir + "/spk3-001.wav", sampleRate: 16000).samples
    var sources: [(String, [UInt8])] = []
    for f in [AudioFileFormat.wav16, .flac16, .vorbis, .mp3] {
      let p = dir + "/src." + (f == .wav16 ? "wav" : f == .flac16 ? "flac" : f == .vorbis ? "ogg" : "mp3")
      try SoundFile.write(x, sampleRate: 16000, to: p, format: f)
      sources.append(((p as NSString).pathExtension, [UInt8](FileManager.default.contents(atPath: p)!)))
    }
    var rng = UtteranceRNG(key: 2000)
    var rows: [String] = []
    for k in 0..<60 {
      let (ext, src) = sources[k % sources.count]
      var b = src
      switch k / sources.count % 5 {
      case 0: for _ in 0..<8 { let i = rng.index(below: 4096); b[i] ^= UInt8(1 << rng.index(below: 8)) }
      case 1: for _ in 0..<4 { b[rng.index(below: 256)] = [0, 0xFF, 0x7F, 0x80][rng.index(below: 4)] }
      case 2: b = Array(b[0..<(1 + rng.index(below: b.count - 1))])
      case 3: b = Array(b[0..<(1 + rng.index(below: b.count - 1))]) + sources[rng.index(below: sources.count)].1[rng.index(below: 2000)...]
      default: break  // left intact: must be written
      }
      FileManager.default.createFile(atPath: "\(dir)/m\(k).\(ext)", contents: Data(b))
      rows.append(#"{"audio_filepath": "audio/m\#(k).\#(ext)", "text": "t", "id": "m\#(k)"}"#)
    }
    try FileManager.default.copyItem(
      atPath: CLI.repoRoot + "/fuzz/crashes/audio/truncated-vorbis-unknown-length.ogg", toPath: dir + "/crash.ogg")
    rows.append(#"{"audio_filepath": "audio/crash.ogg", "text": "t", "id": "crash"}"#)
    try (rows.joined(separator: "\n") + "\n").write(toFile: fx.dir + "/corpus/m.jsonl", atomically: true, encoding: .utf8)
    let r = try run(["mix", "--recipe", try lightRecipe(fx), "--input", fx.dir + "/corpus/m.jsonl", "--output", fx.dir + "/out", "--quiet", "--keep-going", "--jobs", "2"])
    #expect(r.exited && (r.status == 0 || r.status == 3), "status \(r.status): \(r.stderr.suffix(2000))")
    let written = Set(((try? String(contentsOfFile: fx.dir + "/out/manifest.jsonl", encoding: .utf8)) ?? "")
      .split(separator: "\n").compactMap { line -> String? in
        guard let v = try? JSONValue.parse(String(line)) else { return nil }
        return v["source_id"]?.stringValue
      })
    let failed = Set(((try? String(contentsOfFile: fx.dir + "/out/failures.tsv", encoding: .utf8)) ?? "")
      .split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) })
    #expect(written.isDisjoint(with: failed))
    #expect(written.count + failed.count == 61, "\(written.count) written + \(failed.count) failed")
    #expect(failed.contains("crash"))
    for k in stride(from: 16, to: 20, by: 1) { #expect(written.contains("m\(k)"), "intact file m\(k) not written") }
  }
}
