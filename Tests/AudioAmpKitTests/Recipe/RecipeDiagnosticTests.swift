import Testing

@testable import AudioAmpKit

/// A recipe that must be rejected, and the exact messages it must produce, in order.
struct BadRecipeCase: Sendable, CustomTestStringConvertible {
  var name: String
  var yaml: String
  var messages: [String]
  var testDescription: String { name }
}

let badRecipeCases: [BadRecipeCase] = [
  BadRecipeCase(
    name: "reversed uniform range",
    yaml: """
      effects:
        - gain: {db: 1}
        - speed: {factor: 1}
        - noise:
            category: traffic
            snr_db:
              uniform: [30, 5]

      """,
    messages: [
      "recipes/x.yaml:7:9: effects[2].noise.snr_db: uniform range [30, 5] is reversed; write the "
        + "smaller bound first: {uniform: [5, 30]}"
    ]),
  BadRecipeCase(
    name: "unknown top-level key with a suggestion, and effects then missing",
    yaml: "sample_rate: 16000\nvariants: 2\neffcts: []\n",
    messages: [
      "recipes/x.yaml:1:1: effects: missing; every recipe needs an effects list, e.g. 'effects: "
        + "[{gain: {db: -6}}]' (write 'effects: []' for none)",
      "recipes/x.yaml:3:1: effcts: unknown key; did you mean 'effects'? Allowed: sample_rate, "
        + "variants, seed, clip_guard, description, effects, intelligibility",
    ]),
  BadRecipeCase(
    name: "empty file",
    yaml: "",
    messages: [
      "recipes/x.yaml:1:1: the recipe is empty; it needs at least an effects list, e.g. "
        + "'effects: [{gain: {db: -6}}]' (see the commented examples in recipes/)"
    ]),
  BadRecipeCase(
    name: "file with only a comment",
    yaml: "# nothing yet\n",
    messages: [
      "recipes/x.yaml:1:1: the recipe is empty; it needs at least an effects list, e.g. "
        + "'effects: [{gain: {db: -6}}]' (see the commented examples in recipes/)"
    ]),
  BadRecipeCase(
    name: "YAML syntax error uses the position Yams reports",
    yaml: "effects:\n  - gain: {db: 1\n  - speed\n",
    messages: [
      "recipes/x.yaml:4:1: invalid YAML: did not find expected ',' or '}' (while parsing a flow "
        + "mapping at line 2, column 11); check the indentation, colons, brackets and quotes "
        + "around here"
    ]),
  BadRecipeCase(
    name: "tab indentation",
    yaml: "effects:\n  - gain: {db: 1}\n\t- gain: {db: 1}\n",
    messages: [
      "recipes/x.yaml:3:1: invalid YAML: found character that cannot start any token (while "
        + "scanning for the next token at line 3, column 1); check the indentation, colons, "
        + "brackets and quotes around here"
    ]),
  BadRecipeCase(
    name: "second YAML document",
    yaml: "effects: []\n---\neffects: []\n",
    messages: [
      "recipes/x.yaml:2:1: a second YAML document starts here; a recipe file holds exactly one, "
        + "so remove the '---' line and what follows, or move it to its own file"
    ]),
  BadRecipeCase(
    name: "root is a list",
    yaml: "- gain: {db: 1}\n",
    messages: [
      "recipes/x.yaml:1:1: a recipe is a mapping of keys (sample_rate, variants, seed, "
        + "clip_guard, description, effects, intelligibility), but this is a list; start with 'effects:' and "
        + "indent the list under it"
    ]),
  BadRecipeCase(
    name: "effects with no value",
    yaml: "effects:\n",
    messages: [
      "recipes/x.yaml:1:9: effects: no effects listed; add items such as '- gain: {db: -6}', or "
        + "write 'effects: []' for none"
    ]),
  BadRecipeCase(
    name: "duplicate keys are reported at the repeat, and checking goes on",
    yaml: """
      seed: 1
      seed: 2
      effects:
        - gain: {db: 1, db: 2}
        - speed: {factor: 1.1}
      variants: 0

      """,
    messages: [
      "recipes/x.yaml:2:1: seed: duplicate key; 'seed' is already given at line 1, column 1; "
        + "keep only one",
      "recipes/x.yaml:4:19: effects[0].gain.db: duplicate key; 'db' is already given at line 4, "
        + "column 12; keep only one",
      "recipes/x.yaml:6:11: variants: 0 is out of range; it must be at least 1",
    ]),
  BadRecipeCase(
    name: "duplicate keys anywhere, repeated, quoted or not",
    yaml: """
      effects:
        - gain: {db: 1, db: 2, db: 3}
        - speed: {factor: 1.1}
          speed: {factor: 1.2}
        - noise: {categories: {crowd: 1, "crowd": 2}, snr_db: 5}
        - 'gain': {db: 1}
          "gain": {db: 2}
      variants: 1
      variants: 2

      """,
    messages: [
      "recipes/x.yaml:2:19: effects[0].gain.db: duplicate key; 'db' is already given at line 2, "
        + "column 12; keep only one",
      "recipes/x.yaml:2:26: effects[0].gain.db: duplicate key; 'db' is already given at line 2, "
        + "column 12; keep only one",
      "recipes/x.yaml:4:5: effects[1].speed: duplicate key; 'speed' is already given at line 3, "
        + "column 5; keep only one",
      "recipes/x.yaml:5:36: effects[2].noise.categories.crowd: duplicate key; 'crowd' is already "
        + "given at line 5, column 26; keep only one",
      "recipes/x.yaml:7:5: effects[3].gain: duplicate key; 'gain' is already given at line 6, "
        + "column 5; keep only one",
      "recipes/x.yaml:9:1: variants: duplicate key; 'variants' is already given at line 8, "
        + "column 1; keep only one",
    ]),
  BadRecipeCase(
    name: "a misspelt required key is reported once, as a typo",
    yaml: """
      effects:
        - gain: {dB: 1}
        - noise: {categroy: crowd, snr_db: 5}
        - band_limit: {high: 3000}

      """,
    messages: [
      "recipes/x.yaml:2:12: effects[0].gain.dB: unknown key; did you mean 'db'? Allowed: db, "
        + "probability",
      "recipes/x.yaml:3:13: effects[1].noise.categroy: unknown key; did you mean 'category'? "
        + "Allowed: category, categories, dir, index, babble, layers, snr_db, snr_reference, split, licences, "
        + "exclude_licences, probability",
      "recipes/x.yaml:4:18: effects[2].band_limit.high: unknown key; did you mean 'high_hz'? "
        + "Allowed: low_hz, high_hz, stopband_db, transition_hz, probability",
    ]),
  BadRecipeCase(
    name: "numbers YAML reads but a recipe doesn't accept",
    yaml: """
      effects:
        - gain: {db: 1e400}
        - gain: {db: 16_000}
        - gain: {db: true}
        - gain: {db: 0x10}

      """,
    messages: [
      "recipes/x.yaml:2:16: effects[0].gain.db: '1e400' is too large to be a number here; write "
        + "an ordinary number",
      "recipes/x.yaml:3:16: effects[1].gain.db: expected a number, found '16_000'; write a number "
        + "(12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})",
      "recipes/x.yaml:4:16: effects[2].gain.db: expected a number, found 'true'; write a number "
        + "(12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})",
      "recipes/x.yaml:5:16: effects[3].gain.db: expected a number, found '0x10'; write a number "
        + "(12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})",
    ]),
  BadRecipeCase(
    name: "top-level values",
    yaml: """
      sample_rate: 16k
      variants: 0
      seed: -1
      clip_guard: clip
      description: [a]
      effects: []

      """,
    messages: [
      "recipes/x.yaml:1:14: sample_rate: '16k' has a unit; write it in Hz as a plain number: "
        + "16000",
      "recipes/x.yaml:2:11: variants: 0 is out of range; it must be at least 1",
      "recipes/x.yaml:3:7: seed: -1 is out of range; a seed is a whole number from 0 to "
        + "18446744073709551615",
      "recipes/x.yaml:4:13: clip_guard: unknown value 'clip'; use 'scale' (scale the whole "
        + "utterance down so its peak fits) or 'limit' (peak-limit only the loud parts)",
      "recipes/x.yaml:5:14: description: expected text, e.g. 'description: phone-quality "
        + "speech'; found a list",
    ]),
  BadRecipeCase(
    name: "whole numbers and sample-rate range",
    yaml: "sample_rate: 16000.0\nvariants: \"3\"\nseed: 18446744073709551616\neffects: []\n"
      + "clip_guard: scal\n",
    messages: [
      "recipes/x.yaml:1:14: sample_rate: '16000.0' is not a whole number; write digits only, "
        + "e.g. 'sample_rate: 16000'",
      "recipes/x.yaml:2:11: variants: \"3\" is quoted, so it is text; remove the quotes: 3",
      "recipes/x.yaml:3:7: seed: 18446744073709551616 is out of range; a seed is a whole number "
        + "from 0 to 18446744073709551615",
      "recipes/x.yaml:5:13: clip_guard: unknown value 'scal'; did you mean 'scale'? use 'scale' "
        + "(scale the whole utterance down so its peak fits) or 'limit' (peak-limit only the loud "
        + "parts)",
    ]),
  BadRecipeCase(
    name: "sample rate out of range",
    yaml: "sample_rate: 4000\neffects: []\n",
    messages: [
      "recipes/x.yaml:1:14: sample_rate: 4000 is out of range; it must be from 8000 to 192000 Hz"
    ]),
  BadRecipeCase(
    name: "effect item structure",
    yaml: """
      effects:
        - speed: {factor: 1.1}
          pitch: {semitones: 1}
        - probability: 0.5
        - speed: {factor: 1.1, probability: 0.5}
          probability: 0.3
        - speeed: {factor: 1.1}
        - speed: 1.1
        - gain:
        - speed
        - 12

      """,
    messages: [
      "recipes/x.yaml:3:5: effects[0]: two effects in one item ('speed' and 'pitch'); each item "
        + "holds exactly one effect, so start 'pitch' on its own line with '- '",
      "recipes/x.yaml:4:5: effects[1]: no effect given; each item needs exactly one of noise, "
        + "band_limit, speed, pitch, tempo, gain, codec, handset, agc, compressor, clipping, reverb, e.g. '- gain: {db: -6}'",
      "recipes/x.yaml:6:5: effects[2].probability: probability is given twice, inside the "
        + "'speed' settings and beside 'speed' (the other one is at line 5, column 26); keep one",
      "recipes/x.yaml:7:5: effects[3].speeed: unknown key; did you mean 'speed'? Allowed: noise, "
        + "band_limit, speed, pitch, tempo, gain, codec, handset, agc, compressor, clipping, reverb, probability",
      "recipes/x.yaml:8:12: effects[4].speed: expected its settings as a mapping, e.g. 'speed: "
        + "{factor: [0.9, 1.0, 1.1]}'; found '1.1'",
      "recipes/x.yaml:9:10: effects[5].gain: no settings given; write them as a mapping, e.g. "
        + "'gain: {db: {uniform: [-6, 6]}}'",
      "recipes/x.yaml:10:5: effects[6]: 'speed' needs its settings as a mapping, e.g. '- speed: "
        + "{factor: [0.9, 1.0, 1.1]}'",
      "recipes/x.yaml:11:5: effects[7]: each effect is a mapping with one effect key (noise, "
        + "band_limit, speed, pitch, tempo, gain, codec, handset, agc, compressor, clipping, reverb), e.g. '- gain: {db: -6}'; found '12'",
    ]),
  BadRecipeCase(
    name: "number values that are not numbers",
    yaml: """
      effects:
        - gain: {db: ten}
        - pitch: {semitones: 5dB}
        - tempo: {factor: "1.1"}
        - gain: {db: .inf}
        - gain: {db: }
        - band_limit: {high_hz: 3.4kHz}
        - gain: {db: 1}
          probability: 50%
        - gain: {db: 1, probability: 1.5}

      """,
    messages: [
      "recipes/x.yaml:2:16: effects[0].gain.db: expected a number, found 'ten'; write a number "
        + "(12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})",
      "recipes/x.yaml:3:24: effects[1].pitch.semitones: '5dB' has a unit; write just the "
        + "number: 5 (the key already says it is in semitones)",
      "recipes/x.yaml:4:21: effects[2].tempo.factor: \"1.1\" is quoted, so it is text; remove the "
        + "quotes: 1.1",
      "recipes/x.yaml:5:16: effects[3].gain.db: '.inf' is not a finite number; write an "
        + "ordinary number",
      "recipes/x.yaml:6:16: effects[4].gain.db: no value; write a number (12), a uniform range "
        + "({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]})",
      "recipes/x.yaml:7:27: effects[5].band_limit.high_hz: '3.4kHz' has a unit; write it in Hz "
        + "as a plain number: 3400",
      "recipes/x.yaml:9:18: effects[6].probability: '50%' is a percentage; write a fraction from "
        + "0 to 1 instead: 0.5",
      "recipes/x.yaml:10:32: effects[7].gain.probability: 1.5 is out of range; a probability is "
        + "a fraction from 0 to 1 (e.g. 0.5)",
    ]),
  BadRecipeCase(
    name: "number forms",
    yaml: """
      effects:
        - noise: {category: crowd, snr_db: {min: 5, max: 20}}
        - noise: {category: crowd, snr_db: {uniform: [1]}}
        - noise: {category: crowd, snr_db: []}
        - noise: {category: crowd, snr_db: {unifrom: [1, 2]}}
        - noise: {category: crowd, snr_db: {uniform: [1, x]}}
        - noise: {category: crowd, snr_db: [5, [6]]}

      """,
    messages: [
      "recipes/x.yaml:2:38: effects[0].noise.snr_db: expected one of the number forms: write a number "
        + "(12), a uniform range ({uniform: [5, 20]}), a list of choices ([5, 10, 20]) or values taken in turn per variant ({cycle: [0.9, 1.0, 1.1]}); found a "
        + "mapping with 'min', 'max'",
      "recipes/x.yaml:3:48: effects[1].noise.snr_db.uniform: needs exactly two numbers, the low "
        + "and the high bound, e.g. {uniform: [5, 20]}; found 1 value",
      "recipes/x.yaml:4:38: effects[2].noise.snr_db: the list of choices is empty; give at least "
        + "one value, e.g. [5, 10, 20], or a single number",
      "recipes/x.yaml:5:39: effects[3].noise.snr_db.unifrom: unknown key; did you mean "
        + "'uniform'? Allowed: uniform, cycle",
      "recipes/x.yaml:6:52: effects[4].noise.snr_db.uniform[1]: expected a number, found 'x'; "
        + "write digits only",
      "recipes/x.yaml:7:42: effects[5].noise.snr_db[1]: expected a single number; found a list "
        + "(ranges and lists are not accepted here)",
    ]),
  BadRecipeCase(
    name: "ranges apply to every possible value",
    yaml: """
      effects:
        - noise: {category: crowd, snr_db: 150}
        - noise: {category: crowd, snr_db: [5, 200]}
        - noise: {category: crowd, snr_db: {uniform: [-30, 20]}}
        - speed: {factor: 0}
        - tempo: {factor: [1, 5]}
        - pitch: {semitones: {uniform: [-25, 0]}}
        - gain: {db: 41}

      """,
    messages: [
      "recipes/x.yaml:2:38: effects[0].noise.snr_db: 150 is out of range; it must be from -20 "
        + "to 100 dB",
      "recipes/x.yaml:3:42: effects[1].noise.snr_db[1]: 200 is out of range; it must be from "
        + "-20 to 100 dB",
      "recipes/x.yaml:4:38: effects[2].noise.snr_db: uniform range [-30, 20] goes out of range; "
        + "every value must be from -20 to 100 dB",
      "recipes/x.yaml:5:21: effects[3].speed.factor: 0 is out of range; it must be from 0.25 to "
        + "4",
      "recipes/x.yaml:6:25: effects[4].tempo.factor[1]: 5 is out of range; it must be from 0.25 "
        + "to 4",
      "recipes/x.yaml:7:24: effects[5].pitch.semitones: uniform range [-25, 0] goes out of "
        + "range; every value must be from -24 to 24 semitones",
      "recipes/x.yaml:8:16: effects[6].gain.db: 41 is out of range; it must be from -60 to 40 dB",
    ]),
  BadRecipeCase(
    name: "noise sources",
    yaml: """
      effects:
        - noise: {snr_db: 10}
        - noise: {category: traffic, dir: x, snr_db: 10}
        - noise: {categories: {traffic: 0, crowd: 1}, snr_db: 10}
        - noise: {categories: {}, snr_db: 10}
        - noise: {category: cel-phone, snr_db: 10}
        - noise: {categories: {trafic: 1}, snr_db: 10}
        - noise: {dir: "", snr_db: 10}
        - noise: {category: traffic}

      """,
    messages: [
      "recipes/x.yaml:2:5: effects[0].noise: no noise source; add exactly one of category (e.g. "
        + "'category: traffic'), categories (e.g. 'categories: {traffic: 0.7, crowd: 0.3}'), "
        + "dir (a folder of noise files), index (a noise index) or babble (e.g. 'babble: {talkers: [3, 7]}')",
      "recipes/x.yaml:3:32: effects[1].noise.dir: only one noise source is allowed, and "
        + "'category' is already given; remove one (to mix categories use 'categories: "
        + "{traffic: 0.7, crowd: 0.3}')",
      "recipes/x.yaml:4:35: effects[2].noise.categories.traffic: weight 0 must be greater than 0 "
        + "(weights are relative, e.g. 0.7 and 0.3); remove the category to leave it out",
      "recipes/x.yaml:5:25: effects[3].noise.categories: expected category names with weights, "
        + "e.g. 'categories: {traffic: 0.7, crowd: 0.3}'; found an empty mapping",
      "recipes/x.yaml:6:23: effects[4].noise.category: unknown noise category 'cel-phone'; did "
        + "you mean 'cell-phone'? Available: cell-phone, crowd, traffic (or use 'dir:' for your "
        + "own folder)",
      "recipes/x.yaml:7:26: effects[5].noise.categories.trafic: unknown noise category "
        + "'trafic'; did you mean 'traffic'? Available: cell-phone, crowd, traffic (or use "
        + "'dir:' for your own folder)",
      "recipes/x.yaml:8:18: effects[6].noise.dir: empty text; write it, e.g. 'dir: "
        + "noise-library/traffic'",
      "recipes/x.yaml:9:5: effects[7].noise.snr_db: missing; add it, e.g. 'snr_db: {uniform: "
        + "[5, 20]}' (allowed from -20 to 100 dB)",
    ]),
  BadRecipeCase(
    name: "band limit",
    yaml: """
      effects:
        - band_limit: {low_hz: 3400, high_hz: 300}
        - band_limit: {high_hz: 9000}
        - band_limit: {stopband_db: 10}
        - band_limit: {low_hz: {uniform: [100, 500]}, high_hz: [400, 3000], transition_hz: 0}
        - band_limit: {low_hz: -5, stopband_db: {uniform: [1, 2]}}
        - band_limit: {low_hz: 100, high_hz: {uniform: [3000, 8000]}}
      sample_rate: 16000

      """,
    messages: [
      "recipes/x.yaml:2:26: effects[0].band_limit.low_hz: 3400 Hz is not below high_hz 300 Hz; "
        + "the pass band runs from low_hz up to high_hz, so low_hz must be the smaller",
      "recipes/x.yaml:3:27: effects[1].band_limit.high_hz: 9000 Hz is not below the Nyquist "
        + "frequency 8000 Hz (half of sample_rate 16000); lower it or raise sample_rate",
      "recipes/x.yaml:4:5: effects[2].band_limit: give low_hz (high-pass cutoff), high_hz "
        + "(low-pass cutoff) or both, in Hz, e.g. 'band_limit: {low_hz: 300, high_hz: 3400}'",
      "recipes/x.yaml:4:31: effects[2].band_limit.stopband_db: 10 is out of range; use a value "
        + "from 20 to 140 dB (default 60 dB)",
      "recipes/x.yaml:5:26: effects[3].band_limit.low_hz: can be as high as 500 Hz while high_hz "
        + "can be as low as 400 Hz; every low_hz must be below every high_hz, so make the ranges "
        + "not overlap",
      "recipes/x.yaml:5:86: effects[3].band_limit.transition_hz: 0 must be greater than 0 Hz; "
        + "remove the key to let the filter design choose",
      "recipes/x.yaml:6:26: effects[4].band_limit.low_hz: -5 is out of range; it must be greater "
        + "than 0 Hz",
      "recipes/x.yaml:6:43: effects[4].band_limit.stopband_db: expected a single number, e.g. "
        + "'stopband_db: 60'; found a mapping (ranges and lists are not accepted here)",
      "recipes/x.yaml:7:40: effects[5].band_limit.high_hz: can reach 8000 Hz, which is not below "
        + "the Nyquist frequency 8000 Hz (half of sample_rate 16000); lower it or raise "
        + "sample_rate",
    ]),
  BadRecipeCase(
    name: "Nyquist follows sample_rate wherever it is written",
    yaml: "effects: [{band_limit: {high_hz: 4000}}]\nsample_rate: 8000\n",
    messages: [
      "recipes/x.yaml:1:34: effects[0].band_limit.high_hz: 4000 Hz is not below the Nyquist "
        + "frequency 4000 Hz (half of sample_rate 8000); lower it or raise sample_rate"
    ]),
  BadRecipeCase(
    name: "many problems in one file come out in document order",
    yaml: """
      effects:
        - noise: {category: traffic, snr_db: {uniform: [30, 5]}}
        - gain: {db: 5dB}
      sample_rate: 1000
      varaints: 3

      """,
    messages: [
      "recipes/x.yaml:2:40: effects[0].noise.snr_db: uniform range [30, 5] is reversed; write "
        + "the smaller bound first: {uniform: [5, 30]}",
      "recipes/x.yaml:3:16: effects[1].gain.db: '5dB' has a unit; write just the number: 5 (the "
        + "key already says it is in dB)",
      "recipes/x.yaml:4:14: sample_rate: 1000 is out of range; it must be from 8000 to 192000 Hz",
      "recipes/x.yaml:5:1: varaints: unknown key; did you mean 'variants'? Allowed: sample_rate, "
        + "variants, seed, clip_guard, description, effects, intelligibility",
    ]),
]

@Suite struct RecipeDiagnosticTests {
  @Test(arguments: badRecipeCases)
  func badRecipeReportsExactMessages(_ testCase: BadRecipeCase) {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: testCase.yaml, path: "recipes/x.yaml")
    }
    let lines = error?.description.split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    #expect(lines == testCase.messages)
  }

  @Test func diagnosticsCarryTheirPartsSeparately() {
    let error = #expect(throws: RecipeError.self) {
      try RecipeLoader.parse(yaml: "effects: [{gain: {db: 99}}]", path: "p.yaml")
    }
    #expect(
      error?.diagnostics == [
        RecipeDiagnostic(
          path: "p.yaml", line: 1, column: 23, field: "effects[0].gain.db",
          message: "99 is out of range; it must be from -60 to 40 dB")
      ])
  }

  @Test func diagnosticWithoutFieldOmitsIt() {
    let diagnostic = RecipeDiagnostic(path: "a.yaml", line: 2, column: 3, field: "", message: "m")
    #expect(diagnostic.description == "a.yaml:2:3: m")
  }
}
