import Foundation

/// The last step of every chain: makes sure nothing clips silently when written as 16-bit PCM.
extension ClipGuard {
  /// Highest absolute sample value written (−0.1 dBFS), leaving room for 16-bit rounding.
  public static let ceiling: Float = 0.9886

  /// Returns `audio` unchanged when its peak is below full scale; otherwise brings it under
  /// `ceiling` and returns a manifest record describing what was done.
  ///
  /// - `scale`: the whole utterance is multiplied by one gain (waveform shape kept).
  /// - `limit`: a look-ahead peak limiter: the gain needed at each sample is spread over a 5 ms
  ///   window by a running minimum, then smoothed by a running mean over the same window, which
  ///   can only lower it further, so every sample ends under the ceiling while gain changes stay
  ///   smooth (no added distortion where the signal is not loud).
  public func apply(to audio: AudioBuffer) -> (AudioBuffer, JSONValue?) {
    let peak = Levels.peak(audio.samples)
    guard peak > 1 else { return (audio, nil) }
    var out = audio
    let peakDB = Levels.dB(amplitude: Double(peak))
    switch self {
    case .scale:
      let g = ClipGuard.ceiling / peak
      out.samples.withUnsafeMutableBufferPointer { p in
        for i in p.indices { p[i] *= g }
      }
      return (
        out,
        .object([
          ("effect", .string("clip_guard")), ("mode", .string("scale")),
          ("peak_dbfs", .number(round3(peakDB))), ("gain_db", .number(round3(Levels.dB(amplitude: Double(g))))),
        ])
      )
    case .limit:
      let n = audio.count
      let w = max(1, audio.sampleRate / 200)
      var need = [Float](repeating: 1, count: n)
      var limited = 0
      for i in 0..<n {
        let a = abs(audio.samples[i])
        if a > ClipGuard.ceiling {
          need[i] = ClipGuard.ceiling / a
          limited += 1
        }
      }
      let minimum = runningMin(need, radius: w)
      let gain = runningMean(minimum, radius: w / 2)
      var deepest: Float = 1
      for i in 0..<n {
        let g = min(gain[i], need[i])
        out.samples[i] *= g
        deepest = min(deepest, g)
      }
      return (
        out,
        .object([
          ("effect", .string("clip_guard")), ("mode", .string("limit")),
          ("peak_dbfs", .number(round3(peakDB))), ("samples_over", .number(Double(limited))),
          ("max_reduction_db", .number(round3(-Levels.dB(amplitude: Double(deepest))))),
        ])
      )
    }
  }
}

private func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Minimum of x over [i − r, i + r] for every i (monotonic deque, O(n)).
func runningMin(_ x: [Float], radius r: Int) -> [Float] {
  let n = x.count
  guard n > 0 else { return [] }
  var out = [Float](repeating: 0, count: n)
  var deque = [Int]()
  deque.reserveCapacity(2 * r + 2)
  var head = 0
  var next = 0
  for i in 0..<n {
    while next < n && next <= i + r {
      while deque.count > head && x[deque[deque.count - 1]] >= x[next] { deque.removeLast() }
      deque.append(next)
      next += 1
    }
    while deque[head] < i - r { head += 1 }
    out[i] = x[deque[head]]
    if head > 4096 {
      deque.removeFirst(head)
      head = 0
    }
  }
  return out
}

/// Mean of x over [i − r, i + r] clipped to the buffer, for every i.
func runningMean(_ x: [Float], radius r: Int) -> [Float] {
  let n = x.count
  guard n > 0, r > 0 else { return x }
  var prefix = [Double](repeating: 0, count: n + 1)
  for i in 0..<n { prefix[i + 1] = prefix[i] + Double(x[i]) }
  var out = [Float](repeating: 0, count: n)
  for i in 0..<n {
    let a = max(0, i - r)
    let b = min(n, i + r + 1)
    out[i] = Float((prefix[b] - prefix[a]) / Double(b - a))
  }
  return out
}
