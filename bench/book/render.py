#!/usr/bin/env python3
"""The benchmark book: turns the figures one bench/run_all.sh run recorded (JSON lines written by
bench/book/lib.sh) into the table at the top of BENCHMARKS.md, each figure with its ratio to the peer measured
in the same run, and flags every figure that got worse than the last recorded one (the gate's 4x slip went
unnoticed for want of this).

A figure with a peer is compared by its ratio to the peer (both sides felt the same machine load); one without
a peer by its value. "Worse" means worse by more than --tolerance (a fraction). Quick and full runs measure
different sizes, so each mode keeps its own record.

usage: render.py --figures FILE --record RECORD.json --doc BENCHMARKS.md --mode quick|full
                 [--tolerance 0.15] [--now ISO] [--machine TEXT] [--dry-run]
Exit status: 0, or 1 when a figure got worse than its last record (after writing everything).
"""
import argparse
import datetime
import json
import os
import sys

BEGIN = "<!-- book:begin (written by bench/run_all.sh: change the script, not this section) -->"
END = "<!-- book:end -->"


def machine_description():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {mem_gib:.0f} GiB"


def read_figures(path):
    figures = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON ({e})")
            for field in ("bench", "figure", "value", "unit", "better"):
                if field not in row:
                    sys.exit(f"{path}:{number}: no '{field}'")
            figures[f"{row['bench']} / {row['figure']}"] = row
    return figures


def ratio(row):
    """How many times better than the peer (above 1: better), or None without a peer."""
    peer = row.get("peer_value")
    if peer is None or row["value"] == 0 or peer == 0:
        return None
    return peer / row["value"] if row["better"] == "lower" else row["value"] / peer


def change(row, last, tolerance):
    """(text, worse) comparing a figure with its last record."""
    if last is None:
        return "new", False
    now_ratio, last_ratio = ratio(row), last.get("ratio")
    if now_ratio is not None and last_ratio:
        rel = now_ratio / last_ratio - 1
        return f"ratio {rel:+.0%}", rel < -tolerance
    if last["value"] == 0:
        return "n/a", False
    rel = row["value"] / last["value"] - 1
    worse = rel > tolerance if row["better"] == "lower" else rel < -tolerance
    return f"{rel:+.0%}", worse


def fmt(x):
    if x is None:
        return ""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def last_text(last):
    if last is None:
        return ""
    if last.get("ratio"):
        return f"{fmt(last['value'])} ({fmt(last['ratio'])}x)"
    return fmt(last["value"])


def section(figures, previous, mode, now, machine, load, tolerance):
    lines = [BEGIN, "## The book: every figure of the last `bench/run_all.sh` run", "",
             f"Run {now} ({mode} mode) on {machine}; load average before the run: {load}. "
             f"Ratios are \"times better than the peer\" (above 1: mmgate is better), measured in the same run. "
             f"A figure is flagged when it is more than {tolerance:.0%} worse than the last {mode} run "
             f"({previous.get('date', 'none recorded')}).", "",
             "| bench | figure | mmgate | peer | peer's | x the peer | last recorded | change | load |",
             "|---|---|---:|---|---:|---:|---:|---|---:|"]
    worse = []
    last_figures = previous.get("figures", {})
    for key, row in figures.items():
        text, bad = change(row, last_figures.get(key), tolerance)
        if bad:
            worse.append(key)
            text = f"**WORSE: {text}**"
        r = ratio(row)
        lines.append(f"| {row['bench']} | {row['figure']} | {fmt(row['value'])} {row['unit']} | "
                     f"{row.get('peer', '')} | {fmt(row.get('peer_value'))} | {fmt(r) + 'x' if r else ''} | "
                     f"{last_text(last_figures.get(key))} | {text} | {row['load']} |")
    lines.append("")
    if worse:
        lines.append("Worse than the last record: " + "; ".join(worse) + ".")
    else:
        lines.append("No figure is worse than its last record.")
    lines += ["", END]
    return "\n".join(lines) + "\n", worse


def write_doc(path, text):
    with open(path) as f:
        doc = f.read()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        doc = head + text + "\n" + tail
    else:
        # After the title and its paragraph: the book comes first.
        parts = doc.split("\n## ", 1)
        doc = parts[0].rstrip("\n") + "\n\n" + text + ("\n## " + parts[1] if len(parts) > 1 else "")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(doc)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--figures", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--doc", required=True)
    p.add_argument("--mode", choices=("quick", "full"), required=True)
    p.add_argument("--tolerance", type=float, default=0.15)
    p.add_argument("--now", default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    p.add_argument("--machine", default=None)
    p.add_argument("--load", default=None, help="load average before the run (default: now)")
    p.add_argument("--dry-run", action="store_true", help="print the section, write nothing")
    a = p.parse_args()

    figures = read_figures(a.figures)
    if not figures:
        sys.exit(f"{a.figures}: no figures (did every benchmark fail?)")
    record = {}
    if os.path.exists(a.record):
        with open(a.record) as f:
            record = json.load(f)
    machine = a.machine or machine_description()
    load = a.load or open("/proc/loadavg").read().split()[0]
    text, worse = section(figures, record.get(a.mode, {}), a.mode, a.now, machine, load, a.tolerance)
    print(text)
    if not a.dry_run:
        write_doc(a.doc, text)
        record[a.mode] = {"date": a.now, "machine": machine, "load": load,
                          "figures": {k: {"value": r["value"], "unit": r["unit"], "ratio": ratio(r)}
                                      for k, r in figures.items()}}
        with open(a.record + ".tmp", "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(a.record + ".tmp", a.record)
    for key in worse:
        print(f"WORSE than the last record: {key}", file=sys.stderr)
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
