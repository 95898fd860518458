#!/usr/bin/env bash
# mmgate vs promptfoo on the same work: N image items (default 2,000), each a question and a PNG sent as a
# base64 data URL to the same OpenAI-compatible endpoint, `mmgate serve --canned` on 127.0.0.1 (a stand-in
# for a provider that answers at once, so the clients' own costs show), with the same concurrency (default 8).
# Prints the wall time and peak resident memory of each client, measured by GNU time in one run.
#   usage: bench/promptfoo/run.sh BUILD_DIR [ITEMS] [CONCURRENCY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../book/lib.sh"
build=$(realpath "${1:?usage: run.sh BUILD_DIR [ITEMS] [CONCURRENCY]}")
items=${2:-2000}
conc=${3:-8}
mmgate=$build/mmgate
answer="Build finished"

bash "$here/install.sh" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-bench-pf.XXXXXX")
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# The images: the rendered screenshots and documents of mmgate's starter project, reused in turn; every
# item has its own question, so no client can answer one item from another's cached response.
"$mmgate" init "$work/init" >/dev/null
mkdir -p "$work/media"
mapfile -t pngs < <(find "$work/init" -name '*.png' | sort | head -n 50)
[ ${#pngs[@]} -gt 0 ] || { echo "run.sh: mmgate init wrote no PNG" >&2; exit 2; }
for i in "${!pngs[@]}"; do cp "${pngs[$i]}" "$work/media/$i.png"; done
: >"$work/items.jsonl"
echo "question,image,__expected" >"$work/tests.csv"
for ((i = 0; i < items; i++)); do
  img="media/$((i % ${#pngs[@]})).png"
  q="Item $i: what does the image say?"
  printf '{"id": "img-%05d", "modality": "image", "prompt": "%s", "media": [{"type": "image", "path": "%s"}], "reference": "%s", "metric": "exact"}\n' \
    "$i" "$q" "$img" "$answer" >>"$work/items.jsonl"
  # promptfoo turns a file:// image variable into base64 when it renders the prompt (from CSV tests;
  # YAML test files would inline the file's bytes as text).
  printf '"%s",file://%s,%s\n' "$q" "$img" "$answer" >>"$work/tests.csv"
done
cp "$here/promptfooconfig.yaml" "$here/prompt.json" "$work/"

# The endpoint.
"$mmgate" serve --canned "$answer" --port 0 --threads 64 >"$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -qs listening "$work/serve.out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/v1.*/\1/p' "$work/serve.out")
[ -n "$port" ] || { cat "$work/serve.out" >&2; exit 2; }
base="http://127.0.0.1:$port/v1"
export BENCH_API_KEY=bench-key-not-secret

measure() {  # name, command...: one line "name wall_s peak_rss_kib user_cpu_s sys_cpu_s"
  local name=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
    { echo "$name failed:" >&2; tail -n 20 "$work/$name.err" >&2; return 1; }
  echo "$name $(cat "$work/$name.time")"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $items items, concurrency $conc, endpoint $base"

# promptfoo: its own config folder and database, no response cache, no telemetry or update check.
(
  cd "$work"
  export PROMPTFOO_CONFIG_DIR="$work/pf-home" PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1
  export OPENAI_BASE_URL=$base OPENAI_API_KEY=$BENCH_API_KEY
  measure promptfoo node "$here/node_modules/promptfoo/dist/src/main.js" eval -c promptfooconfig.yaml \
    -j "$conc" --no-cache --no-progress-bar --no-table -o "$work/promptfoo.jsonl"
)
# JSONL, one result per line: promptfoo 0.118 refuses its single-document JSON output for 2,000 results on a
# loaded machine ("Dataset too large for JSON export"), and the side-by-side must run every time.
/usr/bin/python3 - "$work/promptfoo.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
passed = sum(1 for r in rows if r.get("success") is True)
errors = sum(1 for r in rows if r.get("error"))
print(f"# promptfoo: {len(rows)} results, {passed} passed, {len(rows) - passed} not passed ({errors} errors)")
PY

# mmgate: the same items as a suite, the endpoint as an OpenAI-compatible model (provider openai, issue 4).
cat >"$work/suite.yaml" <<YAML
name: bench-images
modality: image
dataset: items.jsonl
metric: exact
YAML
cat >"$work/mmgate.yaml" <<YAML
models:
  canned: {provider: openai, base_url: "$base", model: canned, api_key_env: BENCH_API_KEY, concurrency: $conc}
suites: [suite.yaml]
YAML
measure mmgate "$mmgate" run -c "$work/mmgate.yaml" -m canned -j "$conc" --json
sqlite3 "$work/.mmgate/results.db" \
  "SELECT '# mmgate: ' || count(*) || ' scored, ' || sum(value = 1) || ' passed' FROM scores WHERE metric = 'exact'"
read -r pw pm pu ps <"$work/promptfoo.time"
read -r mw mm mu ms <"$work/mmgate.time"
awk -v pw="$pw" -v pm="$pm" -v pu="$pu" -v ps="$ps" -v mw="$mw" -v mm="$mm" -v mu="$mu" -v ms="$ms" 'BEGIN {
  printf "| client | wall s | peak RSS MiB | CPU s (user+sys) |\n|---|---|---|---|\n"
  printf "| promptfoo | %.2f | %.0f | %.2f |\n| mmgate | %.2f | %.1f | %.2f |\n", pw, pm / 1024, pu + ps, mw, mm / 1024, mu + ms
  printf "mmgate: %.1fx faster (wall), %.1fx less CPU, %.1fx less peak memory\n", pw / mw, (pu + ps) / (mu + ms), pm / mm
}'
book_figure promptfoo "$items image items, concurrency $conc: wall" "$mw" s lower promptfoo "$pw"
book_figure promptfoo "$items image items: CPU (user+sys)" "$(awk -v u="$mu" -v s="$ms" 'BEGIN { print u + s }')" s lower \
  promptfoo "$(awk -v u="$pu" -v s="$ps" 'BEGIN { print u + s }')"
book_figure promptfoo "$items image items: peak RSS" "$(awk -v k="$mm" 'BEGIN { print k / 1024 }')" MiB lower \
  promptfoo "$(awk -v k="$pm" 'BEGIN { print k / 1024 }')"
