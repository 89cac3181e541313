import ArgumentParser
import AudioAmpKit
import Foundation

struct RecipeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recipe",
    abstract: "Work with recipe files.",
    subcommands: [Check.self, Keys.self, Schema.self])

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
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
          let names = r.effects.map { $0.probability < 1 ? "\($0.name) (p=\(JSONValue.format($0.probability)))" : $0.name }
          print("\(f): ok — \(r.sampleRate) Hz, \(r.variants ?? 1) variants, effects: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        } catch {
          bad = true
          FileHandle.standardError.write(Data("\(error)\n".utf8))
        }
      }
      if bad { throw ExitCode(2) }
    }
  }

  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keys",
      abstract: "Print the recipe key reference, generated from the effects' declarations.",
      discussion: """
        Without an effect, the top-level keys and every effect; the README's tables are exactly \
        the Markdown form (scripts/update-readme-keys.sh rewrites them).
        """)

    @Argument(help: ArgumentHelp("One effect (noise, band_limit, ...); all when omitted.", valueName: "effect"))
    var effect: String?

    @Flag(help: "Markdown tables (the default).")
    var markdown = false

    @Flag(help: "JSON.")
    var json = false

    func validate() throws {
      if markdown && json { throw ValidationError("give --markdown or --json, not both") }
      if let effect, EffectRegistry.type(named: effect) == nil {
        throw ValidationError("unknown effect '\(effect)'; effects: \(EffectRegistry.names.joined(separator: ", "))")
      }
    }

    func run() throws {
      let type = effect.flatMap(EffectRegistry.type(named:))
      if json {
        print(RecipeReference.json(effect: type).serialized)
      } else {
        print(type.map(RecipeReference.markdown) ?? RecipeReference.markdown())
      }
    }
  }

  struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "schema",
      abstract: "Print a JSON Schema for recipe files (for editors with a YAML language server).",
      discussion: """
        Save it (audioamp recipe schema > recipe.schema.json) and point the editor at it, e.g. \
        with a first line '# yaml-language-server: $schema=recipe.schema.json'. It checks key \
        names, types and ranges; recipe check remains the authority.
        """)

    func run() throws {
      print(RecipeReference.schema().serialized)
    }
  }
}
