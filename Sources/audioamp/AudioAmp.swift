import ArgumentParser
import AudioAmpKit
import Foundation

@main
struct AudioAmp: ParsableCommand {
  // Every command names itself (commandName): ArgumentParser otherwise derives each name with
  // String(describing:) on the type, whose first use per type scans every protocol
  // conformance in the process, about a third of the start-up of every run.
  static let configuration = CommandConfiguration(
    commandName: "audioamp",
    abstract: "Turn a small clean labelled speech corpus into a large, realistic augmented one.",
    discussion: """
      Each clean utterance becomes several variants — over a bad phone line, with traffic or a \
      crowd behind it, faster or slower, higher or lower — while its transcript stays the same. \
      A YAML recipe says which effects to apply and how their parameters are drawn; every \
      output is reproducible from the seed and its manifest line.

      Examples:
        audioamp recipe check recipes/phone.yaml
        audioamp mix --recipe recipes/phone.yaml --input corpus/manifest.jsonl --output out/ --variants 5 --seed 7 --jobs 2
        audioamp mix --recipe recipes/speed-perturb.yaml --input corpus/kaldi --output out-sp/
        audioamp plan --recipe recipes/phone.yaml --input corpus/manifest.jsonl --variants 10
        audioamp review out/ --sample 24 --stratify snr      # then open out/review/index.html
        audioamp inspect out/audio/spk1-001__v0.wav

      Exit status: 0 all outputs written; 1 the run stopped (bad input, unwritable output); \
      2 the recipe is invalid; 3 finished with failures logged to failures.tsv (--keep-going); \
      64 command-line misuse.
      """,
    version: AudioAmpVersion.string,
    subcommands: [
      Mix.self, Plan.self, Merge.self, RecipeCommand.self, NoiseCommand.self, Review.self, Inspect.self,
      SpectrogramCommand.self, ProfileCommand.self, RoomCommand.self, Speak.self, EspeakWorker.self,
    ]
  )
}

/// Prints an error to stderr and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
  FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
  exit(code)
}

func warn(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
