import Foundation

#if AUDIOAMP_FUZZ
  /// The target chosen by `AUDIOAMP_FUZZ_TARGET` (read once).
  let fuzzTarget: String = {
    let name = ProcessInfo.processInfo.environment["AUDIOAMP_FUZZ_TARGET"] ?? ""
    guard FuzzTargets.names.contains(name) else {
      fputs("set AUDIOAMP_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: " "))\n", stderr)
      exit(2)
    }
    return name
  }()

  /// libFuzzer's per-input callback (built with `-sanitize=fuzzer`, see `scripts/fuzz.sh`).
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: size) } ?? Data()
    _ = FuzzTargets.run(fuzzTarget, data)
    return 0
  }

  /// libFuzzer's driver, which parses the usual libFuzzer flags and runs the campaign.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// SwiftPM makes an executable's `main` an alias of `<module>_main`; libFuzzer's own `main`
  /// is then not linked, so this one hands over to its driver.
  @_cdecl("audioamp_fuzz_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    _ = fuzzTarget
    var c = argc
    var v = argv
    return runFuzzerDriver(&c, &v, fuzzOneInput)
  }

#else
  /// Without the fuzzer, the same targets replay files: `audioamp-fuzz TARGET FILE|DIR...` runs
  /// every input once (a regression run over the seed corpora and saved crashes).
  @main struct FuzzReplay {
    static func main() {
      let args = Array(CommandLine.arguments.dropFirst())
      guard let target = args.first, FuzzTargets.names.contains(target) else {
        fputs(
          "usage: audioamp-fuzz TARGET FILE|DIR...\ntargets: \(FuzzTargets.names.joined(separator: " "))\n",
          stderr)
        exit(2)
      }
      var files: [String] = []
      for a in args.dropFirst() {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: a, isDirectory: &isDir), isDir.boolValue {
          let names = (try? FileManager.default.contentsOfDirectory(atPath: a)) ?? []
          files += names.sorted().filter { !$0.hasPrefix(".") }.map { (a as NSString).appendingPathComponent($0) }
        } else {
          files.append(a)
        }
      }
      for f in files {
        guard let d = FileManager.default.contents(atPath: f) else {
          fputs("\(f): cannot read\n", stderr)
          exit(1)
        }
        _ = FuzzTargets.run(target, d)
      }
      print("\(target): \(files.count) inputs replayed, no crash")
    }
  }
#endif
