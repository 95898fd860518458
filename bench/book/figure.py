#!/usr/bin/env python3
"""Records one figure for the benchmark book (bench/run_all.sh) when BOOK_FIGURES names a file; does nothing
otherwise. Used by lib.sh's `book_figure` and imported by the Python benchmarks.

usage: figure.py BENCH FIGURE VALUE UNIT lower|higher [PEER PEER_VALUE]
"""
import json
import os
import sys


def record(bench, figure, value, unit, better, peer=None, peer_value=None):
    path = os.environ.get("BOOK_FIGURES")
    if not path:
        return
    if better not in ("lower", "higher"):
        raise ValueError(f"{bench}/{figure}: better must be lower or higher, not {better!r}")
    row = {"bench": bench, "figure": figure, "value": float(value), "unit": unit, "better": better,
           "load": open("/proc/loadavg").read().split()[0]}
    if peer:
        row["peer"] = peer
        row["peer_value"] = float(peer_value)
    with open(path, "a") as out:
        out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (5, 7):
        sys.exit(__doc__)
    try:
        record(*args)
    except ValueError as e:
        sys.exit(f"book figure: {e}")
