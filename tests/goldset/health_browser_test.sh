#!/usr/bin/env bash
# The gold-set health picture in headless Chromium: `mmgate goldset health
# --html` and the gate's `--html` report of a project with a goldset:
# section. Exec models stand in for a user's models (three runs: some items
# every run passes, some every run fails, the rest mixed); the first run is
# made 60 days old by editing its created_ms in the results database, a
# stand-in for a run made two months ago, so part of the gold set is older
# than the 30-day cadence. A slice and a small suite are below min_n.
# usage: health_browser_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
set -euo pipefail
MMGATE=$(realpath "$1")
export NODE_PATH=$(realpath "$2")
ARTIFACTS=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-goldset-browser.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$ARTIFACTS" "$WORK/data"
cd "$WORK"

$PY - <<'PY'
import json
charts = [{"id": f"c-{i}", "modality": "text", "prompt": f"Value {i}?", "reference": f"v{i}",
           "slices": {"kind": "rare" if i < 3 else "bar"}} for i in range(24)]
# Hostile text in a slice value: shown as text, never as markup.
charts[0]["slices"]["kind"] = "rare<img src=x onerror=window.__xss=1>"
forms = [{"id": f"f-{i}", "modality": "text", "prompt": f"Field {i}?", "reference": f"v{i}"}
         for i in range(6)]
open("data/charts.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in charts))
open("data/forms.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in forms))
PY
cat >model.py <<'PY'
#!/usr/bin/python3
# Items 0-9 right for every model, 10-13 wrong for every model, the rest
# right only for model "b".
import json, sys
i = int(json.load(sys.stdin)["id"].split("-")[1])
right = i < 10 or (i >= 14 and sys.argv[1] == "b")
print(json.dumps({"answer": f"v{i}" if right else "no"}))
PY
chmod +x model.py
cat >mmgate.yaml <<'YAML'
models:
  a: {provider: exec, command: ["./model.py", "a"]}
  b: {provider: exec, command: ["./model.py", "b"]}
suites:
  - {name: charts, modality: text, dataset: data/charts.jsonl, metric: exact}
  - {name: forms, modality: text, dataset: data/forms.jsonl, metric: exact}
gate:
  margin: 0.05
  min_n: 10
goldset: {cadence_days: 30}
YAML
"$MMGATE" run -c mmgate.yaml -m a -s charts --run-id r1 >/dev/null 2>err || { cat err; fail "run r1"; }
"$MMGATE" run -c mmgate.yaml -m b --run-id r2 >/dev/null 2>err || { cat err; fail "run r2"; }
"$MMGATE" run -c mmgate.yaml -m a --run-id r3 >/dev/null 2>err || { cat err; fail "run r3"; }
$PY - <<'PY'
import sqlite3
db = sqlite3.connect(".mmgate/results.db")
db.execute("UPDATE runs SET created_ms = created_ms - 60 * 86400000 WHERE run_id = 'r1'")
db.commit()
PY

"$MMGATE" goldset health -c mmgate.yaml --json --html health.html >health.json 2>err || { cat err; fail "goldset health"; }
$PY - <<'PY' || fail "health figures: $(cat health.json)"
import json
h = json.load(open("health.json"))
assert (h["items"], h["stale"], h["never_run"]) == (30, 24, 0), h
assert (h["all_pass"], h["all_fail"], h["mixed"]) == (16, 4, 10), h
# charts kind=rare (3) and the whole forms suite (6) are below min_n 10.
assert [(c["suite"], c["n"]) for c in h["below_min_n"]] == [("charts", 2), ("charts", 1), ("forms", 6)], h["below_min_n"]
PY
rc=0; "$MMGATE" gate -c mmgate.yaml --baseline r3 --candidate r2 --html gate.html >/dev/null 2>err || rc=$?
[ "$rc" -le 3 ] || { cat err; fail "gate exit $rc"; }
node "$HERE/health_browser_check.cjs" "$WORK/health.html" "$WORK/gate.html" "$WORK/health.json" "$ARTIFACTS"
echo "goldset_health_browser: ok"
