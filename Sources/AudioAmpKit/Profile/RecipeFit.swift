import Foundation

/// Writes a recipe whose parameter draws reproduce a profile's measured distributions.
///
/// Each drawn number is written as a list of the measured distribution's 5th, 15th, …, 95th
/// percentiles ("one of these values, each equally likely"), which reproduces the measured
/// deciles; an effect that only some files showed gets `probability:` equal to their share.
/// Steps, in signal order:
///
/// - `reverb` (`room: {rt60_s: …}`) for the files with an RT60 estimate of at least
///   ``reverberantRT60`` s (the room's size drawn from the `reverb` default).
/// - `noise` for the files below ``AudioProfile/cleanSNRDB``: `snr_db` from their SNR (with
///   `snr_reference: active_speech`, the definition the estimator measures) and `categories`
///   weighted by their noise-category hints.
/// - `codec` for the files with a codec family: the families holding at least a quarter of
///   them, drawn with equal chances (the recipe's codec list has no weights; the exact mix is in
///   the comment). G.711 stands for the whole `telephone` family, AMR-NB for `amr`.
/// - `gain` moving the source's active level to the measured level distribution, assuming
///   sources at ``Options/sourceLevelDBFS``.
/// - `clipping` (`fraction`) for the files clipped above ``AudioProfile/clippedFileFraction``.
///
/// Every step is commented with what was measured, from how many files, and how far the
/// estimator can be trusted.
public enum RecipeFit {
  /// Settings of the fitted recipe.
  public struct Options: Sendable {
    /// Active speech level of the clean sources the recipe will be run on, dBFS (the bundled
    /// corpus is at about −26).
    public var sourceLevelDBFS: Double = -26
    /// Recipe seed.
    public var seed: UInt64 = 1
    /// Output rate, Hz; nil for the profile's most common rate (clamped to 8000–48000).
    public var sampleRate: Int? = nil
    /// Creates options with the defaults.
    public init() {}
  }

  /// Files with an RT60 estimate at least this long count as reverberant, seconds (dry speech
  /// reads 0.1–0.2 s).
  public static let reverberantRT60 = 0.25

