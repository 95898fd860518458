#!/usr/bin/env bash
# `mmgate run` for a newcomer: without -m it runs the config's baseline and
# then its candidate; an unknown suite lists the suites and points at a suite
# file the config does not list; -s takes a suite file; --limit N runs the
# first N items of each suite; the end of a run shows each suite's score,
# and a terminal shows a progress line while it runs.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 30
cd "$WORK/p"

# No -m and no baseline/candidate in the config: say which flag is missing.
set +e
"$MMGATE" run >/dev/null 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "2" "no model to run is a usage error"
expect_contains "$(cat "$WORK/err")" "names no baseline or candidate model" "says why"
expect_contains "$(cat "$WORK/err")" "models: broken, scripted" "and lists the models"

printf 'baseline: scripted\ncandidate: broken\n' >>mmgate.yaml
"$MMGATE" run >"$WORK/out" 2>"$WORK/err" || fail "run without -m: $(cat "$WORK/err")"
expect_eq "$(wc -l <"$WORK/out")" "2" "two run ids, the baseline's then the candidate's"
expect_contains "$(head -1 "$WORK/out")" "scripted-" "the baseline first"
expect_contains "$(tail -1 "$WORK/out")" "broken-" "then the candidate"
expect_contains "$(cat "$WORK/err")" "running the candidate, model 'broken'" "says which it runs"
# The per-suite scores: q0..q29, every third answered wrong (20/30 right).
expect_contains "$(cat "$WORK/err")" "scores of scripted-" "a score summary at the end"
grep -qE '^  qa +exact +30 +0 +0\.667$' "$WORK/err" || fail "qa's score row: $(cat "$WORK/err")"
json=$("$MMGATE" run --json 2>/dev/null)
$PY - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert [x["model"] for x in r["runs"]] == ["scripted", "broken"], r
s = r["runs"][0]["scores"][0]
assert (s["suite"], s["metric"], s["scored"], s["failed"]) == ("qa", "exact", 30, 0), s
assert abs(s["score"] - 20 / 30) < 1e-9, s
PY
"$MMGATE" gate --baseline latest:scripted --candidate latest:broken >/dev/null || [ $? -le 3 ] ||
  fail "the two runs gate"

# An unknown suite: the suites, and the file that is there but not listed.
mkdir -p suites
sed 's/^name: qa/name: extra/; s#dataset: data/#dataset: ../data/#' suite.yaml >suites/extra.yaml
set +e
"$MMGATE" run -m scripted -s extra >/dev/null 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "2" "an unknown suite is a usage error"
expect_contains "$(cat "$WORK/err")" "no suite named 'extra' (suites: qa)" "lists the suites"
expect_contains "$(cat "$WORK/err")" \
  "suites/extra.yaml exists but mmgate.yaml does not list it: run it with -s suites/extra.yaml" \
  "points at the file"
json=$("$MMGATE" run -m scripted -s suites/extra.yaml --limit 7 --json 2>/dev/null)
$PY - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["total"] == 7 and r["done"] == 7 and r["errors"] == 0, r
assert [s["suite"] for s in r["scores"]] == ["extra"], r
PY
# A suite file the config lists already is the same suite.
json=$("$MMGATE" run -m scripted -s suite.yaml --limit 4 --json 2>/dev/null)
$PY - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["total"] == 4 and [s["suite"] for s in r["scores"]] == ["qa"], r
PY

# On a terminal, a progress line while items run.
MODEL_DELAY=0.05 script -qec "'$MMGATE' run -m scripted --run-id tty -j 1" "$WORK/tty" >/dev/null
expect_contains "$(tr '\r' '\n' <"$WORK/tty")" "30/30 items" "a progress line on a terminal"
echo "run defaults: ok"
