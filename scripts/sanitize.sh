#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer, in its own build folder so the normal build is
# not disturbed:  scripts/sanitize.sh address|thread [extra swift test args, e.g. --filter X]
#
# AddressSanitizer finds out-of-bounds accesses, use after free and double frees (in Swift code
# and, through its interceptors, in what the C libraries pass to malloc/free/memcpy);
# ThreadSanitizer finds data races between the worker threads. A report fails the run.
# CI (.ci/run, through scripts/ci-robustness.sh) runs the address one; run `thread` by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh address|thread [swift test args]}
shift
case $kind in
  address) export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} ;;
  thread) export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} ;;
  *) echo "unknown sanitizer '$kind' (address or thread)" >&2; exit 2 ;;
esac
start=$(date +%s)
nice -n 10 swift build --build-tests --sanitize="$kind" --build-path ".build/sanitize-$kind"
nice -n 10 swift test --skip-build --sanitize="$kind" --build-path ".build/sanitize-$kind" "$@"
echo "sanitize $kind: test suite clean in $(( $(date +%s) - start )) s"
