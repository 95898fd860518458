#!/usr/bin/env bash
# `mmgate gate` end to end: a candidate that breaks the hard slice is blocked
# (exit 1) with that slice named; an identical candidate passes (exit 0); a
# small slice is a coverage gap (exit 0), inconclusive (exit 3) when its key is
# required; --plan prints the items each stratum needs; bad run ids exit 2.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 240
cd "$WORK/p"
"$MMGATE" run -m scripted --run-id base >/dev/null 2>&1
"$MMGATE" run -m broken --run-id bad >/dev/null 2>&1
"$MMGATE" run -m scripted --run-id same >/dev/null 2>&1

set +e
"$MMGATE" gate --baseline base --candidate bad --markdown "$WORK/v.md" --junit "$WORK/j.xml" >"$WORK/out"
rc=$?
set -e
expect_eq "$rc" "1" "a regression blocks"
head -1 "$WORK/out" | grep -q "^VERDICT: BLOCK" || fail "the verdict comes first: $(head -1 "$WORK/out")"
expect_contains "$(cat "$WORK/out")" "difficulty=hard" "the blocked slice is named"
head -1 "$WORK/v.md" | grep -q "BLOCK" || fail "markdown starts with the verdict"
expect_contains "$(cat "$WORK/j.xml")" "<failure" "junit has a failure"
$PY - "$WORK/j.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fails = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
assert any("difficulty=hard" in f for f in fails), fails
PY

json=$("$MMGATE" gate --baseline base --candidate bad --json || true)
$PY - "$json" <<'PY'
import json, sys
v = json.loads(sys.argv[1])
assert v["verdict"] == "block", v["verdict"]
assert v["baseline"] == "base" and v["candidate"] == "bad"
assert len(v["policy"]) == 16
s = v["suites"][0]
assert s["suite"] == "qa" and s["modality"] == "text" and s["metric"] == "exact"
hard = [x for x in s["slices"] if x["key"] == "difficulty" and x["value"] == "hard"][0]
assert hard["verdict"] == "block" and hard["delta"] < 0 and hard["ci"][1] < 0, hard
easy = [x for x in s["slices"] if x["value"] == "easy"][0]
assert easy["verdict"] == "pass", easy
PY

set +e
"$MMGATE" gate --baseline base --candidate same >/dev/null
expect_eq "$?" "0" "an identical candidate passes"
"$MMGATE" gate --baseline base --candidate nosuchrun 2>"$WORK/err" >/dev/null
expect_eq "$?" "2" "an unknown run is an input error"
set -e
expect_contains "$(cat "$WORK/err")" "nosuchrun" "the unknown run is named"

# Ten items with their own slice value: too few to judge, never passed silently.
for i in $(seq 0 9); do
  printf '{"id": "r%d", "modality": "text", "prompt": "p", "reference": "a", "slices": {"difficulty": "rare"}}\n' "$i" >>data/items.jsonl
done
"$MMGATE" run -m scripted --run-id base2 >/dev/null 2>&1
"$MMGATE" run -m scripted --run-id same2 >/dev/null 2>&1
set +e
"$MMGATE" gate --baseline base2 --candidate same2 >"$WORK/out3"
expect_eq "$?" "0" "a slice below min_n is a coverage gap, not a stop"
expect_contains "$(cat "$WORK/out3")" "coverage: 1 stratum too small" "the gap is summarised"
expect_contains "$(cat "$WORK/out3")" "coverage gap" "the gap is shown in the table"
sed -i 's/^gate: {margin: 0.05, min_n: 20}$/gate: {margin: 0.05, min_n: 20, slices: {difficulty: {required: true}}}/' mmgate.yaml
"$MMGATE" gate --baseline base2 --candidate same2 >/dev/null
expect_eq "$?" "3" "a required key's gap is inconclusive"
"$MMGATE" gate --plan --churn 0.05 --json >"$WORK/plan.json"
expect_eq "$?" "0" "--plan from the items"
"$MMGATE" gate --plan --baseline base2 --candidate same2 >"$WORK/plan.txt"
expect_eq "$?" "0" "--plan from the runs"
"$MMGATE" gate >/dev/null 2>&1
expect_eq "$?" "2" "gate without runs or --plan is a usage error"
"$MMGATE" gate --baseline base --candidate same2 >/dev/null 2>"$WORK/err4"
expect_eq "$?" "2" "different suite versions are refused"
set -e
expect_contains "$(cat "$WORK/err4")" "differs between the runs" "the refusal says why"
$PY - "$WORK/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["plan"]
rare = [r for r in plan if r.get("value") == "rare"][0]
assert rare["required"] and rare["n"] == 10 and rare["items_needed"] > 10, rare
PY
expect_contains "$(cat "$WORK/plan.txt")" "needed" "the plan has its table"
echo "gate: ok"
