#!/usr/bin/env bash
# The backfill's flip review on the labeling page (mmgate backfill review
# --serve) in headless Chromium: a generated history (a stand-in for a
# production log) replayed through the example's exec candidate (a stand-in
# model that flips a known share of decisions); a reviewer grades four flips
# by keyboard (A, B, neither, A then undone and B), and afterwards the store
# holds exactly those labels as new/old/neither and `backfill analyze` gives
# the estimate of how often the candidate is right from them.
# usage: backfill_review_browser_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
set -euo pipefail
MMGATE=$(realpath "$1")
export NODE_PATH=$(realpath "$2")
ARTIFACTS=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../examples/backfill" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-review.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$ARTIFACTS"
cp "$EX"/generate.py "$EX"/candidate.py "$EX"/mmgate.yaml "$WORK/"
cd "$WORK"
$PY generate.py history --traces 1500 --seed 5 >/dev/null
"$MMGATE" backfill import -c mmgate.yaml history/traces.jsonl >/dev/null 2>&1
"$MMGATE" backfill run -c mmgate.yaml --sample 80 --run-id bf --json >/dev/null 2>run.err || { cat run.err; fail "backfill run"; }
"$MMGATE" backfill analyze bf -c mmgate.yaml --jsonl contested.jsonl >/dev/null
[ "$(wc -l <contested.jsonl)" -ge 4 ] || fail "fewer than 4 flips to review"

"$MMGATE" backfill review bf -c mmgate.yaml --serve --grader ana --size 6 --port 0 --json >serve.out 2>serve.err &
server=$!
for _ in $(seq 100); do
  grep -q '"url"' serve.out 2>/dev/null && break
  sleep 0.1
done
url=$($PY -c 'import json; print(json.load(open("serve.out"))["url"])') || { cat serve.err; fail "review did not print its address"; }
[ "$($PY -c 'import json; print(json.load(open("serve.out"))["flips"])')" = 6 ] || fail "flips served: $(cat serve.out)"

node "$HERE/backfill_review_check.cjs" "$url" "$ARTIFACTS" >graded.json
kill "$server"; wait "$server" || true; server=""

# What the grades must have become: A or B unblinded with the flip's own
# decisions (contested.jsonl), the undone grade withdrawn.
$PY - <<'PY' >expected.txt
import json
flips = {}
for line in open("contested.jsonl"):
    c = json.loads(line)
    flips[c["id"]] = c
graded = json.load(open("graded.json"))
out = []
for g in graded:
    c = flips[g["item"]]
    shown = {"A": g["a"], "B": g["b"]}
    assert sorted(shown.values()) == sorted([c["new_decision"], c["old_decision"]]), (g, c)
    if g["grade"] == "neither":
        out.append((g["item"], "neither"))
    else:
        out.append((g["item"], "new" if shown[g["grade"]] == c["new_decision"] else "old"))
for item, grade in sorted(out):
    print(f"{item}|{grade}")
PY
sqlite3 .mmgate/results.db "SELECT grader, item_id, grade FROM labels ORDER BY label_id" >"$ARTIFACTS/review_labels.txt"
rows=$(sqlite3 .mmgate/results.db "SELECT COUNT(*) FROM labels")
[ "$rows" = 6 ] || fail "expected 6 label rows (5 grades and 1 withdrawal), found $rows"
[ "$(sqlite3 .mmgate/results.db "SELECT COUNT(*) FROM labels WHERE grade = 'withdrawn'")" = 1 ] || fail "the undo is not stored"
# Each flip's newest label, the withdrawal cancelling the grade before it.
$PY - <<'PY' >stored.txt
import sqlite3
rows = sqlite3.connect(".mmgate/results.db").execute(
    "SELECT item_id, grade FROM labels WHERE run_id = 'bf' AND suite = 'backfill'"
    " AND grader = 'ana' ORDER BY label_id").fetchall()
stack = {}
for item, grade in rows:
    stack.setdefault(item, [])
    if grade == "withdrawn":
        stack[item].pop()
    else:
        stack[item].append(grade)
for item in sorted(stack):
    if stack[item]:
        print(f"{item}|{stack[item][-1]}")
PY
diff expected.txt stored.txt || fail "stored labels differ from the grades given"
[ "$(wc -l <stored.txt)" = 4 ] || fail "expected 4 reviewed flips"
right=$(grep -c '|new$' expected.txt || true)
a=$("$MMGATE" backfill analyze bf -c mmgate.yaml --json)
[ "$(jq .review.n <<<"$a")" = 4 ] || fail "analyze: reviewed $(jq -c .review <<<"$a")"
[ "$(jq .review.events <<<"$a")" = "$right" ] || fail "analyze: candidate right $(jq .review.events <<<"$a"), expected $right"
$PY -c "import sys; r=__import__('json').loads(sys.argv[1])['review']; assert 0 <= r['ci'][0] <= r['rate'] <= r['ci'][1] <= 1, r" "$a" || fail "interval: $(jq -c .review <<<"$a")"
text=$("$MMGATE" backfill analyze bf -c mmgate.yaml)
grep -q "reviewed flips: the candidate is right on" <<<"$text" || fail "the estimate is not printed"
cp expected.txt graded.json "$ARTIFACTS/"
echo "backfill_review_browser: ok ($right of 4 reviewed flips: the candidate is right)"
