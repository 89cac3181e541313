#!/usr/bin/env bash
# Re-creates noise-library/ with audioamp's own generators (run from the repository root).
# Each file's row in noise-library/index.tsv records the exact command that made it; the same
# command always gives the same bytes. 10 minutes per category, over several settings.
set -euo pipefail
AUDIOAMP=${AUDIOAMP:-.build/release/audioamp}
L=noise-library
synth() { "$AUDIOAMP" noise synth "$@" --index "$L/index.tsv"; }

synth traffic --density quiet   --distance 5:40  --seconds 180 --seed 101 --out $L/traffic/quiet-street.flac
synth traffic --density busy    --distance 4:30  --seconds 240 --seed 102 --out $L/traffic/busy-street.flac
synth traffic --density highway --distance 15:80 --seconds 180 --seed 103 --out $L/traffic/highway.flac

synth crowd --from corpus/manifest.jsonl --talkers 8  --clinks 8 --seconds 240 --seed 201 --out $L/crowd/cafe.flac
synth crowd --from corpus/manifest.jsonl --talkers 14 --steps 6 --doors 2 --seconds 180 --seed 202 --out $L/crowd/hall.flac
synth crowd --from corpus/manifest.jsonl --talkers 4 --no-murmur --seconds 180 --seed 203 --out $L/crowd/small-group.flac

synth cell-phone --kind gsm-buzz --seconds 150 --seed 301 --out $L/cell-phone/gsm-buzz.flac
synth cell-phone --kind static   --seconds 120 --seed 302 --out $L/cell-phone/static.flac
synth cell-phone --kind dropouts --seconds 120 --seed 303 --out $L/cell-phone/dropouts.flac
synth cell-phone --kind rubbing  --seconds 90  --seed 304 --out $L/cell-phone/rubbing.flac
synth cell-phone --kind tones    --seconds 120 --seed 305 --out $L/cell-phone/tones.flac
