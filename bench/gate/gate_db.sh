#!/usr/bin/env bash
# `mmgate gate` over N pairs with loading from SQLite included (BENCHMARKS.md, "`mmgate gate` over 1,000,000
# pairs"): gate_db writes two synthetic runs of N items into a SQLite file through the store (minutes, where
# `mmgate run` takes half an hour for a million), then each mmgate binary given gates them, alternately, ROUNDS
# times, under /usr/bin/time: wall, CPU (user + system), peak RSS and the load average before each. The verdict
# JSON of every binary is compared byte for byte with the first one's.
#   usage: bench/gate/gate_db.sh BUILD_DIR [N=1000000] [ROUNDS=2] [MMGATE...]
#   MMGATE: binaries to compare (default: BUILD_DIR/mmgate), e.g. an older build's mmgate first.
#   DB=FILE reuses (or keeps) the database at FILE instead of a temporary one.
# With several binaries each gates its own copy of the database: a newer binary migrates the schema and an
# older one then refuses the file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../book/lib.sh"

build=$(realpath "${1:?usage: gate_db.sh BUILD_DIR [N] [ROUNDS] [MMGATE...]}")
n=${2:-1000000}
rounds=${3:-2}
shift $(($# < 3 ? $# : 3))
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=("$build/mmgate")
[ -x "$build/bench/gate/gate_db" ] || { echo "gate_db.sh: build the gate_db target" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-gate-db.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=${DB:-$work/results.db}
if [ ! -s "$db" ]; then
  start=$(date +%s)
  "$build/bench/gate/gate_db" "$db" "$n" 2>"$work/gate_db.err"
  echo "# wrote 2 x $n items to $(du -h "$db" | cut -f1) of SQLite in $(($(date +%s) - start)) s"
fi
cat >"$work/mmgate.yaml" <<'YAML'
# Only the gate's policy is read: the runs are already in the database.
models:
  base: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: none}
  cand: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: none}
suites: []
YAML
dbs=("$db")
for i in "${!binaries[@]}"; do
  [ "$i" = 0 ] && continue
  cp "$db" "$work/copy.$i.db"
  dbs[$i]=$work/copy.$i.db
done
echo "# $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $n pairs"
for r in $(seq "$rounds"); do
  for i in "${!binaries[@]}"; do
    bin=${binaries[$i]}
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    status=0
    /usr/bin/time -f '%M %e %U %S' -o "$work/time" "$bin" gate -c "$work/mmgate.yaml" --db "${dbs[$i]}" \
      --baseline base --candidate cand --json >"$work/out.$i" 2>"$work/err.$i" || status=$?
    if [ "$status" != 0 ] && [ "$status" != 1 ] && [ "$status" != 3 ]; then
      echo "gate_db.sh: $bin failed (exit $status):" >&2
      tail -n 20 "$work/err.$i" >&2
      exit 1
    fi
    read -r rss_kb wall user sys <"$work/time"
    cpu=$(/usr/bin/python3 -c "print('%.2f' % ($user + $sys))")
    rss_mb=$((rss_kb / 1024))
    same=same
    cmp -s "$work/out.0" "$work/out.$i" || same=DIFFERENT
    printf 'round %s  %-40s wall %7s s  CPU %7s s  peak RSS %6s MB  verdict JSON %s  (load average %s)\n' \
      "$r" "$bin" "$wall" "$cpu" "$rss_mb" "$same" "$load"
    if [ "$i" = $((${#binaries[@]} - 1)) ]; then
      book_figure gate "$n pairs, SQLite, mmgate gate (loading included): CPU" "$cpu" s lower
      book_figure gate "$n pairs, SQLite, mmgate gate: peak RSS" "$rss_mb" MB lower
    fi
  done
done
