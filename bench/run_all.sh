#!/usr/bin/env bash
# The benchmark book: runs every benchmark and side-by-side comparison in bench/ in one session, then rewrites
# the book at the top of BENCHMARKS.md (bench/book/render.py): each figure with its ratio to the peer measured
# in the same run, the machine, the load average and the date, and a flag on every figure worse than the last
# recorded run of the same mode (bench/book/record.json). The sections below the book keep the narrative of
# each measurement.
#
#   usage: bench/run_all.sh [--quick] [--only NAME[,NAME...]] [--dry-run] [BUILD_DIR]
#     --quick     smaller sizes (minutes, not the better part of an hour); kept as its own record
#     --only      some of: stats gate wer promptfoo load ocr queue scale backfill (default: all)
#     --dry-run   print the book, change no file
#     BUILD_DIR   default build/ (built here: mmgate and the benchmark targets)
#   DB=FILE       the gate step's SQLite database of two runs (bench/gate/gate_db.sh): reused when it exists,
#                 written and kept when not (the size must match the mode: 100,000 pairs quick, 1,000,000 full)
# Exit status: 0; 1 when a figure got worse than its last record or a benchmark failed (the others still run
# and the book is still written); 2 on a usage error.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=full
only=stats,gate,wer,promptfoo,load,ocr,queue,scale,backfill
dry=()
build=build
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --only) only=${2:?--only needs a list}; shift ;;
    --dry-run) dry=(--dry-run) ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run_all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
for name in ${only//,/ }; do
  case "$name" in stats | gate | wer | promptfoo | load | ocr | queue | scale | backfill) ;; *) echo "run_all.sh: no benchmark '$name'" >&2; exit 2 ;; esac
done
wanted() { [[ ",$only," == *",$1,"* ]]; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-book.XXXXXX")
trap 'rm -rf "$work"' EXIT
export BOOK_FIGURES=$work/figures.jsonl
: >"$BOOK_FIGURES"
load_before=$(cut -d' ' -f1 /proc/loadavg)
failed=()

step() {  # NAME COMMAND...: runs one benchmark, its output kept in the log; a failure is noted, not fatal
  local name=$1
  shift
  echo "== $name ($(date -u +%H:%M:%S), load average $(cut -d' ' -f1 /proc/loadavg))"
  if "$@" >"$work/$name.log" 2>&1; then
    tail -n 12 "$work/$name.log"
  else
    echo "run_all.sh: $name FAILED; its last lines:" >&2
    tail -n 30 "$work/$name.log" >&2
    failed+=("$name")
  fi
}

gbench_figures() {  # BENCH JSON: every Google Benchmark case's wall and CPU time, in seconds
  /usr/bin/python3 - "$@" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.join(os.getcwd(), "bench", "book"))
import figure
bench, path = sys.argv[1:]
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
for b in json.load(open(path))["benchmarks"]:
    # CPU time too: on a shared machine it moves far less than wall time.
    unit = scale[b["time_unit"]]
    figure.record(bench, b["name"] + ": wall per iteration", b["real_time"] * unit, "s", "lower")
    figure.record(bench, b["name"] + ": CPU per iteration", b["cpu_time"] * unit, "s", "lower")
PY
}

