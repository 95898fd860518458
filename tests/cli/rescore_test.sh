#!/usr/bin/env bash
# `mmgate rescore` end to end: two runs of an OpenAI-compatible model against
# the local stand-in server fill the attempts and cache tables; rescoring them
# with another metric calls nothing (the server's hit log, attempts and cache
# rows unchanged), recomputes the scores, and `mmgate gate` accepts the
# rescored candidate against the rescored baseline, and a same-metric rescore
# against the original baseline. Bad input exits 2.
# usage: rescore_test.sh MMGATE STAND_IN_SERVER
source "$(dirname "$0")/lib.sh"
SERVER=$(realpath "$2")
N=120

mkdir -p "$WORK/p/data" && cd "$WORK/p"
# Every third answer differs from its reference in case and punctuation only:
# wrong for `exact`, right for `normalized_match`.
for ((i = 0; i < N; i++)); do
  if [ $((i % 3)) -eq 0 ]; then say="A$i."; else say="a$i"; fi
  printf '{"id": "q%d", "modality": "text", "prompt": "Say %s", "reference": "a%d"}\n' "$i" "$say" "$i"
done >data/items.jsonl
printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >suite.yaml

"$SERVER" --port-file port --log hits 2>server.err &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
port=$(cat port)
cat >mmgate.yaml <<YAML
models:
  base: {provider: openai, base_url: "http://127.0.0.1:$port/v1", model: stand-in, concurrency: 4}
  cand: {provider: openai, base_url: "http://127.0.0.1:$port/v1", model: stand-in-2, concurrency: 4}
prices:
  base: {input_per_mtok: 2.5, output_per_mtok: 10}
suites: [suite.yaml]
gate: {margin: 0.1, min_n: 20}
YAML

"$MMGATE" run -m base --run-id b >/dev/null 2>run.err || fail "baseline run: $(cat run.err)"
"$MMGATE" run -m cand --run-id c >/dev/null 2>run.err || fail "candidate run: $(cat run.err)"
db=.mmgate/results.db
count() { sqlite3 "$db" "SELECT COUNT(*) FROM $1"; }
hits=$(wc -l <hits)
attempts=$(count attempts)
cache=$(count cache)
expect_eq "$attempts" "$((2 * N))" "every call of both runs is an attempt"
expect_eq "$cache" "$((2 * N))" "every answer of both runs is cached"
expect_eq "$(sqlite3 "$db" "SELECT SUM(value) FROM scores WHERE run_id='b'")" "80.0" "exact before"

id=$("$MMGATE" rescore b --metric normalized_match --run-id b-norm 2>err)
expect_eq "$id" "b-norm" "rescore prints the new run id"
json=$("$MMGATE" rescore c -s qa --metric normalized_match --json)
$PY - "$json" "$N" <<'PY'
import json, sys
s, n = json.loads(sys.argv[1]), int(sys.argv[2])
assert s["source_run"] == "c" and s["run_id"].startswith("c-rescore-"), s
assert s["suites"] == ["qa"] and s["metric"] == "normalized_match", s
assert s["items"] == n and s["rescored"] == n and s["errors"] == 0, s
PY
c_norm=$($PY -c 'import json,sys; print(json.load(sys.stdin)["run_id"])' <<<"$json")
expect_eq "$(wc -l <hits)" "$hits" "rescoring sends no request"
expect_eq "$(count attempts)" "$attempts" "attempts table unchanged"
expect_eq "$(count cache)" "$cache" "cache table unchanged"
expect_eq "$(sqlite3 "$db" "SELECT SUM(value) FROM scores WHERE run_id='b-norm' AND metric='normalized_match'")" \
  "$N.0" "normalized_match forgives case and punctuation"
expect_eq "$(sqlite3 "$db" "SELECT source_run FROM runs WHERE run_id='b-norm'")" "b" "the new run names its source"
expect_eq "$(sqlite3 "$db" "SELECT SUM(cost_usd) > 0, SUM(n_attempts) FROM responses WHERE run_id='b-norm'")" \
  "1|$N" "cost and attempt counts are copied"

set +e
"$MMGATE" gate --baseline b-norm --candidate "$c_norm" >gate.out
expect_eq "$?" "0" "the rescored candidate passes against the rescored baseline"
"$MMGATE" gate --baseline b --candidate "$c_norm" >/dev/null 2>gate.err
expect_eq "$?" "2" "runs scored with different metrics are not compared"
set -e
expect_contains "$(cat gate.out)" "normalized_match" "the verdict is on the new metric"
expect_contains "$(cat gate.err)" "differs between the runs" "the refusal says why"
same=$("$MMGATE" rescore c 2>/dev/null)
"$MMGATE" gate --baseline b --candidate "$same" >/dev/null || fail "a same-metric rescore gates like its source"

set +e
"$MMGATE" rescore b --metric bleu >/dev/null 2>err
expect_eq "$?" "2" "an unknown metric is a usage error"
expect_contains "$(cat err)" "unknown metric 'bleu'" "the metric is named"
"$MMGATE" rescore nosuchrun >/dev/null 2>err
expect_eq "$?" "2" "an unknown run is an input error"
expect_contains "$(cat err)" "nosuchrun" "the run is named"
"$MMGATE" rescore b -s charts >/dev/null 2>err
expect_eq "$?" "2" "an unknown suite is an input error"
"$MMGATE" rescore b --run-id c >/dev/null 2>err
expect_eq "$?" "2" "an existing run id is refused"
"$MMGATE" rescore >/dev/null 2>&1
expect_eq "$?" "2" "the run is required"
set -e
"$MMGATE" rescore --help | grep -q -- "--metric" || fail "--help lists the options"
"$MMGATE" help | grep -q "rescore" || fail "help lists rescore"
expect_eq "$(wc -l <hits)" "$hits" "no request at all"
echo "rescore: ok"
