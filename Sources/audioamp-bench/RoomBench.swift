import ArgumentParser
import AudioAmpKit
import Foundation

/// RIR synthesis speed and RT60 accuracy beside pyroomacoustics (same rooms, same run), and the
/// reverb effect's realtime factor for 1 s RIRs.
///
/// Rooms: `rooms` shoe-boxes at 16 kHz with RT60 0.5 s, length U(3, 8) m, width 0.55–0.9 of it,
/// height U(2.4, 3.2) m, talker 1–3 m from the microphone, drawn from fixed seeds. audioamp
/// renders each with ``RIRSynth/renderMeetingRT60`` (the path the reverb effect takes, RT60
/// calibration included); pyroomacoustics gets the same dimensions and positions with its
/// documented recipe (`inverse_sabine` → absorption and `max_order`, `ShoeBox`, `compute_rir`),
/// timed inside Python per RIR (construction + compute_rir; interpreter start-up excluded).
/// Both sets of RIRs are measured by the same ``RIRMeasure`` (T30, T20), so accuracy is
/// compared like for like. Run pinned to one core: `taskset -c 0 audioamp-bench --rooms-only`.
enum RoomBench {
  struct Case {
    var dims: [Double]
    var source: RoomPoint
    var mic: RoomPoint
  }

  static func cases(_ n: Int) throws -> [Case] {
    try (0..<n).map { i in
      var rng = UtteranceRNG(seed: 2026, utteranceID: "bench-room-\(i)", variant: 0)
      let l = rng.uniform(3, 8)
      let w = l * rng.uniform(0.55, 0.9)
      let h = min(rng.uniform(2.4, 3.2), w)
      let room = ShoeBoxRoom(lengthM: l, widthM: w, heightM: h, uniformAbsorption: 0.2)
      let (s, m) = try RoomSampler.positions(in: room, distanceM: rng.uniform(1, 3), using: &rng)
      return Case(dims: [l, w, h], source: s, mic: m)
    }
  }

  /// Fraction within 10 % and mean absolute relative error of a measured RT60 list.
  static func accuracy(_ t: [Double?], target: Double) -> (within: Double, meanError: Double) {
    let e = t.map { $0.map { abs($0 / target - 1) } ?? 1 }
    return (Double(e.filter { $0 <= 0.1 }.count) / Double(e.count), e.reduce(0, +) / Double(e.count))
  }

  static func report(repeats: Int, rooms: Int, praRooms: Int, python: String?) throws {
    let fs = 16000
    let target = 0.5
    let all = try cases(rooms)
    print("\n-- rooms: RIR synthesis, RT60 \(target) s, 16 kHz, \(rooms) rooms 3–8 m, talker 1–3 m (one thread)")
    var times: [Double] = []
    var measured: [RIRMeasurement] = []
    for r in 0..<repeats {
      var ms: [RIRMeasurement] = []
      let t0 = DispatchTime.now().uptimeNanoseconds
      for (i, c) in all.enumerated() {
        let (_, rir, m) = try RIRSynth.renderMeetingRT60(
          lengthM: c.dims[0], widthM: c.dims[1], heightM: c.dims[2], rt60Seconds: target, source: c.source, mic: c.mic,
          sampleRate: fs, seed: UInt64(i))
        guard rir.samples.count >= Int(0.8 * target * Double(fs)) else { throw ValidationError("RIR \(i) is \(rir.samples.count) samples, far shorter than its RT60") }
        ms.append(m)
      }
      times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
      if r == 0 { measured = ms }
    }
    times.sort()
    let ours = Double(rooms) / times[times.count / 2]
    let ours30 = accuracy(measured.map { $0.t30Seconds }, target: target)
    let ours20 = accuracy(measured.map { $0.t20Seconds }, target: target)
    print(String(format: "audioamp (ISM + tail, calibrated)            %9.1f RIRs/s   T30 within 10%%: %3.0f%% (mean error %.1f%%), T20: %3.0f%% (%.1f%%)",
                 ours, 100 * ours30.within, 100 * ours30.meanError, 100 * ours20.within, 100 * ours20.meanError))

    guard let python else {
      print("pyroomacoustics: no .venv/bin/python3 (or $AUDIOAMP_PYTHON) — comparison skipped")
      return
    }
    let sub = Array(all.prefix(praRooms))
    let dir = NSTemporaryDirectory() + "audioamp-roombench-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let spec = sub.map { c in "\(c.dims[0]) \(c.dims[1]) \(c.dims[2]) \(c.source.x) \(c.source.y) \(c.source.z) \(c.mic.x) \(c.mic.y) \(c.mic.z)" }.joined(separator: "\n")
    try spec.write(toFile: dir + "/rooms.txt", atomically: true, encoding: .utf8)
    let script = """
      import sys, time, numpy as np, pyroomacoustics as pra
      rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
      out = open(sys.argv[2], 'wb'); times = []; orders = []
      for r in rows:
          t0 = time.perf_counter()
          e, order = pra.inverse_sabine(\(target), r[0:3])
          room = pra.ShoeBox(r[0:3], fs=\(fs), materials=pra.Material(e), max_order=order)
          room.add_source(r[3:6]); room.add_microphone(r[6:9])
          room.compute_rir()
          times.append(time.perf_counter() - t0); orders.append(order)
          h = np.asarray(room.rir[0][0], dtype=np.float32)
          out.write(np.int64(len(h)).tobytes()); out.write(h.tobytes())
      out.close()
      print(pra.__version__, sum(times), ' '.join(map(str, orders)))
      """
    try script.write(toFile: dir + "/pra.py", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = [dir + "/pra.py", dir + "/rooms.txt", dir + "/rirs.bin"]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let outData = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ValidationError("pyroomacoustics run failed (\(python) \(dir)/pra.py)") }
    let fields = String(decoding: outData, as: UTF8.self).split(separator: " ").map(String.init)
    guard fields.count >= 2, let total = Double(fields[1]) else { throw ValidationError("pyroomacoustics printed \(fields)") }
    let orders = fields.dropFirst(2).compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    let bin = try Data(contentsOf: URL(fileURLWithPath: dir + "/rirs.bin"))
    var praMeasured: [RIRMeasurement] = []
    var off = 0
    while off < bin.count {
      let n = bin[off..<(off + 8)].withUnsafeBytes { Int($0.loadUnaligned(as: Int64.self)) }
      off += 8
      let h = bin[off..<(off + 4 * n)].withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
      off += 4 * n
      praMeasured.append(try RIRMeasure.measure(h, sampleRate: fs))
    }
    guard praMeasured.count == sub.count else { throw ValidationError("pyroomacoustics returned \(praMeasured.count) of \(sub.count) RIRs") }
    let theirs = Double(sub.count) / total
    let p30 = accuracy(praMeasured.map { $0.t30Seconds }, target: target)
    let p20 = accuracy(praMeasured.map { $0.t20Seconds }, target: target)
    print(String(format: "pyroomacoustics %@ (ISM, inverse_sabine)   %9.2f RIRs/s   T30 within 10%%: %3.0f%% (mean error %.1f%%), T20: %3.0f%% (%.1f%%)   [%d rooms, max_order %d–%d]",
                 fields[0], theirs, 100 * p30.within, 100 * p30.meanError, 100 * p20.within, 100 * p20.meanError, sub.count, orders.min() ?? 0, orders.max() ?? 0))
    print(String(format: "ratio audioamp / pyroomacoustics: %.0f×", ours / theirs))
  }

