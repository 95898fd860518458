#!/usr/bin/env bash
# Side by side: `mmgate score wer` and `sctk sclite` on the same generated
# 100,000-utterance trn pair, in one run. Checks that Corr/Sub/Del/Ins/Err agree,
# then prints each tool's wall time (best of REPEAT runs) and peak memory, and
# the speed ratio.
#
# usage: bench/wer_vs_sclite.sh [MMGATE [TRN_GEN [UTTERANCES [REPEAT]]]]
#   MMGATE      the mmgate binary (default build/mmgate)
#   TRN_GEN     the pair generator built from bench/trn_gen.cc
#               (default: bench/trn_gen beside MMGATE)
#   UTTERANCES  default 100000; REPEAT default 3
set -euo pipefail
source "$(dirname "$0")/book/lib.sh"

mmgate=${1:-build/mmgate}
trn_gen=${2:-$(dirname "$mmgate")/bench/trn_gen}
utterances=${3:-100000}
repeat=${4:-3}

for tool in "$mmgate" "$trn_gen"; do
  [ -x "$tool" ] || { echo "wer_vs_sclite: $tool is not an executable (build it first)" >&2; exit 2; }
done
command -v sctk >/dev/null || { echo "wer_vs_sclite: sctk is not installed (Debian package sctk)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "wer_vs_sclite: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$trn_gen" "$work/ref.trn" "$work/hyp.trn" "$utterances"
echo "pair: $utterances utterances, $(wc -w < "$work/ref.trn") reference tokens (ids included)," \
     "$(du -h "$work/ref.trn" | cut -f1) + $(du -h "$work/hyp.trn" | cut -f1)"

# run NAME OUTPUT COMMAND...: best wall time of $repeat runs (seconds) in
# $NAME_wall, peak resident memory of the last run (KB) in $NAME_kb.
run() {
  local name=$1 out=$2
  shift 2
  local best="" start end wall
  for ((i = 0; i < repeat; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/$name.mem" "$@" > "$out"
    end=$(date +%s%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    if [ -z "$best" ] || awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then best=$wall; fi
  done
  printf -v "${name}_wall" '%s' "$best"
  printf -v "${name}_kb" '%s' "$(tail -n 1 "$work/$name.mem")"
}

run ours "$work/ours.json" "$mmgate" score wer --ref "$work/ref.trn" --hyp "$work/hyp.trn" --json
run sclite "$work/sclite.txt" sctk sclite -r "$work/ref.trn" trn -h "$work/hyp.trn" trn -i rm -o rsum stdout

field() { grep -E "^  \"$1\":" "$work/ours.json" | head -n 1 | tr -dc '0-9'; }
ours_counts="$(field correct) $(field substitutions) $(field deletions) $(field insertions) $(field errors)"
sclite_counts=$(tr '|' ' ' < "$work/sclite.txt" | awk '$1 == "Sum" { print $4, $5, $6, $7, $8 }')

echo "                 Corr Sub Del Ins Err"
echo "mmgate score:    $ours_counts"
echo "sctk sclite:     $sclite_counts"
if [ "$ours_counts" != "$sclite_counts" ]; then
  echo "MISMATCH: the totals differ" >&2
  exit 1
fi
echo "totals agree"
printf '%-14s %10s %14s\n' tool "wall (s)" "peak RSS (MB)"
printf '%-14s %10s %14.1f\n' "mmgate score" "$ours_wall" "$(awk -v k="$ours_kb" 'BEGIN { print k / 1024 }')"
printf '%-14s %10s %14.1f\n' "sctk sclite" "$sclite_wall" "$(awk -v k="$sclite_kb" 'BEGIN { print k / 1024 }')"
awk -v a="$sclite_wall" -v b="$ours_wall" 'BEGIN { printf "speed-up: %.0fx faster than sclite\n", a / b }'
echo "cores: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
book_figure wer "score wer, $utterances utterances: wall (best of $repeat)" "$ours_wall" s lower "sctk sclite" "$sclite_wall"
book_figure wer "score wer, $utterances utterances: peak RSS" "$(awk -v k="$ours_kb" 'BEGIN { print k / 1024 }')" MiB lower \
  "sctk sclite" "$(awk -v k="$sclite_kb" 'BEGIN { print k / 1024 }')"
