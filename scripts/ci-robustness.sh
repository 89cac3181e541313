#!/usr/bin/env bash
# CI's robustness steps, after `make test` (called by .ci/run):
#   1. replay the fuzz seed corpora and saved crashes through every target (plain build);
#   2. a short libFuzzer run of every target (FUZZ_SECONDS each, default 5), built with
#      -sanitize=fuzzer,address, so it is also an AddressSanitizer smoke run of the readers;
#   3. with CI_SANITIZE=address or thread, the whole test suite under that sanitizer.
# The full sanitizer suites (scripts/sanitize.sh address|thread) take longer than CI's budget
# allows on 2 cores; run them by hand (the README's Robustness section gives the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
echo "== fuzz replay (seeds and fuzz/crashes)"
bash scripts/fuzz.sh --replay
echo "== fuzz smoke run, ${FUZZ_SECONDS:-5} s per target"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-5}"
t1=$(date +%s)
if [ -n "${CI_SANITIZE:-}" ]; then
  echo "== test suite under ${CI_SANITIZE} sanitizer"
  bash scripts/sanitize.sh "$CI_SANITIZE"
fi
t2=$(date +%s)
echo "ci-robustness: fuzz $((t1 - t0)) s, sanitizer suite $((t2 - t1)) s"
