#!/usr/bin/env bash
# `mmgate runs` and run references end to end: the listing (text and --json)
# is newest first with exact item and error counts and the source of a
# rescored run; `latest` and `latest:MODEL` work in gate, report and rescore;
# an unknown run is refused with the runs that exist, newest first.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 40
cd "$WORK/p"
# One invalid line: recorded as an error in every run (41 items, 1 error).
echo '{"id": "nometric", "modality": "text", "prompt": "p", "reference": "r", "metric": "bleu-9000"}' >>data/items.jsonl
# A model that fails q0, q10, q20 and q30: 4 more errors.
cat >fail.sh <<'SH'
#!/usr/bin/env bash
req=$(cat)
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
n=${id#q}
if [ $((n % 10)) -eq 0 ]; then echo "no answer for $id" >&2; exit 1; fi
printf '{"answer": "a%s"}\n' "$n"
SH
chmod +x fail.sh
sed -i '/^models:/a\  failing: {provider: exec, command: ["./fail.sh"]}' mmgate.yaml

set +e
"$MMGATE" runs >/dev/null 2>"$WORK/err"
expect_eq "$?" "2" "no database yet is an input error"
set -e
expect_contains "$(cat "$WORK/err")" "no results database" "and says so"
[ ! -e .mmgate/results.db ] || fail "runs creates no database"

for run in scripted:base broken:bad failing:shaky scripted:same; do
  "$MMGATE" run -m "${run%%:*}" --run-id "${run#*:}" >/dev/null 2>&1 || fail "run $run"
done
out=$("$MMGATE" runs)
expect_eq "$(head -1 <<<"$out" | awk '{print $1, $2, $3, $4, $5, $6}')" \
  "run model suites items errors started" "header"
expect_eq "$(awk 'NR > 1 {print $1, $2, $3, $4, $5}' <<<"$out" | tr '\n' '|')" \
  "same scripted qa 41 1|shaky failing qa 41 5|bad broken qa 41 1|base scripted qa 41 1|" \
  "newest first, with items and errors"
expect_contains "$out" "UTC" "the start time is in UTC"

id=$("$MMGATE" rescore latest:broken --run-id bad-again 2>/dev/null)
expect_eq "$id" "bad-again" "rescore takes latest:MODEL"
expect_contains "$("$MMGATE" runs | sed -n 2p)" "rescore of bad" "a rescored run names its source"

json=$("$MMGATE" runs --json)
$PY - "$json" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
runs = j["runs"]
assert j["db"].endswith("results.db"), j["db"]
assert [r["run_id"] for r in runs] == ["bad-again", "same", "shaky", "bad", "base"], runs
want = {"bad-again": ("broken", 1, "bad"), "same": ("scripted", 1, None),
        "shaky": ("failing", 5, None), "bad": ("broken", 1, None),
        "base": ("scripted", 1, None)}
for r in runs:
    model, errors, source = want[r["run_id"]]
    assert r["model"] == model and r["source_run"] == source, r
    assert r["items"] == 41 and r["errors"] == errors, r
    assert r["answered"] == 41 - errors and r["not_run"] == 0, r
    assert r["suites"] == ["qa"] and r["status"] == "finished", r
    assert r["started"].endswith(" UTC") and r["created_ms"] > 0, r
assert runs[0]["created_ms"] >= runs[-1]["created_ms"]
PY

# latest:broken is now the rescored copy of `bad`: blocked against `same`.
set +e
"$MMGATE" gate --baseline latest:scripted --candidate latest:broken --json >"$WORK/v.json"
expect_eq "$?" "1" "the broken model is blocked"
"$MMGATE" gate --baseline base --candidate latest:scripted >/dev/null
expect_eq "$?" "0" "latest:scripted is the identical run"
"$MMGATE" gate --baseline same --candidate latest:scripted >/dev/null 2>"$WORK/err"
expect_eq "$?" "2" "a reference resolving to the baseline is refused"
set -e
expect_contains "$(cat "$WORK/err")" "compared with itself" "and says why"
$PY - "$WORK/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["baseline"] == "same" and v["candidate"] == "bad-again", v
PY
report=$("$MMGATE" report latest:scripted latest --json)
$PY - "$report" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
assert j["failed_items"]["baseline"] and j["failed_items"]["candidate"], j["failed_items"]
PY
expect_contains "$("$MMGATE" report latest:failing)" "run shaky" "report takes one reference"

# Seven more runs: the refusal names the ten newest, then how many more.
for i in 1 2 3 4 5 6 7; do "$MMGATE" rescore base --run-id "r$i" >/dev/null 2>&1; done
set +e
"$MMGATE" gate --baseline nosuch --candidate same 2>"$WORK/err" >/dev/null
expect_eq "$?" "2" "an unknown run is an input error"
"$MMGATE" report latest:nomodel 2>"$WORK/err2" >/dev/null
expect_eq "$?" "2" "a model without runs is an input error"
"$MMGATE" rescore latest: 2>"$WORK/err3" >/dev/null
expect_eq "$?" "2" "latest: without a model is an input error"
set -e
expect_contains "$(cat "$WORK/err")" \
  "no run 'nosuch'; runs in .mmgate/results.db: r7, r6, r5, r4, r3, r2, r1, bad-again, same, shaky ... and 2 more; see \`mmgate runs\`" \
  "the refusal lists the newest runs"
expect_contains "$(cat "$WORK/err2")" "no run of model 'nomodel'" "the model is named"
expect_contains "$(cat "$WORK/err2")" "models with runs: scripted, broken, failing" "with the models that have runs"
expect_contains "$(cat "$WORK/err3")" "names no model" "latest: is explained"
expect_eq "$("$MMGATE" runs --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))')" \
  "12" "every run is listed"
echo PASS
