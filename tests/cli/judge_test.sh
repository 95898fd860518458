#!/usr/bin/env bash
# A judge-scored suite end to end with the mmgate binary: exec models stand
# in for a user's baseline and candidate, an exec judge stands in for a judge
# model (it grades 5 when the answer holds the reference, else 1). Without a
# calibration the gate is inconclusive (exit 3) and says why; people's labels
# (written here by the test: they are NOT from people, only shaped like
# them) with a bad line are calibrated with file:line problems; then the
# gate decides (exit 0), and a candidate that regresses blocks (exit 1).
# usage: judge_test.sh MMGATE
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir data
$PY - <<'PY'
import json
items = [{"id": f"q-{i}", "modality": "text", "prompt": f"Say the code {i}.", "reference": f"code {i}",
          "slices": {"kind": "odd" if i % 2 else "even"}} for i in range(60)]
open("data/items.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in items))
# Label-shaped lines for calibration: graded answers, right and wrong.
lines = []
for i in range(60):
    right = i % 3 != 0
    grade = 5 if right else 1
    if i in (7, 20):  # two disagreements with the rule judge
        grade = 4 if right else 2
    lines.append({"suite": "codes", "item": f"q-{i}", "answer": f"code {i}" if right else "no idea",
                  "grade": grade, "grader": "test-fixture"})
text = "".join(json.dumps(x) + "\n" for x in lines)
text += json.dumps({"suite": "codes", "item": "q-999", "answer": "x", "grade": 5, "grader": "t"}) + "\n"
open("labels.jsonl", "w").write(text)
PY
cat >model.py <<'PY'
#!/usr/bin/python3
import json, sys
req = json.load(sys.stdin)
i = int(req["id"].split("-")[1])
worse = len(sys.argv) > 1 and i % 2 == 1
print(json.dumps({"answer": "no idea" if worse else f"code {i}"}))
PY
cat >judge.py <<'PY'
#!/usr/bin/python3
import json, sys
p = json.load(sys.stdin)["prompt"]
body = p[p.index("\n", p.index("<<ANSWER ")) + 1:p.index("<</ANSWER ")].strip()
refs = json.loads(p.split("Reference answer(s), a JSON list: ")[1].split("\n")[0])
grade = 5 if any(r in json.loads(body) for r in refs) else 1
print(json.dumps({"answer": json.dumps({"grade": grade, "failure_modes": [], "rationale": "rule"})}))
PY
chmod +x model.py judge.py
cat >rubric.yaml <<'YAML'
name: codes
instructions: Does the answer say the code?
scale: [1, 2, 3, 4, 5]
failure_modes: {wrong_number: the code is wrong}
YAML
cat >mmgate.yaml <<'YAML'
models:
  base: {provider: exec, command: ["./model.py"]}
  cand: {provider: exec, command: ["./model.py"]}
  worse: {provider: exec, command: ["./model.py", "--worse"]}
  grader: {provider: exec, command: ["./judge.py"]}
suites:
  - {name: codes, modality: text, dataset: data/items.jsonl, metric: judge,
     judge: {model: grader, rubric: rubric.yaml}}
gate: {margin: 0.05}
YAML

for m in base cand worse; do
  "$MMGATE" run -c mmgate.yaml -m $m --run-id $m >/dev/null 2>run.err || { cat run.err; fail "run $m"; }
done
grep -q "judge: 60 answers graded, 0 unscored" run.err || { cat run.err; fail "judge summary"; }

rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate cand --json >gate1.json || rc=$?
[ "$rc" = 3 ] || fail "uncalibrated judge: gate exit $rc, expected 3"
grep -q "has no score calibration for modality 'text'" gate1.json || fail "no reason: $(cat gate1.json)"

"$MMGATE" calibrate -c mmgate.yaml --judge grader --labels labels.jsonl --json >cal.json 2>cal.err
grep -q "labels.jsonl:61: unknown item id 'q-999'" cal.err || fail "bad label not named: $(cat cal.err)"
$PY - <<'PY' || fail "calibration figures: $(cat cal.json)"
import json
c = json.load(open("cal.json"))
assert c["labels"] == 60 and c["unscored"] == 0, c
whole = [s for s in c["strata"] if s["slice"] is None][0]
assert whole["raw_agreement"] == 58 / 60, whole
assert whole["gate_kappa"]["kind"] == "quadratic" and whole["gate_kappa"]["ci95"][0] >= 0.6, whole
assert {s["slice"]["value"] for s in c["strata"] if s["slice"]} == {"odd", "even"}
PY

rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate cand --json >gate2.json || rc=$?
[ "$rc" = 0 ] || fail "calibrated judge, same answers: gate exit $rc: $(cat gate2.json)"
grep -q "judge 'grader' calibrated for 'text'" gate2.json || fail "no calibration reason: $(cat gate2.json)"
rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate worse >/dev/null || rc=$?
[ "$rc" = 1 ] || fail "calibrated judge, a regression: gate exit $rc, expected 1"

# A floor above the kappa itself makes the same calibration too weak.
sed -i 's/gate: {margin: 0.05}/gate: {margin: 0.05, judge_kappa_floor: 0.999}/' mmgate.yaml
rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate worse --json >gate3.json || rc=$?
[ "$rc" = 3 ] || fail "floor 0.999: gate exit $rc, expected 3"
grep -q "must reach judge_kappa_floor" gate3.json || fail "floor reason: $(cat gate3.json)"

# rescore --judge grades a stored run again (from the judge's cache).
"$MMGATE" rescore -c mmgate.yaml base --judge --json >rescore.json 2>/dev/null
$PY -c 'import json; r=json.load(open("rescore.json")); assert r["judge"]["graded"]==60, r' || fail "rescore --judge: $(cat rescore.json)"
echo "cli_judge: ok"
