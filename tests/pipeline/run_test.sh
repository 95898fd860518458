#!/usr/bin/env bash
# `mmgate run` on a config whose suites include a pipeline suite: the
# pipeline runs through its stages inside the model's run (resume, failure
# reporting, store writes as for any suite), the candidate's run swaps the
# baseline's stage for the candidate, and `mmgate gate` gates the stages like
# slices. Real local engines; the input speech is sox tones (not words), so
# transcription fails on every item, which makes the counts exact.
# usage: run_test.sh MMGATE
set -euo pipefail
MMGATE=$(realpath "$1")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-pipeline-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$WORK/p/data/media"
cd "$WORK/p"
py() { /usr/bin/python3 -c "$@"; }

for i in 0 1 2 3; do
  sox -n -r 16000 -c 1 -b 16 "data/media/a$i.wav" synth 1.$i sine $((300 + 100 * i))
done
printf 'not a wav file' >data/media/broken.wav
for i in 0 1 2 3 broken; do
  f=a$i; [ "$i" = broken ] && f=broken
  echo "{\"id\": \"req-$i\", \"modality\": \"pipeline\", \"prompt\": \"\", \"media\": [{\"type\": \"audio\", \"path\": \"media/$f.wav\"}], \"reference\": \"your timer is set\", \"gold\": {\"transcribe\": \"set a timer\", \"reason\": \"your timer is set\"}}"
done >data/items.jsonl
cat >data/text.jsonl <<'J'
{"id": "t0", "modality": "text", "prompt": "set a timer please", "reference": "your timer is set"}
{"id": "t1", "modality": "text", "prompt": "timer now", "reference": "your timer is set"}
{"id": "t2", "modality": "text", "prompt": "what else", "reference": "sorry"}
J
cat >replies.gram <<'G'
#JSGF V1.0;
grammar replies;
public <reply> = your timer is set | sorry;
G
cat >voice.yaml <<'Y'
name: voice
modality: pipeline
dataset: data/items.jsonl
metric: wer
stages:
  - {name: transcribe, model: asr, kind: asr, metric: wer}
  - {name: reason, model: rules, kind: text, metric: normalized_match}
  - {name: synthesize, model: tts, kind: tts}
  - {name: verify, model: asr-replies, kind: asr, metric: wer, verifies: synthesize}
Y
cat >text.yaml <<'Y'
name: replies
modality: text
dataset: data/text.jsonl
metric: exact
Y
cat >mmgate.yaml <<'Y'
models:
  asr: {provider: pocketsphinx}
  asr-replies: {provider: pocketsphinx, jsgf: replies.gram}
  tts: {provider: espeak, voice: en-us, rate: 130, pitch: 40, range: 20}
  rules: {provider: rules, otherwise: sorry, rules: [{when: timer, say: "your timer is set"}]}
  rules-v2: {provider: rules, otherwise: "sorry", rules: [{when: timer set, say: "your timer is set"}]}
baseline: rules
candidate: rules-v2
suites: [text.yaml, voice.yaml]
gate: {min_n: 2}
Y

# 0. --dry-run sends nothing and lists the pipeline suite beside the plain
# one: its items, each stage's model (the candidate swapped in for the
# baseline's stage, then --set) and the calls its first pass makes.
"$MMGATE" run -c mmgate.yaml -m rules --dry-run --json >dry1.json 2>dry.err || { cat dry.err; fail "dry run"; }
"$MMGATE" run -c mmgate.yaml -m rules-v2 --set transcribe=asr-replies --dry-run --json >dry2.json 2>dry.err ||
  { cat dry.err; fail "dry run with --set"; }
py '
import json
for f, reason, transcribe in (("dry1.json", "rules", "asr"), ("dry2.json", "rules-v2", "asr-replies")):
    j = json.load(open(f))
    assert [s["suite"] for s in j["suites"]] == ["replies"] and j["suites"][0]["calls"] == 3, j
    (p,) = j["pipelines"]
    assert (p["suite"], p["items"], p["already_answered"], p["calls_at_least"]) == ("voice", 5, 0, 20), p
    assert [(s["stage"], s["model"]) for s in p["stages"]] == [
        ("transcribe", transcribe), ("reason", reason), ("synthesize", "tts"), ("verify", "asr-replies")], p
' || fail "dry run: $(cat dry1.json dry2.json)"
"$MMGATE" run -c mmgate.yaml -m rules-v2 --dry-run >dry.txt 2>dry.err || { cat dry.err; fail "dry run (text)"; }
grep -Eq "^voice +5 items, 0 stored, at least 20 calls: transcribe=asr, reason=rules-v2, synthesize=tts, verify=asr-replies$" dry.txt ||
  fail "dry run text: $(cat dry.txt)"
