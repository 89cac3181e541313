import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct OutputFormatTests {
  /// A manifest as a run would leave it: three outputs, ids out of byte order.
  func runDir() throws -> String {
    let dir = makeTempDir()
    let lines = [
      #"{"audio_filepath":"audio/b__v0.wav","duration":1,"text":"tab\there, \"quoted\"","id":"b__v0","source_id":"b","variant":0,"speaker":"s2","gender":"female","effects":[]}"#,
      #"{"audio_filepath":"audio/B__v0.wav","duration":1,"text":"upper","id":"B__v0","source_id":"B","variant":0,"speaker":"s1","effects":[]}"#,
      #"{"audio_filepath":"audio/a__v1.wav","duration":1,"text":"","id":"a__v1","source_id":"a","variant":1,"speaker":"s2","effects":[]}"#,
    ]
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/manifest.jsonl", atomically: true, encoding: .utf8)
    return dir
  }

  func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  @Test func kaldiTablesAreSortedInByteOrderWithSpk2utt() throws {
    let dir = try runDir()
    try OutputFormat.kaldi.buildIndex(directory: dir)
    #expect(try read(dir + "/wav.scp") == "B__v0 \(dir)/audio/B__v0.wav\na__v1 \(dir)/audio/a__v1.wav\nb__v0 \(dir)/audio/b__v0.wav\n")
    #expect(try read(dir + "/text") == "B__v0 upper\na__v1\nb__v0 tab\there, \"quoted\"\n")
    #expect(try read(dir + "/utt2spk") == "B__v0 s1\na__v1 s2\nb__v0 s2\n")
    #expect(try read(dir + "/spk2utt") == "s1 B__v0\ns2 a__v1 b__v0\n")
  }

  @Test func otherLayoutsWriteTheirIndexFiles() throws {
    let dir = try runDir()
    try OutputFormat.audiofolder.buildIndex(directory: dir)
    #expect(try read(dir + "/metadata.csv") == "file_name,transcription,speaker_id\naudio/b__v0.wav,\"tab\there, \"\"quoted\"\"\",s2\naudio/B__v0.wav,upper,s1\naudio/a__v1.wav,,s2\n")
    try OutputFormat.commonvoice.buildIndex(directory: dir)
    let tsv = try read(dir + "/train.tsv").split(separator: "\n", omittingEmptySubsequences: false)
    #expect(tsv[0] == "client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccents\tvariant\tlocale\tsegment")
    #expect(tsv[1] == "s2\tb__v0.wav\ttab here, \"quoted\"\t\t\t\tfemale\t\t\t\t")
    try OutputFormat.folder.buildIndex(directory: dir)
    #expect(try read(dir + "/audio/B__v0.txt") == "upper\n")
  }

  @Test func librispeechGroupsByChapter() throws {
    let dir = makeTempDir()
    let u = Utterance(id: "103-1240-0001", audioPath: "-", text: "HELLO", speaker: "103", origin: "-")
    let id = OutputFormat.librispeech.outputID(for: u, variant: 2)
    #expect(id == "103-1240-0001002")
    let (path, format) = OutputFormat.librispeech.audioLocation(outputID: id, source: u)
    #expect(path == "103/1240/103-1240-0001002.flac" && format == .flac16)
    let line = #"{"audio_filepath":"\#(path)","duration":1,"text":"HELLO","id":"103-1240-0001002","effects":[]}"#
    try (line + "\n").write(toFile: dir + "/manifest.jsonl", atomically: true, encoding: .utf8)
    try OutputFormat.librispeech.buildIndex(directory: dir)
    #expect(try read(dir + "/103/1240/103-1240.trans.txt") == "103-1240-0001002 HELLO\n")
  }

  @Test func externalSortMergesSpilledRunsInByteOrder() throws {
    let dir = makeTempDir()
    let sorter = ExternalLineSorter(tempDirectory: dir, runLimit: 7)
    var rng = UtteranceRNG(key: 4)
    var lines: [String] = []
    for _ in 0..<100 {
      let s = String((0..<6).map { _ in Character(Unicode.Scalar(UInt8(65 + rng.index(below: 58)))) })
      lines.append(s)
      try sorter.add(s)
    }
    var out: [String] = []
    try sorter.finish { out.append($0) }
    #expect(out == lines.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }
}

@Suite struct ShardSpecTests {
  @Test func parsesExplicitAndClusterShards() throws {
    #expect(try ShardSpec.parse("3/100", environment: [:]) == ShardSpec(index: 2, count: 100))
    #expect(try ShardSpec.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "10"]) == ShardSpec(index: 4, count: 10))
    #expect(try ShardSpec.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "8"]) == ShardSpec(index: 4, count: 8))
    #expect(try ShardSpec.parse("auto", environment: ["JOB_COMPLETION_INDEX": "0", "AUDIOAMP_SHARD_COUNT": "3"]) == ShardSpec(index: 0, count: 3))
    #expect(try ShardSpec.parse("auto", environment: ["JOB_COMPLETION_INDEX": "2"], countOverride: 4) == ShardSpec(index: 2, count: 4))
  }

  @Test func refusesWhatItCannotUse() {
    let cases: [(String, [String: String], String)] = [
      ("0/3", [:], "--shard 0/3 gives shard 0 of 3; shards are numbered 1 to N (0 to N-1 in the environment variables)"),
      ("4/3", [:], "--shard 4/3 gives shard 4 of 3; shards are numbered 1 to N (0 to N-1 in the environment variables)"),
      ("x", [:], "--shard x: write K/N (e.g. 3/100, shards numbered from 1) or auto"),
      ("auto", [:], "--shard auto found neither SLURM_ARRAY_TASK_ID (SLURM array job) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job); give --shard K/N instead"),
      ("auto", ["JOB_COMPLETION_INDEX": "1"], "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is not: pass --shard-count N or set AUDIOAMP_SHARD_COUNT to the Job's completions"),
    ]
    for (text, env, message) in cases {
      do {
        _ = try ShardSpec.parse(text, environment: env)
        Issue.record("\(text) accepted")
      } catch {
        #expect("\(error)" == message)
      }
    }
  }

  @Test func everyUtteranceBelongsToExactlyOneShardAndTheSplitIsEven() {
    let ids = (0..<3000).map { "utt-\($0)" }
    var counts = [0, 0, 0]
    for id in ids {
      let owners = (0..<3).filter { ShardSpec(index: $0, count: 3).owns(id) }
      #expect(owners.count == 1)
      counts[owners[0]] += 1
    }
    #expect(counts.allSatisfy { abs($0 - 1000) < 100 })
  }
}
