#!/usr/bin/env bash
# Measures real recordings of traffic and crowd noise shipped in Debian 12 (bookworm, main)
# packages with `audioamp noise stats`, as references for the synthetic noise-library
# categories (issue 11). See noise-library/REAL-REFERENCES.md for what each clip is, its
# licence and why it is judged a real recording.
#
#   scripts/measure-real-noise.sh [OUT_DIR]        (default /tmp/real-noise)
#
# Needs the network (apt mirrors), apt-get, dpkg-deb, sox, sha256sum and python3; it is not
# part of CI or the tests. Run from anywhere inside the repository. It downloads the exact
# package versions listed below (about 3 GB, mostly 0ad-data, redeclipse-data and supertuxkart-data)
# into OUT_DIR/debs, extracts only the listed files, checks each file's sha256, converts it to
# 16 kHz mono 16-bit WAV at -26 dBFS RMS (so pooled category figures are not dominated by
# the loudest clip), and writes:
#   OUT_DIR/wav/CATEGORY/NAME.wav   the converted clips (never commit them)
#   OUT_DIR/stats.json, stats.txt   audioamp noise stats output (per file and per category)
#   OUT_DIR/summary.tsv             one row per clip: the figures REAL-REFERENCES.md quotes
#   OUT_DIR/versions.tsv            package, version used, source path, sha256
# Set AUDIOAMP to use a given binary; otherwise .build/release/audioamp, built if missing.
set -euo pipefail

out=${1:-/tmp/real-noise}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)

# Packages kept for independent evaluation: never download, open or measure them, nor
# anything that depends on them.
forbidden_exact=(lincity-ng-data openttd-opensfx simutrans-pak64 sound-theme-freedesktop
  linphone-common twinkle-common oxygen-sounds baresip-core pocketsphinx-testdata
  klettres-data qabcs-data)
forbidden_prefix=(asterisk-core-sounds-)

# category|name|package|version|path inside the package|sha256 of that file
# A path ZIP!MEMBER names a member of a zip archive inside the package (0ad-data).
# Categories: traffic and crowd are accepted references; phone-proxy is the nearest thing
# to line noise found (radio static, not a telephone line); rejected clips are measured
# only to show why they were set aside (see REAL-REFERENCES.md) and are in no median.
clips=(
  "traffic|btanks-city|btanks-data|0.9.8083-9|usr/share/games/btanks/data/sounds/ambient/city.ogg|37ef129e2c41870542b5da28fd52ee5f46a4978c29603fa2ad0e546e467ca940"
  "traffic|redeclipse-distant-cars|redeclipse-data|1.6.0-1|usr/share/games/redeclipse/data/sounds/ambience/distant_cars.ogg|179bc8c43e7ae77e71cc36c863e53b6a18e2c23913d83f16cbd12102ec790550"
  "traffic|scorched3d-citysounds|scorched3d-data|44+dfsg-8|usr/share/games/scorched3d/data/globalmods/apoc/data/wav/misc/citysounds.wav|ac868fee61d2164f1ed10aa067bdcb762325a397a5a2c35bc4c989480e5a9996"
  "traffic|scratch-car-passing|scratch|1.4.0.6~dfsg1-6.1|usr/share/scratch/Media/Sounds/Effects/CarPassing.wav|74ba26ab7138045155b9abaf2e0dc92f6994e92803fadebb915ecb19a226779c"
  "traffic|scratch-motorcycle-passing|scratch|1.4.0.6~dfsg1-6.1|usr/share/scratch/Media/Sounds/Effects/MotorcyclePassing.wav|dd7cd3d307f25332f60f6e9f703212b11fd839442345798843212ae916b8a6d8"
  "crowd|stk-lenautile-restaurant|supertuxkart-data|1.4+dfsg-2|usr/share/games/supertuxkart/data/sfx/lenautile_restaurant.ogg|ebd48a31d4db5288b096113fc1e6eb79514d60950273d421c8f70f1aa78f98d2"
  "crowd|0ad-amb-trade-10|0ad-data|0.0.26-1|usr/share/games/0ad/mods/public/public.zip!audio/ambient/building/amb_trade_10.ogg|fccdb61ff8f412cc36eedbff096f00ec952b184838e0401afcf3fe03011624f7"
  "crowd|0ad-amb-trade-11|0ad-data|0.0.26-1|usr/share/games/0ad/mods/public/public.zip!audio/ambient/building/amb_trade_11.ogg|ea5a446489d5852ea7891df91a61f054459554a8060567ffca69aa6a0f41f219"
  "crowd|0ad-amb-trade-12|0ad-data|0.0.26-1|usr/share/games/0ad/mods/public/public.zip!audio/ambient/building/amb_trade_12.ogg|df370d2896dc6e0e056824f5261aff823c90690955e470a50b4ac0aa9c377575"
  "crowd|0ad-amb-trade-13|0ad-data|0.0.26-1|usr/share/games/0ad/mods/public/public.zip!audio/ambient/building/amb_trade_13.ogg|36b10e612ec9083042ab00ee37987b5516f617588e94dab7e721a76deda4326d"
  "crowd|scratch-party-noise|scratch|1.4.0.6~dfsg1-6.1|usr/share/scratch/Media/Sounds/Human/PartyNoise.wav|c87c91db6e1660aca773cdbbed7551e75a583f60f0ef524d2845f50108282c79"
  "phone-proxy|stk-static-radio|supertuxkart-data|1.4+dfsg-2|usr/share/games/supertuxkart/data/sfx/static-radio.ogg|7ca4b931f319b25bf317cddde5b4de9d8655905314271321100e1264d977a985"
  "rejected|torcs-road-ride|torcs-data|1.3.7+dfsg-5|usr/share/games/torcs/data/sound/road-ride.wav|510201754af75ba9325fcfb3ca167d1434ec54a93ead1f7baa4baa0b64f53494"
  "rejected|lmms-raving-crowd|lmms-common|1.2.2+dfsg1-6|usr/share/lmms/samples/misc/raving_crowd01.ogg|2ca45e2e14d986dd7290b75d32065bf785a09fea331cc3eb1e3241d2eb16359e"
  "rejected|etw-crowd05|etw-data|3.6+svn162-6|usr/share/games/etw/crowd/crowd05.wav|5e5fd82808d757d548689cbccbf334fb76c3b7c8cd0f5aba1588ab9920eb13d2"
  "rejected|freetennis-pubblico|freetennis-common|0.4.8-14|usr/share/sounds/freetennis-common/sfx/pubblico.wav|223cfa7008aa930f14b12e0ab3a6aad758a6aa5272a5da3fd33508f9f63bc932"
)

