#!/usr/bin/env bash
# mmgate load end to end against `mmgate serve --canned` on 127.0.0.1 (a
# stand-in endpoint speaking the OpenAI chat wire, whole and streamed): a
# seeded Poisson run, the JSON and HTML reports (the page checked in headless
# Chromium), streaming figures, the loopback guard, a bad profile, a dead
# endpoint (every request an error: exit 4), and Ctrl-C mid-run (exit 130
# with the partial report written).
# usage: cli_load_test.sh MMGATE NODE_MODULES
set -euo pipefail
MMGATE=$(realpath "$1")
export NODE_PATH=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-load.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { $PY -c "import json,sys; d=json.load(open('$1')); print($2)"; }
cd "$WORK"

"$MMGATE" serve --canned "all good" --port 0 --threads 8 >serve.out 2>&1 &
server=$!
for _ in $(seq 100); do grep -qs listening serve.out && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/v1.*/\1/p' serve.out)
[ -n "$port" ] || fail "no server: $(cat serve.out)"

mkdir -p data
for i in 0 1 2 3 4; do
  printf '{"id": "q%d", "modality": "text", "prompt": "Say %d", "reference": "all good"}\n' "$i" "$i"
done >data/items.jsonl
printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >suite.yaml
cat >mmgate.yaml <<YAML
models:
  local: {provider: openai, base_url: "http://127.0.0.1:$port/v1", model: canned, timeout_s: 5}
  dead: {provider: openai, base_url: "http://127.0.0.1:1/v1", model: canned, timeout_s: 2}
  far: {provider: openai, base_url: "https://api.example.com/v1", model: x}
suites: [suite.yaml]
YAML

"$MMGATE" load --help | grep -q -- --profile || fail "no --help"

"$MMGATE" load -c mmgate.yaml -m local --profile poisson:rate=100 --duration 2 --seed 3 \
  --slo-ms 500 --json --report r.json --html r.html -q >out.json 2>err || fail "load failed: $(cat err)"
[ "$(field out.json 'd["requests"]["scheduled"]')" = 200 ] || fail "200 scheduled: $(head -c 600 out.json)"
[ "$(field out.json 'd["requests"]["ok"]')" = 200 ] || fail "all 200 answered: $(head -c 600 out.json)"
[ "$(field out.json 'd["latency"]["n"]')" = 200 ] || fail "latency of every answer"
[ "$(field out.json 'abs(d["stages"][0]["rate_error"]) < 0.05')" = True ] || fail "achieved rate"
[ "$(field out.json 'd["goodput"] > 0')" = True ] || fail "goodput"
cmp -s <($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' out.json) \
       <($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' r.json) ||
  fail "--report differs from --json"
grep -q 'Content-Security-Policy' r.html || fail "no CSP in the page"
node "$HERE/load_page_check.cjs" r.html "$WORK/page.png" || fail "the page in Chromium"

"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=20 --duration 1 --stream >text.out 2>err ||
  fail "stream run: $(cat err)"
grep -q 'time to first token' text.out || fail "no TTFT: $(cat text.out)"
grep -q 'latency (from schedule)' text.out || fail "no latency lines"

set +e
"$MMGATE" load -c mmgate.yaml -m far --profile constant:rate=1 --duration 1 >/dev/null 2>far.err
code=$?
set -e
[ $code -eq 2 ] || fail "remote base_url: exit $code"
grep -q -- '--allow-remote' far.err || fail "remote refusal says how: $(cat far.err)"

set +e
"$MMGATE" load -c mmgate.yaml -m local --profile poisson:rate=x >/dev/null 2>bad.err
code=$?
set -e
[ $code -eq 2 ] || fail "bad profile: exit $code"
grep -q 'rate=x' bad.err || fail "bad profile message: $(cat bad.err)"

set +e
"$MMGATE" load -c mmgate.yaml -m dead --profile constant:rate=10 --duration 0.5 --json -q >dead.json 2>/dev/null
code=$?
set -e
[ $code -eq 4 ] || fail "dead endpoint: exit $code"
[ "$(field dead.json 'd["errors_by_kind"].get("connect_error", 0)')" = 5 ] ||
  fail "connect errors counted: $(head -c 800 dead.json)"
[ "$(field dead.json 'd["latency"]["n"]')" = 0 ] || fail "errors entered the latency"

"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=50 --duration 30 --report part.json -q \
  >part.out 2>part.err &
pid=$!
sleep 2
kill -INT $pid
set +e
wait $pid
code=$?
set -e
[ $code -eq 130 ] || fail "Ctrl-C: exit $code: $(cat part.err)"
[ "$(field part.json 'd["interrupted"]')" = True ] || fail "partial report not marked"
sent=$(field part.json 'd["requests"]["sent"]')
[ "$sent" -gt 20 ] && [ "$sent" -lt 1500 ] || fail "partial run sent $sent"
[ "$(field part.json 'd["requests"]["not_sent"] > 0')" = True ] || fail "not-sent requests counted"
echo "cli_load ok"
