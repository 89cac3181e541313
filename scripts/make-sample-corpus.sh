#!/usr/bin/env bash
# Re-create the bundled sample corpus (corpus/) for audioamp.
# Run from the repository root:  bash scripts/make-sample-corpus.sh
# Needs: espeak-ng, sox (with FLAC support), python3 (standard library only).
# Deterministic: espeak-ng synthesis has no randomness, sox runs with -R
# (repeatable) and -D (no dither), FLAC compression level is fixed.
set -euo pipefail
export LC_ALL=C

if [[ ! -f Package.swift ]]; then
  echo "run this from the repository root" >&2
  exit 1
fi

OUT=corpus
AUDIO="$OUT/audio"
KALDI="$OUT/kaldi"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

rm -rf "$AUDIO" "$KALDI"
mkdir -p "$AUDIO" "$KALDI"

LEAD_SIL=0.25   # seconds of silence kept before the speech
TRAIL_SIL=0.25  # seconds of silence kept after the speech

# speaker | espeak-ng voice+variant | pitch (-p) | speed wpm (-s)
SPEAKERS=(
  "spk1|en-us+m3|38|150"
  "spk2|en-029+f2|62|142"
  "spk3|en+m1|28|165"
  "spk4|en-us+f4|74|158"
  "spk5|en-gb-scotland+m7|48|138"
  "spk6|en-gb-x-rp+f5|56|170"
)

# Original sentences written for this corpus (CC0-1.0). Six per speaker.
sentences_for() {
  case "$1" in
    spk1) cat <<'S'
The kettle clicked off just as the phone started ringing.
Please leave the spare key under the blue flower pot.
We missed the last bus and walked home in the rain.
My brother fixed the squeaky gate with a little oil.
The bakery on the corner closes early on Sundays.
Turn left after the bridge and look for the red door.
S
    ;;
    spk2) cat <<'S'
She packed two sandwiches and an apple for the train ride.
The garden looks much brighter since we cut back the hedge.
Could you remind me to water the plants tomorrow morning?
Our neighbour's dog barks whenever the postman walks past.
I found my old school photos in a box in the attic.
The library will be closed for repairs until next month.
S
    ;;
    spk3) cat <<'S'
The engine made a strange noise when we climbed the hill.
He poured the coffee slowly and sat down by the window.
Nobody noticed that the clock on the wall had stopped.
Bring a warm jacket because the evenings are getting colder.
The children built a tall tower out of wooden blocks.
I will call you back once the meeting has finished.
S
    ;;
    spk4) cat <<'S'
The market sells fresh bread, cheese and honey every Saturday.
Please check that the back door is locked before you leave.
A small bird has built a nest above our kitchen window.
The printer ran out of paper in the middle of my report.
We painted the fence green to match the garden shed.
Her bicycle has a basket on the front and a shiny bell.
S
    ;;
    spk5) cat <<'S'
The ferry was delayed because of the strong wind.
Grandmother keeps her buttons in an old biscuit tin.
The soup needs a little more salt and some pepper.
They moved the piano into the front room last week.
I always forget where I parked the car at the station.
The lights went out during the storm on Tuesday night.
S
    ;;
    spk6) cat <<'S'
Someone left a green umbrella on the seat of the bus.
The river was so calm that it looked like glass.
Let's meet outside the cinema at half past seven.
The new teacher asked everyone to write a short poem.
My phone battery always dies when I need it most.
The smell of fresh paint filled the whole hallway.
S
    ;;
  esac
}

# Transcript normalisation: lower case, punctuation removed except apostrophes.
normalise() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -d '.,?!;:"' | tr -s ' '
}

: > "$TMP/list.tsv"   # id <TAB> speaker <TAB> transcript
for entry in "${SPEAKERS[@]}"; do
  IFS='|' read -r spk voice pitch speed <<<"$entry"
  n=0
  while IFS= read -r sentence; do
    [[ -z "$sentence" ]] && continue
    n=$((n + 1))
    id=$(printf '%s-%03d' "$spk" "$n")
    espeak-ng -v "$voice" -p "$pitch" -s "$speed" -w "$TMP/$id.wav" "$sentence"
    # Remove only the digital-silence edges espeak-ng produces (threshold
    # -74 dBFS, so no speech is cut), then put back a fixed short silence,
    # resample to 16 kHz mono 16-bit (6 dB headroom first so the resampler
    # cannot clip), peak-normalise to -3 dBFS and encode
    # FLAC (level 8).
    sox -R -D "$TMP/$id.wav" -r 16000 -c 1 -b 16 -C 8 "$AUDIO/$id.flac" \
      silence 1 0.002 0.02% reverse silence 1 0.002 0.02% reverse \
      pad "$LEAD_SIL" "$TRAIL_SIL" gain -6 rate -v 16000 norm -3
    printf '%s\t%s\t%s\n' "$id" "$spk" "$(normalise "$sentence")" >> "$TMP/list.tsv"
  done < <(sentences_for "$spk")
done

# Manifest (JSON lines, paths relative to corpus/) and Kaldi data directory
# (paths relative to the repository root), everything sorted by id (C locale).
sort -t "$(printf '\t')" -k1,1 "$TMP/list.tsv" > "$TMP/sorted.tsv"
: > "$OUT/manifest.jsonl"
: > "$KALDI/wav.scp"; : > "$KALDI/text"; : > "$KALDI/utt2spk"
while IFS=$'\t' read -r id spk text; do
  dur=$(soxi -D "$AUDIO/$id.flac")
  python3 - "$id" "$spk" "$text" "$dur" >> "$OUT/manifest.jsonl" <<'PY'
import json, sys
uid, spk, text, dur = sys.argv[1:5]
print(json.dumps({"audio_filepath": f"audio/{uid}.flac",
                  "duration": round(float(dur), 3),
                  "text": text, "id": uid, "speaker": spk},
                 ensure_ascii=False))
PY
  printf '%s corpus/audio/%s.flac\n' "$id" "$id" >> "$KALDI/wav.scp"
  printf '%s %s\n' "$id" "$text" >> "$KALDI/text"
  printf '%s %s\n' "$id" "$spk" >> "$KALDI/utt2spk"
done < "$TMP/sorted.tsv"

# spk2utt from utt2spk (speakers sorted, utterances sorted within a speaker).
awk '{ u[$2] = u[$2] " " $1 } END { for (s in u) print s u[s] }' "$KALDI/utt2spk" \
  | sort > "$KALDI/spk2utt"

echo "corpus: $(wc -l < "$OUT/manifest.jsonl") utterances written to $OUT/"
