#!/usr/bin/env bash
# `mmgate backfill` end to end on the example's generated history (a stand-in
# for a production log) and its exec candidate (a stand-in model that flips
# a known share of decisions): import with bad lines and deleted media,
# plan (precision, cost, nothing spent), run, resume, analyze (JSON, CSV,
# JSONL, the flip view in headless Chromium), review export and labels.
# usage: backfill_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export NODE_PATH=$(realpath "$2")
ARTIFACTS=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../examples/backfill" && pwd)
cp "$EX"/generate.py "$EX"/candidate.py "$EX"/mmgate.yaml "$WORK/"
cd "$WORK"
$PY generate.py history --traces 3000 --seed 3 >/dev/null
# Two more traces whose category is markup: the flip view shows it as text.
for i in 1 2; do
  printf '{"id": "x-%d", "time": "2026-10-01T10:00:0%dZ", "category": "<img src=x onerror=window.__xss=1>", "prompt": "[fraud] case x-%d", "decision": "allow"}\n' $i $i $i >>history/traces.jsonl
done
zstd -q history/traces.jsonl -o history/traces.jsonl.zst

# Import: the .zst file directly; bad lines by number, deleted media listed.
out=$("$MMGATE" backfill import -c mmgate.yaml history/traces.jsonl.zst --json)
expect_eq "$(jq .traces <<<"$out")" 3002 "traces imported"
expect_eq "$(jq -c '[.files[0].malformed[].line]' <<<"$out")" "[11,21]" "malformed lines"
expect_contains "$(jq -r '.files[0].malformed[1].error' <<<"$out")" "traces.jsonl.zst:21: 'confidence' must be a number" "error names file:line"
expect_eq "$(jq .not_replayable <<<"$out")" 3 "deleted screenshots"
expect_contains "$(jq -r '.files[0].not_replayable[0].reason' <<<"$out")" "no such file (not replayable)" "reason"

# Plan: precision and cost before anything is spent; no run is created.
plan=$("$MMGATE" backfill plan -c mmgate.yaml --sample 60 --json)
expect_eq "$(jq .history <<<"$plan")" 3002 "history size"
expect_eq "$(jq .sample <<<"$plan")" 60 "sample size"
hw=$(jq .precision.half_width <<<"$plan")
$PY -c "import sys; assert 0.05 < $hw < 0.09, $hw" || fail "half width $hw"
expect_eq "$(jq .cost.calls <<<"$plan")" "$(jq .replayable <<<"$plan")" "calls planned"
[ ! -e calls ] || fail "plan called the model"
runs=$("$MMGATE" runs -c mmgate.yaml --json | jq ".runs | length")
expect_eq "$runs" 0 "plan made a run"
prec=$("$MMGATE" backfill plan -c mmgate.yaml --precision 0.05 --json | jq .sample)
$PY -c "assert 100 < $prec < 200, $prec" || fail "sample for +/-0.05: $prec"

# Run, then run again: nothing is replayed twice.
run=$("$MMGATE" backfill run -c mmgate.yaml --sample 60 --workers 2 --run-id bf --json)
expect_eq "$(jq .replay.replayed <<<"$run")" 60 "replayed"
again=$("$MMGATE" backfill run -c mmgate.yaml --run-id bf --json)
expect_eq "$(jq .replay.replayed <<<"$again")" 0 "replayed on resume"
expect_eq "$(jq .replay.already_done <<<"$again")" "$(jq .replayable <<<"$run")" "done earlier"
err=$("$MMGATE" backfill run -c mmgate.yaml --run-id bf --sample 90 2>&1 || true)
expect_contains "$err" "resumes with its own sample" "resampling a run is refused"

# Analyze: JSON, CSV, JSONL, and the flip view.
a=$("$MMGATE" backfill analyze bf -c mmgate.yaml --json --csv contested.csv --jsonl contested.jsonl --html flips.html)
expect_eq "$(jq -r '.groups[0].dimension' <<<"$a")" all "first group"
flips=$(jq .flips <<<"$a")
[ "$flips" -gt 0 ] || fail "no flips"
expect_eq "$(($(wc -l <contested.csv) - 1))" "$flips" "CSV rows"
expect_eq "$(wc -l <contested.jsonl)" "$flips" "JSONL rows"
expect_eq "$(head -1 contested.jsonl | jq -r .category)" fraud "highest stakes first"
lo=$(jq '.groups[0].flip_rate.ci[0]' <<<"$a"); hi=$(jq '.groups[0].flip_rate.ci[1]' <<<"$a")
$PY -c "assert 0 <= $lo < $hi <= 1" || fail "interval [$lo, $hi]"
node "$HERE/backfill_check.cjs" flips.html "$ARTIFACTS"

# Review: a sample out, reviewers' answers in, an estimate with interval.
"$MMGATE" backfill review bf -c mmgate.yaml --export review.jsonl --size 4 2>/dev/null
expect_eq "$(wc -l <review.jsonl)" "$(($flips < 4 ? $flips : 4))" "review sample"
$PY - <<'PY'
import json
rows = [json.loads(l) for l in open("review.jsonl")]
for i, r in enumerate(rows):
    r["right"] = "old" if i == 0 else "new"
open("reviewed.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
rv=$("$MMGATE" backfill review bf -c mmgate.yaml --labels reviewed.jsonl --grader ana --json)
expect_eq "$(jq .candidate_right.n <<<"$rv")" "$(wc -l <review.jsonl)" "labels read"
expect_eq "$(jq .candidate_right.events <<<"$rv")" "$(($(wc -l <review.jsonl) - 1))" "candidate right"
echo "backfill CLI ok"
