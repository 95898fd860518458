#!/usr/bin/env bash
# The pipeline commands end to end on the real local engines, and the
# per-stage page in headless Chromium. Input speech is made with sox (tones
# and noise, not words), so transcription fails on every item: the page must
# still show both runs' bars, both blame counts and every failing item.
# usage: cli_browser_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
source "$(dirname "$0")/../lib/browser.sh" pipeline "$@"
source "$HERE/voice_project.sh"
mkdir -p "$WORK/p/data/media"
cd "$WORK/p"

voice_tones
for i in 0 1 2 3; do
  echo "{\"id\": \"req-$i\", \"modality\": \"pipeline\", \"prompt\": \"\", \"media\": [{\"type\": \"audio\", \"path\": \"media/a$i.wav\"}], \"reference\": \"your timer is set\", \"gold\": {\"transcribe\": \"set a timer\", \"reason\": \"your timer is set\"}, \"slices\": {\"tone\": \"t$i\"}}"
done >data/items.jsonl
voice_suite
{
  voice_models
  cat <<'Y'
suites: [voice.yaml]
gate: {min_n: 2}
Y
} >mmgate.yaml

"$MMGATE" pipeline run -c mmgate.yaml -s voice --run-id base >run.txt 2>run.err || { cat run.err; fail "baseline run"; }
grep -q "0 of 4 items pass" run.txt || fail "baseline summary: $(cat run.txt)"
"$MMGATE" pipeline run -c mmgate.yaml -s voice --run-id cand --set reason=rules-v2 --json >cand.json 2>run.err \
  || { cat run.err; fail "candidate run"; }
/usr/bin/python3 -c 'import json,sys; j=json.load(open("cand.json")); assert j["items"] == 4 and j["failed"] == 4, j' \
  || fail "candidate JSON: $(cat cand.json)"
# Resuming a finished run redoes nothing.
"$MMGATE" pipeline run -c mmgate.yaml -s voice --run-id base >/dev/null 2>&1 || fail "resume"
"$MMGATE" pipeline run -c mmgate.yaml -s voice --set nosuch=x >/dev/null 2>err.txt && fail "unknown stage accepted"
grep -q "no stage 'nosuch'" err.txt || fail "unknown stage message: $(cat err.txt)"

rc=0
"$MMGATE" pipeline gate -c mmgate.yaml --baseline base --candidate cand --html stages.html \
  --markdown stages.md >gate.txt || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "gate exit $rc: $(cat gate.txt)"
grep -q "voice/transcribe" gate.txt || fail "gate lacks the transcribe stratum: $(cat gate.txt)"
grep -q "## Stages" stages.md || fail "markdown"

"$MMGATE" pipeline export-otel cand -c mmgate.yaml -o otel.json >/dev/null
/usr/bin/python3 - <<'PY' || fail "OTLP JSON"
import json
spans = json.load(open("otel.json"))["resourceSpans"][0]["scopeSpans"][0]["spans"]
roots = [s for s in spans if "parentSpanId" not in s]
assert len(roots) == 4, len(roots)
for s in spans:
    if "parentSpanId" in s:
        keys = {a["key"] for a in s["attributes"]}
        assert {"gen_ai.operation.name", "gen_ai.request.model", "gen_ai.system"} <= keys, keys
PY

node "$HERE/stages_check.cjs" "$WORK/p/stages.html" "$ARTIFACTS"
echo "pipeline_cli_browser: ok"
