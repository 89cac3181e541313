import Testing

@testable import AudioAmpKit

/// Recipe keys of the phone-channel effects: defaults, and exact located messages for mistakes.
@Suite struct RecipeChannelTests {
  @Test func channelEffectsDecodeWithDefaults() throws {
    let yaml = """
      effects:
        - codec: {name: amr-nb}
        - codec: {name: opus}
        - codec: {name: g711, packet_loss: {rate: 0.05}}
        - noise: {category: crowd, snr_db: 10}
        - handset: {type: mobile}
        - agc: {}
        - compressor: {threshold_db: -20}
        - clipping: {threshold_db: -3}
      """
    let recipe = try RecipeLoader.parse(yaml: yaml, path: "x.yaml")
    #expect(
      recipe.effects.map(\.kind) == [
        .codec(CodecSpec(names: [.amrNB], amrMode: .constant(12.2), dtx: false)),
        .codec(CodecSpec(names: [.opus], opusBandwidth: .wideband, bitrateKbps: .constant(16))),
        .codec(CodecSpec(names: [.g711], law: .mu, packetLoss: PacketLossSpec(rate: .constant(0.05), burst: .constant(1)))),
        .noise(NoiseSpec(source: .category("crowd"), snrDB: .constant(10), snrReference: .rms)),
        .handset(HandsetSpec(types: [.mobile])),
        .agc(AGCSpec(targetDB: .constant(-26), maxGainDB: 20, timeSeconds: 1)),
        .compressor(CompressorSpec(thresholdDB: .constant(-20), ratio: .constant(4), attackMS: 5, releaseMS: 100, makeupDB: 0)),
        .clipping(ClippingSpec(soft: false, level: .thresholdDB(.constant(-3)))),
      ])
  }

  @Test func channelMistakesReportExactMessages() {
    let yaml = """
      effects:
        - codec: {name: amr-nb, mode: {uniform: [4.75, 12.2]}, law: a}
        - codec: {name: [opus, g7111], bitrate_kbps: 100}
        - codec: {name: amr-nb, mode: [4.75, 6.0], dtx: yes, packet_loss: {rate: 0.7, burts: 2}}
        - codec: {mode: 12.2}
        - noise: {category: crowd, snr_db: 10, snr_reference: active}
        - handset: {type: [irs, irs]}
        - agc: {target_db: 0, time_s: 20}
        - compressor: {ratio: 0.5}
        - clipping: {mode: hard, threshold_db: -6, fraction: 0.01}
        - clipping: {mode: sharp, fraction: 0.9}
      """
    let error = #expect(throws: RecipeError.self) { try RecipeLoader.parse(yaml: yaml, path: "x.yaml") }
    #expect(
      error?.diagnostics.map(\.description) == [
        "x.yaml:2:33: effects[0].codec.mode: AMR-NB has eight fixed modes, so a uniform range cannot be used; list the modes to draw from, e.g. 'mode: [4.75, 7.95, 12.2]' (modes: 4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2)",
        "x.yaml:2:58: effects[0].codec.law: applies only to g711, which is not among the codecs named (amr-nb); remove it or add g711",
        "x.yaml:3:26: effects[1].codec.name[1]: unknown value 'g7111'; did you mean 'g711'? use g711, gsm-fr, amr-nb, opus or mp3, or a list of them (one drawn per output)",
        "x.yaml:3:48: effects[1].codec.bitrate_kbps: 100 is out of range; it must be from 6 to 64 kbit/s",
        "x.yaml:4:33: effects[2].codec.mode: 6 is not an AMR-NB mode; use only 4.75, 5.15, 5.9, 6.7, 7.4, 7.95, 10.2, 12.2",
        "x.yaml:4:51: effects[2].codec.dtx: expected true or false, e.g. 'dtx: true'; found 'yes'",
        "x.yaml:4:76: effects[2].codec.packet_loss.rate: 0.7 is out of range; it must be from 0 to 0.5",
        "x.yaml:4:81: effects[2].codec.packet_loss.burts: unknown key. Allowed: rate, burst",
        "x.yaml:5:5: effects[3].codec.name: missing; add it, e.g. 'name: amr-nb'; use g711, gsm-fr, amr-nb, opus or mp3, or a list of them (one drawn per output)",
        "x.yaml:6:57: effects[4].noise.snr_reference: unknown value 'active'; did you mean 'active_speech'? use 'rms' (whole-utterance RMS) or 'active_speech' (ITU-T P.56 active level)",
        "x.yaml:7:27: effects[5].handset.type[1]: 'irs' is listed twice; list each once",
        "x.yaml:8:22: effects[6].agc.target_db: 0 is out of range; it must be from -50 to -6 dB",
        "x.yaml:8:33: effects[6].agc.time_s: 20 is out of range; use a value from 0.05 to 10 s (default 1 s)",
        "x.yaml:9:5: effects[7].compressor.threshold_db: missing; add it, e.g. 'threshold_db: -20' (allowed from -60 to 0 dB)",
        "x.yaml:9:25: effects[7].compressor.ratio: 0.5 is out of range; it must be from 1 to 20",
        "x.yaml:10:46: effects[8].clipping.fraction: give threshold_db or fraction, not both ('threshold_db' is already given)",
        "x.yaml:11:22: effects[9].clipping.mode: unknown value 'sharp'; use 'hard' (flat tops) or 'soft' (tanh saturation)",
        "x.yaml:11:39: effects[9].clipping.fraction: 0.9 is out of range; it must be from 0 to 0.5",
      ])
  }
}
