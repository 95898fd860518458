#!/usr/bin/env bash
# The HTML report and the dashboard in headless Chromium: a small image and
# audio project run by two exec models (stand-ins for a user's models: a
# baseline that answers right and a candidate that breaks one slice and
# answers some items with markup, javascript: links, ANSI and bidi controls),
# gated with --html, then `mmgate serve` on a free loopback port.
# usage: browser_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
source "$(dirname "$0")/../lib/browser.sh" browser "$@"
mkdir -p "$WORK/p/data/media"
cd "$WORK/p"

# Three bar-chart PNGs (tests/lib/media.py) and two short WAV clips.
$PY - <<'PY'
from media import bar_png
bar_png("data/media/c0.png", [3, 7, 5, 9], 480, 320, gap=12)
bar_png("data/media/c1.png", [8, 2, 6], 480, 320, gap=12)
bar_png("data/media/c2.png", [4, 4, 9, 1, 6], 480, 320, gap=12)
PY
sox -n -r 16000 -c 1 -b 16 data/media/a0.wav synth 1.2 sine 440 fade 0.05 1.2 0.1
sox -n -r 16000 -c 1 -b 16 data/media/a1.wav synth 0.8 sine 660:880

$PY - <<'PY'
import json
items, audio = [], []
for i in range(30):
    items.append({"id": f"chart-{i}", "modality": "chart", "prompt": f"Tallest bar of chart {i}?",
                  "media": [{"type": "image", "path": f"media/c{i % 3}.png"}],
                  "reference": f"v{i}", "slices": {"chart_type": "bar" if i % 2 else "line",
                                                     "difficulty": ["easy", "medium", "hard"][i % 3]}})
# Hostile ids: shown as text, never as markup.
items[1]["id"] = "chart-1<script>window.__xss=1</script>"
items[3]["id"] = "chart-3<img src=x onerror=window.__xss=1>"
for i in range(24):
    audio.append({"id": f"utt-{i}", "modality": "audio", "prompt": "Transcribe.",
                  "media": [{"type": "audio", "path": f"media/a{i % 2}.wav"}],
                  "reference": f"words {i}",
                  "slices": {"voice": "slt\x1b[2J\u202e" if i % 2 else "awb"}})
open("data/charts.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in items))
open("data/speech.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in audio))
PY

cat >model.py <<'PY'
#!/usr/bin/python3
# Baseline: right on every item. Candidate (--worse): wrong on the odd
# (bar / slt) items, some answered with hostile text.
import json, sys
req = json.load(sys.stdin)
ref = {"chart": lambda i: f"v{i}", "audio": lambda i: f"words {i}"}
i = int(req["id"].split("-")[1].split("<")[0])
answer = ref[req["modality"]](i)
if len(sys.argv) > 1 and i % 2:
    hostile = ["<script>window.__xss=1</script>",
               "<img src=x onerror=\"window.__xss=1\">",
               "<a href=\"javascript:window.__xss=1\">click me</a>",
               "\x1b[31mred\x1b[0m \u202egnp.exe\u2066 \x1b]0;title\x07"]
    answer = hostile[(i // 2) % 4] if i < 20 else answer + " wrong"
print(json.dumps({"answer": answer}))
PY
chmod +x model.py
cat >mmgate.yaml <<'YAML'
models:
  base: {provider: exec, command: ["./model.py"]}
  cand: {provider: exec, command: ["./model.py", "--worse"]}
suites:
  - {name: charts, modality: chart, dataset: data/charts.jsonl, metric: exact}
  - {name: speech, modality: audio, dataset: data/speech.jsonl, metric: exact}
gate:
  margin: 0.05
  min_n: 10
  # Met by both runs: the SLO table shows it without changing the verdict.
  slo:
    - {figure: latency_p95, max: 60000}
YAML

"$MMGATE" run -c mmgate.yaml -m base --run-id base >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; fail "baseline run"; }
"$MMGATE" run -c mmgate.yaml -m cand --run-id cand >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; fail "candidate run"; }
rc=0
"$MMGATE" gate -c mmgate.yaml --baseline base --candidate cand --html gate.html >gate.txt || rc=$?
[ "$rc" = 1 ] || fail "gate should block (exit 1), got $rc"
"$MMGATE" report -c mmgate.yaml base cand --format html -o report.html
cmp -s gate.html report.html || fail "gate --html and report --format html differ"
size=$(stat -c %s report.html)
echo "report.html: $size bytes"

# The terminal shows model and dataset text with its controls escaped.
"$MMGATE" report -c mmgate.yaml base cand >report.txt
if LC_ALL=C grep -qP '\x1b|\xe2\x80\xae' gate.txt report.txt; then fail "raw control sequence on the terminal"; fi
grep -qF 'voice=slt\x1b[2J\u202e' report.txt || fail "slice with controls not shown escaped: $(cat report.txt)"

"$MMGATE" serve -c mmgate.yaml --port 0 >serve.out 2>serve.err &
server=$!
for _ in $(seq 100); do
  grep -q "http://" serve.out 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://[^ ]*' serve.out | head -1)
[ -n "$url" ] || { cat serve.err; fail "serve did not print its address"; }
headers=$(curl -sS -D - -o /dev/null "$url")
grep -qi "^content-security-policy: default-src 'none'" <<<"$headers" || fail "dashboard CSP header: $headers"

node "$HERE/browser_check.cjs" "$WORK/p/report.html" "$url" "$ARTIFACTS"
kill "$server"
wait "$server" || true
echo "report_browser: ok"
