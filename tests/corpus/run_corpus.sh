#!/usr/bin/env bash
# Runs mmgate over every case of the bad-input corpus (README.md). A case
# passes when mmgate exits below 128 (no crash) within the timeout (no hang),
# a failure message names the file, line, item or argument at fault, and the
# good item beside a bad one is still answered.
set -uo pipefail
MMGATE=$(realpath "$1")
CORPUS=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-corpus.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TIMEOUT=${CORPUS_TIMEOUT:-60}
cases=0
failures=0

fail() {
  echo "FAIL [$1]: $2" >&2
  failures=$((failures + 1))
}

# run_case NAME WANT CMD...: runs CMD in the current folder; RC is its exit.
run_case() {
  local name=$1 want=$2
  shift 2
  cases=$((cases + 1))
  timeout -k 5 "$TIMEOUT" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
    fail "$name" "hung: killed after ${TIMEOUT}s"
  elif [ "$RC" -ge 128 ]; then
    fail "$name" "crashed (exit $RC): $(tail -c 400 "$WORK/err")"
  elif [ "$RC" -ne 0 ] && ! grep -qF -- "$want" "$WORK/err"; then
    fail "$name" "exit $RC, message does not name '$want': $(tail -c 400 "$WORK/err")"
  else
    return 0
  fi
  return 1
}

# new_project DIR: one good item, a model that answers it, empty datasets.
new_project() {
  local dir=$1
  mkdir -p "$dir/data"
  cd "$dir" || exit 1
  echo '{"id": "good", "modality": "text", "prompt": "Say a", "reference": "a"}' >data/items.jsonl
  : >data/empty.jsonl
  printf '\n  \n\t\n' >data/blank.jsonl
  printf 'a b (u1)\nc d (u2)\n' >good.trn
  cat >model.sh <<'SH'
#!/bin/sh
cat >/dev/null
echo '{"answer": "a"}'
SH
  chmod +x model.sh
  printf 'name: qa\nmodality: text\ndataset: data/items.jsonl\nmetric: exact\n' >suite.yaml
  printf 'models:\n  m: {provider: exec, command: ["./model.sh"]}\nsuites: [suite.yaml]\n' >mmgate.yaml
}

sql() { sqlite3 .mmgate/results.db "$1"; }

# A dataset with one good item, then the case's lines.
jsonl_case() {
  local name=$1 file=$2
  new_project "$WORK/jsonl/$name"
  cat "$file" >>data/items.jsonl
  run_case "jsonl/$name" "items.jsonl" "$MMGATE" run -m m --run-id r -j 2 || return
  [ "$RC" -eq 0 ] || { fail "jsonl/$name" "run ended with exit $RC"; return; }
  local lines
  # Lines as the loader counts them: split on LF, blank if only spaces,
  # tabs and CRs.
  lines=$(python3 -c 'import sys; print(sum(1 for l in open(sys.argv[1], "rb").read().split(b"\n") if l.strip(b" \t\r")))' data/items.jsonl)
  [ "$(sql "SELECT COUNT(*) FROM responses WHERE run_id='r'")" = "$lines" ] ||
    fail "jsonl/$name" "not every line recorded ($lines lines)"
  [ "$(sql "SELECT COUNT(*) FROM responses WHERE run_id='r' AND item_id='good' AND error IS NULL")" = 1 ] ||
    fail "jsonl/$name" "the good item was lost"
  local unnamed
  unnamed=$(sql "SELECT item_id FROM responses WHERE run_id='r' AND error_kind='invalid_item' AND error NOT LIKE '%items.jsonl:%'")
  [ -z "$unnamed" ] || fail "jsonl/$name" "error without file:line for: $unnamed"
}

