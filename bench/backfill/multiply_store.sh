#!/bin/bash
# multiply_store.sh DB N
# Grows a database made by backfill_store_build (traces t-00000000... and the
# finished-or-stopped run "bench-all") to N traces by copying its rows in SQL
# with shifted ids: the traces (id inside inputs_json too, created_ms as the
# builder computes it for a history of N), the run's items, responses and
# scores. The rows stay what the store wrote, only their ids and times
# change; building 10 million through the store takes hours of wall time on
# a loaded machine (BENCHMARKS.md, "backfill"), this takes minutes. Bench
# only: it writes with the journal and fsync off, so a crash mid-way ruins
# DB (work on a copy). Needs the sqlite3 shell.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: multiply_store.sh DB N" >&2
  exit 2
fi
db=$1
n=$2
base=$(sqlite3 "$db" "SELECT count(*) FROM traces")
if [ "$base" -eq 0 ] || [ "$n" -le "$base" ] || [ "$n" -gt 99999999 ]; then
  echo "$db holds $base traces; N must be above that and below 10^8" >&2
  exit 2
fi
last=$(printf 't-%08d' "$base")
id() { echo "printf('t-%08d', CAST(substr($1, 3) AS INTEGER) + $2)"; }
in_copy() { echo "$1 < '$last' AND CAST(substr($1, 3) AS INTEGER) + $2 < $n"; }
{
  echo "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
  echo "PRAGMA cache_size=-400000; PRAGMA foreign_keys=OFF; BEGIN;"
  for ((off = base; off < n; off += base)); do
    cat <<SQL
INSERT INTO traces SELECT $(id trace_id $off),
  1780272000000 + CAST((CAST(substr(trace_id, 3) AS INTEGER) + $off)
                       * (13 * 604800000.0 - 1) / $n AS INTEGER),
  model_version, inputs_ref,
  replace(inputs_json, '"id": "' || trace_id || '"',
          '"id": "' || $(id trace_id $off) || '"'),
  decision, category, outcome, request_hash
  FROM traces WHERE $(in_copy trace_id $off) ORDER BY trace_id;
INSERT INTO items SELECT run_id, suite, $(id item_id $off), content_hash,
  modality, metric, $(id item_id $off), expect, slices_json, reference_json,
  prompt, media_json, line + $off
  FROM items WHERE $(in_copy item_id $off) ORDER BY run_id, suite, item_id;
INSERT INTO responses SELECT run_id, suite, $(id item_id $off), content_hash,
  answer, error, error_kind, latency_ms, model_version, input_tokens,
  output_tokens, created_ms, cost_usd, n_attempts, ttft_ms, template_hash,
  schema_valid, cached, n_repeats, flaky, repeats_json
  FROM responses WHERE $(in_copy item_id $off)
  ORDER BY run_id, suite, item_id;
INSERT INTO scores SELECT run_id, suite, $(id item_id $off), metric, value,
  numerator, denominator, detail
  FROM scores WHERE $(in_copy item_id $off)
  ORDER BY run_id, suite, item_id, metric;
SQL
  done
  echo "UPDATE run_suites SET n_items = (SELECT count(*) FROM items"
  echo "  WHERE items.run_id = run_suites.run_id AND items.suite = run_suites.suite)"
  echo "  WHERE run_id = 'bench-all';"
  echo "COMMIT; PRAGMA journal_mode=WAL;"
} | sqlite3 "$db" >/dev/null
sqlite3 "$db" "SELECT count(*) || ' traces' FROM traces"
