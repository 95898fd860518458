#include "pipeline/summary.h"

#include <fmt/format.h>

namespace mmgate::pipeline {

RunSummaryView Summarise(const StoredRun& run) {
  RunSummaryView s;
  s.run_id = run.run.run_id;
  s.suite = run.suite;
  for (const std::string& u : run.units) s.stages.push_back({u});
  auto at = [&](const std::string& name) -> StageSummary* {
    for (StageSummary& st : s.stages)
      if (st.stage == name) return &st;
    return nullptr;
  };
  for (const StoredItem& it : run.items) {
    const ItemVerdict& v = it.verdict;
    ++s.items;
    for (const Boundary& b : v.boundaries) {
      StageSummary* st = at(b.unit);
      if (st == nullptr || !b.checked) continue;
      ++st->checked;
      if (!b.pass) ++st->failed;
    }
    if (v.pass) {
      ++s.passed;
      continue;
    }
    s.failing.push_back(&it);
    if (StageSummary* st = at(v.first_failing)) ++st->first_failing;
    if (StageSummary* st = at(v.blamed)) ++st->blamed;
    ++(v.Agree() ? s.agree : s.disagree);
  }
  return s;
}

nlohmann::json SummaryJson(const RunSummaryView& s) {
  nlohmann::json j = {{"run", s.run_id},
                      {"suite", s.suite},
                      {"items", s.items},
                      {"passed", s.passed},
                      {"failed", s.items - s.passed},
                      {"blame_agree", s.agree},
                      {"blame_disagree", s.disagree},
                      {"stages", nlohmann::json::array()},
                      {"failing", nlohmann::json::array()}};
  for (const StageSummary& st : s.stages) {
    j["stages"].push_back(
        {{"stage", st.stage},
         {"checked", st.checked},
         {"failed", st.failed},
         {"failure_rate",
          st.checked ? static_cast<double>(st.failed) / st.checked : 0.0},
         {"first_failing", st.first_failing},
         {"blamed_by_substitution", st.blamed}});
  }
  for (const StoredItem* it : s.failing)
    j["failing"].push_back(VerdictJson(it->verdict));
  return j;
}

std::string SummaryText(const RunSummaryView& s) {
  std::string out = fmt::format(
      "pipeline run {} (suite {}): {} of {} items pass end to end\n\n",
      s.run_id, s.suite, s.passed, s.items);
  out +=
      fmt::format("{:<14} {:>8} {:>8} {:>9} {:>14} {:>13}\n", "stage",
                  "checked", "failed", "rate", "first-failing", "substitution");
  for (const StageSummary& st : s.stages) {
    out += fmt::format("{:<14} {:>8} {:>8} {:>8.1f}% {:>14} {:>13}\n", st.stage,
                       st.checked, st.failed,
                       st.checked ? 100.0 * st.failed / st.checked : 0.0,
                       st.first_failing, st.blamed);
  }
  out += fmt::format("\nblame rules agree on {} of {} failing items\n", s.agree,
                     s.agree + s.disagree);
  for (const StoredItem* it : s.failing) {
    const ItemVerdict& v = it->verdict;
    std::string why = v.error;
    for (const Boundary& b : v.boundaries)
      if (why.empty() && b.checked && !b.pass) why = b.unit + ": " + b.detail;
    out += fmt::format("  {}: first failing {}, substitution {}{}{} -- {}\n",
                       it->item_id, v.first_failing, v.blamed,
                       v.by_elimination ? " (by elimination)" : "",
                       v.Agree() ? "" : " [disagree]", why);
  }
  return out;
}

}  // namespace mmgate::pipeline
