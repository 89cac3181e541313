import Foundation
import Testing

@testable import AudioAmpKit

/// Damaged resume state (progress.json, run.json, the manifest journal) never traps and never
/// makes a resume write wrong bytes: it is refused, and the run starts afresh.
@Suite struct RunStateDamageTests {
  @Test(arguments: [
    (0.0, 0), (12, 12), (9_007_199_254_740_992, 9_007_199_254_740_992),
    (-1, nil), (0.5, nil), (.nan, nil), (.infinity, nil), (-.infinity, nil), (1e300, nil),
  ] as [(Double, Int?)])
  func stateNumbersMustBeWholeAndInRange(value: Double, expected: Int?) {
    #expect(stateCount(value) == expected)
  }

  @Test(arguments: [
    #"{"totals":{"entries_visited":1e999,"utterances":0,"outputs":0,"failures":0,"source_samples":0,"output_samples":0},"manifest_bytes":0,"failures_bytes":0}"#,
    #"{"totals":{"entries_visited":1,"utterances":0,"outputs":0,"failures":0,"source_samples":0,"output_samples":0,"warnings":{"x":-5}},"manifest_bytes":0,"failures_bytes":0}"#,
    #"{"totals":{"entries_visited":1,"utterances":0,"outputs":0,"failures":0,"source_samples":0,"output_samples":0},"manifest_bytes":-40,"failures_bytes":0}"#,
    #"{"totals":{"entries_visited":1,"utterances":0,"outputs":0,"failures":0,"source_samples":0,"output_samples":0},"manifest_bytes":3.5,"failures_bytes":0}"#,
    #"{"totals":{},"manifest_bytes":0,"failures_bytes":0}"#,
    #"[1,2,3]"#,
  ])
  func damagedCheckpointsAreRefused(json: String) throws {
    let v = try? JSONValue.parse(json)
    #expect(v.flatMap(Checkpoint.init(json:)) == nil)
  }

  @Test func aJournalShorterThanItsCheckpointRestartsTheRun() throws {
    let dir = makeTempDir()
    let recipe = dir + "/r.yaml"
    try "effects: []\n".write(toFile: recipe, atomically: true, encoding: .utf8)
    let fp = try RunFingerprint(recipePath: recipe, input: recipe, seed: 1, variants: 1, outputFormat: "jsonl", shardCount: 1)
    let paths = RunPaths(output: dir + "/out", shard: .whole)
    try FileManager.default.createDirectory(atPath: paths.state, withIntermediateDirectories: true)
    try StateFile.write(fp.json, to: paths.runFile)
    var cp = Checkpoint()
    cp.totals.entriesVisited = 2
    cp.manifestBytes = 22
    try StateFile.write(cp.json, to: paths.checkpoint)
    let cases: [(journal: String, resumes: Bool)] = [
      ("{\"id\":\"a\"}\n{\"id\":\"b\"}\n", true),  // exactly as recorded
      ("{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"", true),  // a torn line after the checkpoint
      ("{\"id\":\"a\"}\n", false),  // shorter than recorded: padding it would write NULs
      ("{\"id\":\"a\"}\n{\"id\":\"bb\"}", false),  // the recorded prefix does not end a line
    ]
    for c in cases {
      try StateFile.write(cp.json, to: paths.checkpoint)
      try c.journal.write(toFile: paths.manifest, atomically: true, encoding: .utf8)
      let got = try MixJob.openRun(paths, fingerprint: fp, overwrite: false, keepGoing: false, info: [])
      #expect((got.totals.entriesVisited == 2) == c.resumes, "\(c.journal.debugDescription)")
      let bytes = FileManager.default.contents(atPath: paths.manifest) ?? Data()
      #expect(!bytes.contains(0), "journal padded with NUL bytes")
      #expect(bytes.count == (c.resumes ? 22 : 0))
    }
  }
}
