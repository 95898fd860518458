#!/usr/bin/env bash
# Installs every Debian package mmgate needs to build, run its demo and run its tests.
# Run as root on Debian 12. Safe to run again.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # libraries
  libsqlite3-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev libvalijson-dev
  libssl-dev libcurl4-openssl-dev libboost-dev libcpp-httplib-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sctk sqlite3 python3-scipy python3-statsmodels python3-sklearn
  # fuzzing (scripts/fuzz.sh): libFuzzer with AddressSanitizer and UBSan
  clang libfuzzer-14-dev
  # OCR
  libtesseract-dev libleptonica-dev libpng-dev libjpeg-dev tesseract-ocr-eng
  # speech recognition and real recordings
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us pocketsphinx-testdata
  # speech synthesis and audio codecs
  libespeak-ng-dev espeak-ng-data flite1-dev libsox-dev libsox-fmt-all sox libsndfile1-dev libopus-dev
  # rendering documents and charts with real fonts
  libcairo2-dev fonts-dejavu-core fonts-liberation2
  # HTML report and dashboard: HTTP server, headless browser for its tests
  chromium curl
  # load generator benchmark (bench/load): the endpoint and the peers it is compared with
  nginx wrk python3-locust
  # shared store and work queue for many workers (issue 14); its tests start a server on loopback
  libpqxx-dev postgresql
  # production traces: JSON ingest and .zst files (backfill)
  libsimdjson-dev libzstd-dev zstd jq
)
# The report's chart libraries come from npm at build time (node >= 18);
# Debian's nodejs and npm unless a node is installed already.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
