#!/usr/bin/env bash
# A run of an OpenAI-compatible model against a local stand-in server (it
# stands in for the provider, with injected 503s and connection resets) is
# killed with -9 at 20 seeded random points and resumed each time: no call
# whose answer was stored is made again (the server's hit log), the final
# results equal an uninterrupted run's, the database passes integrity_check,
# and the canary API key appears in no database, log, report or message.
# usage: remote_kill_resume_test.sh MMGATE STAND_IN_SERVER
source "$(dirname "$0")/lib.sh"
SERVER=$(realpath "$2")
N=300
CANARY=sk-canary-cli-5e1d7a90b3c2f468
export MMGATE_CANARY_KEY=$CANARY

mkdir -p "$WORK/p/data" && cd "$WORK/p"
for ((i = 0; i < N; i++)); do
  printf '{"id": "q%d", "modality": "text", "prompt": "Say a%d", "reference": "a%d"}\n' "$i" "$i" "$i"
done >data/items.jsonl
echo '{"id": "leak", "modality": "text", "prompt": "Say leak", "reference": "x"}' >>data/items.jsonl
printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >suite.yaml

"$SERVER" --port-file port --log hits --delay-ms 40 --faults 2>server.err &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
port=$(cat port)
cat >mmgate.yaml <<YAML
models:
  gpt:
    provider: openai
    base_url: http://127.0.0.1:$port/v1
    model: stand-in
    api_key_env: MMGATE_CANARY_KEY
    concurrency: 2
    backoff_base_ms: 5
    timeout_s: 5
prices:
  gpt: {input_per_mtok: 2.5, output_per_mtok: 10}
suites: [suite.yaml]
YAML

dry=$("$MMGATE" run -c mmgate.yaml -m gpt --dry-run --json)
expect_eq "$($PY -c 'import json,sys; print(json.load(sys.stdin)["total"]["calls"])' <<<"$dry")" \
  "$((N + 1))" "dry run counts every call"
[ "$(wc -l <hits)" -eq 0 ] || fail "dry run sent requests"

"$MMGATE" run -c mmgate.yaml -m gpt --db ref.db --run-id reference --json >ref.json 2>ref.err ||
  fail "reference run failed: $(cat ref.err)"
: >hits

RANDOM=20261122
stored_sql="SELECT i.prompt FROM items i JOIN responses r USING (run_id, suite, item_id)
            WHERE r.run_id = 'killed' AND r.error IS NULL"
kills=0
for round in $(seq 20); do
  stored=$(sqlite3 kill.db "$stored_sql" 2>/dev/null || true)
  mark=$(wc -l <hits)
  "$MMGATE" run -c mmgate.yaml -m gpt --db kill.db --run-id killed >>runs.out 2>>runs.err &
  pid=$!
  sleep "0.$((RANDOM % 25 + 5))"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  if [ -n "$stored" ]; then
    repeated=$(tail -n +"$((mark + 1))" hits | grep -Fxf <(printf '%s\n' "$stored") || true)
    [ -z "$repeated" ] || fail "round $round: asked again for stored answers: $(head -3 <<<"$repeated")"
  fi
done
[ "$kills" -ge 15 ] || fail "only $kills of 20 kills landed mid-run"

stored=$(sqlite3 kill.db "$stored_sql")
mark=$(wc -l <hits)
"$MMGATE" run -c mmgate.yaml -m gpt --db kill.db --run-id killed --json >final.json 2>>runs.err
repeated=$(tail -n +"$((mark + 1))" hits | grep -Fxf <(printf '%s\n' "$stored") || true)
[ -z "$repeated" ] || fail "final resume asked again for stored answers"

q="SELECT r.item_id, r.answer, r.error_kind, s.value FROM responses r LEFT JOIN scores s USING (run_id, suite, item_id)"
a=$(sqlite3 ref.db "$q WHERE run_id='reference' ORDER BY r.item_id")
b=$(sqlite3 kill.db "$q WHERE run_id='killed' ORDER BY r.item_id")
expect_eq "$b" "$a" "results after 20 kills equal the uninterrupted run's"
expect_eq "$(sqlite3 kill.db "SELECT COUNT(*) FROM responses WHERE run_id='killed' AND error IS NULL")" \
  "$N" "every item answered but the one the server refuses"
expect_eq "$(sqlite3 kill.db "SELECT error_kind FROM responses WHERE item_id='leak'")" "auth_error" \
  "the echoed-key 401 is an auth error"
expect_eq "$(sqlite3 kill.db 'PRAGMA integrity_check')" "ok" "database integrity"
expect_eq "$(sqlite3 kill.db "SELECT status FROM runs WHERE run_id='killed'")" "finished" "resumed run finished"
retried=$(sqlite3 ref.db "SELECT COUNT(*) FROM attempts WHERE error_kind IN ('server_error', 'connection_reset')")
[ "$retried" -gt 0 ] || fail "the injected faults were not met"
expect_eq "$(sqlite3 ref.db "SELECT COUNT(*) FROM responses WHERE cost_usd > 0")" "$N" "answers are priced"

# One run each: its failed items with their reasons (the echoed key's 401
# among them) must not carry the key either.
"$MMGATE" report reference -c mmgate.yaml --db ref.db --format md -o report.md 2>report.err || true
"$MMGATE" report killed -c mmgate.yaml --db kill.db --format md -o killed.md 2>killed.err || true
"$MMGATE" run -c mmgate.yaml -m gpt --db kill.db --run-id killed --json >again.json 2>again.err || true
if grep -rl -- "$CANARY" . >leaks 2>/dev/null; then fail "canary key found in: $(cat leaks)"; fi
grep -q "REDACTED" <(sqlite3 kill.db "SELECT error FROM responses WHERE item_id='leak'") ||
  fail "the echoed key was not visibly redacted"
echo "remote_kill_resume: ok ($kills kills)"
