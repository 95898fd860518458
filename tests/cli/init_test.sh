#!/usr/bin/env bash
# `mmgate init` writes a project a newcomer can run at once, and never
# overwrites one.
source "$(dirname "$0")/lib.sh"
"$MMGATE" init "$WORK/p" >"$WORK/out"
for s in documents tables charts screenshots speech text; do
  [ -f "$WORK/p/suites/$s.yaml" ] || fail "suites/$s.yaml missing"
done
grep -q "^gate:" "$WORK/p/mmgate.yaml" || fail "the starter config has a gate policy"
cd "$WORK/p"
json=$("$MMGATE" run -m baseline -s charts -s tables --limit 5 --json 2>/dev/null)
$PY - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["total"] >= 10 and r["errors"] == 0 and r["done"] == r["total"], r
PY
set +e
"$MMGATE" init "$WORK/p" 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "2" "init refuses an existing project"
expect_contains "$(cat "$WORK/err")" "already exists" "and says why"
echo "init: ok"
