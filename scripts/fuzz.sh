#!/usr/bin/env bash
# The libFuzzer targets (tests/fuzz) under AddressSanitizer and
# UndefinedBehaviorSanitizer, built with clang into build-fuzz/ (or
# $FUZZ_BUILD_DIR).
#
#   bash scripts/fuzz.sh build                 configure and build every target
#   bash scripts/fuzz.sh run TARGET SECONDS [SEED]
#                                              one target over its seed corpus;
#                                              SEED fixes libFuzzer's mutations
#   bash scripts/fuzz.sh all SECONDS           build, then every target in turn
#
# Targets: items config trn openai anthropic gemini. A run starts from the
# seeds in tests/fuzz/corpus/TARGET/ (never written to: new inputs go to a
# scratch corpus) and exits non-zero on a finding (crash, sanitizer report,
# leak, an input slower than 10 s or above 2 GB); the input that found it is
# kept as $FUZZ_BUILD_DIR/findings/TARGET/crash-* and the command to replay
# it is printed. FUZZ_TIMEOUT (seconds, default 10) raises the per-input
# limit for long runs at low priority on a busy machine, where a starved
# process can pass 10 s on an input that replays in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
TARGETS=(items config trn openai anthropic gemini)

build() {
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMMGATE_FUZZ=ON -DMMGATE_BUILD_TESTS=OFF -DMMGATE_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
  cmake --build "$BUILD" -j "${FUZZ_JOBS:-$(nproc)}" --target fuzz_all
}

run() {
  local target=$1 seconds=$2 seed=${3:-0}
  local bin=$BUILD/fuzz_$target
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is not built (bash scripts/fuzz.sh build)" >&2; exit 2; }
  local scratch findings
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-fuzz-$target.XXXXXX")
  findings=$BUILD/findings/$target
  mkdir -p "$findings"
  local status=0
  # -detect_leaks: a leak is a finding too. The scratch corpus comes first,
  # so libFuzzer writes the inputs it finds there, not into the repository.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" -seed="$seed" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$findings/" \
    "$scratch" "$ROOT/tests/fuzz/corpus/$target" >"$scratch.log" 2>&1 || status=$?
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$scratch.log" |
    sed "s/^/fuzz_$target: /" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$scratch.log" >&2
    echo "fuzz_$target: FINDING (exit $status); inputs in $findings/; replay: $bin $findings/<file>" >&2
  fi
  rm -rf "$scratch" "$scratch.log"
  return "$status"
}

case "${1:-}" in
  build) build ;;
  run) run "$2" "$3" "${4:-0}" ;;
  all)
    build
    failed=0
    for t in "${TARGETS[@]}"; do run "$t" "${2:-30}" || failed=1; done
    exit "$failed"
    ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
