#!/usr/bin/env bash
# A run through an exec model, then a side-by-side report of two runs.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 12
cd "$WORK/p"
run_id=$("$MMGATE" run -c mmgate.yaml -m scripted --run-id first 2>"$WORK/err")
expect_eq "$run_id" "first" "run prints its id"
expect_eq "$(wc -l <calls)" "12" "every item asked once"
json=$("$MMGATE" run -c mmgate.yaml -m scripted --run-id first --json)
expect_eq "$($PY -c 'import json,sys; d=json.load(sys.stdin); print(d["skipped"], d["done"])' <<<"$json")" \
  "12 0" "a finished run resumes with nothing to do"
expect_eq "$(wc -l <calls)" "12" "resuming a finished run asks nothing"

"$MMGATE" run -c mmgate.yaml -m scripted --run-id second >/dev/null 2>&1
report=$("$MMGATE" report -c mmgate.yaml first second --json)
$PY - "$report" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
s = r["suites"][0]
assert s["suite"] == "qa" and s["metric"] == "exact", s
assert s["n"] == 12, s
assert abs(s["baseline"] - 8 / 12) < 1e-9, s
assert s["delta"] == 0, s
keys = sorted((x["key"], x["value"], x["n"]) for x in s["slices"])
assert keys == [("difficulty", "easy", 6), ("difficulty", "hard", 6)], keys
PY
text=$("$MMGATE" report -c mmgate.yaml first second)
expect_contains "$text" "difficulty=hard" "terminal report lists slices"
"$MMGATE" help | grep -q "score" || fail "help lists the commands"
echo "exec_run: ok"
