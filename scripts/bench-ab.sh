#!/usr/bin/env bash
# Every shipped recipe as a whole `mix` process, two builds side by side on one pinned core:
#   scripts/bench-ab.sh OLD_AUDIOAMP NEW_AUDIOAMP [REPEATS]
# e.g. build a baseline with `git worktree add ../base <commit> && (cd ../base && swift build -c
# release --product audioamp)`, then scripts/bench-ab.sh ../base/.build/release/audioamp
# .build/release/audioamp. Runs alternate old/new, each into a fresh folder (a finished run would
# otherwise just resume), over the bundled corpus × 5 variants. Prints realtime factors on output
# seconds (wall and CPU, median by CPU) and the CPU speed-up, then `phone` on one and two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: scripts/bench-ab.sh OLD NEW [REPEATS]}
new=${2:?usage: scripts/bench-ab.sh OLD NEW [REPEATS]}
reps=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(python3 -c "import json; print(5 * sum(json.loads(l)['duration'] for l in open('corpus/manifest.jsonl')))")
run() {  # binary, recipe, cores, jobs -> "wall cpu"
  rm -rf "$work/out"
  taskset -c "$3" /usr/bin/time -o "$work/t" -f "%e %U %S" "$1" mix --recipe "recipes/$2.yaml" \
    --input corpus/manifest.jsonl --output "$work/out" --variants 5 --seed 7 --jobs "$4" --quiet >/dev/null 2>&1
  awk '{print $1, $2 + $3}' "$work/t"
}
median() { sort -n -k2 | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'; }
printf "%-14s %12s %12s %12s %12s %8s\n" recipe "old wall" "old cpu" "new wall" "new cpu" speed-up
for f in recipes/*.yaml; do
  r=$(basename "$f" .yaml)
  : >"$work/o"; : >"$work/n"
  for _ in $(seq "$reps"); do
    run "$old" "$r" 0 1 >>"$work/o"
    run "$new" "$r" 0 1 >>"$work/n"
  done
  read -r ow oc < <(median <"$work/o")
  read -r nw nc < <(median <"$work/n")
  awk -v r="$r" -v s="$src" -v ow="$ow" -v oc="$oc" -v nw="$nw" -v nc="$nc" \
    'BEGIN {printf "%-14s %11.0fx %11.0fx %11.0fx %11.0fx %8.2f\n", r, s/ow, s/oc, s/nw, s/nc, oc/nc}'
done
for j in 1 2; do
  : >"$work/p"
  for _ in $(seq "$reps"); do run "$new" phone "0-$((j - 1))" "$j" >>"$work/p"; done
  read -r w _ < <(sort -n "$work/p" | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}')
  echo "phone, new build, $j core(s), --jobs $j: median wall $w s"
done
