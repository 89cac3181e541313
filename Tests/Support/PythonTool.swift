import Foundation

/// Finds and runs the Python interpreter that holds the peer tools the tests compare against
/// (lhotse, datasets, webdataset, pystoi, pyroomacoustics, check-jsonschema).
///
/// The interpreter is `$AUDIOAMP_PYTHON` when set, else `<repo>/.venv/bin/python3` (made by
/// `scripts/install-python-tools.sh`, which `make test` runs). Tests that need a tool are
/// enabled only when it imports, so a machine without the venv still runs everything else;
/// CI installs all of them.
public enum PythonTool {
  /// The repository root (three levels above this file).
  public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// The interpreter to use, or nil when none is installed.
  public static let interpreter: String? = {
    let env = ProcessInfo.processInfo.environment
    let candidates = [env["AUDIOAMP_PYTHON"], repoRoot + "/.venv/bin/python3"].compactMap { $0 }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  private static let lock = NSLock()
  nonisolated(unsafe) private static var importable: [String: Bool] = [:]

  /// True when the interpreter exists and imports every module in `modules`.
  public static func has(_ modules: String...) -> Bool {
    guard let python = interpreter else { return false }
    return modules.allSatisfy { module in
      lock.lock()
      defer { lock.unlock() }
      if let known = importable[module] { return known }
      let ok = (try? run(python, ["-c", "import \(module)"]).status) == 0
      importable[module] = ok
      if !ok { print("python tool \(module) not importable by \(python): tests that need it are skipped") }
      return ok
    }
  }

  /// The full path of `program` on PATH (sox, ffmpeg, ...), or nil.
  public static func executable(_ program: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs the interpreter (or any program) with `arguments`; stdout and stderr are captured
  /// through files, so a chatty child can never block on a full pipe.
  public static func run(_ program: String, _ arguments: [String], cwd: String? = nil)
    throws -> (status: Int32, stdout: String, stderr: String)
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let tag = UUID().uuidString.prefix(8)
    let outPath = NSTemporaryDirectory() + "audioamp-py-\(tag).out"
    let errPath = NSTemporaryDirectory() + "audioamp-py-\(tag).err"
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    p.standardOutput = out
    p.standardError = err
    try p.run()
    p.waitUntilExit()
    try? out.close()
    try? err.close()
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    let o = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
    let e = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return (p.terminationStatus, o, e)
  }

  /// Runs a Python script given as text with `arguments` (`sys.argv[1...]`).
  public static func script(_ source: String, _ arguments: [String] = [], cwd: String? = nil)
    throws -> (status: Int32, stdout: String, stderr: String)
  {
    guard let python = interpreter else {
      return (127, "", "no Python interpreter: run scripts/install-python-tools.sh")
    }
    return try run(python, ["-c", source] + arguments, cwd: cwd)
  }
}
