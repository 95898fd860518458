#!/usr/bin/env bash
# README command 1: install what mmgate needs, build the mmgate binary alone
# (build/mmgate; the tests are built by scripts/test.sh), and run `mmgate demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh mmgate
./build/mmgate demo "$@"
