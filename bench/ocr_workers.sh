#!/usr/bin/env bash
# Side by side: two mmgate binaries (e.g. before and after a change to the
# local engines) running the demo's `documents` suite with 1 and 2 workers, in
# one session, interleaved (each round runs every configuration once), each
# run into a fresh database so no cache answers an item. Prints the load
# average first, then wall, user and system seconds per run, the 1-vs-2-worker
# and before-vs-after ratios of the best wall times, and whether both binaries
# gave the same answers.
#
# usage: bench/ocr_workers.sh BEFORE AFTER DEMO [ROUNDS [MODEL]]
#   BEFORE, AFTER  the two mmgate binaries
#   DEMO           a folder written by `mmgate demo -o DEMO` (its gold set and
#                  mmgate.yaml; the demo may be stopped once it starts running)
#   ROUNDS         default 1; MODEL default baseline
set -euo pipefail
source "$(dirname "$0")/book/lib.sh"

before=${1:?usage: ocr_workers.sh BEFORE AFTER DEMO [ROUNDS [MODEL]]}
after=${2:?usage: ocr_workers.sh BEFORE AFTER DEMO [ROUNDS [MODEL]]}
demo=${3:?usage: ocr_workers.sh BEFORE AFTER DEMO [ROUNDS [MODEL]]}
rounds=${4:-1}
model=${5:-baseline}
[ -f "$demo/mmgate.yaml" ] || { echo "ocr_workers: no $demo/mmgate.yaml" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load: $(uptime)"
declare -A best
for round in $(seq 1 "$rounds"); do
  for j in 1 2; do
    for which in before after; do
      bin=${!which}
      db="$work/$which-$j-$round.db"
      /usr/bin/time -f "%e %U %S" -o "$work/time" \
        "$bin" run -c "$demo/mmgate.yaml" -m "$model" -s documents -j "$j" \
        --db "$db" --run-id bench >/dev/null 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
      read -r wall user sys <"$work/time"
      printf '%-6s -j %s round %s: wall %6.1f s  user %6.1f s  sys %6.1f s\n' \
        "$which" "$j" "$round" "$wall" "$user" "$sys"
      key="$which-$j"
      if [ -z "${best[$key]:-}" ] ||
        awk -v a="$wall" -v b="${best[$key]}" 'BEGIN{exit !(a<b)}'; then
        best[$key]=$wall
      fi
      sqlite3 "$db" "SELECT item_id, answer FROM responses ORDER BY item_id" \
        >"$work/answers-$which-$j-$round"
    done
  done
done
echo "load: $(uptime)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2fx", a/b}'; }
echo "before: -j 1 / -j 2 = $(ratio "${best[before-1]}" "${best[before-2]}")"
echo "after:  -j 1 / -j 2 = $(ratio "${best[after-1]}" "${best[after-2]}")"
echo "-j 1: before / after = $(ratio "${best[before-1]}" "${best[after-1]}")"
echo "-j 2: before / after = $(ratio "${best[before-2]}" "${best[after-2]}")"
same=yes
for f in "$work"/answers-after-*; do
  cmp -s "$f" "${f/after/before}" || same=no
done
echo "same answers before and after: $same"
book_figure ocr "demo documents suite, $model: wall with 2 workers (1 worker as the peer)" "${best[after-2]}" s lower \
  "1 worker" "${best[after-1]}"
