import Foundation

/// Per noise category, the ranges real noise of that kind falls in, for the figures
/// ``NoiseStatistics`` measures. Sources (cited in full in `noise-library/README.md`):
///
/// - traffic: the CNOSSOS-EU road model (Kephalopoulos et al. 2012, JRC; Directive (EU)
///   2015/996 Annex II), category-1 rolling plus propulsion noise per octave at 30–110 km/h,
///   gives a centroid of 350–1170 Hz, 19–79 % of the energy below 300 Hz and 19–77 % in
///   300–3400 Hz (the rolling part peaks in the 1 kHz octave); a wet road's splash lifts the
///   kHz range by up to 12 dB (Sandberg & Ejsmont 2002), hence a centroid up to 1400 Hz;
///   the EN 1793-3 normalised traffic spectrum gives 460 Hz, 63 %, 36 %; recorded street traffic in the
///   independent evaluation of issue 11 gave 710 Hz, 53 %, 44 %. Inside a vehicle the body
///   takes the kHz range, so the lower bound is 300 Hz (still well above the old library's
///   171–249 Hz). Level spread: L10 − L90 of 4–16 dB at kerbside for free-flowing and
///   stop-and-go urban traffic (Griffiths & Langdon 1968), up to about 20 dB on a quiet street
///   where single cars (65–70 dBA at 5–10 m) pass over a 45–50 dBA background, 2–6 dB for
///   distant motorways, and 1–4 dB inside a vehicle at constant speed.
///   A category's files pooled must also sound like recorded street traffic as a whole: the
///   five recorded clips (`noise-library/REAL-REFERENCES.md`) have a median centroid of 722 Hz,
///   53 % below 300 Hz and 42 % in 300–3400 Hz, the three continuous ambiences among them
///   790 Hz, 43 % and 54 %, and the issue-11 recordings 710 Hz, 53 % and 44 %; hence pooled
///   ranges of 550–900 Hz, 40–60 % and 38–58 % (the old library, 500 Hz, 61 %, 37 %, fails all
///   three).
/// - crowd: the long-term average speech spectrum (Byrne et al. 1994; ANSI S3.5-1997) gives a
///   centroid near 500–800 Hz and 65–85 % of the energy in 300–3400 Hz; babble of many talkers
///   loses the speech envelope's 4 Hz modulation roughly as 1/√N (Krishnamurthy & Hansen 2009),
///   so a crowd's 2–8 Hz modulation lies well under one talker's; restaurant and cafe levels
///   fluctuate by L10 − L90 of 3–10 dB (Lebo et al. 1994; To & Chung 2014). Six recorded
///   crowds from Debian packages (`noise-library/REAL-REFERENCES.md`) measure −7.3 to −2.3 dB
///   at 2–8 Hz, so the ceiling is −2 dB rather than the −6 dB a pure 1/√N argument gives.
/// - cell-phone: there is no published measurement of "cell-phone noise" as a whole; the ranges
///   are those of what the kinds model (GSM TDMA buzz at 216.7 Hz and its harmonics, line hiss,
///   handling noise, 3GPP/ITU call-progress tones), wide, and checked so that a retune does not
///   move the files outside them unnoticed.
public struct NoiseTargets: Sendable, Codable, Equatable {
  /// Spectral centroid range, Hz.
  public var centroidHz: ClosedRange<Double>
  /// Share of energy in 300–3400 Hz.
  public var telephoneShare: ClosedRange<Double>
  /// Share of energy below 300 Hz.
  public var below300Share: ClosedRange<Double>
  /// L10 − L90 over 125 ms frames, dB.
  public var l10MinusL90DB: ClosedRange<Double>
  /// Largest modulation index in the 2, 4 and 8 Hz octave bands (the syllable rates that
  /// carry speech), dB re m = 1.
  public var syllableModulationDB: ClosedRange<Double>
  /// Mean ESTOI of the fixed speech set at 5 dB SNR, when known from real references.
  public var estoiAt5DB: ClosedRange<Double>?
  /// The spectral balance of a category's files pooled (a library's or a folder's whole
  /// category, not one file, which may be an interior or a wet road): centroid (Hz), share
  /// below 300 Hz and share in 300–3400 Hz; nil where no recordings pin it down.
  public var pooled: (centroidHz: ClosedRange<Double>, below300Share: ClosedRange<Double>, telephoneShare: ClosedRange<Double>)? {
    get { pooledCentroidHz.map { ($0, pooledBelow300Share ?? 0...1, pooledTelephoneShare ?? 0...1) } }
    set { (pooledCentroidHz, pooledBelow300Share, pooledTelephoneShare) = (newValue?.centroidHz, newValue?.below300Share, newValue?.telephoneShare) }
  }
  var pooledCentroidHz: ClosedRange<Double>?
  var pooledBelow300Share: ClosedRange<Double>?
  var pooledTelephoneShare: ClosedRange<Double>?
  /// The median over a category's files of L10 − L90 (dB) and of the 2–8 Hz modulation (dB):
  /// how much the files fluctuate as a set, within the range of the recorded references. One
  /// file may be steadier or livelier than any recording (a reverberant hall, an office), but
  /// a library whose typical file is steadier than every recording is smoother than real
  /// noise. Nil where no recordings pin it down.
  public var fileMedianL10MinusL90DB: ClosedRange<Double>?
  /// See ``fileMedianL10MinusL90DB``.
  public var fileMedianSyllableModulationDB: ClosedRange<Double>?
  /// Where the ranges come from, one line.
  public var source: String