[ ! -e .mmgate/results.db ] || py '
import sqlite3
assert sqlite3.connect(".mmgate/results.db").execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
' || fail "a dry run made a run"

# 1. Both runs from one command: 3 text items and 5 pipeline items each; the
# pipeline item with unreadable audio is a failed item naming its stage.
rc=0
"$MMGATE" run -c mmgate.yaml --json >runs.json 2>runs.err || rc=$?
[ "$rc" = 0 ] || { cat runs.err; fail "run exit $rc"; }
py '
import json
j = json.load(open("runs.json"))["runs"]
assert len(j) == 2, j
for r in j:
    assert (r["total"], r["done"], r["skipped"], r["errors"]) == (8, 8, 0, 1), r
    f = r["failed_items"]
    assert len(f) == 1 and f[0]["id"] == "req-broken", f
    assert "transcribe" in f[0]["reason"], f
    p = r["pipelines"]
    assert len(p) == 1 and p[0]["suite"] == "voice", p
    assert (p[0]["items"], p[0]["passed"]) == (5, 0), p[0]
' || fail "run JSON: $(cat runs.json)"
BASE=$(py 'import json; print(json.load(open("runs.json"))["runs"][0]["run_id"])')
CAND=$(py 'import json; print(json.load(open("runs.json"))["runs"][1]["run_id"])')

# 2. The candidate's pipeline ran rules-v2 at the reason stage (the stage
# that names the baseline), the baseline's ran rules.
for run in "$BASE:rules" "$CAND:rules-v2"; do
  "$MMGATE" pipeline export-otel "${run%%:*}" -c mmgate.yaml -o otel.json >/dev/null
  py '
import json, sys
spans = json.load(open("otel.json"))["resourceSpans"][0]["scopeSpans"][0]["spans"]
models = set()
for s in spans:
    a = {x["key"]: x["value"] for x in s.get("attributes", [])}
    if a.get("gen_ai.operation.name", {}).get("stringValue") == "text_completion":
        models.add(a["gen_ai.request.model"]["stringValue"])
assert models == {sys.argv[1]}, models
' "${run#*:}" || fail "reason stage model of ${run%%:*}"
done

# 3. Text output: the per-stage summary and the failed item with its reason.
"$MMGATE" run -c mmgate.yaml -m rules --run-id text-run >text.out 2>text.err || fail "text run"
grep -q "0 of 5 items pass" text.err || fail "no stage summary: $(cat text.err)"
grep -q "req-broken" text.err || fail "failed item not shown: $(cat text.err)"

# 4. Resume: a run cut short by --limit finishes with the rest only.
"$MMGATE" run -c mmgate.yaml -m rules --run-id part --limit 2 --json >part1.json 2>/dev/null || fail "part 1"
"$MMGATE" run -c mmgate.yaml -m rules --run-id part --json >part2.json 2>/dev/null || fail "part 2"
py '
import json
a = json.load(open("part1.json")); b = json.load(open("part2.json"))
assert (a["total"], a["done"], a["skipped"]) == (4, 4, 0), a
assert (b["total"], b["done"], b["skipped"], b["resumed"]) == (8, 4, 4, True), b
' || fail "resume: $(cat part1.json part2.json)"
"$MMGATE" run -c mmgate.yaml -m rules --run-id part --json >part3.json 2>/dev/null || fail "part 3"
# Finished items are not run again; the errored one is retried, as in any run.
py 'import json; b = json.load(open("part3.json")); assert (b["done"], b["skipped"], b["errors"]) == (1, 7, 1), b' \
  || fail "finished run redid items: $(cat part3.json)"

# 5. The gate on the two runs: the text suite, and the pipeline as strata
# per stage (5 items each; the unreadable one fails at transcription).
rc=0
"$MMGATE" gate -c mmgate.yaml --baseline "$BASE" --candidate "$CAND" --json >gate.json || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || [ "$rc" = 3 ] || fail "gate exit $rc"
py '
import json
j = json.load(open("gate.json"))
n = {s["suite"]: s["n"] for s in j["suites"]}
assert n.get("replies") == 3, n
assert n.get("voice/end_to_end") == 5, n
assert n.get("voice/transcribe") == n.get("voice/reason") == 5, n
assert "voice" not in n, n
' || fail "gate strata: $(cat gate.json)"

# 6. --set names a stage of a selected pipeline suite.
"$MMGATE" run -c mmgate.yaml -m rules --set nosuch=x >/dev/null 2>err.txt && fail "unknown stage accepted"
grep -q "no selected pipeline suite has a stage 'nosuch'" err.txt || fail "--set message: $(cat err.txt)"
"$MMGATE" run -c mmgate.yaml -m rules -s replies --set reason=rules-v2 >/dev/null 2>err.txt \
  && fail "--set without a pipeline suite accepted"
echo "pipeline_run_cli: ok"
