#!/usr/bin/env bash
# Four `mmgate run --worker` processes finish a run of a pipeline suite
# together in a shared PostgreSQL (started by tests/store/with_postgres.sh):
# each leased item runs through both its stages and is written with them
# under the lease. The stage models are exec scripts (stand-ins for a user's
# models) that log each call: every item's first stage is called exactly
# once and the calls are a one-process run's (blaming a failing item calls
# the second stage again, alike); every item has one result with its two
# stages and two stage responses, the run is finished, and its results equal
# the one-process run's.
source "$(dirname "$0")/lib.sh"
[ -n "${MMGATE_TEST_PG_URL:-}" ] || fail "run me through tests/store/with_postgres.sh"
PG="$MMGATE_TEST_PG_URL"
n=40
mkdir -p "$WORK/p/data"
cd "$WORK/p"
for ((i = 0; i < n; i++)); do
  # Every fifth item's gold reply differs from what the rules answer: it
  # fails at the second stage (no substitution can repair it).
  ref="A$i"; [ $((i % 5)) -eq 0 ] && ref="B$i"
  printf '{"id": "p%d", "modality": "pipeline", "prompt": "Say a%d", "reference": "%s", "gold": {"reason": "a%d"}}\n' \
    "$i" "$i" "$ref" "$i"
done >data/items.jsonl
# stage.sh NAME: answers the prompt without "Say " (reason), or upper-cased
# (polish); logs "NAME ID" for each call.
cat >stage.sh <<'SH'
#!/usr/bin/env bash
req=$(cat)
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
prompt=$(sed -n 's/.*"prompt": *"\([^"]*\)".*/\1/p' <<<"$req")
echo "$1 $id" >>"$(dirname "$0")/calls"
if [ "$1" = reason ]; then answer=${prompt#Say }; else answer=${prompt^^}; fi
printf '{"answer": "%s"}\n' "$answer"
SH
chmod +x stage.sh
cat >pipe.yaml <<'Y'
name: pipe
modality: pipeline
dataset: data/items.jsonl
metric: exact
stages:
  - {name: reason, model: reason, kind: text, metric: exact}
  - {name: polish, model: polish, kind: text, metric: exact}
Y
cat >mmgate.yaml <<'Y'
models:
  reason: {provider: exec, command: ["./stage.sh", "reason"]}
  polish: {provider: exec, command: ["./stage.sh", "polish"]}
suites: [pipe.yaml]
Y

pids=()
for w in 1 2 3 4; do
  "$MMGATE" run -m reason --run-id shared --worker --worker-id "w$w" --db "$PG" \
    --batch-size 4 --lease-ms 20000 --json >"$WORK/w$w.json" 2>"$WORK/w$w.err" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a worker failed: $(cat "$WORK"/w*.err)"; done

expect_eq "$(grep -c '^reason ' calls)" "$n" "every item's first stage called once"
expect_eq "$(grep '^reason ' calls | sort -u | wc -l)" "$n" "no first stage called twice"
expect_eq "$(grep '^polish ' calls | sort -u | wc -l)" "$n" "every item's second stage called"
expect_workers_shared "$WORK" "$n"
count() { psql "$PG" -At -c "$1"; }
expect_eq "$(count "SELECT COUNT(*) FROM responses WHERE run_id = 'shared'")" "$n" "one result per item"
expect_eq "$(count "SELECT COUNT(*) FROM stages WHERE run_id = 'shared'")" "$((2 * n))" "two stages per item"
expect_eq "$(count "SELECT COUNT(DISTINCT item_id) FROM stages WHERE run_id = 'shared' AND seq = 1")" "$n" \
  "each item has its last stage"
expect_eq "$(count "SELECT COUNT(*) FROM extra_responses WHERE run_id = 'shared' AND kind = 'stage'")" \
  "$((2 * n))" "two stage responses per item"
expect_eq "$(count "SELECT COUNT(*) FROM scores WHERE run_id = 'shared' AND metric = 'pipeline_pass' AND value = 1")" \
  "$((n - n / 5))" "the items built to pass pass"
expect_eq "$(count "SELECT status FROM runs WHERE run_id = 'shared'")" "finished" "the run is finished"

# The same run in one process gives the same per-item results from the
# same calls (blaming a failing item calls the second stage again, alike).
mv calls "$WORK/shared.calls"
"$MMGATE" run -m reason --run-id single --db "$WORK/s.db" >/dev/null 2>&1 || true
cmp <(sort "$WORK/shared.calls") <(sort calls) || fail "the workers made other calls than one process"
stored_results "$PG" shared >"$WORK/shared.txt"
stored_results "$WORK/s.db" single >"$WORK/single.txt"
expect_eq "$(wc -l <"$WORK/single.txt")" "$(wc -l <"$WORK/shared.txt")" "as many stored scores"
cmp "$WORK/shared.txt" "$WORK/single.txt" || fail "worker and single-process results differ"
echo "ok: four workers, $n pipeline items, each stage called once"
