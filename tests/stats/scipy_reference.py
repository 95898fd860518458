#!/usr/bin/env python3
"""Reference values from SciPy and statsmodels for the stats tests and benchmarks.

  scipy_reference.py mcnemar N11,N10,N01,N00 ...
      -> [[p_two_sided, p_worse], ...]   statsmodels mcnemar(exact=True);
                                          p_worse = binom.sf(n10 - 1, n10 + n01, 1/2)
  scipy_reference.py adjust holm|fdr_bh P ...
      -> [adjusted, ...]                  statsmodels multipletests
  scipy_reference.py bootstrap CSV HIGHER_IS_BETTER(1|0) CONFIDENCE RESAMPLES SEED
      -> {"delta", "percentile", "bca", "se", "acceleration"}
         CSV rows are per-cluster sums "base_num,base_den,cand_num,cand_den";
         scipy.stats.bootstrap(paired=True) on them, statistic oriented so
         positive = candidate better; acceleration from a direct O(k^2)
         leave-one-cluster-out jackknife in NumPy.
  scipy_reference.py binom X N P0 CONFIDENCE
      -> {"ci": [lo, hi], "p_above", "p_below"}
         binomtest(X, N).proportion_ci(CONFIDENCE, method="exact") and the
         one-sided binomtest(X, N, P0) p-values (greater, less)
  scipy_reference.py onesample CSV STATISTIC CONFIDENCE RESAMPLES SEED METHOD
      -> {"estimate", "ci": [lo, hi], "se"}
         scipy.stats.bootstrap of one column of values (one per cluster);
         STATISTIC is mean or pQ (np.percentile at Q, e.g. p95), METHOD
         percentile or BCa
Prints one JSON value on stdout.
"""
import json
import sys

import numpy as np


def mcnemar(tables):
    from scipy.stats import binom
    from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
    out = []
    for t in tables:
        n11, n10, n01, n00 = (int(v) for v in t.split(","))
        two = float(sm_mcnemar([[n11, n10], [n01, n00]], exact=True).pvalue)
        worse = 1.0 if n10 == 0 else float(binom.sf(n10 - 1, n10 + n01, 0.5))
        out.append([two, worse])
    return out


def adjust(method, ps):
    from statsmodels.stats.multitest import multipletests
    return [float(v) for v in multipletests([float(p) for p in ps], method=method)[1]]


def bootstrap(csv, higher, confidence, resamples, seed):
    from scipy.stats import bootstrap as sp_bootstrap
    data = np.loadtxt(csv, delimiter=",", ndmin=2)
    bn, bd, cn, cd = (data[:, i] for i in range(4))
    sign = 1.0 if higher == "1" else -1.0

    def statistic(bn, bd, cn, cd, axis=-1):
        return sign * (cn.sum(axis=axis) / cd.sum(axis=axis) - bn.sum(axis=axis) / bd.sum(axis=axis))

    out = {"delta": float(statistic(bn, bd, cn, cd))}
    for method in ("percentile", "BCa"):
        res = sp_bootstrap((bn, bd, cn, cd), statistic, paired=True, vectorized=True,
                           confidence_level=float(confidence), n_resamples=int(resamples),
                           method=method, batch=200,
                           random_state=np.random.default_rng(int(seed)))
        ci = res.confidence_interval
        out[method.lower()] = [float(ci.low), float(ci.high)]
        out["se"] = float(res.standard_error)
    k = len(bn)
    jack = np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        jack[i] = statistic(bn[keep], bd[keep], cn[keep], cd[keep])
    u = jack.mean() - jack
    out["acceleration"] = float((u ** 3).sum() / (6 * ((u ** 2).sum()) ** 1.5))
    return out


def binom(x, n, p0, confidence):
    from scipy.stats import binomtest
    x, n, p0 = int(x), int(n), float(p0)
    ci = binomtest(x, n).proportion_ci(confidence_level=float(confidence), method="exact")
    return {"ci": [float(ci.low), float(ci.high)],
            "p_above": float(binomtest(x, n, p0, alternative="greater").pvalue),
            "p_below": float(binomtest(x, n, p0, alternative="less").pvalue)}


def onesample(csv, statistic, confidence, resamples, seed, method):
    from scipy.stats import bootstrap as sp_bootstrap
    values = np.loadtxt(csv, delimiter=",", ndmin=1)
    if statistic == "mean":
        def stat(v, axis=-1):
            return np.mean(v, axis=axis)
    else:
        q = float(statistic[1:])

        def stat(v, axis=-1):
            return np.percentile(v, q, axis=axis)
    res = sp_bootstrap((values,), stat, vectorized=True, confidence_level=float(confidence),
                       n_resamples=int(resamples), method=method, batch=500,
                       random_state=np.random.default_rng(int(seed)))
    ci = res.confidence_interval
    return {"estimate": float(stat(values)), "ci": [float(ci.low), float(ci.high)],
            "se": float(res.standard_error)}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[1], argv[2:]
    if command == "mcnemar":
        result = mcnemar(args)
    elif command == "adjust":
        result = adjust(args[0], args[1:])
    elif command == "bootstrap" and len(args) == 5:
        result = bootstrap(*args)
    elif command == "binom" and len(args) == 4:
        result = binom(*args)
    elif command == "onesample" and len(args) == 6:
        result = onesample(*args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
