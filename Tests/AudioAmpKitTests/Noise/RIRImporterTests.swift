import Foundation
import Testing
@testable import AudioAmpKit

/// The impulse-response importers on small generated trees laid out like the real sets, and the
/// reverb effect's reading of their indexes.
@Suite struct RIRImporterTests {
  /// A short decaying-noise "RIR" with its direct sound at sample 20.
  func rir(_ path: String) {
    var rng = UtteranceRNG(key: UInt64(path.utf8.count))
    var x = (0..<1600).map { i in Float(0.3 * exp(-Double(i) / 300) * rng.gaussian()) }
    for i in 0..<20 { x[i] = 0 }
    x[20] = 0.9
    writeWAV(x, rate: 16000, to: path)
  }

  func rows(_ root: String) throws -> [[String]] {
    let text = try String(contentsOfFile: root + "/index.tsv", encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func rirsNoisesRealSimulatedAndNoiseRows() throws {
    let root = makeTempDir("rirs-noises")
    let top = root + "/RIRS_NOISES"
    rir(top + "/real_rirs_isotropic_noises/RVB2014_type1_rir_largeroom1_far_angla.wav")
    rir(top + "/real_rirs_isotropic_noises/RVB2014_type1_rir_largeroom1_near_angla.wav")
    rir(top + "/real_rirs_isotropic_noises/RVB2014_type1_noise_largeroom1_1.wav")
    for room in ["Room001", "Room002"] {
      for k in 1...3 { rir(top + "/simulated_rirs/smallroom/\(room)/\(room)-0000\(k).wav") }
    }
    rir(top + "/simulated_rirs/largeroom/Room001/Room001-00001.wav")
    #expect(try NoiseImporter.run(root: root, layout: .rirsNoises) == 10)
    let r = try rows(root)
    let byName = Dictionary(r.map { (($0[0] as NSString).lastPathComponent, $0) }, uniquingKeysWith: { a, _ in a })
    #expect(byName["RVB2014_type1_noise_largeroom1_1.wav"]?[1] == "noise")
    #expect(byName["RVB2014_type1_rir_largeroom1_far_angla.wav"]?[1] == "rir-real")
    #expect(byName["Room001-00001.wav"] != nil)
    #expect(Set(r.map { $0[1] }) == ["noise", "rir-real", "rir-simulated-smallroom", "rir-simulated-largeroom"])
    #expect(r.allSatisfy { $0[6].hasPrefix("Apache-2.0") })
    // Every RIR of one simulated room shares a split.
    for room in ["smallroom/Room001", "smallroom/Room002"] {
      #expect(Set(r.filter { $0[0].contains(room) }.map { $0[8] }).count == 1)
    }
    // The reverb effect's list leaves the noise recordings out.
    let set = try RIRSet.load(root)
    #expect(set.count == 9)
    #expect(!set.contains { $0.name.contains("_noise_") })
  }

  @Test func butReverbRoomsRIRsAndSilence() throws {
    let root = makeTempDir("butreverb")
    for room in ["Hotel_SkalskyDvur_ConferenceRoom2", "VUT_FIT_L207"] {
      for mic in ["MicID01", "MicID02"] {
        rir(root + "/\(room)/\(mic)/SpkID01_20170906_S/01/RIR/IR_sweep_15s_45Hzto22kHz_FS16kHz.v00.wav")
        rir(root + "/\(room)/\(mic)/SpkID01_20170906_S/01/silence/silence.v00.wav")
      }
    }
    #expect(try NoiseImporter.run(root: root, layout: .butreverb) == 8)
    let r = try rows(root)
    #expect(r.filter { $0[1] == "rir-real" }.count == 4 && r.filter { $0[1] == "noise" }.count == 4)
    #expect(r.allSatisfy { $0[6] == "CC-BY-4.0" })
    for room in ["Hotel_SkalskyDvur_ConferenceRoom2", "VUT_FIT_L207"] {
      #expect(Set(r.filter { $0[0].hasPrefix(room) }.map { $0[8] }).count == 1)
    }
    // Same room folder → noise sources for noise_in_room come from the same room.
    let set = try RIRSet.load(root)
    #expect(set.count == 4)
  }

  @Test func mitSurveyAndACE() throws {
    let mit = makeTempDir("mit")
    for name in ["h001_Bedroom_65txts.wav", "h002_Office_1txts.wav", "h270_Outside_1txts.wav"] { rir(mit + "/Audio/" + name) }
    #expect(try NoiseImporter.run(root: mit, layout: .mit) == 3)
    #expect(try rows(mit).allSatisfy { $0[1] == "rir-real" && $0[6] == "CC-BY-4.0" && $0[0].hasPrefix("Audio/h") })

    let ace = makeTempDir("ace")
    for config in ["Single", "Lin8Ch"] {
      for room in ["Office_1", "Lecture_Room_2"] {
        rir(ace + "/\(config)/\(room)/1/\(config)_\(room)_1_RIR.wav")
        rir(ace + "/\(config)/\(room)/1/\(config)_\(room)_1_Ambient.wav")
      }
    }
    #expect(try NoiseImporter.run(root: ace, layout: .ace) == 8)
    let r = try rows(ace)
    #expect(r.filter { $0[1] == "rir-real" }.count == 4)
    for room in ["Office_1", "Lecture_Room_2"] {
      #expect(Set(r.filter { $0[0].contains("/\(room)/") }.map { $0[8] }).count == 1)
    }
  }

  @Test(arguments: [NoiseImporter.Layout.rirsNoises, .butreverb, .mit, .ace])
  func wrongTreeSaysWhatItExpected(layout: NoiseImporter.Layout) throws {
    let root = makeTempDir("wrong-\(layout.rawValue)")
    rir(root + "/x.wav")
    do {
      try NoiseImporter.run(root: root, layout: layout)
      Issue.record("\(layout) accepted a bare folder")
    } catch {
      #expect("\(error)".contains("does not look like"), "\(error)")
    }
  }

  /// A synthesized library (`room synth --count`) reads back through `RIRSet` and drives the
  /// reverb effect, and its files do not depend on the number of jobs.
  @Test func synthesizedLibraryIsIndexedAndJobIndependent() throws {
    var outs: [String] = []
    for jobs in [1, 2] {
      let dir = makeTempDir("rirlib\(jobs)") + "/"
      var o = RoomSynthOptions(rt60Seconds: .uniform(0.2, 0.6), out: dir)
      o.count = 4
      o.seed = 3
      o.jobs = jobs
      o.lengthM = .uniform(3, 6)
      o.distanceM = .uniform(0.5, 2)
      let results = try RoomJob.synth(o, command: "test")
      #expect(results.count == 4)
      for r in results {
        let t30 = try #require(r.measured.t30Seconds)
        #expect(abs(t30 / r.drawn.rt60Seconds - 1) <= 0.1)
      }
      outs.append(dir)
    }
    for k in 0..<4 {
      let name = String(format: "rir-%05d.wav", k)
      #expect(FileManager.default.contents(atPath: outs[0] + name) == FileManager.default.contents(atPath: outs[1] + name))
    }
    let set = try RIRSet.load(outs[0])
    #expect(set.map(\.name) == (0..<4).map { String(format: "rir-%05d.wav", $0) })
    #expect(set.allSatisfy { $0.licence == "CC0-1.0" && $0.channels == 1 })
  }
}
