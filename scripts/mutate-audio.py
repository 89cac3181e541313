#!/usr/bin/env python3
"""Makes a corpus of damaged audio files for robustness runs (`mix --keep-going` must finish).

Seeds: every audio file under the given folders (or, by default, the bundled corpus re-encoded
to WAV, FLAC, OGG/Vorbis and MP3 with soundfile). Each copy gets one seeded mutation: bytes
flipped in the first 4 KiB, header bytes set to extreme values, a truncation, or a splice of two
files. Writes OUT/audio/mut-NNNNN.<ext> and OUT/manifest.jsonl (one utterance per file, the
text and speaker made up), so the same seed always gives the same corpus.

  scripts/mutate-audio.py OUT --count 2000 --seed 1
"""
import argparse, json, os, random, sys


def seeds_from_corpus(repo, work):
    import soundfile as sf
    src = os.path.join(repo, "corpus", "audio")
    names = sorted(n for n in os.listdir(src) if n.endswith(".flac"))[:4]
    out = []
    for n in names:
        data, rate = sf.read(os.path.join(src, n), dtype="float32")
        base = os.path.join(work, os.path.splitext(n)[0])
        for ext, fmt, sub in [("wav", "WAV", "PCM_16"), ("flac", "FLAC", "PCM_16"),
                              ("ogg", "OGG", "VORBIS"), ("mp3", "MP3", "MPEG_LAYER_III")]:
            p = f"{base}.{ext}"
            sf.write(p, data, rate, format=fmt, subtype=sub)
            out.append(p)
    return out


def mutate(data, other, rng):
    b = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0:  # flip random bits in the first 4 KiB
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(min(4096, len(b)))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # set header bytes to extreme values
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(min(256, len(b)))
            b[i] = rng.choice([0x00, 0xFF, 0x7F, 0x80])
    elif kind == 2:  # truncate
        b = b[: rng.randrange(1, len(b))]
    elif kind == 3:  # splice: head of one file, tail of another
        cut = rng.randrange(1, len(b))
        cut2 = rng.randrange(0, len(other))
        b = b[:cut] + other[cut2:]
    else:  # overwrite a random run of bytes anywhere with random bytes
        i = rng.randrange(len(b))
        n = rng.randint(1, 64)
        b[i : i + n] = bytes(rng.randrange(256) for _ in range(n))
    return bytes(b), kind


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", nargs="*", help="seed audio files (default: the bundled corpus re-encoded)")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(os.path.join(a.out, "audio"), exist_ok=True)
    work = os.path.join(a.out, "seeds")
    os.makedirs(work, exist_ok=True)
    seeds = a.seeds or seeds_from_corpus(repo, work)
    blobs = [(p, open(p, "rb").read()) for p in seeds]
    rng = random.Random(a.seed)
    kinds = ["flip", "header", "truncate", "splice", "overwrite"]
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as m:
        for k in range(a.count):
            path, data = blobs[k % len(blobs)]
            other = rng.choice(blobs)[1]
            damaged, kind = mutate(data, other, rng)
            ext = os.path.splitext(path)[1]
            name = f"audio/mut-{k:05d}{ext}"
            with open(os.path.join(a.out, name), "wb") as f:
                f.write(damaged)
            m.write(json.dumps({"id": f"mut-{k:05d}", "audio_filepath": name, "text": kinds[kind],
                                "speaker": "spk" + ext[1:]}) + "\n")
    print(f"{a.count} mutated files from {len(seeds)} seeds in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
