#!/usr/bin/env bash
# README command 1: install what mmgate needs, build it, and run `mmgate demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/mmgate demo "$@"
