import Foundation
import Testing
@testable import AudioAmpKit

@Suite struct TimeAlignmentTests {
  /// Clicks at annotated times: after speed/tempo, the rescaled annotations point at the
  /// samples where the clicks actually are.
  @Test(arguments: [0.9, 1.1, 1.25])
  func rescaledTimesLandOnTheMovedEvents(factor: Double) throws {
    let rate = 16000
    let clicks = [3000, 11000, 20000, 31000]
    var x = [Float](repeating: 0, count: 36000)
    for c in clicks { x[c] = 0.9 }
    let words: JSONValue = .array(clicks.map { .object([("word", .string("w")), ("start", .number(Double($0) / Double(rate))), ("end", .number(Double($0 + 400) / Double(rate)))]) })
    let out = SpeedChange(factor: .constant(factor)).apply(factor, to: AudioBuffer(samples: x, sampleRate: rate))
    let extra = TimeAlignment.rescale([("words", words), ("lang", .string("en"))], by: out.timeScale, sampleRate: rate, outputSamples: out.audio.count)
    #expect(extra[1].1 == .string("en"))
    guard case .array(let items) = extra[0].1 else {
      Issue.record("words lost")
      return
    }
    for (i, item) in items.enumerated() {
      let annotated = Int((item["start"]!.numberValue! * Double(rate)).rounded())
      // The click's peak in the output, searched around the expected place.
      let lo = max(0, annotated - 50), hi = min(out.audio.count, annotated + 50)
      let peak = (lo..<hi).max { abs(out.audio.samples[$0]) < abs(out.audio.samples[$1]) }!
      #expect(abs(peak - annotated) <= 1, "click \(i): annotation at \(annotated), click at \(peak)")
    }
  }

  @Test func timesPastTheEndAreClampedAndOtherFieldsKept() {
    let extra: [(String, JSONValue)] = [("segments", .array([.object([("start_time", .number(1.0)), ("end_time", .number(2.0)), ("text", .string("x"))])])), ("words", .string("not an array"))]
    let out = TimeAlignment.rescale(extra, by: 0.5, sampleRate: 1000, outputSamples: 800)
    #expect(out[0].1 == .array([.object([("start_time", .number(0.5)), ("end_time", .number(0.8)), ("text", .string("x"))])]))
    #expect(out[1].1 == .string("not an array"))
  }
}
