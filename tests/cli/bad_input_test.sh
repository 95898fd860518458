#!/usr/bin/env bash
# Bad items are reported with file and line, recorded as errors, and never end
# the run; config errors exit 2 with a message naming the file.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 4
cd "$WORK/p"
cat >>data/items.jsonl <<'JSONL'
{"id": "broken-json", "modality": "text",
{"id": "q1", "modality": "text", "prompt": "dup", "reference": "x"}
{"id": "img", "modality": "text", "prompt": "p", "reference": "r", "media": [{"type": "image", "path": "../outside.png"}]}
{"id": "nometric", "modality": "text", "prompt": "p", "reference": "r", "metric": "bleu-9000"}
JSONL
set +e
"$MMGATE" run -c mmgate.yaml -m scripted --run-id r >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
expect_eq "$rc" "0" "a run with bad items still completes"
err=$(cat "$WORK/err")
expect_contains "$err" "items.jsonl:5" "malformed line named by file and line"
expect_contains "$err" "q1" "duplicate id named"
expect_contains "$err" "items.jsonl:7" "escaping media path named by line"
expect_contains "$err" "bleu-9000" "unknown metric named"
expect_eq "$(sqlite3 .mmgate/results.db "SELECT COUNT(*) FROM responses WHERE run_id='r' AND error_kind='invalid_item'")" \
  "4" "every bad line recorded as an error"
expect_eq "$(sqlite3 .mmgate/results.db "SELECT COUNT(*) FROM responses WHERE run_id='r' AND error IS NULL")" \
  "4" "the good items answered"

printf 'models: {m: {provider: exec, command: [x]}}\nsuites: [missing.yaml]\n' >bad.yaml
set +e
"$MMGATE" run -c bad.yaml -m m 2>"$WORK/err2"
rc=$?
set -e
expect_eq "$rc" "2" "config error exits 2"
expect_contains "$(cat "$WORK/err2")" "missing.yaml" "config error names the file"
set +e
"$MMGATE" run -c mmgate.yaml -m nosuchmodel 2>"$WORK/err3"
rc=$?
set -e
expect_eq "$rc" "2" "unknown model exits 2"
expect_contains "$(cat "$WORK/err3")" "nosuchmodel" "unknown model named"
# `--db --help` is a slip, not a database named --help: refused (exit 2,
# naming the option and the value) before any command opens (and would
# create) it, in commands and in subcommands of commands alike.
refused() { # refused VALUE ARGS...: ARGS exit 2 naming VALUE, no file made
  local value=$1 before
  shift
  before=$(ls -A)
  set +e
  "$MMGATE" "$@" >"$WORK/out4" 2>"$WORK/err4"
  rc=$?
  set -e
  expect_eq "$rc" "2" "$* exits 2"
  expect_contains "$(cat "$WORK/err4")" "'$value' is an option, not a value" "$* names the slip"
  expect_contains "$(cat "$WORK/err4")" "--db" "$* names the option"
  expect_eq "$(ls -A)" "$before" "$* created no file"
}
for cmd in serve gate report runs run rescore; do
  refused --help "$cmd" -c mmgate.yaml --db --help
done
refused -h serve -c mmgate.yaml --db -h
refused --help runs --db=--help
refused --help backfill import --db --help traces.jsonl
refused --help label stats -c mmgate.yaml --db --help
refused --help pipeline show --db --help r
refused --help goldset health -c mmgate.yaml --db --help
# Values that merely begin with one dash, and --opt=value, still work.
"$MMGATE" report r -c mmgate.yaml --db=.mmgate/results.db -o - >"$WORK/out5"
expect_contains "$(cat "$WORK/out5")" "qa/nometric" "report -o - writes to stdout"
echo "bad_input: ok"
