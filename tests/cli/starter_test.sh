#!/usr/bin/env bash
# The first hour (issue 15): `mmgate init`, `mmgate run` (the baseline, then
# the candidate) and `mmgate gate` on the starter project give a decided
# verdict (pass or block, never inconclusive), with the strata too small to
# decide summarised in one coverage line; the example text model runs the
# text suite. Several minutes of OCR and speech recognition: labelled slow.
source "$(dirname "$0")/lib.sh"
"$MMGATE" init "$WORK/p" >"$WORK/out" 2>&1 || fail "init: $(cat "$WORK/out")"
cd "$WORK/p"
grep -l "mmgate demo" suites/*.yaml && fail "a starter suite says the demo wrote it"
"$MMGATE" run -j 2 >"$WORK/ids" 2>"$WORK/err" || fail "run: $(tail -20 "$WORK/err")"
expect_eq "$(wc -l <"$WORK/ids")" "2" "run without -m runs the baseline and the candidate"
set +e
"$MMGATE" gate --baseline latest:baseline --candidate latest:candidate >"$WORK/verdict"
rc=$?
set -e
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "gate exit $rc, not a decided verdict: $(head -20 "$WORK/verdict")"
reasons=$(sed -n '3,/^$/p' "$WORK/verdict")
expect_contains "$reasons" "- coverage: " "the gaps in one line"
if grep -q -- "- inconclusive: .*coverage gap" <<<"$reasons"; then
  fail "a coverage gap listed as a reason of its own: $reasons"
fi
if grep -q -- "robustness .*below min_n" <<<"$reasons"; then
  fail "a small robustness point listed as a reason: $reasons"
fi
json=$("$MMGATE" run -m text-example -s suites/text.yaml --json 2>/dev/null)
$PY - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["total"] == 4 and r["errors"] == 0, r
assert r["scores"][0]["suite"] == "text" and r["scores"][0]["score"] >= 0.75, r
PY
echo "starter: ok (gate exit $rc)"
