#!/usr/bin/env bash
# Four `mmgate run --worker` processes and a coordinator finish one run
# together in a shared PostgreSQL (started by tests/store/with_postgres.sh):
# every item is called exactly once (the exec model, a stand-in for a user's
# model, logs each call), every item has its response, the run is marked
# finished, and its scores equal a single-process run's. The coordinator
# plans the run in batches of 8; three workers are given other sizes and
# adopt the plan's, saying so.
source "$(dirname "$0")/lib.sh"
[ -n "${MMGATE_TEST_PG_URL:-}" ] || fail "run me through tests/store/with_postgres.sh"
PG="$MMGATE_TEST_PG_URL"
n=200
make_project "$WORK/p" "$n"
cd "$WORK/p"

"$MMGATE" run -m scripted --run-id shared --coordinate --db "$PG" --batch-size 8 --lease-ms 5000 \
  --json >"$WORK/coord.json" 2>"$WORK/coord.err" &
coord=$!
count() { psql "$PG" -At -c "$1"; }
marker_done="SELECT COUNT(*) FROM leases WHERE run_id = 'shared' AND batch_id LIKE '~plan/%' AND expires_ms >= $((1 << 62))"
for ((t = 0; t < 300; t++)); do
  [ "$(count "$marker_done" 2>/dev/null || echo 0)" = 1 ] && break
  sleep 0.1
done
expect_eq "$(count "$marker_done")" 1 "the coordinator planned the run"
sizes=(0 8 5 13 16)
pids=()
for w in 1 2 3 4; do
  "$MMGATE" run -m scripted --run-id shared --worker --worker-id "w$w" --db "$PG" \
    --batch-size "${sizes[$w]}" --lease-ms 5000 --json >"$WORK/w$w.json" 2>"$WORK/w$w.err" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a worker failed: $(cat "$WORK"/w*.err)"; done
wait "$coord" || fail "the coordinator failed: $(cat "$WORK/coord.err")"

expect_eq "$(wc -l <calls)" "$n" "every item called once"
expect_eq "$(sort -u calls | wc -l)" "$n" "no item called twice"
expect_workers_shared "$WORK" "$n"
for w in 1 2 3 4; do
  expect_eq "$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["batch_size"])' "$WORK/w$w.json")" 8 \
    "worker w$w uses the plan's batch size"
  notice="w$w: the run's plan cuts batches of 8 items: this worker uses that size, not --batch-size ${sizes[$w]}"
  if [ "${sizes[$w]}" = 8 ]; then
    grep -qF "the run's plan cuts" "$WORK/w$w.err" && fail "w$w was told of a size it was given"
  else
    grep -qF -- "$notice" "$WORK/w$w.err" || fail "w$w did not say it adopted the plan's size: $(cat "$WORK/w$w.err")"
  fi
done
expect_eq "$(count "SELECT COUNT(*) FROM leases WHERE run_id = 'shared' AND batch_id NOT LIKE '~%'")" 25 \
  "200 items in 25 batches of 8"
expect_eq "$(count "SELECT COUNT(*) FROM leases WHERE run_id = 'shared' AND expires_ms < $((1 << 62))")" 0 \
  "every batch done"
"$MMGATE" runs --db "$PG" --json >"$WORK/runs.json"
$PY - "$WORK/runs.json" "$n" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
runs = runs["runs"] if isinstance(runs, dict) else runs
r = [r for r in runs if r["run_id"] == "shared"][0]
assert r["status"] == "finished", r
assert r["items"] == int(sys.argv[2]) and r["answered"] + r["errors"] == r["items"], r
PY
# The same run in one process gives the same per-item results.
rm calls
"$MMGATE" run -m scripted --run-id single --db "$WORK/s.db" >/dev/null 2>&1
stored_results "$PG" shared >"$WORK/shared.txt"
stored_results "$WORK/s.db" single >"$WORK/single.txt"
expect_eq "$(wc -l <"$WORK/shared.txt")" "$n" "one stored result per item"
cmp "$WORK/shared.txt" "$WORK/single.txt" || fail "worker and single-process results differ"
echo "ok: four workers, $n items, each called once"
