#!/usr/bin/env bash
# Bounded memory and time at scale (BENCHMARKS.md, "scale"): a text suite of N items (bench/scale/make_suite.py)
# run with `mmgate run` against the canned nginx endpoint of bench/load/nginx.sh on 127.0.0.1, once as the
# baseline and once as a candidate (5% of pairs differ), then `mmgate gate` over the N pairs, on SQLite and on
# a throwaway PostgreSQL server (tests/store/with_postgres.sh). Each command runs under /usr/bin/time: peak
# resident memory, wall time and CPU time (user + system) are printed with the load average, and recorded for
# the benchmark book when run by bench/run_all.sh.
#   usage: bench/scale/run.sh BUILD_DIR [ITEMS=1000000] [BACKENDS=sqlite,postgresql] [GATE_REPEATS=3]
#   KEEP=1 keeps the work folder (the SQLite database, verdicts, logs) and prints its path.
#   MODELS="base" runs the baseline only (default "base cand"); GATE_REPEATS 0 skips the gate (memory only).
#   EXTRA="worker rescore" also measures, after the runs, one `run --worker` process finishing a fresh run of
#   the baseline alone (--batch-size 256) and `rescore` of the baseline's run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../book/lib.sh"
source "$here/../load/nginx.sh"

if [ "${1:-}" = --phase ]; then  # internal: one backend's runs and gates (postgresql: inside with_postgres.sh)
  phase=1 work=$2 backend=$3 db=$4 mmgate=$5 n=$6 repeats=$7
else
  phase=
  build=$(realpath "${1:?usage: run.sh BUILD_DIR [ITEMS] [BACKENDS] [GATE_REPEATS]}")
  n=${2:-1000000}
  backends=${3:-sqlite,postgresql}
  repeats=${4:-3}
  mmgate=$build/mmgate
  [ -x "$mmgate" ] || { echo "run.sh: no $mmgate (build the mmgate target)" >&2; exit 2; }
fi

label_n() { /usr/bin/python3 -c "n=$1; print(f'{n//1000000}M' if n % 1000000 == 0 else f'{n//1000}k' if n % 1000 == 0 else n)"; }

measure() {  # NAME CMD...: runs CMD under /usr/bin/time; prints peak RSS, wall and CPU; exit codes 0, 1, 3 pass
  local name=$1 load status=0
  shift
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f '%M %e %U %S' -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
  if [ "$status" != 0 ] && [ "$status" != 1 ] && [ "$status" != 3 ]; then
    echo "run.sh: $name failed (exit $status):" >&2
    tail -n 20 "$work/$name.err" >&2
    exit 1
  fi
  read -r rss_kb wall user sys <"$work/$name.time"
  cpu=$(/usr/bin/python3 -c "print('%.2f' % ($user + $sys))")
  rss_mb=$(/usr/bin/python3 -c "print('%.0f' % ($rss_kb / 1024))")
  printf '%-34s peak RSS %6s MB  wall %8s s  CPU %8s s  (exit %s; load average before: %s)\n' \
    "$name" "$rss_mb" "$wall" "$cpu" "$status" "$load"
}

if [ -n "$phase" ]; then
  cd "$work/p"
  size=$(label_n "$n")
  for model in ${MODELS:-base cand}; do
    measure "$backend-run-$model" "$mmgate" run -c mmgate.yaml -m "$model" --run-id "$model" --db "$db" --json
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('  ', {k: d.get(k) for k in ('total', 'done', 'errors', 'skipped')})" \
      "$work/$backend-run-$model.out" 2>/dev/null || head -c 400 "$work/$backend-run-$model.out"
    book_figure scale "$size items, $backend, run $model: peak RSS" "$rss_mb" MB lower
    book_figure scale "$size items, $backend, run $model: wall" "$wall" s lower
  done
  for extra in ${EXTRA:-}; do
    case "$extra" in
      worker) measure "$backend-worker" "$mmgate" run -c mmgate.yaml -m base --run-id worker --worker \
                --batch-size 256 --db "$db" --json ;;
      rescore) measure "$backend-rescore" "$mmgate" rescore base -c mmgate.yaml --run-id rescored --db "$db" \
                 --json ;;
      *) echo "run.sh: no extra measurement '$extra' (worker, rescore)" >&2; exit 2 ;;
    esac
    book_figure scale "$size items, $backend, $extra: peak RSS" "$rss_mb" MB lower
    book_figure scale "$size items, $backend, $extra: wall" "$wall" s lower
  done
  [ "$repeats" = 0 ] && exit 0
  best_wall= best_cpu=
  for r in $(seq "$repeats"); do
    measure "$backend-gate-$r" "$mmgate" gate -c mmgate.yaml --db "$db" --baseline base --candidate cand --json
    best_wall=$(/usr/bin/python3 -c "print(min(x for x in ($wall, ${best_wall:-1e9})))")
    best_cpu=$(/usr/bin/python3 -c "print(min(x for x in ($cpu, ${best_cpu:-1e9})))")
  done
  # The verdict without its clock-dependent fields, to compare builds (decisions must not change).
  /usr/bin/python3 - "$work/$backend-gate-1.out" >"$work/$backend-decisions.json" <<'PY'
import json, sys
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("created_ms", "elapsed_ms", "generated_at", "id")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
print(json.dumps(strip(json.load(open(sys.argv[1]))), indent=1, sort_keys=True))
PY
  echo "   gate decision: $(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('verdict'))" "$work/$backend-gate-1.out"); best of $repeats: wall $best_wall s, CPU $best_cpu s; peak RSS $rss_mb MB; decisions in $work/$backend-decisions.json (sha256 $(sha256sum <"$work/$backend-decisions.json" | cut -c1-16))"
  book_figure scale "$size pairs, $backend, gate (loading included): wall" "$best_wall" s lower
  book_figure scale "$size pairs, $backend, gate (loading included): CPU" "$best_cpu" s lower
  book_figure scale "$size pairs, $backend, gate: peak RSS" "$rss_mb" MB lower
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-bench-scale.XXXXXX")
cleanup() {
  canned_nginx_stop
  if [ -n "${KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
canned_nginx_start "$work"

mkdir -p "$work/p/data"
/usr/bin/python3 "$here/make_suite.py" "$work/p/data/items.jsonl" "$n"
printf 'name: logs\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >"$work/p/suite.yaml"
cat >"$work/p/mmgate.yaml" <<YAML
models:
  base: {provider: openai, base_url: "$NGINX_BASE/v1", model: canned, timeout_s: 30, concurrency: 8}
  cand: {provider: openai, base_url: "$NGINX_BASE/alt/v1", model: canned, timeout_s: 30, concurrency: 8}
suites: [suite.yaml]
YAML
echo "# $n items ($(du -h "$work/p/data/items.jsonl" | cut -f1)), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), nginx on 127.0.0.1:$NGINX_PORT"
for backend in ${backends//,/ }; do
  case "$backend" in
    sqlite) bash "$0" --phase "$work" sqlite "$work/results.db" "$mmgate" "$n" "$repeats" ;;
    postgresql)
      "$here/../../tests/store/with_postgres.sh" bash -c \
        'bash "$0" --phase "$1" postgresql "$MMGATE_TEST_PG_URL" "$2" "$3" "$4"' "$0" "$work" "$mmgate" "$n" "$repeats" ;;
    *) echo "run.sh: no backend '$backend' (sqlite, postgresql)" >&2; exit 2 ;;
  esac
done
