#!/usr/bin/env bash
# CI's robustness steps, after `make test` (called by .ci/run):
#   1. replay the fuzz seed corpora and saved crashes through every target (plain build);
#   2. a short libFuzzer run of every target (FUZZ_SECONDS each, default 10);
#   3. the whole test suite under AddressSanitizer (scripts/sanitize.sh address).
# ThreadSanitizer (scripts/sanitize.sh thread) is left to a manual run: it doubles the time.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
echo "== fuzz replay (seeds and fuzz/crashes)"
bash scripts/fuzz.sh --replay
echo "== fuzz smoke run, ${FUZZ_SECONDS:-10} s per target"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
t1=$(date +%s)
echo "== test suite under AddressSanitizer"
bash scripts/sanitize.sh address
t2=$(date +%s)
echo "ci-robustness: fuzz $((t1 - t0)) s, AddressSanitizer suite $((t2 - t1)) s"
