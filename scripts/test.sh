#!/usr/bin/env bash
# README command 2 (and CI): install what mmgate needs, build it, run the whole test suite.
# Suites labelled `slow` run only with MMGATE_SLOW=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
args=(--test-dir build --output-on-failure -j "$(nproc)" --timeout 900)
if [ "${MMGATE_SLOW:-0}" != "1" ]; then args+=(-LE slow); fi
ctest "${args[@]}"
