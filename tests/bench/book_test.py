#!/usr/bin/env python3
"""bench/book: figures recorded by figure.py become the book in a copy of BENCHMARKS.md, with ratios to the
peer and a flag on exactly the figures that got worse than the last record of the same mode."""
import json
import os
import subprocess
import sys
import tempfile

book = sys.argv[1]
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)


def record(env, *args):
    subprocess.run([sys.executable, os.path.join(book, "figure.py"), *map(str, args)], env=env, check=True)


def render(tmp, figures, mode="full", now="2026-12-06 10:00 UTC"):
    return subprocess.run([sys.executable, os.path.join(book, "render.py"), "--figures", figures,
                           "--record", os.path.join(tmp, "record.json"), "--doc", os.path.join(tmp, "B.md"),
                           "--mode", mode, "--now", now, "--machine", "test machine", "--load", "0.5"],
                          capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    doc = os.path.join(tmp, "B.md")
    with open(doc, "w") as f:
        f.write("# Benchmarks\n\nIntro.\n\n## stats: narrative\n\nKept as is.\n")
    env = dict(os.environ, BOOK_FIGURES=os.path.join(tmp, "run1.jsonl"))
    record(env, "wer", "wall", 2.0, "s", "lower", "sctk sclite", 20.0)    # 10x faster than sclite
    record(env, "load", "req/s", 5000, "req/s", "higher", "wrk", 50000)   # 0.1x wrk
    record(env, "gate", "1M binary", 4.0, "s", "lower")                   # no peer
    first = render(tmp, env["BOOK_FIGURES"])
    check(f"first run exits 0 (got {first.returncode}: {first.stderr})", first.returncode == 0)
    text = open(doc).read()
    check("book placed before the narrative", text.index("## The book") < text.index("## stats: narrative"))
    check("narrative kept", "Kept as is." in text)
    check("ratio of a lower-is-better figure", "| 10.00x |" in text)
    check("ratio of a higher-is-better figure", "| 0.1x |" in text)
    check("first run has no flag", "WORSE" not in text and text.count("| new |") == 3)

    # Second run: wer slips to 5x sclite (ratio -50%), load holds its ratio although both sides slowed (a
    # loaded machine), the gate's value slips 10% (inside the 15% tolerance).
    env["BOOK_FIGURES"] = os.path.join(tmp, "run2.jsonl")
    record(env, "wer", "wall", 4.0, "s", "lower", "sctk sclite", 20.0)
    record(env, "load", "req/s", 2500, "req/s", "higher", "wrk", 25000)
    record(env, "gate", "1M binary", 4.4, "s", "lower")
    second = render(tmp, env["BOOK_FIGURES"], now="2026-12-07 10:00 UTC")
    text = open(doc).read()
    check(f"a worse figure makes exit 1 (got {second.returncode})", second.returncode == 1)
    check("exactly one flag", text.count("**WORSE") == 1)
    check("the flag is on wer", "| wer | wall |" in text and "**WORSE: ratio -50%**" in text)
    check("stderr names it", "WORSE than the last record: wer / wall" in second.stderr)
    check("one book section after two runs", text.count("## The book") == 1)
    check("last record shown", "2026-12-06 10:00 UTC" in text)
    rec = json.load(open(os.path.join(tmp, "record.json")))
    check("record holds the second run", rec["full"]["figures"]["wer / wall"]["ratio"] == 5.0)

    # A quick run is compared with quick runs only: its first run flags nothing.
    env["BOOK_FIGURES"] = os.path.join(tmp, "run3.jsonl")
    record(env, "wer", "wall", 40.0, "s", "lower", "sctk sclite", 20.0)
    third = render(tmp, env["BOOK_FIGURES"], mode="quick")
    check(f"quick run has its own record (exit {third.returncode})", third.returncode == 0)
    check("full record kept", "full" in json.load(open(os.path.join(tmp, "record.json"))))

    # Bad input names the file and line.
    bad = os.path.join(tmp, "bad.jsonl")
    with open(bad, "w") as f:
        f.write('{"bench": "x", "figure": "y", "value": 1, "unit": "s", "better": "lower"}\n{oops\n')
    broken = render(tmp, bad)
    check(f"bad line named ({broken.stderr.strip()})", broken.returncode != 0 and "bad.jsonl:2" in broken.stderr)

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("bench book: ok")
