import Foundation

/// Writes a noise index for a noise set a user already has, so `mix --noise-library DIR` and
/// recipes can draw from it by category, licence and split.
///
/// Layouts:
/// - `musan`: `musan/{music,noise,speech}/<subset>/*.wav`; category = music, noise or speech;
///   licence from the subset's `LICENSE` file (a line naming the file, else the file's first
///   line for the whole subset).
/// - `demand`: `<ENV>/ch01.wav … ch16.wav` (DEMAND's 17 environments, any `_16k`/`_48k` suffix);
///   category from the environment (STRAFFIC → traffic, TCAR/TBUS/TMETRO → vehicle,
///   PCAFETER/PRESTO/PSTATION/SPSQUARE/SCAFE → crowd, O* → office, D* → domestic,
///   N* → nature); licence CC-BY-SA-3.0. All 16 channels of a scene share one split.
/// - `esc50`: `meta/esc50.csv` (`filename,fold,target,category,…`) and `audio/*.wav`; category
///   from the CSV; licence CC-BY-NC-3.0; fold 5 is the test split.
/// - `wham`: `{tr,cv,tt}/*.wav` (WHAM! noise, urban restaurants and cafés); category crowd;
///   licence CC-BY-NC-4.0; `tt` is the test split.
/// - `folder`: one subfolder per category, audio files at any depth below; licence from a
///   `LICENSE` file's first line in the category folder, if any.
/// Impulse-response sets (read by the reverb effect through ``RIRSet``; rows of category `noise`
/// are the sets' own noise recordings, which the reverb effect skips and the noise effect can use):
/// - `rirs_noises`: OpenSLR 28 (Ko et al., ICASSP 2017). `real_rirs_isotropic_noises/*.wav`:
///   files with `_rir_`/`_air_`/`_imp` in their name are category `rir-real`, `_noise_` files
///   category `noise`; `simulated_rirs/<smallroom|mediumroom|largeroom>/RoomNNN/*.wav` are
///   `rir-simulated-<size>`. Licence Apache-2.0 (the collection; the README names the source
///   databases). Split by room: every RIR of one simulated room, or of one real recording
///   session (the name without its last `_` field), shares a split.
/// - `butreverb`: BUT ReverbDB (Szöke et al., IEEE JSTSP 2019), `<Room>/<MicID>/<SpkID…>/<pos>/
///   RIR/*.wav` (category `rir-real`) and `…/silence/*.wav` (category `noise`); licence
///   CC-BY-4.0; split by room.
/// - `mit`: the MIT Acoustical Reverberation Scene Statistics Survey (Traer & McDermott, PNAS
///   2016), one folder of `hNNN_<Place>_…wav` files (an `Audio/` subfolder is looked into);
///   category `rir-real`; licence CC-BY-4.0; split by file.
/// - `ace`: the ACE Challenge corpus (Eaton et al., 2016), `<MicConfig>/<Room>/<n>/*RIR*.wav`
///   (category `rir-real`; other files in the tree, the noise recordings, `noise`); licence
///   "ACE Challenge corpus licence (research use)"; split by room, so a room's RIRs from every
///   microphone configuration share one split.
/// Multichannel RIR files keep all their channels; the reverb effect draws one per output.
/// Where the set has no split of its own, a file group goes to `test` when FNV-1a of its key
/// mod 10 is 0 or 1 (about 20 %), else `train`: stable, and independent of listing order.
public enum NoiseImporter {
  public enum Layout: String, Sendable, CaseIterable {
    case musan, demand, esc50, wham, folder
    case rirsNoises = "rirs_noises", butreverb, mit, ace
  }

  /// One indexed file before its header is read.
  struct Entry {
    var relative: String
    var category: String
    var licence: String
    var split: String
  }

