#!/usr/bin/env bash
# mmgate load end to end against `mmgate serve --canned` on 127.0.0.1 (a
# stand-in endpoint speaking the OpenAI chat wire, whole and streamed): a
# seeded Poisson run, the JSON and HTML reports (the page checked in headless
# Chromium), streaming figures, the loopback guard, a bad profile, a dead
# endpoint (every request an error: exit 4), Ctrl-C mid-run (exit 130 with
# the partial report written), and SIGTERM on a rate beyond the client.
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

# cpp-httplib gives each keep-alive connection a thread until it idles for 5 s: with fewer threads than the
# connections libcurl opens in a burst on a busy machine, a request waits out its timeout.
"$MMGATE" serve --canned "all good" --port 0 --threads 64 >serve.out 2>&1 &
server=$!
for _ in $(seq 100); do grep -qs listening serve.out && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/v1.*/\1/p' serve.out)
[ -n "$port" ] || fail "no server: $(cat serve.out)"

mkdir -p data
for i in 0 1 2 3 4; do
  printf '{"id": "q%d", "modality": "text", "prompt": "Say %d", "reference": "all good"}\n' "$i" "$i"
done >data/items.jsonl
printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >suite.yaml
# An image suite: one 64x48 PNG (written by Python's zlib), to check the input caps.
mkdir -p pics/media
$PY - <<'PYEOF'
import struct, zlib
w, h = 64, 48
raw = b"".join(b"\x00" + bytes((200, 100, 50)) * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("pics/media/a.png", "wb").write(png)
PYEOF
echo '{"id": "p0", "modality": "image", "prompt": "What colour?", "media": [{"type": "image", "path": "media/a.png"}], "reference": "all good"}' >pics/items.jsonl
printf 'name: pics\nmodality: image\ndataset: pics/items.jsonl\nmetric: exact\n' >pics.yaml
cat >mmgate.yaml <<YAML
models:
  local: {provider: openai, base_url: "http://127.0.0.1:$port/v1", model: canned, timeout_s: 5}
  dead: {provider: openai, base_url: "http://127.0.0.1:1/v1", model: canned, timeout_s: 2}
  far: {provider: openai, base_url: "https://api.example.com/v1", model: x}
suites: [suite.yaml, pics.yaml]
prices:
  local: {input_per_mtok: 2.5, output_per_mtok: 10}
YAML

"$MMGATE" load --help | grep -q -- --profile || fail "no --help"

"$MMGATE" load -c mmgate.yaml -m local -s qa --profile poisson:rate=100 --duration 2 --seed 3 \
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
# A rate far above what the client can send (2 connections): it must neither queue the excess inside the
# client nor ignore SIGTERM; it stops within a second or two, the requests it could not send are counted as
# such, and every scheduled request is accounted for.
"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=20000 --duration 20 --connections 2 \
  --event-loops 1 --max-lag 0.2 --report over.json -q >over.out 2>over.err &
pid=$!
sleep 3
kill -TERM $pid
t0=$(date +%s%N)
set +e
wait $pid
code=$?
set -e
took_ms=$((($(date +%s%N) - t0) / 1000000))
[ $code -eq 130 ] || fail "SIGTERM while over capacity: exit $code: $(cat over.err)"
[ "$took_ms" -lt 5000 ] || fail "SIGTERM while over capacity took $took_ms ms to stop"
[ "$(field over.json 'd["requests"]["late"] > 0')" = True ] || fail "requests not sent in time not counted"
[ "$(field over.json 'sum(d["requests"][k] for k in ("sent", "not_sent", "late")) == d["requests"]["scheduled"]')" = True ] ||
  fail "counts do not add up: $(field over.json 'd["requests"]')"
grep -q "not sent in time" over.out || fail "no word of the requests not sent in time: $(cat over.out)"
# Input caps are enforced before any request; per-modality budgets gate (exit 1 over budget).
set +e
"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=20 --duration 0.5 --max-image-bytes 10 \
  --budget text=0.001 -q >caps.out 2>caps.err
code=$?
set -e
[ $code -eq 1 ] || fail "over budget: exit $code: $(cat caps.err)"
grep -q 'item failed: pics: item p0: image media/a.png is [0-9]* bytes, over the image_bytes cap of 10$' caps.err ||
  fail "cap message: $(cat caps.err)"
grep -q 'P99 OVER BUDGET' caps.out || fail "budget line: $(cat caps.out)"
"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=20 --duration 0.5 --max-image-pixels 4000 \
  --budget text=60000 -q >caps2.out 2>caps2.err || fail "within budget: $(cat caps2.err)"
grep -q '64x48 = 3072 pixels' caps2.err && fail "an image under the pixel cap was left out"
"$MMGATE" load -c mmgate.yaml -m local --profile constant:rate=20 --duration 0.5 --max-image-pixels 3000 \
  -q >/dev/null 2>caps3.err || fail "pixel cap run"
grep -q 'item p0: image media/a.png is 64x48 = 3072 pixels, over the image_pixels cap of 3000' caps3.err || fail "pixel cap message: $(cat caps3.err)"

# The same caps and budgets from the policy (caps:, gate.budgets); flags replace them.
sed -n '/^models:/,/^prices:/p' mmgate.yaml | grep -v '^prices:' >policy.yaml
cat >>policy.yaml <<'YAML'
caps:
  image: {image_bytes: 10}
gate:
  budgets:
    text: {p99_ms: 0.001}
YAML
set +e
"$MMGATE" load -c policy.yaml -m local --profile constant:rate=20 --duration 0.5 --json -q >pol.json 2>pol.err
code=$?
set -e
[ $code -eq 1 ] || fail "over the policy's budget: exit $code: $(cat pol.err)"
[ "$(field pol.json 'len(d["failed_items"])')" = 1 ] || fail "one failed item: $(cat pol.err)"
[ "$(field pol.json 'd["failed_items"][0].startswith("pics: item p0: image media/a.png is ")')" = True ] ||
  fail "failed item reason: $(field pol.json 'd["failed_items"]')"
[ "$(field pol.json '[m["budget_ms"] for m in d["modalities"] if m["modality"] == "text"][0]')" = 0.001 ] ||
  fail "budget from the policy"
"$MMGATE" load -c policy.yaml -m local --profile constant:rate=20 --duration 0.5 --max-image-bytes 100000 \
  --budget text=60000 --json -q >pol2.json 2>pol2.err || fail "flags replace the policy: $(cat pol2.err)"
[ "$(field pol2.json 'len(d["failed_items"])')" = 0 ] || fail "--max-image-bytes replaces caps.image"
# mmgate run enforces the caps too: the item fails with its reason, the run goes on.
"$MMGATE" run -c policy.yaml -m local -s qa -s pics --db caps.db --run-id capped >run.out 2>run.err ||
  fail "run with a capped item: $(cat run.err)"
[ "$(sqlite3 caps.db "SELECT count(*) FROM responses WHERE run_id = 'capped' AND error IS NULL")" = 5 ] ||
  fail "the other 5 items answered"
[ "$(sqlite3 caps.db "SELECT error_kind || ' ' || error FROM responses WHERE run_id = 'capped' AND error IS NOT NULL")" = \
  "over_cap item p0: image media/a.png is $(stat -c %s pics/media/a.png) bytes, over the image_bytes cap of 10" ] ||
  fail "run: over-cap item: $(sqlite3 caps.db "SELECT error FROM responses WHERE run_id = 'capped'")"

# Quality under load: answers scored and the run stored; the gate compares it with an idle run.
"$MMGATE" run -c mmgate.yaml -m local -s qa --db q.db --run-id idle >/dev/null 2>run.err || fail "idle run: $(cat run.err)"
"$MMGATE" load -c mmgate.yaml -m local -s qa --profile sweep:levels=1/4,each=1 --duration 2 --score \
  --db q.db --run-id under-load --json -q >q.json 2>q.err || fail "scored load: $(cat q.err)"
[ "$(field q.json 'd["quality"]')" = 1.0 ] || fail "quality: $(head -c 300 q.json)"
[ "$(field q.json 'd["stages"][1]["quality"]')" = 1.0 ] || fail "quality per stage"
[ "$(field q.json 'd["run_id"]')" = under-load ] || fail "stored run id"
[ "$(field q.json 'd["cost"]["usd"] > 0 and d["cost"]["usd_per_correct"] > 0')" = True ] || fail "cost figures"
[ "$(sqlite3 q.db "SELECT count(*) FROM responses WHERE run_id = 'under-load' AND error IS NULL")" = 5 ] ||
  fail "5 answers stored"
[ "$(sqlite3 q.db "SELECT count(*) > 5 FROM attempts WHERE run_id = 'under-load'")" = 1 ] ||
  fail "every request stored as an attempt"
set +e
"$MMGATE" gate -c mmgate.yaml --db q.db --baseline idle --candidate under-load >gate.out 2>gate.err
code=$?
set -e
[ $code -eq 0 ] || [ $code -eq 3 ] || fail "gate of load vs idle: exit $code: $(cat gate.out gate.err)"
echo "cli_load ok"
