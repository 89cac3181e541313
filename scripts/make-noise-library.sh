#!/usr/bin/env bash
# Re-creates noise-library/ with audioamp's own generators (run from the repository root).
# Each file's row in noise-library/index.tsv records the exact command that made it; the same
# command always gives the same bytes. Over 20 minutes per category in 9-10 scenes each; the
# cell-phone files 301-305 are unchanged from earlier versions of the library.
set -euo pipefail
AUDIOAMP=${AUDIOAMP:-.build/release/audioamp}
L=noise-library
# Jobs run two at a time (pairs end in `&`, then `wait`); each writes its own index, merged
# at the end, so that parallel jobs never rewrite one file at once.
synth() {
  local out=${@: -1}
  "$AUDIOAMP" noise synth "$@" --index "$L/.index-$(basename "$(dirname "$out")")-$(basename "$out" .flac).tsv"
}
C=corpus/manifest.jsonl
rm -f "$L"/.index-*.tsv "$L"/traffic/*.flac "$L"/crowd/*.flac

synth traffic --density quiet   --distance 5:40  --seconds 180 --seed 101 --out $L/traffic/quiet-street.flac &
synth traffic --density busy    --distance 4:30  --seconds 180 --seed 102 --out $L/traffic/busy-street.flac &
synth traffic --density highway --distance 15:80 --seconds 150 --seed 103 --out $L/traffic/highway.flac &
wait
synth traffic --scene stop-and-go  --distance 4:25 --seconds 180 --seed 104 --out $L/traffic/stop-and-go.flac &
synth traffic --scene motorway-far --seconds 150 --seed 105 --out $L/traffic/motorway-far.flac &
synth traffic --scene wet-road --density busy --distance 4:30 --seconds 150 --seed 106 --out $L/traffic/wet-road.flac &
synth traffic --scene car-cabin    --seconds 150 --seed 107 --out $L/traffic/car-cabin.flac &
synth traffic --scene bus-interior --seconds 180 --seed 108 --out $L/traffic/bus-interior.flac &
synth traffic --density busy --distance 6:40 --seconds 120 --seed 109 --out $L/traffic/busy-avenue.flac &
wait

synth crowd --from $C --scene cafe         --talkers 24 --seconds 180 --seed 201 --out $L/crowd/cafe.flac &
synth crowd --from $C --scene restaurant   --talkers 32 --seconds 180 --seed 202 --out $L/crowd/restaurant.flac &
synth crowd --from $C --scene station-hall --talkers 60 --seconds 150 --seed 203 --out $L/crowd/station-hall.flac &
synth crowd --from $C --scene open-office  --talkers 24 --seconds 150 --seed 204 --out $L/crowd/open-office.flac &
wait
synth crowd --from $C --scene party        --talkers 40 --seconds 180 --seed 205 --out $L/crowd/party.flac &
synth crowd --from $C --scene cafe         --talkers 16 --seconds 150 --seed 206 --out $L/crowd/cafe-small.flac &
synth crowd --from $C --scene restaurant   --talkers 20 --seconds 150 --seed 207 --out $L/crowd/bistro.flac &
synth crowd --from $C --scene restaurant   --talkers 48 --seconds 120 --seed 208 --out $L/crowd/canteen.flac &
wait

synth cell-phone --kind gsm-buzz --seconds 150 --seed 301 --out $L/cell-phone/gsm-buzz.flac
synth cell-phone --kind static   --seconds 120 --seed 302 --out $L/cell-phone/static.flac
synth cell-phone --kind dropouts --seconds 120 --seed 303 --out $L/cell-phone/dropouts.flac
synth cell-phone --kind rubbing  --seconds 90  --seed 304 --out $L/cell-phone/rubbing.flac
synth cell-phone --kind tones    --seconds 120 --seed 305 --out $L/cell-phone/tones.flac
synth cell-phone --kind gsm-buzz --seconds 180 --seed 306 --out $L/cell-phone/gsm-buzz-2.flac
synth cell-phone --kind static   --seconds 150 --seed 307 --out $L/cell-phone/static-2.flac
synth cell-phone --kind dropouts --seconds 150 --seed 308 --out $L/cell-phone/dropouts-2.flac
synth cell-phone --kind tones    --seconds 120 --seed 309 --out $L/cell-phone/tones-2.flac
synth cell-phone --kind rubbing  --seconds 90  --seed 310 --out $L/cell-phone/rubbing-2.flac

header=$(head -1 "$L/index.tsv")
{ echo "$header"; cat "$L"/.index-*.tsv | grep -v "^file	" | LC_ALL=C sort; } > "$L/index.tsv.new"
mv "$L/index.tsv.new" "$L/index.tsv"
rm -f "$L"/.index-*.tsv
