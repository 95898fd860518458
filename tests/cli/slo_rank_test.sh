#!/usr/bin/env bash
# Gate-then-rank through the CLI (issue 16): three candidates (exec stand-ins
# for a user's models) against a baseline that hallucinates on 20% of the
# unanswerable items. The fastest candidate answers exactly like the
# baseline (no regression) and misses the hallucination SLO: it is dropped,
# named as an SLO miss the baseline misses too; the other two are ranked by
# latency (exec models cost nothing; tests/gate/slo_test.cc ranks by cost).
# Then a 20-item slice at 95% against a 93% SLO: inconclusive (exit 3).
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/p/data"
cd "$WORK/p"
$PY - <<'PY'
import json
with open("data/items.jsonl", "w") as f:
    for i in range(240):
        item = {"id": f"q{i}", "modality": "text", "prompt": f"Say a{i}", "reference": f"a{i}",
                "slices": {"form": "short" if i < 20 else "long"}}
        if i % 2:
            item.update(expect="abstain", reference="cannot determine")
        f.write(json.dumps(item) + "\n")
PY
cat >model.sh <<'SH'
#!/usr/bin/env bash
# usage: model.sh GUESS DELAY  (GUESS=1: answers every 5th unanswerable item)
req=$(cat)
sleep "$2"
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
n=${id#q}
if [ $((n % 2)) -eq 1 ]; then
  if [ "$1" = 1 ] && [ $((n % 10)) -eq 1 ]; then answer="a$n"; else answer="I cannot determine that."; fi
elif [ "$n" = 0 ] && [ "$1" = 0 ]; then
  answer="I cannot determine that."  # one wrong item in the short slice
else
  answer="a$n"
fi
printf '{"answer": "%s", "usage": {"input_tokens": 100, "output_tokens": 10}}\n' "$answer"
SH
chmod +x model.sh
cat >mmgate.yaml <<'YAML'
models:
  fast: {provider: exec, command: ["./model.sh", "1", "0"]}
  mid: {provider: exec, command: ["./model.sh", "0", "0.05"]}
  slow: {provider: exec, command: ["./model.sh", "0", "0.2"]}
suites:
  - {name: qa, modality: text, dataset: data/items.jsonl, metric: abstention}
gate:
  margin: 0.05
  min_n: 20
  rank: [latency, quality, cost]
  slo:
    - {figure: hallucination, max: 0.05}
YAML
for run in base:fast fast:fast mid:mid slow:slow; do
  "$MMGATE" run -m "${run#*:}" --run-id "${run%%:*}" -j 4 >/dev/null 2>&1 || fail "run $run"
done

set +e
"$MMGATE" gate --baseline base --candidate fast --candidate mid --candidate slow >"$WORK/out"
rc=$?
"$MMGATE" gate --baseline base --candidate fast --candidate mid --candidate slow --json >"$WORK/v.json"
rc_json=$?
set -e
expect_eq "$rc" "0" "two candidates pass: roll forward with the best"
expect_eq "$rc_json" "0" "--json exits as the verdict"
out=$(cat "$WORK/out")
expect_contains "$out" "BLOCK (do not roll forward: an SLO the candidate misses (the baseline misses it too))" \
  "the fast candidate's block is an SLO miss"
expect_contains "$out" "blocked (SLO miss; the baseline misses it too): qa: hallucination <= 0.05: 20.00% = 24/120" \
  "the SLO line"
expect_contains "$out" "dropped: misses SLO" "the ranking table says why it was dropped"
expect_contains "$out" "Production scorecard" "the scorecard follows"
$PY - "$WORK/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["verdict"] == "pass", v["verdict"]
assert v["ranking"] == ["mid", "slow"], v["ranking"]
table = {r["candidate"]: r for r in v["ranking_table"]}
assert table["fast"]["dropped"] == "misses SLO" and table["fast"]["rank"] is None, table["fast"]
assert table["fast"]["why"][0].startswith("qa: hallucination <= 0.05"), table["fast"]
assert table["mid"]["rank"] == 1 and table["slow"]["rank"] == 2
assert table["fast"]["p50_latency_ms"] < table["mid"]["p50_latency_ms"] < table["slow"]["p50_latency_ms"]
fast = v["candidates"][0]
assert fast["slo_misses"][0]["baseline"] == "missed", fast["slo_misses"]
slo = fast["suites"][0]["slo"][0]
assert slo["kind"] == "slo" and slo["status"] == "missed" and slo["x"] == 24 and slo["n"] == 120, slo
assert fast["suites"][0]["kind"] == "regression" and fast["suites"][0]["status"] == "pass"
assert [r["model"] for r in v["scorecard"]["runs"]] == ["fast", "fast", "mid", "slow"]
PY
"$MMGATE" gate --help | grep -q "gate-then-rank" || fail "--help explains gate-then-rank"

# A 20-item slice at 95% against a 93% SLO: inconclusive, never met.
sed -i 's/^    - {figure: hallucination, max: 0.05}$/    - {figure: mean, slice: {form: short}, min: 0.93}/' mmgate.yaml
sed -i 's/^  min_n: 20$/  min_n: 10/' mmgate.yaml
set +e
"$MMGATE" gate --baseline base --candidate mid >"$WORK/out2"
expect_eq "$?" "3" "the small slice's SLO is inconclusive"
set -e
expect_contains "$(cat "$WORK/out2")" "qa form=short: mean(metric) >= 0.93" "the slice SLO is named"
expect_contains "$(cat "$WORK/out2")" "cannot tell whether it meets the SLO; needs about" "undecided, with the items it needs"
echo "cli_slo_rank: ok"