  /// Indexes `root` as `layout` and writes `indexPath` (default `root/index.tsv`). Returns the
  /// number of files indexed. Levels are measured by streaming each file once.
  @discardableResult
  public static func run(root: String, layout: Layout, indexPath: String? = nil) throws -> Int {
    let entries = try scan(root: root, layout: layout)
    guard !entries.isEmpty else { throw NoiseLibraryError.emptyFolder(path: root) }
    let indexFile = indexPath ?? (root as NSString).appendingPathComponent("index.tsv")
    // Paths are relative to the index's folder when the index sits in the set's top folder, else
    // absolute (an index kept beside a read-only data set).
    let inside = URL(fileURLWithPath: indexFile).deletingLastPathComponent().standardizedFileURL.path
      == URL(fileURLWithPath: root).standardizedFileURL.path
    let absoluteRoot = URL(fileURLWithPath: root).standardizedFileURL.path
    let header = "file\tcategory\tduration_s\tsample_rate\tchannels\tlevel_dbfs\tlicence\tmade_by\tsplit"
    var rows = [header]
    for e in entries.sorted(by: { Array($0.relative.utf8).lexicographicallyPrecedes(Array($1.relative.utf8)) }) {
      let path = (root as NSString).appendingPathComponent(e.relative)
      let f: SoundFile
      do { f = try SoundFile(readingFrom: path) } catch {
        throw NoiseLibraryError.badFile(path: path, detail: "cannot be indexed: \(error)")
      }
      var energy = 0.0
      var frames = 0
      while true {
        let chunk = try f.readMono(count: 1 << 18)
        if chunk.isEmpty { break }
        energy += Levels.energy(chunk)
        frames += chunk.count
      }
      let level = frames > 0 ? Levels.dB(amplitude: (energy / Double(frames)).squareRoot()) : -.infinity
      rows.append(
        [inside ? e.relative : absoluteRoot + "/" + e.relative, e.category, String(format: "%.3f", f.info.durationSeconds), "\(f.info.sampleRate)", "\(f.info.channels)",
         level.isFinite ? String(format: "%.1f", level) : "-inf", e.licence, "imported (\(layout.rawValue))", e.split].joined(separator: "\t"))
    }
    try StateFile.writeText(rows.joined(separator: "\n") + "\n", to: indexFile)
    return entries.count
  }

  static let audioExtensions = AudioFileFormat.readableExtensions

