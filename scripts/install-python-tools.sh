#!/usr/bin/env bash
# Makes .venv (Python virtual environment) with the peer tools the tests compare against:
# scripts/requirements-test.txt. Safe to run again: it installs only when the list changed.
# The product never needs these; set AUDIOAMP_PYTHON to use another interpreter instead.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-test.txt
stamp=.venv/.requirements-installed
if [ -x .venv/bin/python3 ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "install-python-tools: .venv up to date"
  exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "install-python-tools: python3 -m venv is missing; apt-get install python3-venv" >&2
  exit 1
fi
[ -x .venv/bin/python3 ] || python3 -m venv .venv
.venv/bin/python3 -m pip install -q --upgrade pip
.venv/bin/python3 -m pip install -q -r "$req"
cp "$req" "$stamp"
echo "install-python-tools: ok ($(.venv/bin/python3 --version))"