for f in "$CORPUS"/jsonl/*.jsonl; do jsonl_case "$(basename "$f" .jsonl)" "$f"; done
# Too big, or raw bytes, to keep as files.
mkdir -p "$WORK/gen"
python3 - "$WORK/gen" <<'PY'
import sys
d = sys.argv[1]
cases = {
    "nested_200000": b'{"id":"deep","modality":"text","k":' + b"[" * 200000 + b"}\n",
    "nested_200000_closed": b'{"id":"deep","modality":"text","reference":"a","k":' +
                            b"[" * 200000 + b"]" * 200000 + b"}\n",
    "objects_200000": b'{"id":"deep","k":' + b'{"a":' * 200000 + b"1}\n",
    "line_of_4mb": b'{"id":"long","modality":"text","prompt":"' + b"x" * (4 << 20) + b'","reference":"a"}\n',
    "nul_byte": b'{"id":"nul\x00","modality":"text","reference":"a"}\n',
    "invalid_utf8": b'{"id":"bad\xff\xfe","modality":"text","reference":"a"}\n',
    "cr_only": b'{"id":"c1","modality":"text","reference":"a"}\r{"id":"c2","reference":"a"}\r\n',
    "binary_garbage": bytes(range(256)) * 4 + b"\n",
}
for name, data in cases.items():
    open(f"{d}/{name}.jsonl", "wb").write(data)
PY
for f in "$WORK"/gen/*.jsonl; do jsonl_case "gen-$(basename "$f" .jsonl)" "$f"; done

# Every (field, hostile value) pair, one line each, in one dataset: each line
# is a case; the run must record each line and name it when it is invalid.
new_project "$WORK/fields"
cat "$CORPUS/generated/fields.jsonl" >>data/items.jsonl
n=$(wc -l <"$CORPUS/generated/fields.jsonl")
if run_case fields "items.jsonl" "$MMGATE" run -m m --run-id r -j 2; then
  cases=$((cases + n - 1))
  [ "$(sql "SELECT COUNT(*) FROM responses WHERE run_id='r'")" = "$((n + 1))" ] ||
    fail fields "not every line recorded"
  unnamed=$(sql "SELECT item_id FROM responses WHERE run_id='r' AND error_kind='invalid_item' AND error NOT LIKE '%items.jsonl:%'")
  [ -z "$unnamed" ] || fail fields "errors without file:line: $unnamed"
fi

# Project configs (as mmgate.yaml) and suite files (as suite.yaml).
for f in "$CORPUS"/yaml/*.yaml; do
  new_project "$WORK/yaml/$(basename "$f" .yaml)"
  cp "$f" mmgate.yaml
  run_case "yaml/$(basename "$f")" "mmgate.yaml" "$MMGATE" run -m m --run-id r
done
for f in "$CORPUS"/suite/*.yaml; do
  new_project "$WORK/suite/$(basename "$f" .yaml)"
  cp "$f" suite.yaml
  run_case "suite/$(basename "$f")" "suite.yaml" "$MMGATE" run -m m --run-id r
done

# Transcripts, as the reference and as the hypothesis.
new_project "$WORK/trn"
for f in "$CORPUS"/trn/*.trn; do
  name=$(basename "$f")
  run_case "trn/$name as ref" "$name" "$MMGATE" score wer --ref "$f" --hyp good.trn
  run_case "trn/$name as hyp" "$name" "$MMGATE" score cer --ref good.trn --hyp "$f"
done

# Media that engines decode: each file is one item of a run through the
# local OCR and speech engines, and the source of a perturbation.
source "$CORPUS/media_cases.sh"

# Command lines.
new_project "$WORK/cli"
"$MMGATE" run -m m --run-id r1 >/dev/null 2>&1
"$MMGATE" run -m m --run-id r2 >/dev/null 2>&1
mkdir -p full && echo keep >full/README
while IFS=$'\t' read -r want args; do
  case "$want" in '#'* | '') continue ;; esac
  # shellcheck disable=SC2086  # the arguments are split on spaces
  run_case "cli: $args" "$want" "$MMGATE" $args
  if [ "$RC" -eq 0 ]; then fail "cli: $args" "accepted (exit 0)"; fi
done <"$CORPUS/cli/cases.tsv"
[ "$(cat full/README)" = keep ] && [ ! -e full/items.jsonl ] || fail cli "perturb wrote into full/"
[ ! -e ../evil.yaml ] && [ ! -e evil.yaml ] || fail cli "perturb --name ../evil wrote outside -o"
[ -n "$(ls data)" ] && [ -e data/items.jsonl ] || fail cli "perturb damaged the source folder"

# Results databases that are not mmgate's (cut short, garbage, a newer
# schema, another program's SQLite file): every command that opens one fails
# with a message naming the file, and the file is left byte for byte.
new_project "$WORK/db"
"$MMGATE" run -m m --run-id r1 >/dev/null 2>&1
cp .mmgate/results.db good.db
head -c 3000 good.db >truncated.db
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7919 + 13) % 256 for i in range(16384)))' >garbage.db
python3 -c 'import sys; sys.stdout.buffer.write(b"SQLite format 3\0" + bytes(84) + b"\xff" * 3996)' >header_only.db
cp good.db newer.db
sqlite3 newer.db "INSERT INTO schema_version (version) VALUES (999); PRAGMA user_version = 999;"
sqlite3 foreign.db "CREATE TABLE invoices (id INTEGER, total REAL); INSERT INTO invoices VALUES (1, 2.5);"
for db in truncated garbage header_only newer foreign; do
  before=$(sha256sum <"$db.db")
  for args in "runs" "run -m m --run-id r9" "gate --baseline r1 --candidate r2" "report r1" "rescore r1"; do
    # shellcheck disable=SC2086  # the arguments are split on spaces
    run_case "db/$db: $args" "$db.db" "$MMGATE" $args --db "$db.db"
    if [ "$RC" -eq 0 ]; then fail "db/$db: $args" "accepted (exit 0)"; fi
  done
  [ "$(sha256sum <"$db.db")" = "$before" ] || fail "db/$db" "the database file was changed"
done

echo "corpus: $cases cases, $failures failures"
[ "$failures" -eq 0 ]
