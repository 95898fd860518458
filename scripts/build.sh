#!/usr/bin/env bash
# Configures and builds mmgate into build/ (the binary is build/mmgate).
# With target names (e.g. `mmgate`), builds only those; with none, everything
# (the tests and benchmarks too).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${MMGATE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