echo "== build ($build)"
targets=(mmgate)
wanted wer && targets+=(trn_gen)
wanted gate && targets+=(gate_bench gate_db)
wanted stats && targets+=(stats_bench stats_bootstrap_tool)
wanted queue && targets+=(queue_bench)
wanted backfill && targets+=(backfill_bench)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${MMGATE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null &&
  cmake --build "$build" -j "$(nproc)" $(printf -- '--target %s ' "${targets[@]}") >"$work/build.log" 2>&1 ||
  { tail -n 30 "$work/build.log" >&2; echo "run_all.sh: the build failed" >&2; exit 1; }
bin=$root/$build
[ -x "$bin/mmgate" ] || bin=$(realpath "$build")

if [ "$mode" = quick ]; then
  wer_args=(20000 1) stats_args=(--items 20000 --resamples 2000 --repeats 1) pf_args=(300 8)
  load_args=(3 32 5) gate_filter=binary stats_filter=Bootstrap100kItems/ gate_db_args=(100000 1)
  queue_args=(1000 8) scale_args=(20000 sqlite,postgresql 1) backfill_args=(--mb 30 --decisions 1000000)
else
  wer_args=(100000 3) stats_args=() pf_args=(2000 8) load_args=(10 32 30) gate_filter=. stats_filter=.
  gate_db_args=(1000000 2)
  queue_args=(5000 8) scale_args=(1000000 sqlite,postgresql 3) backfill_args=(--mb 300 --decisions 10000000)
fi

if wanted stats; then
  step stats-bootstrap /usr/bin/python3 bench/stats/bootstrap_vs_scipy.py \
    --tool "$bin/bench/stats/stats_bootstrap_tool" "${stats_args[@]}"
  step stats-bench "$bin/bench/stats/stats_bench" --benchmark_format=json --benchmark_out="$work/stats.json" \
    --benchmark_out_format=json --benchmark_filter="$stats_filter"
  [ -s "$work/stats.json" ] && gbench_figures stats "$work/stats.json"
fi
if wanted gate; then
  step gate "$bin/bench/gate/gate_bench" --benchmark_out="$work/gate.json" --benchmark_out_format=json \
    --benchmark_filter="$gate_filter"
  [ -s "$work/gate.json" ] && gbench_figures gate "$work/gate.json"
  # `mmgate gate` with loading from SQLite included; DB=FILE reuses (or keeps) the database, whose writing takes
  # most of the step at a million items (half an hour on two cores).
  step gate-db bash bench/gate/gate_db.sh "$bin" "${gate_db_args[@]}"
fi
wanted wer && step wer bash bench/wer_vs_sclite.sh "$bin/mmgate" "$bin/bench/trn_gen" "${wer_args[@]}"
wanted promptfoo && step promptfoo bash bench/promptfoo/run.sh "$bin" "${pf_args[@]}"
wanted load && step load bash bench/load/run.sh "$bin" "${load_args[@]}"
if wanted ocr; then
  # The starter project carries the demo's gold set, documents included.
  if "$bin/mmgate" init "$work/ocr" >"$work/ocr-init.log" 2>&1; then
    step ocr bash bench/ocr_workers.sh "$bin/mmgate" "$bin/mmgate" "$work/ocr" 1
  else
    tail -n 20 "$work/ocr-init.log" >&2
    failed+=(ocr)
  fi
fi
wanted queue && step queue bash bench/queue/run.sh "$bin" "${queue_args[@]}"
# A million items run twice per backend against nginx: by far the longest step (on two cores about half an hour
# on SQLite and over an hour on PostgreSQL, whose runs write a few hundred items per second through one connection).
wanted scale && step scale bash bench/scale/run.sh "$bin" "${scale_args[@]}"
if wanted backfill; then
  step backfill "$bin/bench/backfill/backfill_bench" "$work/backfill" "${backfill_args[@]}"
  /usr/bin/python3 - "$work/backfill.log" <<'PY'
import os, re, sys
sys.path.insert(0, os.path.join(os.getcwd(), "bench", "book"))
import figure
text = open(sys.argv[1]).read()
ref = re.search(r"reference iterate_many: ([0-9.]+) s", text)
ing = re.search(r"mmgate ingest \(\.jsonl\): ([0-9.]+) s", text)
if ref and ing:
    figure.record("backfill", "ingest, .jsonl: seconds", ing.group(1), "s", "lower", "simdjson iterate_many", ref.group(1))
flips = re.search(r"flip analysis: ([0-9]+) decisions.*: ([0-9.]+) s, peak RSS ([0-9]+) MB", text)
if flips:
    figure.record("backfill", f"flip analysis, {flips.group(1)} decisions: seconds", flips.group(2), "s", "lower")
    figure.record("backfill", f"flip analysis, {flips.group(1)} decisions: peak RSS", flips.group(3), "MB", "lower")
PY
fi

echo "== book"
/usr/bin/python3 bench/book/render.py --figures "$BOOK_FIGURES" --record bench/book/record.json \
  --doc BENCHMARKS.md --mode "$mode" --load "$load_before" "${dry[@]}"
status=$?
if [ ${#failed[@]} -gt 0 ]; then
  echo "run_all.sh: failed: ${failed[*]} (their figures are missing from the book)" >&2
  status=1
fi
exit $status
