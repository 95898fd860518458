#!/usr/bin/env bash
# mmgate load against its peers on the same endpoint, in one run: nginx (Debian) on 127.0.0.1, started here as
# our own process (bench/load/nginx.sh), answers every POST /v1/chat/completions with a canned OpenAI-style
# JSON reply (no model behind it, so the clients' own costs show). Measured:
#   1. the maximum request rate with C connections kept busy: wrk, mmgate (closed loop, `sweep`) and locust
#      (FastHttpUser, headless), each for D seconds; the ratios to wrk;
#   2. mmgate open loop: the highest constant rate it sends as scheduled, tried at 0.8x, 0.6x, 0.4x and 0.2x its
#      own closed-loop rate (achieved rate, its error, requests not sent in time, the dispatch lag P99);
#   3. schedule accuracy: Poisson at 100, 1000 and 2000 req/s for P seconds each (achieved vs scheduled rate,
#      dispatch lag P99).
# The load average is printed beside every figure (the machine may be shared).
#   usage: bench/load/run.sh BUILD_DIR [SECONDS=10] [CONNECTIONS=32] [POISSON_SECONDS=30]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../book/lib.sh"
build=$(realpath "${1:?usage: run.sh BUILD_DIR [SECONDS] [CONNECTIONS] [POISSON_SECONDS]}")
secs=${2:-10}
conns=${3:-32}
psecs=${4:-30}
mmgate=$build/mmgate
for tool in wrk locust; do
  command -v "$tool" >/dev/null ||
    { echo "run.sh: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
done
source "$here/nginx.sh"
PY=/usr/bin/python3

work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-bench-load.XXXXXX")
cleanup() {
  canned_nginx_stop
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
canned_nginx_start "$work"
port=$NGINX_PORT
url=$NGINX_URL
body=$NGINX_BODY

load() { cut -d' ' -f1 /proc/loadavg; }

# mmgate's project: one text item sent over and over.
mkdir -p "$work/p/data"
echo '{"id": "q0", "modality": "text", "prompt": "What does the build log say?", "reference": "Build finished"}' \
  >"$work/p/data/items.jsonl"
printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >"$work/p/suite.yaml"
cat >"$work/p/mmgate.yaml" <<YAML
models:
  nginx: {provider: openai, base_url: "http://127.0.0.1:$port/v1", model: canned, timeout_s: 10}
suites: [suite.yaml]
YAML

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
cat >"$work/locustfile.py" <<PYEOF
from locust import FastHttpUser, constant, task

BODY = '$body'

class Client(FastHttpUser):
    wait_time = constant(0)

    @task
    def chat(self):
        self.client.post("/v1/chat/completions", data=BODY, headers={"Content-Type": "application/json"})
PYEOF

jq_py() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

echo "# nginx on 127.0.0.1:$port, $conns connections, ${secs} s per client, $(nproc) cores"
l=$(load)
wrk -t2 -c"$conns" -d"${secs}s" -s "$work/post.lua" "$url" >"$work/wrk.out"
wrk_rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/wrk.out")
wrk_non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$work/wrk.out")
echo "wrk        ${wrk_rps} req/s  (threads 2; non-2xx: ${wrk_non2xx:-0}; load avg before: $l)"

l=$(load)
"$mmgate" load -c "$work/p/mmgate.yaml" -m nginx --profile "sweep:levels=$conns,each=$secs" --duration "$secs" \
  --max-requests 100000000 --event-loops 2 --connections "$conns" --json -q >"$work/closed.json"
mm_rps=$(jq_py "$work/closed.json" '"%.0f" % d["stages"][0]["throughput"]')
mm_err=$(jq_py "$work/closed.json" 'd["requests"]["errors"]')
echo "mmgate     ${mm_rps} req/s  (closed loop, 2 event loops; errors: $mm_err; load avg before: $l)"

l=$(load)
(cd "$work" && locust -f locustfile.py --headless -u "$conns" -r "$conns" -t "${secs}s" --host "http://127.0.0.1:$port" \
  --csv locust --only-summary >locust.out 2>&1) || true
# locust needs a few seconds to start its users: with short runs it may send nothing (or write no CSV); its 0 is
# reported as measured, never divided by.
loc_rps=$($PY -c "
import csv, sys
try:
    rows = [r for r in csv.DictReader(open('$work/locust_stats.csv')) if r['Name'] == 'Aggregated']
    print('%.0f' % float(rows[0]['Requests/s']) if rows else 0)
except (OSError, ValueError, KeyError):
    print(0)")
[ "$loc_rps" != 0 ] || echo "locust sent no request in ${secs} s (it needs a few seconds to start its users): $(tail -n 3 "$work/locust.out" | tr '\n' ' ')"
echo "locust     ${loc_rps} req/s  (FastHttpUser, 1 process; load avg before: $l)"
$PY -c "
def ratio(a, b): return '%.2f' % (a / b) if b > 0 else 'n/a (0 req/s)'
print('ratios: mmgate/wrk %s, locust/wrk %s, mmgate/locust %s' % (
    ratio($mm_rps, $wrk_rps), ratio($loc_rps, $wrk_rps), ratio($mm_rps, $loc_rps)))"
book_figure load "closed loop, $conns connections: requests/s" "$mm_rps" req/s higher wrk "$wrk_rps"
[ "$loc_rps" = 0 ] ||
  book_figure load "closed loop, $conns connections: requests/s (vs locust)" "$mm_rps" req/s higher locust "$loc_rps"

# Open loop: the highest constant rate mmgate sends as scheduled (every request sent, the achieved rate within 1% of
# the target), tried at 0.8x, 0.6x, 0.4x and 0.2x its closed-loop rate, highest first. An open loop pays a timer
# and a hand-off per request that a closed loop does not, so 0.8x may be beyond it: the run then ends on time,
# counts what it could not send in time, and the next step is tried.
open_ok=
for share in 0.8 0.6 0.4 0.2; do
  target=$($PY -c "print(max(1, int($mm_rps * $share)))")
  l=$(load)
  "$mmgate" load -c "$work/p/mmgate.yaml" -m nginx --profile "constant:rate=$target" --duration "$secs" \
    --max-requests 100000000 --event-loops 2 --connections "$conns" --json -q >"$work/open.json" || true
  [ -s "$work/open.json" ] || { echo "mmgate open loop at $target req/s: no report"; continue; }
  jq_py "$work/open.json" "'mmgate open loop at %d req/s (${share}x its closed-loop rate): achieved %.1f req/s (%+.3f%%), ok %d, errors %d, not sent in time %d, dispatch lag p99 %.3f ms, latency p99 %.3f ms from schedule, %.3f ms from send (load avg before: $l)' % (
    $target, d['stages'][0]['achieved_rate'], 100 * d['stages'][0]['rate_error'], d['requests']['ok'],
    d['requests']['errors'], d['requests']['late'], d['dispatch_lag']['p99_ms'], d['latency']['p99_ms'],
    d['latency_from_send']['p99_ms'])"
  if [ "$(jq_py "$work/open.json" "d['requests']['late'] == 0 and d['requests']['errors'] == 0 and abs(d['stages'][0]['rate_error']) < 0.01")" = True ]; then
    open_ok=$target
    break
  fi
done
echo "mmgate open loop: highest rate sent as scheduled: ${open_ok:-none of the steps} req/s"
[ -z "$open_ok" ] || book_figure load "open loop: highest constant rate sent as scheduled" "$open_ok" req/s higher

for rate in 100 1000 2000; do
  l=$(load)
  "$mmgate" load -c "$work/p/mmgate.yaml" -m nginx --profile "poisson:rate=$rate" --duration "$psecs" --seed 7 \
    --max-requests 100000000 --json -q >"$work/poisson$rate.json" || true
  jq_py "$work/poisson$rate.json" "'poisson %5d req/s x %d s: scheduled %.2f, achieved %.2f req/s (%+.3f%%), errors %d, dispatch lag p50 %.3f p99 %.3f max %.3f ms (load avg before: $l)' % (
    $rate, $psecs, d['stages'][0]['schedule_rate'], d['stages'][0]['achieved_rate'], 100 * d['stages'][0]['rate_error'],
    d['requests']['errors'], d['dispatch_lag']['p50_ms'], d['dispatch_lag']['p99_ms'], d['dispatch_lag']['max_ms'])"
  book_figure load "poisson $rate req/s x $psecs s: achieved rate (% of the target)" \
    "$(jq_py "$work/poisson$rate.json" "'%.4f' % (100 * d['stages'][0]['achieved_rate'] / $rate)")" % higher
done
