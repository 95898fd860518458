#!/usr/bin/env python3
"""Chaos for shared-database workers: in each round four `mmgate run --worker`
processes share a run in PostgreSQL (MMGATE_TEST_PG_URL, started by
tests/store/with_postgres.sh); at seeded random moments one worker is killed
with SIGKILL (a replacement starts) and another is paused with SIGSTOP past
its lease, then continued. Afterwards:
  - every item has exactly one stored result and the run is finished;
  - each stored answer comes from the item's last call: no stale holder's
    write landed over the worker that took its batch over (the exec model, a
    stand-in for a user's model, signs each answer with its worker and start
    time and logs every call);
  - no item was called again after its result was stored;
  - the paused worker, paused in the middle of a model call while holding a
    batch, lost its lease and its write of that call's answer was refused by
    the fencing token.
usage: workers_chaos_test.py MMGATE ROUNDS SEED"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import json

MMGATE = os.path.realpath(sys.argv[1])
ROUNDS, SEED = int(sys.argv[2]), int(sys.argv[3])
URL = os.environ.get("MMGATE_TEST_PG_URL")
if not URL:
    sys.exit("FAIL: run me through tests/store/with_postgres.sh")
N_ITEMS, BATCH, LEASE_MS = 200, 5, 1000

MODEL = r"""#!/usr/bin/env bash
req=$(cat)
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
start=$(date +%s%3N)
echo "$id $MMGATE_CHAOS_WORKER $start" >>"$(dirname "$0")/calls"
sleep 0.04
printf '{"answer": "a%s by %s at %s"}\n' "${id#q}" "$MMGATE_CHAOS_WORKER" "$start"
"""


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def make_project(d):
    os.makedirs(f"{d}/data")
    with open(f"{d}/data/items.jsonl", "w") as f:
        for i in range(N_ITEMS):
            f.write(json.dumps({"id": f"q{i}", "modality": "text",
                                "prompt": f"Say a{i}", "reference": f"a{i}"}) + "\n")
    with open(f"{d}/model.sh", "w") as f:
        f.write(MODEL)
    os.chmod(f"{d}/model.sh", 0o755)
    with open(f"{d}/mmgate.yaml", "w") as f:
        f.write("models:\n  m: {provider: exec, command: [\"./model.sh\"]}\n"
                "suites:\n  - {name: qa, modality: text, dataset: data/items.jsonl, metric: exact}\n")


def psql(sql):
    out = subprocess.run(["psql", URL, "-AtF", "|", "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def start_worker(d, run_id, name):
    env = dict(os.environ, MMGATE_CHAOS_WORKER=name)
    out = open(f"{d}/{run_id}-{name}.json", "w")
    err = open(f"{d}/{run_id}-{name}.err", "w")
    return subprocess.Popen(
        [MMGATE, "run", "-m", "m", "--run-id", run_id, "--worker", "--worker-id", name,
         "--db", URL, "--batch-size", str(BATCH), "--lease-ms", str(LEASE_MS), "--json"],
        cwd=d, env=env, stdout=out, stderr=err)


def one_round(d, r):
    rng = random.Random(SEED * 1000 + r)
    run_id = f"chaos{r}"
    open(f"{d}/calls", "w").close()
    workers = {f"w{k}": start_worker(d, run_id, f"w{k}") for k in range(4)}
    killed, paused = rng.sample(sorted(workers), 2)
    t_kill, t_stop = rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.2)
    held = []
    mid_call = False
    # Long enough past its lease for another worker to take its batch over.
    t_cont = t_stop + LEASE_MS / 1000 + 1.5
    events = sorted([(t_kill, "kill"), (t_stop, "stop"), (t_cont, "cont")])
    # The clock starts once the workers are calling the model (they start,
    # load the project and plan the run first).
    deadline = time.monotonic() + 60
    while sum(1 for _ in open(f"{d}/calls")) < 8:
        if time.monotonic() > deadline:
            fail(f"round {r}: the workers never started calling the model")
        time.sleep(0.02)
    t0 = time.monotonic()
    for at, what in events:
        time.sleep(max(0, at - (time.monotonic() - t0)))
        if what == "kill":
            workers[killed].kill()
            workers[killed + "-r"] = start_worker(d, run_id, killed + "-r")
        elif what == "stop":
            # Paused just as its model call starts (the call log's last line
            # is its own), so it holds an answer it will try to write.
            give_up = time.monotonic() + 3
            while time.monotonic() < give_up and not mid_call:
                with open(f"{d}/calls") as f:
                    lines = f.read().splitlines()
                mid_call = bool(lines) and lines[-1].split()[1] == paused
                if not mid_call:
                    time.sleep(0.002)
            workers[paused].send_signal(signal.SIGSTOP)
            # Whether it held a batch when paused (else it was waiting for
            # the last batches, holding nothing to lose).
            held = psql(f"SELECT batch_id FROM leases WHERE run_id = '{run_id}' AND "
                        f"owner = '{paused}' AND expires_ms < {2**62}")
        else:
            workers[paused].send_signal(signal.SIGCONT)
    for name, p in workers.items():
        rc = p.wait(timeout=180)
        if name == killed:
            continue
        if rc != 0:
            fail(f"round {r}: worker {name} exited {rc}: {open(f'{d}/{run_id}-{name}.err').read()}")

    rows = psql(f"SELECT item_id, answer, created_ms FROM responses WHERE run_id = '{run_id}'")
    if sorted(x[0] for x in rows) != sorted(f"q{i}" for i in range(N_ITEMS)):
        fail(f"round {r}: {len(rows)} stored results for {N_ITEMS} items")
    status = psql(f"SELECT status FROM runs WHERE run_id = '{run_id}'")
    if status != [["finished"]]:
        fail(f"round {r}: run status {status}")
    calls = {}
    for line in open(f"{d}/calls"):
        fields = line.split()
        if len(fields) == 2 and fields[0] == killed:
            continue  # the killed worker's child, cut off before its request
        if len(fields) != 3:
            fail(f"round {r}: a malformed call log line: {line!r}")
        item, worker, start = fields
        calls.setdefault(item, []).append((int(start), worker))
    again = 0
    for item, answer, created in rows:
        last_start, last_worker = max(calls[item])
        if answer != f"a{item[1:]} by {last_worker} at {last_start}":
            fail(f"round {r}: item {item} stored '{answer}', not its last call's "
                 f"({last_worker} at {last_start}): a stale holder wrote")
        again += sum(1 for s, _ in calls[item] if s > int(created))
    if again:
        fail(f"round {r}: {again} calls of items already stored")
    stalled = json.load(open(f"{d}/{run_id}-{paused}.json"))
    # A worker paused mid-call holds an answer, which its fenced write must
    # refuse; one paused elsewhere (the wait above gave up on a loaded
    # machine) may find its lease lost before it has anything to write.
    # Either way no stale write landed: the answers above are the last calls'.
    if held and (stalled["lost_leases"] < 1 or
                 (mid_call and stalled["refused_writes"] < 1)):
        fail(f"round {r}: the paused worker {paused} kept its lease or wrote "
             f"after losing it: {stalled}")
    repeated = sum(len(v) - 1 for v in calls.values())
    print(f"round {r}: killed {killed} at {t_kill:.2f}s, paused {paused} at {t_stop:.2f}s "
          f"into the calls; "
          f"{repeated} calls redone after a lost lease, {stalled['refused_writes']} stale "
          f"writes refused, {stalled['lost_leases']} leases lost by {paused} "
          f"(holding {held[0][0] if held else 'nothing'} when paused"
          f"{'' if mid_call else ', not mid-call'})")


def main():
    with tempfile.TemporaryDirectory(prefix="mmgate-chaos.") as d:
        make_project(d)
        for r in range(ROUNDS):
            one_round(d, r)
    print(f"ok: {ROUNDS} rounds")


main()