  /// Audio files below `dir`, relative to `root`, sorted.
  static func audio(under dir: String, root: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: dir) else { return [] }
    var out: [String] = []
    let prefix = String(dir.dropFirst(root.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    while let p = walker.nextObject() as? String {
      if audioExtensions.contains((p as NSString).pathExtension.lowercased()), !(p as NSString).lastPathComponent.hasPrefix(".") {
        out.append(prefix.isEmpty ? p : prefix + "/" + p)
      }
    }
    return out.sorted()
  }

  static func subfolders(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
      var isDir: ObjCBool = false
      return !$0.hasPrefix(".") && FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0), isDirectory: &isDir) && isDir.boolValue
    }.sorted()
  }

  /// `test` for about 20 % of keys, `train` for the rest, by a fixed hash.
  public static func hashSplit(_ key: String) -> String {
    var h = FNV1a()
    h.combine(key)
    return h.value % 10 < 2 ? "test" : "train"
  }

  static func scan(root: String, layout: Layout) throws -> [Entry] {
    let fm = FileManager.default
    func need(_ sub: String, _ what: String) throws {
      guard fm.fileExists(atPath: (root as NSString).appendingPathComponent(sub)) else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like \(what): no \(sub)")
      }
    }
    switch layout {
    case .musan:
      var out: [Entry] = []
      let parts = ["music", "noise", "speech"].filter { fm.fileExists(atPath: (root as NSString).appendingPathComponent($0)) }
      guard !parts.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like MUSAN: no music/, noise/ or speech/ folder")
      }
      for part in parts {
        let partDir = (root as NSString).appendingPathComponent(part)
        for subset in subfolders(partDir) {
          let dir = (partDir as NSString).appendingPathComponent(subset)
          let licences = readLicence((dir as NSString).appendingPathComponent("LICENSE"))
          for rel in audio(under: dir, root: root) {
            let name = (rel as NSString).lastPathComponent
            out.append(Entry(relative: rel, category: part, licence: licences.perFile[name] ?? licences.whole ?? "see MUSAN \(part)/\(subset)/LICENSE", split: hashSplit(rel)))
          }
        }
      }
      return out
    case .demand:
      var out: [Entry] = []
      for env in subfolders(root) {
        let name = env.uppercased().split(separator: "_").first.map(String.init) ?? env
        guard let category = demandCategory(name) else { continue }
        let dir = (root as NSString).appendingPathComponent(env)
        for rel in audio(under: dir, root: root) {
          out.append(Entry(relative: rel, category: category, licence: "CC-BY-SA-3.0", split: hashSplit("demand/" + name)))
        }
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like DEMAND: no environment folders such as STRAFFIC/ or PCAFETER/ with ch01.wav …")
      }
      return out
    case .esc50:
      try need("meta/esc50.csv", "ESC-50")
      var out: [Entry] = []
      let csv = try CSVReader(path: (root as NSString).appendingPathComponent("meta/esc50.csv"))
      guard case .success(let first)? = csv.next(), case let header = first.fields, let fi = header.firstIndex(of: "filename"), let ci = header.firstIndex(of: "category"),
        let fo = header.firstIndex(of: "fold")
      else {
        throw NoiseLibraryError.badFile(path: root + "/meta/esc50.csv", detail: "needs filename, fold and category columns")
      }
      while let result = csv.next() {
        guard case .success(let rec) = result else {
          if case .failure(let e) = result {
            throw NoiseLibraryError.badFile(path: root + "/meta/esc50.csv", detail: "line \(e.line): not valid CSV")
          }
          continue
        }
        let f = rec.fields
        guard f.count > max(fi, ci, fo) else { continue }
        let rel = "audio/" + f[fi]
        guard fm.fileExists(atPath: (root as NSString).appendingPathComponent(rel)) else {
          throw NoiseLibraryError.badFile(path: root + "/meta/esc50.csv", detail: "line \(rec.line): \(rel) is listed but missing")
        }
        out.append(Entry(relative: rel, category: f[ci], licence: "CC-BY-NC-3.0", split: f[fo] == "5" ? "test" : "train"))
      }
      return out
    case .wham:
      var out: [Entry] = []
      for (sub, split) in [("tr", "train"), ("cv", "train"), ("tt", "test")] {
        let dir = (root as NSString).appendingPathComponent(sub)
        for rel in audio(under: dir, root: root) {
          out.append(Entry(relative: rel, category: "crowd", licence: "CC-BY-NC-4.0", split: split))
        }
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like WHAM! noise: no tr/, cv/ or tt/ folders with audio")
      }
      return out
    case .rirsNoises, .butreverb, .mit, .ace:
      return try scanRIRs(root: root, layout: layout)
    case .folder:
      var out: [Entry] = []
      for category in subfolders(root) {
        let dir = (root as NSString).appendingPathComponent(category)
        let licence = readLicence((dir as NSString).appendingPathComponent("LICENSE")).whole ?? ""
        for rel in audio(under: dir, root: root) {
          out.append(Entry(relative: rel, category: category, licence: licence, split: hashSplit(rel)))
        }
      }
      return out
    }
  }

  /// Entries of the impulse-response layouts.
  static func scanRIRs(root: String, layout: Layout) throws -> [Entry] {
    let fm = FileManager.default
    func join(_ a: String, _ b: String) -> String { (a as NSString).appendingPathComponent(b) }
    var out: [Entry] = []
    switch layout {
    case .rirsNoises:
      // Accept the set's top folder or its parent.
      let top = fm.fileExists(atPath: join(root, "RIRS_NOISES")) ? "RIRS_NOISES/" : ""
      let real = join(root, top + "real_rirs_isotropic_noises")
      for rel in audio(under: real, root: root) {
        let name = ((rel as NSString).lastPathComponent as NSString).deletingPathExtension
        let isNoise = name.contains("_noise")
        let session = name.split(separator: "_").dropLast().joined(separator: "_")
        out.append(Entry(relative: rel, category: isNoise ? "noise" : "rir-real", licence: "Apache-2.0 (OpenSLR 28; source databases in RIRS_NOISES/README)", split: hashSplit("rirs_noises/" + session)))
      }
      let sim = join(root, top + "simulated_rirs")
      for size in subfolders(sim) {
        for room in subfolders(join(sim, size)) {
          for rel in audio(under: join(join(sim, size), room), root: root) {
            out.append(Entry(relative: rel, category: "rir-simulated-\(size)", licence: "Apache-2.0 (OpenSLR 28)", split: hashSplit("rirs_noises/\(size)/\(room)")))
          }
        }
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like RIRS_NOISES: no real_rirs_isotropic_noises/ or simulated_rirs/<size>/RoomNNN/ with audio")
      }
    case .butreverb:
      for room in subfolders(root) {
        for rel in audio(under: join(root, room), root: root) {
          let parts = rel.split(separator: "/").map(String.init)
          let category: String
          if parts.contains("RIR") { category = "rir-real" } else if parts.contains(where: { $0.lowercased() == "silence" }) { category = "noise" } else { continue }
          out.append(Entry(relative: rel, category: category, licence: "CC-BY-4.0", split: hashSplit("butreverb/" + room)))
        }
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like BUT ReverbDB: no <Room>/<MicID>/<SpkID>/<pos>/RIR/*.wav")
      }
    case .mit:
      let dir = fm.fileExists(atPath: join(root, "Audio")) ? join(root, "Audio") : root
      for rel in audio(under: dir, root: root) where ((rel as NSString).lastPathComponent).lowercased().hasPrefix("h") {
        out.append(Entry(relative: rel, category: "rir-real", licence: "CC-BY-4.0", split: hashSplit("mit/" + (rel as NSString).lastPathComponent)))
      }
      guard !out.isEmpty else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like the MIT IR survey: no hNNN_<place>.wav files (in Audio/ or the folder itself)")
      }
    case .ace:
      for config in subfolders(root) {
        for room in subfolders(join(root, config)) {
          for rel in audio(under: join(join(root, config), room), root: root) {
            let isRIR = (rel as NSString).lastPathComponent.uppercased().contains("RIR")
            out.append(Entry(relative: rel, category: isRIR ? "rir-real" : "noise", licence: "ACE Challenge corpus licence (research use)", split: hashSplit("ace/" + room)))
          }
        }
      }
      guard out.contains(where: { $0.category == "rir-real" }) else {
        throw NoiseLibraryError.badFile(path: root, detail: "does not look like ACE: no <MicConfig>/<Room>/<n>/*RIR*.wav")
      }
    default:
      break
    }
    return out
  }

  static func demandCategory(_ env: String) -> String? {
    switch env {
    case "STRAFFIC": return "traffic"
    case "TCAR", "TBUS", "TMETRO": return "vehicle"
    case "PCAFETER", "PRESTO", "PSTATION", "SPSQUARE", "SCAFE": return "crowd"
    case _ where env.hasPrefix("O"): return "office"
    case _ where env.hasPrefix("D"): return "domestic"
    case _ where env.hasPrefix("N"): return "nature"
    default: return nil
    }
  }

  /// A LICENSE file: lines naming a file (`name.wav <licence…>`) give that file's licence; the
  /// first other non-empty line is the licence for the rest.
  static func readLicence(_ path: String) -> (perFile: [String: String], whole: String?) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ([:], nil) }
    var per: [String: String] = [:]
    var whole: String?
    for raw in text.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      guard !line.isEmpty else { continue }
      let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      if parts.count == 2, audioExtensions.contains((parts[0] as NSString).pathExtension.lowercased()) {
        per[parts[0]] = parts[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\t", with: " ")
      } else if whole == nil {
        whole = line.replacingOccurrences(of: "\t", with: " ")
      }
    }
    return (per, whole)
  }
}
