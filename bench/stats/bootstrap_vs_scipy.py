#!/usr/bin/env python3
"""Side-by-side: mmgate's paired cluster bootstrap vs scipy.stats.bootstrap.

Same data, same run: 100,000 paired items, 10,000 resamples, in two cases:
  items      a mean metric (den = 1), one item per cluster; SciPy gets the two
             score arrays with statistic mean(cand) - mean(base), paired=True
  clustered  a WER-like error rate, 100,000 items in 20,000 groups of 5 variants;
             both sides resample per-group sums (errors and reference words of
             each run), SciPy with the ratio statistic over four paired arrays
SciPy runs method='percentile' (its BCa jackknife is O(n^2) memory and time at
this size) with batch=40, the fastest of the batch sizes 5 to 500 and None we
tried on the 2-core machine; mmgate computes percentile and BCa in the one call
that is timed.

Usage: bootstrap_vs_scipy.py --tool PATH/stats_bootstrap_tool [--items N]
       [--resamples B] [--repeats R] [--threads T]
Prints a Markdown table: wall seconds (what a user waits) and CPU seconds of
all threads (less sensitive to other load on a shared machine) of each side.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "book"))
import figure  # noqa: E402  (bench/book/figure.py)
from scipy.stats import bootstrap


def items_case(rng, n):
    base = rng.random(n)
    loss = rng.random(n) < 0.1
    change = np.where(loss, -0.5 * rng.random(n), 0.08 * rng.random(n))
    cand = np.clip(base + change, 0.0, 1.0)
    ones = np.ones(n)
    rows = np.column_stack([base, ones, cand, ones])

    def scipy_run(resamples, seed):
        def stat(x, y, axis=-1):
            return y.mean(axis=axis) - x.mean(axis=axis)
        return bootstrap((base, cand), stat, paired=True, vectorized=True,
                         n_resamples=resamples, batch=40, method="percentile",
                         random_state=np.random.default_rng(seed))
    return rows, scipy_run, False


def clustered_case(rng, n, size=5):
    groups = n // size
    difficulty = np.repeat(rng.random(groups), size)
    words = rng.integers(5, 25, size=groups * size)
    base_err = rng.binomial(words, 0.35 * difficulty)
    cand_err = rng.binomial(words, 0.31 * difficulty)
    g = np.repeat(np.arange(groups), size)
    bn = np.bincount(g, base_err).astype(float)
    den = np.bincount(g, words).astype(float)
    cn = np.bincount(g, cand_err).astype(float)
    rows = np.column_stack([bn, den, cn, den])

    def scipy_run(resamples, seed):
        def stat(bn, bd, cn, cd, axis=-1):  # lower is better: base - cand
            return bn.sum(axis=axis) / bd.sum(axis=axis) - cn.sum(axis=axis) / cd.sum(axis=axis)
        return bootstrap((bn, den, cn, den), stat, paired=True, vectorized=True,
                         n_resamples=resamples, batch=40, method="percentile",
                         random_state=np.random.default_rng(seed))
    return rows, scipy_run, True


def run_tool(tool, csv, resamples, threads, lower_is_better, seed):
    cmd = [tool, csv, "--resamples", str(resamples), "--threads", str(threads),
           "--seed", str(seed)]
    if lower_is_better:
        cmd.append("--lower-is-better")
    return json.loads(subprocess.check_output(cmd))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="path to stats_bootstrap_tool")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="mmgate runs (median)")
    parser.add_argument("--threads", type=int, default=0, help="mmgate threads (0: all)")
    args = parser.parse_args()

    rng = np.random.default_rng(20240601)
    print(f"cores: {os.cpu_count()}, items: {args.items}, resamples: {args.resamples}")
    print()
    print("| case | clusters | SciPy wall s | mmgate wall s | wall speed-up | SciPy CPU s |"
          " mmgate CPU s | CPU speed-up | SciPy 95% percentile CI | mmgate 95% percentile CI |"
          " mmgate BCa CI |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("items", items_case), ("clustered", clustered_case)):
            rows, scipy_run, lower = make(rng, args.items)
            csv = os.path.join(tmp, name + ".csv")
            np.savetxt(csv, rows, delimiter=",", fmt="%.17g")
            ours = [run_tool(args.tool, csv, args.resamples, args.threads, lower, 1)
                    for _ in range(args.repeats)]
            ours_s = statistics.median(r["seconds"] for r in ours)
            ours_cpu = statistics.median(r["cpu_seconds"] for r in ours)
            start = time.perf_counter()
            cpu_start = resource.getrusage(resource.RUSAGE_SELF)
            theirs = scipy_run(args.resamples, 1)
            scipy_s = time.perf_counter() - start
            cpu_end = resource.getrusage(resource.RUSAGE_SELF)
            scipy_cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
            ci = theirs.confidence_interval
            r = ours[0]
            print(f"| {name} | {len(rows)} | {scipy_s:.2f} | {ours_s:.3f} | "
                  f"{scipy_s / ours_s:.0f}x | {scipy_cpu:.2f} | {ours_cpu:.3f} | "
                  f"{scipy_cpu / ours_cpu:.0f}x | [{ci.low:.5f}, {ci.high:.5f}] | "
                  f"[{r['percentile'][0]:.5f}, {r['percentile'][1]:.5f}] | "
                  f"[{r['bca'][0]:.5f}, {r['bca'][1]:.5f}] |")
            figure.record("stats", f"paired bootstrap, {name}, {len(rows)} clusters, {args.resamples} resamples: wall",
                          ours_s, "s", "lower", "scipy.stats.bootstrap", scipy_s)
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
