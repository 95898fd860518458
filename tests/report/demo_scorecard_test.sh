#!/usr/bin/env bash
# The production scorecard of the demo's two models (the local engines'
# baseline and candidate, on the bundled gold suites, `demo --small`) in the
# HTML report, in headless Chromium.
# usage: demo_scorecard_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
source "$(dirname "$0")/../lib/browser.sh" demo-card "$@"
cd "$WORK"
rc=0
"$MMGATE" demo --small -o demo >demo.txt 2>demo.err || rc=$?
[ "$rc" = 0 ] || { tail -20 demo.err; echo "FAIL: demo exited $rc" >&2; exit 1; }
grep -q "Production scorecard" demo.txt || { cat demo.txt; echo "FAIL: no scorecard on the terminal" >&2; exit 1; }
grep -Eq "judge evidence-judge: quadratic kappa [0-9.]+ \(95% [0-9.]+\.\.[0-9.]+\), n [0-9]+, floor 0.60: gated" demo.txt || { cat demo.txt; echo "FAIL: no judge calibration beside the judged suite" >&2; exit 1; }
grep -q "### Production scorecard" demo/verdict.md || { echo "FAIL: no scorecard in verdict.md" >&2; exit 1; }
node "$HERE/demo_scorecard_check.cjs" "$WORK/demo/report.html" "$ARTIFACTS"
echo "demo_scorecard: ok"