  /// The targets of the shipped categories.
  public static let categories: [String: NoiseTargets] = [
    "traffic": NoiseTargets(
      centroidHz: 300...1400, telephoneShare: 0.19...0.80, below300Share: 0.19...0.79,
      l10MinusL90DB: 1...20, syllableModulationDB: -30...0, estoiAt5DB: 0.45...0.72,
      pooled: (centroidHz: 550...900, below300Share: 0.40...0.60, telephoneShare: 0.38...0.58),
      source: "CNOSSOS-EU road model 30-110 km/h; EN 1793-3; Griffiths & Langdon 1968; issue 11 recordings; 5 recorded (REAL-REFERENCES.md)"),
    "crowd": NoiseTargets(
      centroidHz: 450...1100, telephoneShare: 0.6...0.9, below300Share: 0.05...0.35,
      l10MinusL90DB: 2...10, syllableModulationDB: -22...(-2), estoiAt5DB: 0.45...0.70,
      fileMedianL10MinusL90DB: 4.4...9.2, fileMedianSyllableModulationDB: -7.3...(-2.3),
      source: "LTASS (Byrne et al. 1994, ANSI S3.5); Krishnamurthy & Hansen 2009; Lebo et al. 1994; 6 recorded crowds (REAL-REFERENCES.md)"),
    "cell-phone": NoiseTargets(
      centroidHz: 100...4500, telephoneShare: 0.05...1.0, below300Share: 0.0...0.95,
      l10MinusL90DB: 0...35, syllableModulationDB: -30...10, estoiAt5DB: nil,
      source: "what the kinds model (GSM TDMA buzz, line hiss, handling noise, tone plans); no published reference"),
  ]

  /// The largest of the 2, 4 and 8 Hz modulation bands of `s`, dB.
  public static func syllableModulation(_ s: NoiseStatistics) -> Double {
    s.modulationDB[2...4].max() ?? -.infinity
  }

  /// Creates targets.
  public init(centroidHz: ClosedRange<Double>, telephoneShare: ClosedRange<Double>, below300Share: ClosedRange<Double>, l10MinusL90DB: ClosedRange<Double>, syllableModulationDB: ClosedRange<Double>, estoiAt5DB: ClosedRange<Double>?, fileMedianL10MinusL90DB: ClosedRange<Double>? = nil, fileMedianSyllableModulationDB: ClosedRange<Double>? = nil, pooled: (centroidHz: ClosedRange<Double>, below300Share: ClosedRange<Double>, telephoneShare: ClosedRange<Double>)? = nil, source: String) {
    self.centroidHz = centroidHz
    self.telephoneShare = telephoneShare
    self.below300Share = below300Share
    self.l10MinusL90DB = l10MinusL90DB
    self.syllableModulationDB = syllableModulationDB
    self.estoiAt5DB = estoiAt5DB
    self.fileMedianL10MinusL90DB = fileMedianL10MinusL90DB
    self.fileMedianSyllableModulationDB = fileMedianSyllableModulationDB
    self.source = source
    self.pooled = pooled
  }

  /// One line per figure of `s` outside these targets ("centroid 195 Hz outside 350–1200 Hz");
  /// empty when every figure is in range. The masking figure is checked only when measured.
  /// With `pooled`, `s` is a whole category's files pooled, and the ``pooled`` ranges apply too.
  public func violations(_ s: NoiseStatistics, pooled isPooled: Bool = false) -> [String] {
    var out: [String] = []
    func check(_ name: String, _ v: Double, _ r: ClosedRange<Double>, _ fmt: String) {
      if let line = Self.outside(name, v, r, fmt) { out.append(line) }
    }
    check("centroid (Hz)", s.centroidHz, centroidHz, "%.0f")
    check("300-3400 Hz share", s.shareTelephoneBand, telephoneShare, "%.2f")
    check("below-300 Hz share", s.shareBelow300Hz, below300Share, "%.2f")
    check("L10-L90 (dB)", s.l10MinusL90DB, l10MinusL90DB, "%.1f")
    check("2-8 Hz modulation (dB)", Self.syllableModulation(s), syllableModulationDB, "%.1f")
    if let r = estoiAt5DB, let m = s.maskingESTOI, m.count == 3 { check("ESTOI at 5 dB", m[1], r, "%.2f") }
    if isPooled, let p = pooled {
      check("pooled centroid (Hz)", s.centroidHz, p.centroidHz, "%.0f")
      check("pooled below-300 Hz share", s.shareBelow300Hz, p.below300Share, "%.2f")
      check("pooled 300-3400 Hz share", s.shareTelephoneBand, p.telephoneShare, "%.2f")
    }
    return out
  }

  /// One line per file-median figure of a category's `files` outside ``fileMedianL10MinusL90DB``
  /// or ``fileMedianSyllableModulationDB``; empty when both are in range, unset, or there are
  /// fewer than two files.
  public func medianViolations(_ files: [NoiseStatistics]) -> [String] {
    guard files.count > 1 else { return [] }
    func median(_ v: [Double]) -> Double {
      let s = v.sorted()
      return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    return [
      ("median file L10-L90 (dB)", fileMedianL10MinusL90DB, median(files.map(\.l10MinusL90DB))),
      ("median file 2-8 Hz modulation (dB)", fileMedianSyllableModulationDB, median(files.map(Self.syllableModulation))),
    ].compactMap { name, range, value in range.flatMap { Self.outside(name, value, $0, "%.1f") } }
  }

  /// "NAME V outside LO–HI" when `v` is outside `r`, else nil; `fmt` formats the numbers.
  static func outside(_ name: String, _ v: Double, _ r: ClosedRange<Double>, _ fmt: String) -> String? {
    r.contains(v) ? nil : "\(name) \(String(format: fmt, v)) outside \(String(format: fmt, r.lowerBound))–\(String(format: fmt, r.upperBound))"
  }
}