  /// Realtime factor of the reverb convolution with a 1 s RIR, and of the whole effect
  /// (room drawn, RIR synthesized and calibrated, convolved) on 10 s utterances.
  static func reverbFigures(repeats: Int) throws {
    let fs = 16000
    let x = KernelBench.speechLike(count: 60 * fs, sampleRate: fs, syllables: true, noise: 0.01, key: 0x5EB)
    let room = try RT60Solver.room(lengthM: 7, widthM: 5, heightM: 3, rt60Seconds: 1.0)
    var options = RIRSynth.Options()
    options.lengthSeconds = 1.1
    let h = Array(try RIRSynth.render(room: room, source: RoomPoint(x: 2, y: 2, z: 1.6), mic: RoomPoint(x: 4.5, y: 3, z: 1.2), sampleRate: fs, seed: 1, options: options).samples.prefix(fs))
    guard h.count == fs else { throw ValidationError("1 s RIR has \(h.count) samples") }
    var times: [Double] = []
    for _ in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      let y = Convolution.apply(x, taps: h, delay: 0)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
      guard y.count == x.count else { throw ValidationError("reverb output \(y.count) samples, expected \(x.count)") }
    }
    times.sort()
    print(String(format: "reverb convolution, 1 s RIR (partitioned, P = %d)    %9.0f× realtime  (median %.1f ms for 60 s)",
                 PartitionedConvolver(taps: h).partition, 60 / times[times.count / 2], times[times.count / 2] * 1e3))
    let spec = RoomSpec(rt60Seconds: .uniform(0.8, 1.0), lengthM: .uniform(5, 9), distanceM: .uniform(1, 3))
    let effect = Reverb(Reverb.Settings(source: .room(spec)))
    let utt = Array(x.prefix(10 * fs))
    var effTimes: [Double] = []
    for r in 0..<repeats {
      let t0 = DispatchTime.now().uptimeNanoseconds
      for k in 0..<6 {
        var rng = UtteranceRNG(seed: UInt64(r), utteranceID: "bench-\(k)", variant: 0)
        let ctx = EffectContext(utterance: Utterance(id: "bench-\(k)", audioPath: "", text: "", origin: "bench"), sampleRate: fs, sampleCount: utt.count)
        let out = try effect.apply(try effect.draw(ctx, using: &rng), to: AudioBuffer(samples: utt, sampleRate: fs))
        guard out.audio.count == utt.count else { throw ValidationError("reverb effect output \(out.audio.count) samples") }
      }
      effTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
    }
    effTimes.sort()
    print(String(format: "reverb effect, RT60 0.8–1 s rooms, 10 s utterances     %9.0f× realtime  (RIR synthesis per output included)", 60 / effTimes[effTimes.count / 2]))
  }
}
