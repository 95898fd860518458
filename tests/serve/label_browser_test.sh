#!/usr/bin/env bash
# The labeling page (mmgate label) in headless Chromium, end to end: a small
# image and audio project whose suites are judge-scored, run by exec models
# (stand-ins for a user's models; the candidate answers some items with
# markup and script) and an exec judge (a stand-in that grades by a rule).
# Two graders grade by keyboard only; the labels land in the store; an image
# is decoded and an audio clip is playable; no injected script runs; writes
# from another origin are refused; `label stats` gives their kappa and
# `label export` gold JSONL that `mmgate calibrate` reads.
# usage: label_browser_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
source "$(dirname "$0")/../lib/browser.sh" label "$@"
mkdir -p "$WORK/p/data/media"
cd "$WORK/p"

$PY - <<'PY'
import json
from media import bar_png
bar_png("data/media/c0.png", [3, 7, 5, 9], 320, 200, gap=10)
bar_png("data/media/c1.png", [8, 2, 6], 320, 200, gap=10)
charts = [{"id": f"chart-{i}", "modality": "chart", "prompt": f"Tallest bar of chart {i}?",
           "media": [{"type": "image", "path": f"media/c{i % 2}.png"}], "reference": f"v{i}",
           "slices": {"chart_type": "bar"}} for i in range(2)]
speech = [{"id": "utt-0", "modality": "audio", "prompt": "Transcribe.",
           "media": [{"type": "audio", "path": "media/a0.wav"}], "reference": "words 0"}]
open("data/charts.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in charts))
open("data/speech.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in speech))
PY
sox -n -r 16000 -c 1 -b 16 data/media/a0.wav synth 1.2 sine 440 fade 0.05 1.2 0.1

cat >model.py <<'PY'
#!/usr/bin/python3
# Baseline: the reference. Candidate (--worse): markup and script.
import json, sys
req = json.load(sys.stdin)
i = int(req["id"].split("-")[1])
answer = f"v{i}" if req["modality"] == "chart" else f"words {i}"
if len(sys.argv) > 1:
    answer = ["<script>window.__xss=1</script>", "<img src=x onerror=\"window.__xss=2\">",
              "<b>words</b> 0"][i if req["modality"] == "chart" else 2]
print(json.dumps({"answer": answer}))
PY
cat >judge.py <<'PY'
#!/usr/bin/python3
# A stand-in judge: grade 5 when the answer block holds the reference, else 1.
import json, sys
req = json.load(sys.stdin)
p = req["prompt"]
body = p[p.index("\n", p.index("<<ANSWER ")) + 1:p.index("<</ANSWER ")].strip()
refs = json.loads(p.split("Reference answer(s), a JSON list: ")[1].split("\n")[0])
grade = 5 if any(r in json.loads(body) for r in refs) else 1
print(json.dumps({"answer": json.dumps({"grade": grade, "failure_modes": [], "rationale": "rule"})}))
PY
chmod +x model.py judge.py
cat >rubric.yaml <<'YAML'
name: test-rubric
instructions: Does the answer state what the input shows or says?
scale: {1: wrong, 2: mostly wrong, 3: partly right, 4: minor slip, 5: right}
failure_modes: {chart_misread: misread value, hallucinated_header: invented label}
YAML
cat >mmgate.yaml <<'YAML'
models:
  base: {provider: exec, command: ["./model.py"]}
  cand: {provider: exec, command: ["./model.py", "--worse"]}
  grader: {provider: exec, command: ["./judge.py"]}
suites:
  - {name: charts, modality: chart, dataset: data/charts.jsonl, metric: judge,
     judge: {model: grader, rubric: rubric.yaml}}
  - {name: speech, modality: audio, dataset: data/speech.jsonl, metric: judge,
     judge: {model: grader, rubric: rubric.yaml}}
YAML

"$MMGATE" run -c mmgate.yaml -m base --run-id base >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; fail "baseline run"; }
"$MMGATE" run -c mmgate.yaml -m cand --run-id cand >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; fail "candidate run"; }
grep -q "judge: 3 answers graded, 0 unscored" "$WORK/err" || { cat "$WORK/err"; fail "judge summary"; }

"$MMGATE" label -c mmgate.yaml --run base --run cand --grader ana --port 0 --json >label.out 2>label.err &
server=$!
for _ in $(seq 100); do
  grep -q '"url"' label.out 2>/dev/null && break
  sleep 0.1
done
url=$($PY -c 'import json,sys; print(json.load(open("label.out"))["url"])') || { cat label.err; fail "label did not print its address"; }

# Writes from another origin, or without one, are refused.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' \
  -H 'Content-Type: application/json' -d '{"index": 0, "grade": "5"}' "${url}api/label")
[ "$code" = 403 ] || fail "cross-origin write answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"index": 0, "grade": "5"}' "${url}api/label")
[ "$code" = 403 ] || fail "write without Origin answered $code"
headers=$(curl -sS -D - -o /dev/null "$url")
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" <<<"$headers" || fail "CSP: $headers"

node "$HERE/label_check.cjs" "$url" "$ARTIFACTS"
stop_server

labels=$(sqlite3 .mmgate/results.db "SELECT COUNT(*) FROM labels WHERE grade != 'withdrawn'")
[ "$labels" -ge 8 ] || fail "expected at least 8 labels in the store, found $labels"
sqlite3 .mmgate/results.db "SELECT grader, run_id, suite, item_id, grade FROM labels ORDER BY label_id" >"$ARTIFACTS/labels.txt"
grep -q '^ana|' "$ARTIFACTS/labels.txt" && grep -q '^ben|' "$ARTIFACTS/labels.txt" || fail "graders not stored"
grep -q 'chart_misread' <(sqlite3 .mmgate/results.db "SELECT mode FROM label_failure_modes") || fail "failure-mode tag not stored"

stats=$("$MMGATE" label stats -c mmgate.yaml --json)
$PY -c 'import json,sys; p=json.loads(sys.argv[1])["pairs"]; assert p and p[0]["graders"]==["ana","ben"] and p[0]["n"]>=2, p' "$stats" || fail "label stats: $stats"
"$MMGATE" label export -c mmgate.yaml -o gold.jsonl 2>/dev/null
[ "$(wc -l <gold.jsonl)" -ge 8 ] || fail "export wrote $(wc -l <gold.jsonl) lines"
! "$MMGATE" label export -c mmgate.yaml -o gold.jsonl 2>/dev/null || fail "export overwrote a file without --force"
"$MMGATE" calibrate -c mmgate.yaml --judge grader --labels gold.jsonl --json >cal.json 2>cal.err || { cat cal.err; fail "calibrate on exported labels"; }
$PY -c 'import json; c=json.load(open("cal.json")); assert c["labels"]>=8 and c["strata"], c' || fail "calibration: $(cat cal.json)"
cp gold.jsonl cal.json "$ARTIFACTS/"
echo "label_browser: ok"
