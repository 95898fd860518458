#!/usr/bin/env bash
# mmgate load against its peers on the same endpoint, in one run: nginx (Debian) on 127.0.0.1, started here as
# our own process (bench/load/nginx.sh), answers every POST /v1/chat/completions with a canned OpenAI-style
# JSON reply (no model behind it, so the clients' own costs show). Measured:
#   1. the maximum request rate with C connections kept busy: wrk, mmgate (closed loop, `sweep`) and locust
#      (FastHttpUser, headless), each for D seconds; the ratios to wrk;
#   2. mmgate open loop at 0.8x its own closed-loop rate: achieved rate, its error and the dispatch lag P99;
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
loc_rps=$($PY -c "
import csv
for row in csv.DictReader(open('$work/locust_stats.csv')):
    if row['Name'] == 'Aggregated': print('%.0f' % float(row['Requests/s']))")
echo "locust     ${loc_rps} req/s  (FastHttpUser, 1 process; load avg before: $l)"
$PY -c "print('ratios: mmgate/wrk %.2f, locust/wrk %.2f, mmgate/locust %.2f' % ($mm_rps/$wrk_rps, $loc_rps/$wrk_rps, $mm_rps/$loc_rps))"
book_figure load "closed loop, $conns connections: requests/s" "$mm_rps" req/s higher wrk "$wrk_rps"
book_figure load "closed loop, $conns connections: requests/s (vs locust)" "$mm_rps" req/s higher locust "$loc_rps"

# Open loop at 0.8x the closed-loop rate mmgate reached above (wrk's rate is beyond what it can send).
target=$($PY -c "print(int($mm_rps * 0.8))")
l=$(load)
"$mmgate" load -c "$work/p/mmgate.yaml" -m nginx --profile "constant:rate=$target" --duration "$secs" \
  --max-requests 100000000 --event-loops 2 --connections 256 --json -q >"$work/open.json" || true
jq_py "$work/open.json" "'mmgate open loop at %d req/s (0.8x its closed-loop rate): achieved %.1f req/s (%+.3f%%), ok %d, errors %d, dispatch lag p99 %.3f ms, latency p99 %.3f ms from schedule, %.3f ms from send (load avg before: $l)' % (
  $target, d['stages'][0]['achieved_rate'], 100 * d['stages'][0]['rate_error'], d['requests']['ok'],
  d['requests']['errors'], d['dispatch_lag']['p99_ms'], d['latency']['p99_ms'], d['latency_from_send']['p99_ms'])"

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