is_forbidden() {
  local p=$1 f
  for f in "${forbidden_exact[@]}"; do [[ $p == "$f" ]] && return 0; done
  for f in "${forbidden_prefix[@]}"; do [[ $p == "$f"* ]] && return 0; done
  return 1
}

for tool in apt-get apt-cache dpkg-deb sox sha256sum python3 unzip; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done

packages=$(printf '%s\n' "${clips[@]}" | cut -d'|' -f3,4 | sort -u)

# Refuse before anything is downloaded: a listed package that is forbidden, or one that
# depends (Depends, Pre-Depends, Recommends) on a forbidden package.
bad=0
while IFS='|' read -r pkg ver; do
  if is_forbidden "$pkg"; then
    echo "error: $pkg is kept for independent evaluation; refusing to use it" >&2
    bad=1
    continue
  fi
  deps=$(apt-cache show "$pkg=$ver" 2>/dev/null | sed -n 's/^\(Pre-\)\?\(Depends\|Recommends\): //p' \
    | tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/ //g' | sort -u || true)
  for d in $deps; do
    if is_forbidden "$d"; then
      echo "error: $pkg depends on $d, which is kept for independent evaluation; refusing" >&2
      bad=1
    fi
  done
done <<<"$packages"
[[ $bad == 0 ]] || exit 1

mkdir -p "$out/debs" "$out/src"
rm -rf "$out/wav"
mkdir -p "$out/wav"
: >"$out/versions.tsv"
printf 'category\tname\tpackage\tversion\tpath\tsha256\n' >"$out/versions.tsv"

while IFS='|' read -r pkg ver; do
  if ! ls "$out/debs/${pkg}_"*.deb >/dev/null 2>&1; then
    if ! apt-cache show "$pkg=$ver" >/dev/null 2>&1; then
      echo "error: $pkg version $ver is not in the apt lists (run apt-get update; the" \
        "bookworm version may have changed, in which case update the list and the sha256)" >&2
      exit 1
    fi
    (cd "$out/debs" && apt-get download -q "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  fi
  deb=$(ls "$out/debs/${pkg}_"*.deb | head -1)
  got=$(dpkg-deb -f "$deb" Version)
  [[ $got == "$ver" ]] || { echo "error: $deb is version $got, want $ver" >&2; exit 1; }
  echo "using $pkg $got ($(basename "$deb"))"
done <<<"$packages"

for row in "${clips[@]}"; do
  IFS='|' read -r cat name pkg ver path sha <<<"$row"
  deb=$(ls "$out/debs/${pkg}_"*.deb | head -1)
  dir="$out/src/$pkg"
  mkdir -p "$dir"
  archive=${path%%!*}
  if [[ ! -f $dir/$archive ]]; then
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "./$archive"
  fi
  src="$dir/$archive"
  if [[ $path == *!* ]]; then
    member=${path#*!}
    src="$dir/zip/$member"
    [[ -f $src ]] || unzip -q -o "$dir/$archive" "$member" -d "$dir/zip"
  fi
  got=$(sha256sum "$src" | cut -c1-64)
  if [[ $got != "$sha" ]]; then
    echo "error: $pkg $ver $path has sha256 $got, want $sha" >&2
    exit 1
  fi
  mkdir -p "$out/wav/$cat"
  wav="$out/wav/$cat/$name.wav"
  tmp="$out/wav/$cat/.$name.tmp.wav"
  # Channels are averaged; sox's resampler band-limits at 8 kHz. Float in between, so that
  # resampling overshoot on a full-scale source cannot clip (12 dB of headroom first).
  sox "$src" -b 32 -e floating-point "$tmp" channels 1 gain -12 rate 16000
  rms=$(sox "$tmp" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
  gain=$(python3 -c "import math; print(f'{-26 - 20 * math.log10($rms):.3f}')")
  sox "$tmp" "$wav" gain "$gain"
  rm -f "$tmp"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cat" "$name" "$pkg" "$ver" "$path" "$sha" >>"$out/versions.tsv"
  printf '%-12s %-28s %6.1f s  %s %s\n' "$cat" "$name" "$(soxi -D "$wav")" "$pkg" "$ver"
done

audioamp=${AUDIOAMP:-$repo/.build/release/audioamp}
if [[ ! -x $audioamp ]]; then
  (cd "$repo" && swift build -c release)
fi

# Default speech set (corpus/manifest.jsonl) is relative to the repository root.
cd "$repo"
dirs=()
for d in "$out"/wav/*/; do dirs+=("${d%/}"); done
"$audioamp" noise stats "${dirs[@]}" --json >"$out/stats.json"
"$audioamp" noise stats "${dirs[@]}" >"$out/stats.txt"

python3 - "$out/stats.json" "$out/summary.tsv" <<'EOF'
import json, statistics, sys
entries = json.load(open(sys.argv[1]))["entries"]
cols = ["category", "name", "seconds", "centroid_hz", "below300_pct", "tel_band_pct",
        "l10_l90_db", "mod_2_8hz_db", "estoi_0db", "estoi_5db", "estoi_10db"]
rows = []
for e in entries:
    s = e["stats"]
    rows.append([e["category"], e["name"].rsplit("/", 1)[-1], s["durationSeconds"],
                 s["centroidHz"], 100 * s["shareBelow300Hz"], 100 * s["shareTelephoneBand"],
                 s["l10DB"] - s["l90DB"], max(s["modulationDB"][2:5]), *s["maskingESTOI"]])
# Median over the clips of each category (files only, not the pooled category entry).
for cat in sorted({r[0] for r in rows}):
    files = [r for r in rows if r[0] == cat and not r[1].startswith("category:")]
    if len(files) > 1:
        rows.append([cat, "median-of-files", *[statistics.median(r[i] for r in files)
                                               for i in range(2, len(cols))]])
with open(sys.argv[2], "w") as f:
    f.write("\t".join(cols) + "\n")
    for r in rows:
        f.write("\t".join([r[0], r[1]] + [f"{v:.3f}" if i >= 8 else f"{v:.1f}"
                                          for i, v in enumerate(r[2:], start=2)]) + "\n")
EOF
column -t -s $'\t' "$out/summary.tsv"
echo "wrote $out/stats.json, stats.txt, summary.tsv, versions.tsv"
