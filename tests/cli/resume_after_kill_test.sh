#!/usr/bin/env bash
# kill -9 a run mid-way, resume it by id: the results equal an uninterrupted
# run's and no finished item is asked again.
source "$(dirname "$0")/lib.sh"
make_project "$WORK/p" 60
cd "$WORK/p"
"$MMGATE" run -c mmgate.yaml -m scripted --run-id reference -j 2 >/dev/null 2>&1
: >calls

MODEL_DELAY=0.05 "$MMGATE" run -c mmgate.yaml -m scripted --run-id killed -j 2 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ "$(wc -l <calls)" -ge 20 ] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 0.5  # let orphaned model processes of the killed run finish writing
finished=$(sqlite3 .mmgate/results.db \
  "SELECT item_id FROM responses WHERE run_id='killed' AND error IS NULL ORDER BY item_id")
n_finished=$(grep -c . <<<"$finished" || true)
[ "$n_finished" -ge 10 ] && [ "$n_finished" -lt 60 ] || fail "kill landed mid-run ($n_finished finished)"
: >calls

"$MMGATE" run -c mmgate.yaml -m scripted --run-id killed -j 2 >/dev/null 2>&1
for id in $finished; do
  grep -qx "$id" calls && fail "$id was finished before the kill but asked again"
done
expect_eq "$(sort calls | uniq -d | wc -l)" "0" "no item asked twice on resume"
expect_eq "$(($(wc -l <calls) + n_finished))" "60" "resume asks exactly the unfinished items"

q="SELECT r.item_id, r.answer, s.value FROM responses r JOIN scores s USING (run_id, suite, item_id)"
a=$(sqlite3 .mmgate/results.db "$q WHERE run_id='reference' ORDER BY r.item_id")
b=$(sqlite3 .mmgate/results.db "$q WHERE run_id='killed' ORDER BY r.item_id")
expect_eq "$b" "$a" "resumed results equal the uninterrupted run's"
expect_eq "$(sqlite3 .mmgate/results.db 'PRAGMA integrity_check')" "ok" "database integrity"
expect_eq "$(sqlite3 .mmgate/results.db "SELECT status FROM runs WHERE run_id='killed'")" \
  "finished" "resumed run is finished"
echo "resume_after_kill: ok"
