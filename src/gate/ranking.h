// Gate-then-rank's table: every candidate, ranked or dropped with the reason
// (the SLOs it misses first, then its regressions, then what is undecided),
// with the ranking keys beside it, so a reader sees why the cheapest or the
// fastest did not win. Pure function of the gate results.
#ifndef MMGATE_GATE_RANKING_H_
#define MMGATE_GATE_RANKING_H_

#include <cstddef>
#include <string>
#include <vector>

#include "gate/gate.h"
#include "gate/policy.h"

namespace mmgate::gate {

struct RankRow {
  size_t index = 0;  // into the results
  std::string candidate;
  int rank = 0;  // 1-based among the ranked; 0 when dropped
  Verdict verdict = Verdict::kPass;
  // Dropped candidates: "misses SLO", "regression" or "inconclusive", and
  // the SLO checks or strata behind it (labels with their figures).
  std::string dropped;
  std::vector<std::string> why;
  double quality = 0;  // RankKey's values
  double cost = -1;    // -1: unknown
  double latency = 0;
};

// Ranked candidates first in `ranking` order, then the dropped ones in
// input order.
std::vector<RankRow> RankingTable(const std::vector<GateResult>& results,
                                  const std::vector<size_t>& ranking);

}  // namespace mmgate::gate

#endif  // MMGATE_GATE_RANKING_H_
