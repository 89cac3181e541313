import Dispatch
import Foundation

/// SIGINT and SIGTERM as a request to stop `mix` cleanly at the next batch boundary.
///
/// Once `install()` has run, the first SIGINT or SIGTERM only sets a flag: the run finishes the
/// batch in hand, writes its checkpoint (journals synced, then `progress.json`) and throws
/// `MixInterrupted`, so running the same command again resumes exactly there. A second signal
/// of either kind exits at once with status 128 + signal; that is still safe, since a resume
/// goes back to the last checkpoint as it does after `kill -9`.
public enum StopSignal {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
  nonisolated(unsafe) private static var signalNumber: Int32? = nil

  /// Routes SIGINT and SIGTERM to the flag (idempotent).
  public static func install() {
    lock.lock()
    defer { lock.unlock() }
    guard sources.isEmpty else { return }
    for s in [SIGINT, SIGTERM] {
      signal(s, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
      source.setEventHandler { StopSignal.received(s) }
      source.resume()
      sources.append(source)
    }
  }

  /// The signal that asked the run to stop, or nil.
  public static var requested: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return signalNumber
  }

  /// Records signal `s` as a stop request; a second one exits immediately. Also the way tests
  /// ask for a stop without sending a signal.
  public static func received(_ s: Int32) {
    lock.lock()
    let second = signalNumber != nil
    if !second { signalNumber = s }
    lock.unlock()
    if second { _exit(128 + s) }
  }

  /// Forgets a stop request (for tests that run several jobs in one process).
  public static func reset() {
    lock.lock()
    signalNumber = nil
    lock.unlock()
  }
}

/// A run stopped by SIGINT or SIGTERM after writing its checkpoint.
public struct MixInterrupted: Error, Sendable, CustomStringConvertible {
  /// The signal number (2 for SIGINT, 15 for SIGTERM).
  public var signal: Int32
  /// How far the run got.
  public var summary: MixSummary

  public var description: String {
    let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
    return "stopped by \(name) after \(summary.outputs) outputs; the checkpoint is written and every file under a final name is complete. Run the same command again to resume."
  }
}
