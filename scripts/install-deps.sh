#!/usr/bin/env bash
# Installs what audioamp needs to build and test on Debian/Ubuntu, and checks the Swift toolchain.
# Safe to run again: it installs only what is missing. Needs root or sudo for apt.
set -euo pipefail

# Build: FFTW, libsamplerate and libsndfile (FFT core, resampling, audio I/O), the speech codecs
# (libgsm, opencore-amr, libopus), zlib (spectrogram PNGs, gzip of Lhotse Shar cuts), libarchive
# (tar shards: WebDataset, NeMo tarred, Lhotse Shar), and pkg-config to find them.
# Speech synthesis for `audioamp speak`: libespeak-ng (espeak-ng's C library and voices).
# Tests: sox makes a few fixtures and is the reference codec chain; chromium opens the review page;
# ffmpeg's libraries let torchcodec (datasets' audio backend) read audiofolder outputs back.
packages=(libfftw3-dev libsamplerate0-dev libsndfile1-dev libgsm1-dev libopencore-amrnb-dev libopus-dev zlib1g-dev libarchive-dev libespeak-ng-dev pkg-config sox chromium python3-venv ffmpeg)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for lib in fftw3f samplerate sndfile zlib libarchive opus opencore-amrnb espeak-ng; do
  pkg-config --exists "$lib" || { echo "install-deps: pkg-config cannot find $lib after install" >&2; exit 1; }
done

if ! command -v swift >/dev/null; then
  cat >&2 <<'MSG'
install-deps: no Swift toolchain on PATH. Debian/Ubuntu do not package Swift 6: install it from
swift.org (or with swiftly) and make sure `swift --version` reports 6.0 or newer, then run again.
MSG
  exit 1
fi
echo "install-deps: ok ($(swift --version 2>&1 | head -1); fftw3f $(pkg-config --modversion fftw3f), samplerate $(pkg-config --modversion samplerate), sndfile $(pkg-config --modversion sndfile))"
