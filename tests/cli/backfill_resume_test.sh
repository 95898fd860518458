#!/usr/bin/env bash
# A backfill run of three replay pages (4,096 traces each, the last short)
# through a local stand-in for an OpenAI-compatible provider
# (tests/remote/stand_in_server.cc, not a real provider; it logs the prompt
# of every request) is killed with -9 in its second page, before it reached
# the third, and resumed by run id: the resumed run replays its whole
# selection (a drawn sample, then every trace), every selected trace has
# exactly one result, and no trace whose answer was stored is asked again.
# usage: backfill_resume_test.sh MMGATE STAND_IN_SERVER
source "$(dirname "$0")/lib.sh"
SERVER=$(realpath "$2")
HISTORY=8500
SAMPLE=8300
export MMGATE_STAND_IN_KEY=sk-stand-in
cd "$WORK"

# 8,500 decisions over 11 weeks in three categories, ids not in time order.
$PY - "$HISTORY" <<'PY'
import json, sys
n = int(sys.argv[1])
with open("traces.jsonl", "w") as out:
    for i in range(n):
        k = (i * 7919) % n
        out.write(json.dumps({
            "id": "t-%05d" % k, "time": 1788220800000 + (i * 997 % n) * 806400,
            "category": ["refund", "fraud", "shipping"][k % 3],
            "prompt": "Say t-%05d" % k, "decision": "t-%05d" % k if k % 4 else "other",
        }) + "\n")
PY

"$SERVER" --port-file port --log hits --delay-ms 1 2>server.err &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
cat >mmgate.yaml <<YAML
models:
  gpt:
    provider: openai
    base_url: http://127.0.0.1:$(cat port)/v1
    model: stand-in
    api_key_env: MMGATE_STAND_IN_KEY
    concurrency: 2
    timeout_s: 10
candidate: gpt
suites: []
YAML

# kill_mid_run DB RUN FLAGS...: starts the run and kills it with -9 once the
# server was asked for a trace of its second page (so the run recorded two
# pages of traces, not the third).
kill_mid_run() {
  local db=$1 run=$2
  shift 2
  local mark
  mark=$(wc -l <hits)
  "$MMGATE" backfill run -c mmgate.yaml --db "$db" --run-id "$run" "$@" --json >/dev/null 2>>runs.err &
  local pid=$!
  for _ in $(seq 1200); do
    [ $(($(wc -l <hits) - mark)) -gt 4200 ] && break
    sleep 0.025
  done
  kill -9 "$pid" 2>/dev/null || fail "$run finished before it could be killed"
  wait "$pid" 2>/dev/null || true
}

# check_resume DB RUN SELECTED: resumes the killed run and checks its counts.
check_resume() {
  local db=$1 run=$2 selected=$3
  local answered="SELECT i.prompt FROM items i JOIN responses r USING (run_id, suite, item_id)
                  WHERE r.run_id = '$run' AND r.error IS NULL"
  sqlite3 "$db" "$answered" | sort >stored
  local before mark
  before=$(wc -l <stored)
  [ "$before" -gt 4096 ] || fail "$run: only $before answers stored before the kill"
  [ "$before" -lt "$selected" ] || fail "$run: every answer stored before the kill"
  mark=$(wc -l <hits)
  out=$("$MMGATE" backfill run -c mmgate.yaml --db "$db" --run-id "$run" --json 2>>runs.err) ||
    fail "$run: resume failed: $(tail -3 runs.err)"
  expect_eq "$(jq .replay.resumed <<<"$out")" true "$run resumed"
  expect_eq "$(jq .sample <<<"$out")" "$selected" "$run: the whole selection"
  expect_eq "$(jq .replay.already_done <<<"$out")" "$before" "$run: done before the kill"
  expect_eq "$(jq .replay.replayed <<<"$out")" "$((selected - before))" "$run: replayed on resume"
  tail -n +"$((mark + 1))" hits | sort >asked
  expect_eq "$(wc -l <asked)" "$((selected - before))" "$run: requests on resume"
  expect_eq "$(uniq -d asked | wc -l)" 0 "$run: a trace asked twice on resume"
  expect_eq "$(comm -12 stored asked | wc -l)" 0 "$run: stored answers asked for again"
  expect_eq "$(sqlite3 "$db" "SELECT COUNT(*), COUNT(DISTINCT item_id) FROM responses
                             WHERE run_id = '$run' AND error IS NULL")" \
    "$selected|$selected" "$run: one answer per selected trace"
  expect_eq "$(sqlite3 "$db" "SELECT COUNT(*) FROM items WHERE run_id = '$run'")" \
    "$selected" "$run: items"
  expect_eq "$(sqlite3 "$db" "SELECT status FROM runs WHERE run_id = '$run'")" finished "$run status"
}

# A drawn sample of 8,300 of the 8,500 traces.
"$MMGATE" backfill import -c mmgate.yaml --db s.db traces.jsonl --json >/dev/null
kill_mid_run s.db drawn --sample "$SAMPLE" --seed 7
check_resume s.db drawn "$SAMPLE"
# The same draw made whole in one go (its answers all from the response
# cache) holds the same traces.
mark=$(wc -l <hits)
whole=$("$MMGATE" backfill run -c mmgate.yaml --db s.db --run-id whole --sample "$SAMPLE" --seed 7 --json 2>>runs.err)
expect_eq "$(jq .replay.cache_hits <<<"$whole")" "$SAMPLE" "the uninterrupted draw is cached"
expect_eq "$(($(wc -l <hits) - mark))" 0 "requests of the cached draw"
q="SELECT item_id FROM items WHERE run_id = '%s' ORDER BY item_id"
expect_eq "$(sqlite3 s.db "$(printf "$q" drawn)" | md5sum)" "$(sqlite3 s.db "$(printf "$q" whole)" | md5sum)" \
  "the resumed run's traces are the draw's"

# A history that changed since the draw: the run resumes with what it
# recorded, and says why.
printf '{"id": "t-late", "time": 1788220800000, "category": "refund", "prompt": "Say t-late", "decision": "x"}\n' >late.jsonl
"$MMGATE" backfill import -c mmgate.yaml --db s.db late.jsonl --json >/dev/null
again=$("$MMGATE" backfill run -c mmgate.yaml --db s.db --run-id drawn --json 2>again.err)
expect_contains "$(cat again.err)" "the history changed since its selection was made ($HISTORY traces then, $((HISTORY + 1)) now)" "changed history"
expect_eq "$(jq .replay.replayed <<<"$again")" 0 "nothing left to replay"
expect_eq "$(jq .sample <<<"$again")" "$SAMPLE" "the recorded traces"

# Every trace (--all), in a database of its own so the cache holds nothing.
"$MMGATE" backfill import -c mmgate.yaml --db a.db traces.jsonl --json >/dev/null
kill_mid_run a.db every --all
check_resume a.db every "$HISTORY"
echo "backfill resume: ok"
