#!/usr/bin/env bash
# A concurrency sweep against `mmgate serve --engines` (the starter project's local engines, Tesseract OCR
# behind the OpenAI API on 127.0.0.1): where do the engines saturate, and does quality hold at each step?
# Writes the JSON and HTML reports of the sweep to OUT (the figure of docs/load.md).
#   usage: bench/load/engines_sweep.sh BUILD_DIR OUT_DIR [LEVELS=1/2/4/8] [SECONDS_PER_LEVEL=20] [SUITE=documents]
set -euo pipefail
build=$(realpath "${1:?usage: engines_sweep.sh BUILD_DIR OUT_DIR [LEVELS] [SECONDS] [SUITE]}")
out=$(realpath -m "${2:?usage: engines_sweep.sh BUILD_DIR OUT_DIR [LEVELS] [SECONDS] [SUITE]}")
levels=${3:-1/2/4/8}
each=${4:-20}
suite=${5:-documents}
mmgate=$build/mmgate
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-bench-sweep.XXXXXX")
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

"$mmgate" init "$work/p" >/dev/null
cd "$work/p"
"$mmgate" serve --engines -c mmgate.yaml --models baseline --port 0 --json >serve.json 2>serve.err &
server=$!
for _ in $(seq 300); do [ -s serve.json ] && break; sleep 0.1; done
port=$(/usr/bin/python3 -c 'import json; print(json.load(open("serve.json"))["port"])')
cat >>mmgate.yaml <<YAML

# Added by bench/load/engines_sweep.sh: the same engines over HTTP.
YAML
/usr/bin/python3 - "$port" <<'PY'
import re, sys
port = sys.argv[1]
text = open("mmgate.yaml").read()
entry = f"  served: {{provider: openai, base_url: \"http://127.0.0.1:{port}/v1\", model: baseline, timeout_s: 120}}\n"
text = text.replace("models:\n", "models:\n" + entry, 1)
open("mmgate.yaml", "w").write(text)
PY
n=$(echo "$levels" | tr '/' '\n' | wc -l)
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"$mmgate" load -c mmgate.yaml -m served -s "$suite" --profile "sweep:levels=$levels,each=$each" \
  --duration $((n * each)) --score --db "$work/results.db" --report "$out/sweep.json" --html "$out/sweep.html" -q
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
