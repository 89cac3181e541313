#!/usr/bin/env bash
# Builds the libFuzzer targets (Sources/audioamp-fuzz, with AddressSanitizer) and runs each for
# a given time, starting from the seed corpora in fuzz/seeds/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   default: 30 s each, every target
#   scripts/fuzz.sh --replay                replay seeds and saved crashes without the fuzzer
#   FUZZ_RUNS=100000 scripts/fuzz.sh 3600   a campaign: each target stops after 100,000 inputs
#
# A crash (or a leak, an allocation over -malloc_limit_mb, a timeout) stops that target and
# leaves the input in fuzz/crashes/<target>/: turn it into a regression test. New coverage found
# during a run goes to .build/fuzz-corpus/<target>/ (not committed). The run's figures (inputs
# executed, crashes) are printed per target and written to .build/fuzz-report.tsv.
# Runs under `nice -n 10`; set FUZZ_JOBS to run several targets at once (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
targets_all=(audio recipe jsonl kaldi librispeech commonvoice audiofolder folder noise-index resume)

if [[ "${1:-}" == "--replay" ]]; then
  swift build --product audioamp-fuzz >/dev/null
  for t in "${targets_all[@]}"; do
    dirs=(fuzz/seeds/$t)
    [[ -d fuzz/crashes/$t ]] && dirs+=(fuzz/crashes/$t)
    .build/debug/audioamp-fuzz "$t" "${dirs[@]}"
  done
  exit 0
fi

seconds=${1:-30}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${targets_all[@]}")

build=.build/fuzz
nice -n 10 swift build --product audioamp-fuzz --build-path "$build" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DAUDIOAMP_FUZZ >/dev/null
bin=$(swift build --product audioamp-fuzz --build-path "$build" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DAUDIOAMP_FUZZ --show-bin-path)/audioamp-fuzz

report=.build/fuzz-report.tsv
[[ -f $report ]] || printf "date\ttarget\tseconds\tinputs\texec_per_s\tresult\n" > "$report"
scratch=$(mktemp -d -p "$([[ -d /dev/shm && -w /dev/shm ]] && echo /dev/shm || echo /tmp)")
trap 'rm -rf "$scratch"' EXIT
failed=0
for t in "${targets[@]}"; do
  corpus=.build/fuzz-corpus/$t
  crashes=fuzz/crashes/$t
  mkdir -p "$corpus" "$crashes"
  log=$scratch/$t.log
  set +e
  AUDIOAMP_FUZZ_TARGET=$t AUDIOAMP_FUZZ_SCRATCH=$scratch ASAN_OPTIONS=detect_leaks=0 \
    nice -n 10 "$bin" "$corpus" "fuzz/seeds/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 -artifact_prefix="$crashes/" \
    -print_final_stats=1 ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  result=ok
  if [[ $rc -ne 0 ]]; then
    result="CRASH (exit $rc; input in $crashes/)"
    failed=1
    grep -E "ERROR|SUMMARY|Fatal error|==[0-9]+==" "$log" | head -20 >&2 || true
  fi
  printf "%-12s %4ss %9s inputs %7s/s  %s\n" "$t" "$seconds" "$runs" "$speed" "$result"
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$(date -u +%FT%TZ)" "$t" "$seconds" "$runs" "$speed" "$result" >> "$report"
done
exit $failed
