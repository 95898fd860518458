#!/usr/bin/env bash
# Runs queue_bench against a throwaway PostgreSQL server (tests/store/with_postgres.sh) and prints the
# table BENCHMARKS.md quotes, with the machine's load average.
#   usage: bench/queue/run.sh BUILD_DIR [BATCHES] [WORKERS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(realpath "${1:?usage: run.sh BUILD_DIR [BATCHES] [WORKERS]}")"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"$here/../../tests/store/with_postgres.sh" bash -c \
  "postgres --version 2>/dev/null || \"\$MMGATE_TEST_PG_BINDIR/postgres\" --version; \"$build/bench/queue/queue_bench\" \"\$MMGATE_TEST_PG_URL\" ${2:-5000} ${3:-8}"