  /// The recipe text for `profile`.
  public static func yaml(for profile: AudioProfile, options: Options = Options()) -> String {
    let files = profile.files
    let n = files.count
    func fmt(_ v: Double, _ digits: Int = 1) -> String {
      let s = String(format: "%.\(digits)f", v)
      return s == "-0.0" || s == "-0.00" || s == "-0.000" ? String(s.dropFirst()) : s
    }
    func deciles(_ v: [Double], digits: Int = 1, clamp: ClosedRange<Double>) -> String {
      let sorted = v.sorted()
      var qs: [String] = []
      for i in 0..<10 {
        let q = quantile(sorted: sorted, 0.05 + 0.1 * Double(i)) ?? 0
        qs.append(fmt(min(clamp.upperBound, max(clamp.lowerBound, q)), digits))
      }
      if Set(qs).count == 1 { return qs[0] }
      return "[" + qs.joined(separator: ", ") + "]"
    }
    func confidence(_ count: Int) -> String {
      count >= 30 ? "high (\(count) files)" : count >= 10 ? "medium (\(count) files)" : "low (\(count) files)"
    }
    func pct(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
    func prob(_ x: Double) -> String { fmt(min(1, max(0, x)), 2) }
    var rateCounts: [Int: Int] = [:]
    for f in files { rateCounts[f.sampleRate, default: 0] += 1 }
    let commonest: Int? = rateCounts.keys.sorted().max { a, b in rateCounts[a]! < rateCounts[b]! }
    let rate = options.sampleRate ?? min(48000, max(8000, commonest ?? 16000))

    var out: [String] = [
      "# Fitted by audioamp profile to \(profile.source): \(n) files measured"
        + (profile.failures.isEmpty ? "." : ", \(profile.failures.count) unreadable."),
      "# Each list below holds the measured distribution's 5th, 15th, ..., 95th percentiles, so",
      "# drawing one value per output with equal chances reproduces the measured deciles. Edit it",
      "# like any recipe; 'audioamp profile --compare' shows how close the result comes.",
      "description: Fitted to \(profile.source.replacingOccurrences(of: "\n", with: " "))",
      "sample_rate: \(rate)",
      "variants: 1",
      "seed: \(options.seed)",
      "",
      "effects:",
    ]

    // Reverberation.
    let rts = files.compactMap(\.rt60Seconds)
    let reverberant = rts.filter { $0 >= reverberantRT60 }
    let c50s = files.filter { ($0.rt60Seconds ?? 0) >= reverberantRT60 }.compactMap(\.c50DB).sorted()
    if !reverberant.isEmpty {
      let share = Double(reverberant.count) / Double(max(1, n))
      out.append("  # Reverberation: \(reverberant.count) of \(n) files (\(pct(share))) have a blind RT60 of at")
      out.append(
        "  # least \(fmt(reverberantRT60, 2)) s; median \(fmt(quantile(sorted: reverberant.sorted(), 0.5)!, 2)) s, implied C50 median "
          + "\(fmt(quantile(sorted: c50s, 0.5) ?? 0)) dB (exponential model).")
      out.append("  # Confidence: \(confidence(reverberant.count)); the estimator reads RT60 above ~0.7 s short.")
      var step = [
        "  - reverb:", "      room:", "        rt60_s: \(deciles(reverberant, digits: 2, clamp: 0.1...3))",
      ]
      if share < 0.995 { step.append("    probability: \(prob(share))") }
      out += step
      out.append("")
    }

    // Noise.
    let noisy = files.filter { ($0.snrDB ?? 100) < AudioProfile.cleanSNRDB }
    if !noisy.isEmpty {
      let share = Double(noisy.count) / Double(max(1, n))
      let snrs = noisy.compactMap(\.snrDB)
      let sorted = snrs.sorted()
      out.append(
        "  # Noise: \(noisy.count) of \(n) files (\(pct(share))) below \(fmt(AudioProfile.cleanSNRDB, 0)) dB SNR; SNR quantiles "
          + "5/50/95%: \(fmt(quantile(sorted: sorted, 0.05)!)) / \(fmt(quantile(sorted: sorted, 0.5)!)) / \(fmt(quantile(sorted: sorted, 0.95)!)) dB.")
      out.append("  # Confidence: \(confidence(noisy.count)); blind SNR error on the library's noises: see README 'Profile'.")
      let hints = noisy.compactMap(\.noiseCategory)
      let cats = Set(hints).sorted()
      out.append("  - noise:")
      if cats.isEmpty {
        out.append("      # No noise-only frames to classify: all categories, equally weighted.")
        out.append("      categories: {" + RecipeLoader.defaultNoiseCategories.map { "\($0): 1" }.joined(separator: ", ") + "}")
      } else if cats.count == 1 {
        out.append("      category: \(cats[0])   # noise-frame statistics nearest to it in \(hints.count) files")
      } else {
        let weights = cats.map { c in (c, Double(hints.filter { $0 == c }.count) / Double(hints.count)) }
        out.append("      # Nearest noise-library category of the noise-only frames, share of \(hints.count) files.")
        out.append("      categories: {" + weights.map { "\($0.0): \(fmt($0.1, 2))" }.joined(separator: ", ") + "}")
      }
      out.append("      snr_db: \(deciles(snrs, clamp: -20...100))")
      out.append("      snr_reference: active_speech")
      if share < 0.995 { out.append("    probability: \(prob(share))") }
      out.append("")
    }

    // Codec.
    let coded = files.filter { $0.codecFamily != .none }
    if !coded.isEmpty {
      let share = Double(coded.count) / Double(max(1, n))
      let mix = CodecFamily.allCases.compactMap { f -> (CodecFamily, Int)? in
        let c = coded.filter { $0.codecFamily == f }.count
        return c > 0 ? (f, c) : nil
      }
      let chosen = mix.filter { Double($0.1) >= 0.25 * Double(coded.count) }.compactMap(\.0.recipeCodecName)
      let narrow = profile.narrowbandShare
      out.append(
        "  # Channel: \(pct(narrow)) of files narrowband; codec families among the \(coded.count) coded files: "
          + mix.map { "\($0.0.rawValue) \(pct(Double($0.1) / Double(coded.count)))" }.joined(separator: ", ") + ".")
      out.append("  # Confidence: \(confidence(coded.count)); 'telephone' (G.711, analogue) is written as g711; 'amr' (read from sparse CELP excitation, a hint at 4.75 kbit/s) as amr-nb.")
      out.append("  - codec:")
      out.append("      name: " + (chosen.count == 1 ? chosen[0] : "[" + chosen.joined(separator: ", ") + "]"))
      if share < 0.995 { out.append("    probability: \(prob(share))") }
      out.append("")
    }

    // Level.
    let levels = files.map(\.activeLevelDBFS).filter(\.isFinite)
    if !levels.isEmpty {
      let sorted = levels.sorted()
      out.append(
        "  # Level: active speech level (P.56) 5/50/95%: \(fmt(quantile(sorted: sorted, 0.05)!)) / "
          + "\(fmt(quantile(sorted: sorted, 0.5)!)) / \(fmt(quantile(sorted: sorted, 0.95)!)) dBFS; the gains assume "
          + "sources at \(fmt(options.sourceLevelDBFS)) dBFS.")
      out.append("  # Confidence: \(confidence(levels.count)); P.56 is accurate to a fraction of a dB.")
      out.append("  - gain:")
      out.append("      db: \(deciles(levels.map { $0 - options.sourceLevelDBFS }, clamp: -60...40))")
      out.append("")
    }

    // Clipping.
    let clipped = files.filter { $0.clippedFraction > AudioProfile.clippedFileFraction }
    if !clipped.isEmpty {
      let share = Double(clipped.count) / Double(max(1, n))
      out.append("  # Clipping: \(clipped.count) of \(n) files (\(pct(share))) have flat tops; fraction of samples clipped:")
      out.append("  # median \(fmt(quantile(sorted: clipped.map(\.clippedFraction).sorted(), 0.5)! * 100, 3))%. Confidence: \(confidence(clipped.count)).")
      out.append("  - clipping:")
      out.append("      fraction: \(deciles(clipped.map(\.clippedFraction), digits: 5, clamp: 0...0.5))")
      if share < 0.995 { out.append("    probability: \(prob(share))") }
      out.append("")
    }
    if files.contains(where: { $0.humDB > AudioProfile.humFileDB }) {
      let share = profile.share { $0.humDB > AudioProfile.humFileDB }
      out.append("  # Hum: \(pct(share)) of files show mains hum; no recipe effect adds hum yet.")
    }
    if out.last == "" { out.removeLast() }
    if !out.contains(where: { $0.hasPrefix("  - ") }) {
      out.append("  # Nothing measured needs an effect: a gain of 0 dB keeps the recipe valid.")
      out.append("  - gain: {db: 0}")
    }
    return out.joined(separator: "\n") + "\n"
  }
}
