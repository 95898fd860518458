#!/usr/bin/env bash
# Runs queue_bench against a throwaway PostgreSQL server (tests/store/with_postgres.sh) and prints the
# table BENCHMARKS.md quotes, with the machine's load average; under bench/run_all.sh its figures go to the
# benchmark book (PostgreSQL's claims per second beside SQLite's, claim P99 with the analytical query beside
# the quiet one).
#   usage: bench/queue/run.sh BUILD_DIR [BATCHES] [WORKERS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../book/lib.sh"
build="$(realpath "${1:?usage: run.sh BUILD_DIR [BATCHES] [WORKERS]}")"
out=$(mktemp "${TMPDIR:-/tmp}/mmgate-queue.XXXXXX")
trap 'rm -f "$out"' EXIT
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"$here/../../tests/store/with_postgres.sh" bash -c \
  "postgres --version 2>/dev/null || \"\$MMGATE_TEST_PG_BINDIR/postgres\" --version; \"$build/bench/queue/queue_bench\" \"\$MMGATE_TEST_PG_URL\" ${2:-5000} ${3:-8}" |
  tee "$out"
row() {  # ROW_NAME COLUMN: a cell of the table's row (columns from 1: claims/s, claim P50, claim P99...)
  awk -F'|' -v name=" $1 " -v col="$2" '$2 == name { gsub(/ /, "", $(col + 2)); print $(col + 2) }' "$out"
}
workers=${3:-8}
book_figure queue "claims/s, $workers workers, PostgreSQL" "$(row PostgreSQL 1)" claims/s higher SQLite \
  "$(row 'SQLite (one file)' 1)"
book_figure queue "claim P99, $workers workers, PostgreSQL with an analytical query running" \
  "$(row 'PostgreSQL, analytical query running' 3)" ms lower "PostgreSQL, no query" "$(row PostgreSQL 3)"
book_figure queue "claims/s, $workers workers, PostgreSQL, next free batch" "$(row 'PostgreSQL, next free batch' 1)" \
  claims/s higher "PostgreSQL, by batch id" "$(row PostgreSQL 1)"
