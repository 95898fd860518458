# Shared by the CLI tests: a scratch folder, assertions, and a project whose
# model is an exec script with scripted answers (a stand-in for a user's
# in-house model speaking DESIGN.md's exec protocol).
set -euo pipefail
MMGATE=$(realpath "$1")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-cli.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
PY=/usr/bin/python3

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { grep -qF -- "$2" <<<"$1" || fail "$3: '$2' not in: $1"; }

# make_project DIR N: N text items q0..q(N-1), odd ones "hard"; the model
# answers "aI" except for every third item, and appends each id it is asked
# to DIR/calls. Run as `model.sh --break-hard` it also fails half the hard
# items (the `broken` model).
make_project() {
  local dir=$1 n=$2
  mkdir -p "$dir/data"
  : >"$dir/data/items.jsonl"
  for ((i = 0; i < n; i++)); do
    printf '{"id": "q%d", "modality": "text", "prompt": "Say a%d", "reference": "a%d", "slices": {"difficulty": "%s"}}\n' \
      "$i" "$i" "$i" "$([ $((i % 2)) -eq 0 ] && echo easy || echo hard)" >>"$dir/data/items.jsonl"
  done
  cat >"$dir/model.sh" <<'SH'
#!/usr/bin/env bash
req=$(cat)
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
echo "$id" >>"$(dirname "$0")/calls"
sleep "${MODEL_DELAY:-0}"
n=${id#q}
if [ $((n % 3)) -eq 0 ] || { [ "${1:-}" = --break-hard ] && [ $((n % 4)) -eq 1 ]; }; then
  answer=wrong
else
  answer="a$n"
fi
printf '{"answer": "%s", "usage": {"input_tokens": 5, "output_tokens": 1}}\n' "$answer"
SH
  chmod +x "$dir/model.sh"
  cat >"$dir/suite.yaml" <<'YAML'
name: qa
modality: text
dataset: data/items.jsonl
metric: exact
YAML
  cat >"$dir/mmgate.yaml" <<'YAML'
models:
  scripted: {provider: exec, command: ["./model.sh"]}
  broken: {provider: exec, command: ["./model.sh", "--break-hard"]}
suites: [suite.yaml]
gate: {margin: 0.05, min_n: 20}
YAML
}

# stored_results DB RUN: one line per item and metric of RUN (suite, item,
# answer, error kind, metric, value in millionths), sorted; DB is a SQLite
# file or a postgresql:// URL (read with psql).
stored_results() {
  local db=$1 run=$2
  local sql="SELECT r.suite, r.item_id, COALESCE(r.answer, '-'), r.error_kind, COALESCE(s.metric, '-'),
    CAST(ROUND(COALESCE(s.value, -1) * 1000000) AS BIGINT) FROM responses r LEFT JOIN scores s
    ON s.run_id = r.run_id AND s.suite = r.suite AND s.item_id = r.item_id WHERE r.run_id = '$run'"
  if [[ "$db" == postgres* ]]; then
    psql "$db" -AtF '|' -c "$sql" | LC_ALL=C sort
  else
    $PY -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join(str(c) for c in row))' "$db" "$sql" | LC_ALL=C sort
  fi
}

# expect_workers_shared WORK N: the --json reports WORK/w1.json..w4.json of four
# workers account for N items together, at least two did some of them, and
# every one saw the run finished and had no write refused; exactly one of them
# (or the coordinator, WORK/coord.json if there) recorded the run.
expect_workers_shared() {
  $PY - "$1" "$2" <<'PY' || fail "the workers' reports in $1"
import json, os, sys
work, n = sys.argv[1], int(sys.argv[2])
done = [json.load(open(f"{work}/w{w}.json")) for w in range(1, 5)]
assert sum(d["items"] for d in done) == n, done
assert sum(1 for d in done if d["items"] > 0) >= 2, f"the work was shared: {done}"
assert all(d["run_finished"] and d["refused_writes"] == 0 for d in done), done
coord = f"{work}/coord.json"
planners = done + ([json.load(open(coord))] if os.path.exists(coord) else [])
assert sum(1 for d in planners if d["planned"]) == 1, f"the run was recorded once: {planners}"
PY
}
