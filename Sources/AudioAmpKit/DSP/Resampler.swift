import CKernels
import CSampleRate

/// Sample-rate conversion of whole signals with libsamplerate (Erik de Castro Lopo's Secret
/// Rabbit Code), for reading input files recorded at other rates.
public enum SampleRateConverter {
  /// libsamplerate converter to use.
  public enum Quality: Sendable {
    /// `SRC_SINC_BEST_QUALITY`: 97 % bandwidth, ~145 dB stop band (slowest).
    case best
    /// `SRC_SINC_MEDIUM_QUALITY`: 90 % bandwidth, ~121 dB stop band.
    case medium
    /// `SRC_SINC_FASTEST`: 80 % bandwidth, ~97 dB stop band.
    case fastest

    var converterType: Int32 {
      switch self {
      case .best: return Int32(SRC_SINC_BEST_QUALITY)
      case .medium: return Int32(SRC_SINC_MEDIUM_QUALITY)
      case .fastest: return Int32(SRC_SINC_FASTEST)
      }
    }
  }

  /// Converts `x` from `from` Hz to `to` Hz.
  ///
  /// - Returns: exactly round(x.count·to/from) samples (libsamplerate's own count is trimmed or
  ///   zero-padded by at most a sample or two to make this exact); `x` itself when the rates are
  ///   equal; empty for empty input.
  /// - Throws: ``DSPError/invalidSampleRate(_:)`` for a rate ≤ 0,
  ///   ``DSPError/unsupportedRatio(from:to:reason:)`` when to/from is outside libsamplerate's
  ///   1/256…256, and ``DSPError/sampleRateConversionFailed(code:message:)`` with
  ///   `src_strerror`'s text when the library fails.
  public static func convert(_ x: [Float], from: Int, to: Int, quality: Quality = .best) throws
    -> [Float]
  {
    guard from > 0 else { throw DSPError.invalidSampleRate(from) }
    guard to > 0 else { throw DSPError.invalidSampleRate(to) }
    if from == to { return x }
    let ratio = Double(to) / Double(from)
    guard ratio >= 1.0 / 256 && ratio <= 256 else {
      throw DSPError.unsupportedRatio(
        from: from, to: to, reason: "libsamplerate supports ratios between 1/256 and 256")
    }
    let want = Int((Double(x.count) * ratio).rounded())
    guard !x.isEmpty, want > 0 else { return [Float](repeating: 0, count: max(want, 0)) }
    var out = [Float](repeating: 0, count: want + 16)
    var generated = 0
    let err: Int32 = x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { op in
        var data = SRC_DATA()
        data.data_in = xp.baseAddress
        data.data_out = op.baseAddress
        data.input_frames = Int(x.count)
        data.output_frames = Int(op.count)
        data.src_ratio = ratio
        data.end_of_input = 1
        let e = src_simple(&data, quality.converterType, 1)
        generated = Int(data.output_frames_gen)
        return e
      }
    }
    guard err == 0 else {
      let msg = src_strerror(err).map { String(cString: $0) } ?? "unknown error"
      throw DSPError.sampleRateConversionFailed(code: Int(err), message: msg)
    }
    if generated < want {
      for i in generated..<want { out[i] = 0 }
    }
    return Array(out[0..<want])
  }
}

/// Which instruction set the resamplers' C kernels (`CKernels`) run on this machine. Outputs
/// are the same bits either way; only the speed differs, so benchmarks report it.
public enum DSPKernels {
  /// "avx" where the CPU has AVX (x86-64 Linux), else "baseline".
  public static var instructionSet: String { aa_kernels_use_avx() == 1 ? "avx" : "baseline" }
}
