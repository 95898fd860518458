#!/usr/bin/env bash
# The same suite run into SQLite and into PostgreSQL gives the same stored
# results and the same `gate --json` verdict. PostgreSQL is a throwaway server
# tests/store/with_postgres.sh starts (MMGATE_TEST_PG_URL); it is named once
# with --db and once by `db:` in mmgate.yaml, its password from PGPASSWORD.
source "$(dirname "$0")/lib.sh"
[ -n "${MMGATE_TEST_PG_URL:-}" ] || fail "run me through tests/store/with_postgres.sh"
make_project "$WORK/p" 120
cd "$WORK/p"
PG="$MMGATE_TEST_PG_URL"
password=$($PY -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).password)' "$PG")
bare=${PG/:$password@/@}
[ "$bare" != "$PG" ] || fail "the test server's URL carries a password"

"$MMGATE" run -m scripted --run-id base --db "$WORK/s.db" >/dev/null 2>&1
"$MMGATE" run -m broken --run-id cand --db "$WORK/s.db" >/dev/null 2>&1
"$MMGATE" run -m scripted --run-id base --db "$PG" >"$WORK/pg_run.out" 2>&1 || fail "run into postgres: $(cat "$WORK/pg_run.out")"
if grep -qF "$password" "$WORK/pg_run.out"; then fail "the password was printed"; fi
# The candidate through mmgate.yaml's db: key, the password from libpq's environment.
cp mmgate.yaml sqlite.yaml
printf 'db: "%s"\n' "$bare" >>mmgate.yaml
export PGPASSWORD="$password"
"$MMGATE" run -m broken --run-id cand >/dev/null 2>&1 || fail "run through db: in mmgate.yaml"
unset PGPASSWORD
set +e
"$MMGATE" runs >"$WORK/nopw.out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "without PGPASSWORD the server refuses"
expect_contains "$(cat "$WORK/nopw.out")" "127.0.0.1" "the error names the server"
export PGPASSWORD="$password"

set +e
"$MMGATE" gate -c sqlite.yaml --db "$WORK/s.db" --baseline base --candidate cand --json >"$WORK/gate_sqlite.json"
rc_sqlite=$?
"$MMGATE" gate --baseline base --candidate cand --json >"$WORK/gate_pg.json"
rc_pg=$?
set -e
expect_eq "$rc_pg" "$rc_sqlite" "the same exit code"
expect_eq "$rc_sqlite" "1" "the broken candidate is blocked"

for run in base cand; do
  stored_results "$WORK/s.db" "$run" >"$WORK/$run.sqlite.txt"
  stored_results "$PG" "$run" >"$WORK/$run.pg.txt"
  expect_eq "$(wc -l <"$WORK/$run.pg.txt")" "120" "every item of $run stored"
  cmp "$WORK/$run.sqlite.txt" "$WORK/$run.pg.txt" || fail "run $run: stored results differ between SQLite and PostgreSQL"
done
# Measured figures (latency, throughput, timestamps) differ from run to run
# on any backend; everything else must be the same.
$PY - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def volatile(k):
    return ("latency" in k or "throughput" in k or k in ("p50", "p95", "p99")
            or k.endswith("_ms") or k in ("generated", "db", "database"))
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if not volatile(k)}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
a = strip(json.load(open(f"{work}/gate_sqlite.json")))
b = strip(json.load(open(f"{work}/gate_pg.json")))
assert a == b, "gate --json differs between SQLite and PostgreSQL"
assert a["verdict"] == "block"
PY
echo "ok: SQLite and PostgreSQL agree"
