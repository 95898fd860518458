#!/usr/bin/env bash
# `mmgate mine` end to end on a small production log (made here; the model
# answers in it are written by this test, not by a model): bad lines named
# by file:line and skipped, missing media reported, duplicate media removed,
# exact counts per signal and stratum in --json, suite JSONL written and not
# overwritten without --force; then `mmgate label --run` on the mined run
# shows a mined image and audio clip in headless Chromium and stores a grade
# given by keyboard.
# usage: mine_cli_test.sh MMGATE NODE_MODULES ARTIFACT_DIR
source "$(dirname "$0")/../lib/browser.sh" mine "$@"
mkdir -p "$WORK/p/logs/media"
cd "$WORK/p"

$PY - <<'PY'
import base64, json
from media import bar_png
a = bar_png("logs/media/a.png", [3, 7, 5], 240, 160, color=(200, 60, 40))
bar_png("logs/media/a-copy.png", [3, 7, 5], 240, 160, color=(200, 60, 40))  # the same bytes as a.png
bar_png("logs/media/b.png", [9, 1], 240, 160, color=(200, 60, 40))
def t(i, modality, media, signals, slices, **kw):
    d = {"id": i, "time": "2026-11-02T10:00:00Z", "category": "support", "modality": modality,
         "prompt": f"What does {i} show?", "decision": kw.pop("decision", f"answer {i}"),
         "media": media, "signals": signals, "slices": slices}
    d.update(kw)
    return json.dumps(d)
img = lambda p: [{"type": "image", "path": p}]
lines = [
    t("img-1", "chart", img("media/a.png"), {"thumbs_down": True}, {"chart_type": "bar"}),
    t("img-2", "chart", img("media/a-copy.png"), {"ticket_tag": "wrong-total"}, {"chart_type": "bar"}),
    t("img-3", "chart", [{"type": "image", "mime": "image/png", "base64": base64.b64encode(a).decode()}],
      {"retries": 3}, {"chart_type": "bar"}),
    t("img-4", "chart", img("media/b.png"), {}, {"chart_type": "line"}, confidence=0.2,
      decision="<script>window.__xss=1</script>"),
    t("img-5", "chart", img("media/gone.png"), {"thumbs_down": True}, {"chart_type": "line"}),
    t("img-6", "chart", img("media/b.png"), {"thumbs_down": False}, {"chart_type": "line"}, confidence=0.9),
    "{not json",
    t("aud-1", "audio", [{"type": "audio", "path": "media/a0.wav"}], {"rating": 1, "thumbs_down": True},
      {"accent": "scottish"}),
    json.dumps({"id": "bad-retries", "time": 1, "category": "c", "decision": "x", "signals": {"retries": "two"}}),
]
open("logs/prod.jsonl", "w").write("\n".join(lines) + "\n")
PY
sox -n -r 16000 -c 1 -b 16 logs/media/a0.wav synth 1.2 sine 330 fade 0.05 1.2 0.1
cat >rubric.yaml <<'YAML'
name: mined-rubric
instructions: Is the logged answer right about the input?
scale: {1: wrong, 2: partly right, 3: right}
failure_modes: {chart_misread: misread value, misheard_word: misheard a load-bearing word}
YAML

"$MMGATE" mine --help | grep -q -- "--signal" || fail "mine --help"
out=$("$MMGATE" mine --logs logs/prod.jsonl --rubric rubric.yaml -o mined --run-id mined-1 \
      --signal thumbs_down,ticket,low_confidence:0.5,retries:2,rating:2 --json 2>mine.err) \
  || { cat mine.err; fail "mine exited $?"; }
echo "$out" >"$ARTIFACTS/mine.json"
$PY - "$out" <<'PY' || fail "mine summary: $out"
import json, sys
j = json.loads(sys.argv[1])
assert j["traces"] == 7, j["traces"]
assert [m["line"] for m in j["malformed"]] == [7, 9], j["malformed"]
assert j["selected"] == 6, j["selected"]
assert j["per_signal"] == {"thumbs_down": 3, "ticket": 1, "low_confidence:0.5": 1,
                           "retries:2": 1, "rating:2": 1}, j["per_signal"]
assert [m["trace"] for m in j["missing_media"]] == ["img-5"], j["missing_media"]
assert j["duplicates_removed"] == 2, j["duplicates"]
assert {d["trace"]: d["same_as"] for d in j["duplicates"]} == {"img-2": "img-1", "img-3": "img-1"}
assert j["unique"] == 3 and j["queued"] == 3
assert j["per_modality"] == {"audio": {"available": 1, "queued": 1},
                             "chart": {"available": 2, "queued": 2}}, j["per_modality"]
assert len(j["strata"]) == 3 and j["run"] == "mined-1", j
PY
grep -q "prod.jsonl:7:" mine.err || grep -q "prod.jsonl:7:" <<<"$out" || fail "no file:line for the bad line"
[ "$(wc -l <mined/mined-chart.jsonl)" = 2 ] || fail "mined-chart.jsonl: $(cat mined/mined-chart.jsonl)"
[ "$(wc -l <mined/mined-audio.jsonl)" = 1 ] || fail "mined-audio.jsonl"
[ "$(ls mined/media | wc -l)" = 3 ] || fail "media files: $(ls mined/media)"

# The text form, and no overwrite without --force.
if "$MMGATE" mine --logs logs/prod.jsonl --rubric rubric.yaml -o mined --run-id mined-2 >/dev/null 2>again.err; then
  fail "mine overwrote mined/ without --force"
fi
grep -q -- "--force" again.err || fail "no --force hint: $(cat again.err)"
"$MMGATE" mine --logs logs/prod.jsonl --rubric rubric.yaml -o mined2 --run-id mined-3 --max 1 >text.out 2>text.err
grep -q "queued 1" text.out || fail "text summary: $(cat text.out)"
grep -q "missing media: trace img-5" text.err || fail "missing media not reported: $(cat text.err)"
! "$MMGATE" mine --logs logs/prod.jsonl -o x --signal thumbsup 2>/dev/null || fail "unknown signal accepted"

# The labeling page shows the mined items and takes a grade by keyboard.
"$MMGATE" label --db .mmgate/results.db -c none.yaml --run mined-1 --grader ana --port 0 --json >label.out 2>label.err &
server=$!
for _ in $(seq 100); do
  grep -q '"url"' label.out 2>/dev/null && break
  sleep 0.1
done
url=$($PY -c 'import json; print(json.load(open("label.out"))["url"])') || { cat label.err; fail "label did not start"; }
node "$HERE/mined_label_check.cjs" "$url" "$ARTIFACTS"
stop_server
labels=$(sqlite3 .mmgate/results.db "SELECT run_id, suite, grade FROM labels ORDER BY label_id")
grep -q "^mined-1|mined-chart|1$" <<<"$labels" || fail "label not stored: $labels"
echo "mine_cli: ok"
