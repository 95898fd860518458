#!/usr/bin/env bash
# A pairwise-judged suite in the normal flow: `mmgate run` both models, then
# `mmgate gate` has the judge compare the two runs' answers in both orders
# itself (through the item executor), reports the candidate's wins, ties and
# losses and the position-bias rate, and still applies the calibration rule
# (no calibration: exit 3). The judge is sent each distinct prompt once: the
# baseline's copy and a second gate are served from the response cache
# (the exec judge writes a line per call to calls.log, which is counted).
# Exec models stand in for a user's models; an exec judge stands in for a
# judge model (it prefers the answer holding the reference and, when neither
# does, always the first one shown: a position bias the gate must count).
# usage: pairwise_gate_test.sh MMGATE
set -euo pipefail
MMGATE=$(realpath "$1")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-pairwise-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$WORK"
mkdir data
$PY - <<'PY'
import json
items = [{"id": f"q-{i}", "modality": "text", "prompt": f"Say the code {i}.", "reference": f"code {i}"}
         for i in range(10)]
open("data/items.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in items))
PY
cat >model.py <<'PY'
#!/usr/bin/python3
# Baseline right on q-0..q-4, candidate (--better) on q-0..q-7.
import json, sys
i = int(json.load(sys.stdin)["id"].split("-")[1])
right = i < (8 if len(sys.argv) > 1 else 5)
print(json.dumps({"answer": f"code {i}" if right else "no idea"}))
PY
cat >judge.py <<'PY'
#!/usr/bin/python3
import json, sys
req = json.load(sys.stdin)
open("calls.log", "a").write(req["id"] + "\n")
p = req["prompt"]
def block(label):
    start = p.index("\n", p.index("<<" + label + " ")) + 1
    return json.loads(p[start:p.index("<</" + label + " ")].strip())
refs = json.loads(p.split("Reference answer(s), a JSON list: ")[1].split("\n")[0])
a, b = (any(r in block(x) for r in refs) for x in ("ANSWER_A", "ANSWER_B"))
winner = "A" if a and not b else "B" if b and not a else "tie" if a else "A"
print(json.dumps({"answer": json.dumps({"winner": winner, "rationale": "rule"})}))
PY
chmod +x model.py judge.py
cat >rubric.yaml <<'YAML'
name: codes
instructions: Which answer says the code?
scale: [1, 2, 3, 4, 5]
failure_modes: {wrong_number: the code is wrong}
YAML
cat >mmgate.yaml <<'YAML'
models:
  base: {provider: exec, command: ["./model.py"]}
  cand: {provider: exec, command: ["./model.py", "--better"]}
  grader: {provider: exec, command: ["./judge.py"]}
suites:
  - {name: codes, modality: text, dataset: data/items.jsonl, metric: judge,
     judge: {model: grader, rubric: rubric.yaml, mode: pairwise}}
YAML

for m in base cand; do
  "$MMGATE" run -c mmgate.yaml -m $m --run-id $m >/dev/null 2>run.err || { cat run.err; fail "run $m with a pairwise suite"; }
done

rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate cand --json >gate1.json 2>gate1.err || rc=$?
[ "$rc" = 3 ] || { cat gate1.err; fail "uncalibrated pairwise judge: gate exit $rc, expected 3"; }
grep -q "pairwise judge: compared cand with base in both orders" gate1.err || fail "no comparison: $(cat gate1.err)"
# Each distinct prompt is sent once: two orders of q-5..q-7, where the
# answers differ; one for the other items, whose two answers are equal (both
# orders are the same prompt). The baseline's copy repeats them from the cache.
expected='q-0 1 q-1 1 q-2 1 q-3 1 q-4 1 q-5 2 q-6 2 q-7 2 q-8 1 q-9 1'
calls() { sort calls.log | uniq -c | awk '{print $2, $1}' | paste -sd " "; }
[ "$(calls)" = "$expected" ] || fail "first gate judge calls: $(calls), expected $expected"
grep -q "(10 verdicts, 0 from cache, " gate1.err || fail "first gate tally: $(cat gate1.err)"
$PY - <<'PY' || fail "verdict: $(cat gate1.json)"
import json
j = json.load(open("gate1.json"))
s = j["suites"][0]
reasons = "\n".join(s["reasons"])
assert "candidate preferred on 3, tie on 7, baseline preferred on 0 of 10 items" in reasons, reasons
assert "position bias: 2 of 10 pairwise verdicts (20.0%)" in reasons, reasons
assert "has no pairwise calibration" in reasons, reasons
p = s["judge"]["pairwise"]
assert (p["wins"], p["ties"], p["losses"], p["position_flips"]) == (3, 7, 0, 2), p
assert abs(p["position_bias_rate"] - 0.2) < 1e-12, p
PY
# Gating again asks the judge nothing: every verdict from the cache, the
# same counts.
rc=0; "$MMGATE" gate -c mmgate.yaml --baseline base --candidate cand --json >gate2.json 2>gate2.err || rc=$?
[ "$rc" = 3 ] || fail "second gate exit $rc"
[ "$(calls)" = "$expected" ] || fail "second gate called the judge: $(calls)"
grep -q "(10 verdicts, 10 from cache, \$0.0000)" gate2.err || fail "second gate tally: $(cat gate2.err)"
$PY - <<'PY' || fail "second verdict: $(cat gate2.json)"
import json
p = json.load(open("gate2.json"))["suites"][0]["judge"]["pairwise"]
assert (p["wins"], p["ties"], p["losses"], p["position_flips"]) == (3, 7, 0, 2), p
PY
echo "pairwise_gate: ok"
