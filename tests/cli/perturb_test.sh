#!/usr/bin/env bash
# mmgate perturb: bad input exits 2 naming the item or argument and writes
# nothing; a good call writes a loadable suite, byte-identical for a seed.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 4
cd "$WORK/p"

run_bad() {  # run_bad EXPECTED_MESSAGE ARGS...: exit 2 with the message
  local want=$1
  shift
  set +e
  "$MMGATE" perturb -c mmgate.yaml -s qa "$@" -o "$WORK/bad" 2>"$WORK/err" >/dev/null
  local rc=$?
  set -e
  expect_eq "$rc" "2" "perturb $*"
  expect_contains "$(cat "$WORK/err")" "$want" "perturb $*"
  [ ! -e "$WORK/bad/items.jsonl" ] || fail "perturb $* wrote items"
}
run_bad "item q0: rotate:5 is an image perturbation but the item has no image" --kinds rotate:5
run_bad "item q0: gsm:8k is an audio perturbation" --kinds typos:0.1 gsm
run_bad "unknown perturbation kind 'sharpen'" --kinds sharpen:2
run_bad "level '5' out of range for typos" --kinds typos:5
set +e
"$MMGATE" perturb -c mmgate.yaml -s nope --kinds typos:0.1 -o "$WORK/bad" 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "2" "unknown suite"
expect_contains "$(cat "$WORK/err")" "no suite named 'nope' (suites: qa)" "unknown suite"

"$MMGATE" perturb -c mmgate.yaml -s qa --kinds typos:0.5 clutter:2 reorder:0.5 --seed 3 \
  -o "$WORK/a" --json >"$WORK/out"
expect_eq "$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["clean_items"], d["variant_items"], d["suite"])' "$WORK/out")" \
  "4 12 qa-perturbed" "perturb summary"
"$MMGATE" perturb -c mmgate.yaml -s suite.yaml --kinds typos:0.5 clutter:2 reorder:0.5 --seed 3 \
  -o "$WORK/b" >/dev/null
diff -r "$WORK/a" "$WORK/b" >/dev/null || fail "same seed, different files"
grep -q '"id":"q1~clutter-2".*"perturbation":"clutter:2".*"group":"q1"' "$WORK/a/items.jsonl" ||
  fail "variant keeps its group and names its perturbation: $(cat "$WORK/a/items.jsonl")"

# The new suite runs like any other.
cp model.sh "$WORK/a/"
printf 'models:\n  m: {provider: exec, command: ["./model.sh"]}\nsuites: [qa-perturbed.yaml]\n' >"$WORK/a/mmgate.yaml"
"$MMGATE" run -c "$WORK/a/mmgate.yaml" -m m --run-id r --json >/dev/null
expect_eq "$(sqlite3 "$WORK/a/.mmgate/results.db" "SELECT COUNT(*) FROM responses WHERE run_id='r'")" "16" \
  "every clean item and variant answered"
echo "perturb_test: ok"
