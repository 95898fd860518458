// Runs tests/stats/scipy_reference.py under Debian's Python (the one with
// SciPy and statsmodels) and parses its JSON answer.
#ifndef MMGATE_TESTS_STATS_REFERENCE_H_
#define MMGATE_TESTS_STATS_REFERENCE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "stats/bootstrap.h"

namespace mmgate::stats::testing {

// Empty when /usr/bin/python3 can import scipy and statsmodels, else why not.
std::string ReferenceUnavailable();

// scipy_reference.py with these arguments; its stdout parsed as JSON.
Result<nlohmann::json> RunReference(const std::vector<std::string>& args);

// Writes per-cluster sums as the script's CSV, at full precision.
Result<std::string> WriteClustersCsv(const std::vector<PairedSums>& clusters,
                                     const std::string& name);

// Deterministic test data: `clusters` clusters of 1..max_size items, each a
// transcript of 5..24 reference words with error counts drawn for a baseline
// and a slightly better candidate (num = errors, den = words).
std::vector<PairedSums> WerLikeClusters(int clusters, int max_size,
                                        uint64_t seed);

// `clusters` groups of 1..max_size items scored 0/1 (num = passes, den =
// items): each group has its own pass rate, shared by its variants; the
// candidate re-draws one item in ten. Few distinct cluster values, as in a
// binary suite with perturbation groups.
std::vector<PairedSums> BinaryGroups(int clusters, int max_size, uint64_t seed);

// `n` single-item clusters of a mean metric in [0, 1] (den = 1), candidate
// correlated with baseline.
std::vector<PairedSums> MeanScoreItems(int n, uint64_t seed);

}  // namespace mmgate::stats::testing

#endif  // MMGATE_TESTS_STATS_REFERENCE_H_
