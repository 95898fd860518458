#!/usr/bin/env bash
# Failed items are shown with their reasons, not only counted: `run` prints
# the first few (id, kind, reason) and how to see all, a run where every item
# failed exits 4, and `report` lists them in text, Markdown and JSON.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 8
cd "$WORK/p"
cat >crash.sh <<'SH'
#!/bin/sh
cat >/dev/null
echo "segfault in layer 3" >&2
exit 139
SH
cat >garbage.sh <<'SH'
#!/bin/sh
cat >/dev/null
echo 'this is not json'
SH
chmod +x crash.sh garbage.sh
sed -i 's|^models:|models:\n  crash: {provider: exec, command: ["./crash.sh"]}\n  garbage: {provider: exec, command: ["./garbage.sh"]}\n  typo: {provider: exec, command: ["./modle.sh"]}|' mmgate.yaml

echo '{"id": "bad-1", "modality": "text", "reference": 1e999999}' >>data/items.jsonl
set +e
"$MMGATE" run -c mmgate.yaml -m crash --run-id c -j 2 >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "4" "a run where every item failed exits 4"
err=$(cat "$WORK/err")
expect_contains "$err" "every item failed: 9 items failed in run c" "the failures are counted as failures"
expect_contains "$err" "qa/q0 (" "the first failed item is named"
expect_contains "$err" "segfault in layer 3" "with its reason"
expect_contains "$err" "... and 4 more" "the rest are counted"
expect_contains "$err" "all of them: mmgate report c" "and the command to see all"

for m in garbage typo; do
  set +e
  "$MMGATE" run -c mmgate.yaml -m "$m" --run-id "$m" >/dev/null 2>"$WORK/err"
  rc=$?
  set -e
  expect_eq "$rc" "4" "$m: every item failed"
  expect_contains "$(cat "$WORK/err")" "qa/q0" "$m: item named"
done

# One bad line among good items: the run succeeds and names it.
"$MMGATE" run -c mmgate.yaml -m scripted --run-id ok >/dev/null 2>"$WORK/err"
err=$(cat "$WORK/err")
expect_contains "$err" "1 item failed in run ok" "one failure"
expect_contains "$err" "(invalid_item): " "its kind"
expect_contains "$err" "items.jsonl:9" "its line"

"$MMGATE" report -c mmgate.yaml ok c >"$WORK/text"
text=$(cat "$WORK/text")
expect_contains "$text" "failed items in ok (1):" "text report: baseline failures"
expect_contains "$text" "failed items in c (9):" "text report: candidate failures"
expect_contains "$text" "segfault in layer 3" "text report: reasons"
"$MMGATE" report -c mmgate.yaml ok c --format md >"$WORK/md"
expect_contains "$(cat "$WORK/md")" "### Failed items in c (9)" "Markdown section"
expect_contains "$(cat "$WORK/md")" "| qa/q0 | " "Markdown row"
"$MMGATE" report -c mmgate.yaml ok c --json >"$WORK/json"
expect_eq "$($PY -c 'import json,sys; d=json.load(open(sys.argv[1]))["failed_items"]; print(len(d["baseline"]), len(d["candidate"]), d["candidate"][0]["id"])' "$WORK/json")" \
  "1 9 q0" "JSON failed items"
"$MMGATE" report -c mmgate.yaml c >"$WORK/one"
expect_contains "$(cat "$WORK/one")" "qa/q7" "one run: all its failed items"
"$MMGATE" report -c mmgate.yaml ok c --format html -o "$WORK/r.html"
grep -q '"failed_items"' "$WORK/r.html" || fail "HTML report carries the failed items"
grep -q 'segfault in layer 3' "$WORK/r.html" || fail "HTML report carries their reasons"
echo "failed_items: ok"
