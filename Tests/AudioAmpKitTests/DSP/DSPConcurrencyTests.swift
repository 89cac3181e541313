import Foundation
import Testing

@testable import AudioAmpKit

@Suite("DSP kernels across threads")
struct DSPConcurrencyTests {
  /// Each kernel run on 8 threads at once gives byte-identical output to a serial run (plans,
  /// tables and filter spectra are shared; scratch is per call).
  @Test("kernels give identical output when run concurrently")
  func concurrentRunsMatchSerialRuns() throws {
    let fs = 16000
    let taps = try FIRDesign.bandPass(lowHz: 300, highHz: 3400, sampleRate: fs)
    let conv = FFTConvolver(taps: taps)
    let inputs = (0..<8).map { Signals.noise(key: 500 + UInt64($0), count: 6000 + 777 * $0) }
    let kernels: [(String, @Sendable ([Float]) -> [Float])] = [
      ("band-pass", { conv.apply($0) }),
      ("resample 1.1", { PolyphaseResampler.resample($0, factor: 1.1) }),
      ("resample 0.93", { PolyphaseResampler.resample($0, factor: 0.93) }),
      ("pitch +2", { PhaseVocoder.pitchShift($0, semitones: 2, sampleRate: fs) }),
      ("stretch 0.85", { PhaseVocoder.stretch($0, by: 0.85, sampleRate: fs) }),
    ]
    for (name, kernel) in kernels {
      let serial = inputs.map(kernel)
      let lock = NSLock()
      nonisolated(unsafe) var parallel = [[Float]](repeating: [], count: inputs.count)
      DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
        let y = kernel(inputs[i])
        lock.lock()
        parallel[i] = y
        lock.unlock()
      }
      #expect(parallel == serial, "\(name)")
    }
  }
}
