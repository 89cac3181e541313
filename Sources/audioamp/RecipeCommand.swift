import ArgumentParser
import AudioAmpKit
import Foundation

struct RecipeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recipe",
    abstract: "Work with recipe files.",
    subcommands: [Check.self])

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate recipes without reading any audio.",
      discussion: """
        Reports every problem in one pass as file:line:column: field: message, and checks that \
        named noise categories exist in the noise library. Exit status 0 when all are valid, 2 \
        otherwise.
        """)

    @Argument(help: ArgumentHelp("Recipe files.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Noise library folder holding index.tsv.", valueName: "dir"))
    var noiseLibrary: String = "noise-library"

    func run() throws {
      var bad = false
      for f in files {
        do {
          let (r, _) = try MixJob.prepare(recipePath: f, noiseLibrary: noiseLibrary)
          let names = r.effects.map { $0.probability < 1 ? "\($0.kind.name) (p=\(JSONValue.format($0.probability)))" : $0.kind.name }
          print("\(f): ok — \(r.sampleRate) Hz, \(r.variants ?? 1) variants, effects: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        } catch {
          bad = true
          FileHandle.standardError.write(Data("\(error)\n".utf8))
        }
      }
      if bad { throw ExitCode(2) }
    }
  }
}
