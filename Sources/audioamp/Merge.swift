import ArgumentParser
import AudioAmpKit
import Foundation

struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Join the shards of a run made with mix --shard into one output.",
    discussion: """
      Checks that every shard K/N in DIR/shards/ exists, finished and was made by the same \
      command, then writes DIR/manifest.jsonl (and failures.tsv) in corpus order, the output \
      format's index files and DIR/summary.json: byte for byte what one machine would have \
      written with the same seed. Exit status 1, naming the shards, if any is missing or \
      unfinished.
      """)

  @Argument(help: ArgumentHelp("The --output folder every shard wrote to.", valueName: "dir"))
  var directory: String

  func run() throws {
    do {
      let t = try MergeJob.run(directory: directory)
      print("merged: \(t.utterances) utterances → \(t.outputs) outputs, \(t.failures) failed; wrote \((directory as NSString).appendingPathComponent("manifest.jsonl"))")
    } catch {
      fail("\(error)", code: 1)
    }
  }
}
