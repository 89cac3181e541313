#!/usr/bin/env python3
"""Writes the small seed corpora in fuzz/seeds/<target>/ (run once; the output is committed).

Multi-file inputs are split at NUL bytes, in the order FuzzTargets.swift reads them.
"""
import io, json, math, os
import numpy as np
import soundfile as sf

here = os.path.dirname(os.path.abspath(__file__))
seeds = os.path.join(here, "seeds")


def put(target, name, data):
    d = os.path.join(seeds, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def audio():
    t = np.arange(800) / 8000.0
    x = (0.3 * np.sin(2 * math.pi * 440 * t)).astype(np.float32)
    for name, fmt, sub, rate, ch in [
        ("a.wav", "WAV", "PCM_16", 8000, 1), ("stereo.wav", "WAV", "FLOAT", 8000, 2),
        ("ulaw.wav", "WAV", "ULAW", 8000, 1), ("ima.wav", "WAV", "IMA_ADPCM", 8000, 1),
        ("a.flac", "FLAC", "PCM_16", 8000, 1), ("a.aiff", "AIFF", "PCM_24", 8000, 1),
        ("a.au", "AU", "PCM_16", 8000, 1), ("a.caf", "CAF", "ALAC_16", 8000, 1),
        ("a.w64", "W64", "PCM_16", 8000, 1), ("a.ogg", "OGG", "VORBIS", 8000, 1),
        ("a.opus", "OGG", "OPUS", 8000, 1), ("a.mp3", "MP3", "MPEG_LAYER_III", 8000, 1),
        ("gsm.wav", "WAV", "GSM610", 8000, 1), ("a.rf64", "RF64", "PCM_16", 8000, 1),
    ]:
        b = io.BytesIO()
        data = np.stack([x, -x], 1) if ch == 2 else x
        sf.write(b, data, rate, format=fmt, subtype=sub)
        put("audio", name, b.getvalue())


audio()
for r in ["speed-perturb.yaml", "voip.yaml"]:
    put("recipe", r, open(os.path.join(here, "..", "recipes", r)).read())
put("recipe", "inline.yaml", "sample_rate: 16000\nvariants: 2\nseed: 3\neffects:\n  - gain: {gain_db: {uniform: [-6, 6]}}\n  - speed: {factor: [0.9, 1.0, 1.1]}\n")
lines = [
    {"audio_filepath": "a.wav", "duration": 1.5, "text": "hello world", "id": "u1", "speaker": "s1"},
    {"audio_filepath": "/abs/b.flac", "offset": 0.5, "duration": 2, "text": "x", "id": "u2",
     "words": [{"word": "x", "start": 0.1, "end": 0.4}]},
]
put("jsonl", "a.jsonl", "\n".join(json.dumps(l) for l in lines) + "\n")
put("jsonl", "escapes.jsonl", '{"audio_filepath":"a\\u00e9.wav","text":"\\"q\\"\\n","id":"e"}\n')
put("kaldi", "plain", "u1 a.wav\nu2 a.wav\n\0u1 hello there\nu2 bye\n\0u1 s1\nu2 s2\n")
put("kaldi", "segments", "rec a.wav\n\0u1 hi\nu2 yo\n\0u1 s\nu2 s\n\0u1 rec 0.0 0.5\nu2 rec 0.5 1.25\n\0u1 1 0.10 0.20 hi\nu2 1 0.6 0.3 yo\n")
put("librispeech", "a", "19-198-0001 NORTHANGER ABBEY\n19-198-0002 CHAPTER ONE\n\0")
put("commonvoice", "a.tsv", "client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccents\tlocale\tsegment\nc1\ta.mp3\tHello there.\t2\t0\t\tmale\t\ten\t\n")
put("audiofolder", "a.csv", 'file_name,transcription,speaker_id\na.wav,"hi, ""you""",s1\n')
put("audiofolder", "a.jsonl", '{"file_name": "a.wav", "transcription": "hi"}\n\0j')
put("folder", "a", "utt1\0RIFF\0hello world\n")
put("noise-index", "a", "file\tcategory\tduration_s\tsample_rate\tchannels\tlevel_dbfs\tlicence\tmade_by\na.flac\tstreet\t2.5\t16000\t1\t-30\tCC0\tsynth\n\0fLaC")
run = '{"recipe_fnv1a":"0","input":"x","seed":1}\n'
prog = json.dumps({"totals": {"entries_visited": 2, "utterances": 2, "outputs": 2, "failures": 0,
                              "source_samples": 32000, "output_samples": 32000, "warnings": {"clipped": 1}},
                   "manifest_bytes": 12, "failures_bytes": 16, "order_bytes": 0, "complete": False})
put("resume", "a", "\x00" + "\0" + prog + "\n\0" + '{"id":"a"}\n{"id":"b"}\n')
put("resume", "b", run + "\0" + prog + "\n\0" + '{"id":"a"}\n{"id')
