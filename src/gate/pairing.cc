// Pairing, the first step of Evaluate (steps.h).
#include "stats/pairing.h"

#include <fmt/format.h>

#include <unordered_map>
#include <utility>
#include <vector>

#include "common/parallel.h"
#include "gate/steps.h"
#include "score/metrics.h"

namespace mmgate::gate {
namespace {

using store::GateItem;

Status CheckSameVersions(const RunData& baseline, const RunData& candidate) {
  std::map<std::string, const store::SuiteRecord*> cand_suites;
  for (const store::SuiteRecord& s : candidate.suites)
    cand_suites[s.suite] = &s;
  for (const store::SuiteRecord& s : baseline.suites) {
    auto c = cand_suites.find(s.suite);
    if (c != cand_suites.end() && c->second->version_hash != s.version_hash) {
      return Status::Invalid(fmt::format(
          "suite '{}' differs between the runs (version {} in {}, "
          "{} in {}): the suite file or its "
          "items changed, so the runs are not comparable; run both "
          "models on the same version",
          s.suite, s.version_hash.substr(0, 12), baseline.run.run_id,
          c->second->version_hash.substr(0, 12), candidate.run.run_id));
    }
  }
  return Status::Ok();
}

// The work of (suite, metric) of `b`, set up on first use; `last` caches
// the previous item's, as runs come grouped by suite.
SuiteWork* WorkFor(const GateItem& b, const Policy& policy,
                   const std::map<std::string, const store::SuiteRecord*,
                                  std::less<>>& base_suites,
                   SuiteWorks* works, SuiteWork* last) {
  const std::string_view metric = b.metric;
  SuiteWork* w = last;
  if (w == nullptr || w->v.suite != b.suite || w->v.metric != metric) {
    w = &(*works)[{std::string(b.suite), std::string(metric)}];
  }
  if (w->v.suite.empty()) {
    w->v.suite = b.suite;
    w->v.metric = metric;
    auto suite = base_suites.find(b.suite);
    w->v.modality =
        suite != base_suites.end() ? suite->second->modality : b.modality;
    const score::MetricInfo* info = score::FindMetric(metric);
    w->v.higher_is_better = info == nullptr || info->higher_is_better;
    w->v.binary = info != nullptr && info->binary;
    w->v.thresholds = policy.For(w->v.suite, w->v.modality);
  }
  return w;
}

// Adds one paired item to its strata; false when it is left out (an error
// and gate.errors_as_failures: false).
bool AddPair(const GateItem& b, const GateItem& c, const Policy& policy,
             SuiteWork* w) {
  const std::string& metric = w->v.metric;
  bool be = stats::Errored(b), ce = stats::Errored(c);
  const store::GateScore *bs = b.Score(metric), *cs = c.Score(metric);
  // An answer a judge could not grade is unscored, never a failure: it is
  // left out and counted by the judge rule (judge_gate.h).
  if (metric == "judge" && ((!be && bs == nullptr) || (!ce && cs == nullptr)))
    return true;
  if (!be && bs == nullptr) be = true;
  if (!ce && cs == nullptr) ce = true;
  std::vector<size_t>& strata = w->pair_strata;
  strata.assign(1, 0);
  for (const store::GateSlice& s : b.slices)
    strata.push_back(w->At(s.key, s.value));
  for (size_t st : strata) {
    w->strata[st].base_errors += be;
    w->strata[st].cand_errors += ce;
  }
  if ((be || ce) && !policy.errors_as_failures) return false;
  // An error scores as the worst outcome: 0 for accuracy-like metrics, every
  // reference token wrong for error rates (denominator from the other run).
  double den = !be ? bs->denominator : !ce ? cs->denominator : 1;
  auto worst = [&]() {
    return std::pair<double, double>{w->v.higher_is_better ? 0 : den, den};
  };
  auto [bn, bd] = be ? worst() : std::pair{bs->numerator, bs->denominator};
  auto [cn, cd] = ce ? worst() : std::pair{cs->numerator, cs->denominator};
  uint32_t index = static_cast<uint32_t>(w->pairs.size());
  w->pairs.push_back({b.group, bn, bd, cn, cd});
  w->base_items.push_back(&b);
  w->cand_items.push_back(&c);
  for (size_t st : strata) w->strata[st].idx.push_back(index);
  const bool hib = w->v.higher_is_better;
  w->base_failed.push_back(IsFailure(be, be ? 0 : bs->value, hib));
  w->cand_failed.push_back(IsFailure(ce, ce ? 0 : cs->value, hib));
  for (size_t i = 1; i < strata.size(); ++i)
    w->slice_strata.push_back(static_cast<uint32_t>(strata[i]));
  w->slice_first.push_back(static_cast<uint32_t>(w->slice_strata.size()));
  return true;
}

// One (suite, metric)'s pairs: where they lie in the pairing's list (runs of
// adjacent pairs, in order) and how many were left out.
struct WorkPairs {
  SuiteWork* w = nullptr;
  std::vector<std::pair<size_t, size_t>> ranges;  // [begin, end)
  size_t count = 0;
  int64_t left_out = 0;
};

// Each pair's work, set up here on one thread (the map grows); the pairs are
// then added work by work on up to one thread per core (FillWork), each
// work's in the pairs' order, so the result is the one-thread one. Pairing a
// million items is otherwise a serial step of the gate.
std::vector<WorkPairs> PlanWorks(
    const std::vector<stats::ItemPair<GateItem>>& pairs, const Policy& policy,
    const std::map<std::string, const store::SuiteRecord*, std::less<>>&
        base_suites,
    SuiteWorks* works) {
  std::vector<WorkPairs> plan;
  std::unordered_map<const SuiteWork*, size_t> plan_of;
  SuiteWork* w = nullptr;
  WorkPairs* p = nullptr;
  for (size_t i = 0; i < pairs.size(); ++i) {
    SuiteWork* next =
        WorkFor(*pairs[i].baseline, policy, base_suites, works, w);
    if (next != w || p == nullptr) {
      auto [it, added] = plan_of.emplace(next, plan.size());
      if (added) plan.push_back(WorkPairs{next, {}, 0, 0});
      p = &plan[it->second];
      p->ranges.emplace_back(i, i);
      w = next;
    }
    ++p->ranges.back().second;
    ++p->count;
  }
  return plan;
}

void FillWork(const std::vector<stats::ItemPair<GateItem>>& pairs,
              const Policy& policy, WorkPairs* p) {
  SuiteWork* w = p->w;
  w->pairs.reserve(p->count);
  w->base_items.reserve(p->count);
  w->cand_items.reserve(p->count);
  w->base_failed.reserve(p->count);
  w->cand_failed.reserve(p->count);
  w->slice_first.reserve(p->count + 1);
  w->strata[0].idx.reserve(p->count);
  for (const auto& [begin, end] : p->ranges) {
    for (size_t i = begin; i < end; ++i) {
      if (!AddPair(*pairs[i].baseline, *pairs[i].candidate, policy, w))
        ++p->left_out;
    }
  }
  NumberClusters(&w->pairs);
}

Status ReportUnmatched(const Policy& policy, int64_t left_out,
                       GateResult* out) {
  if (!out->unmatched.empty()) {
    std::string some;
    for (size_t i = 0; i < out->unmatched.size() && i < 5; ++i)
      some += " " + out->unmatched[i];
    std::string msg = fmt::format(
        "{} items are in only one of the runs or changed between them:{}{}",
        out->unmatched.size(), some, out->unmatched.size() > 5 ? " ..." : "");
    if (!policy.allow_partial) {
      return Status::Invalid(
          msg + "; set gate.allow_partial: true to compare the intersection");
    }
    out->reasons.push_back(
        msg + " (compared on the intersection: gate.allow_partial)");
  }
  if (left_out > 0) {
    out->reasons.push_back(
        fmt::format("{} paired items errored in one run and were left out "
                    "(gate.errors_as_failures: false)",
                    left_out));
  }
  return Status::Ok();
}

}  // namespace

size_t SuiteWork::At(std::string_view key, std::string_view value) {
  at_key.assign(key).append(1, '\x1f').append(value);
  if (auto found = index.find(at_key); found != index.end())
    return found->second;
  index.emplace(at_key, strata.size());
  strata.push_back(StratumAcc{std::string(key), std::string(value)});
  return strata.size() - 1;
}

Result<SuiteWorks> PairRuns(const RunData& baseline, const RunData& candidate,
                            const Policy& policy, GateResult* out) {
  MMGATE_RETURN_IF_ERROR(CheckSameVersions(baseline, candidate));
  // Pair on (suite, id) with equal content; everything else is unmatched.
  stats::Pairing pairing =
      stats::PairItems(baseline.rows.items, candidate.rows.items);
  out->unmatched = std::move(pairing.unmatched);
  std::map<std::string, const store::SuiteRecord*, std::less<>> base_suites;
  for (const store::SuiteRecord& s : baseline.suites) base_suites[s.suite] = &s;
  SuiteWorks works;
  std::vector<WorkPairs> plan =
      PlanWorks(pairing.pairs, policy, base_suites, &works);
  ParallelFor(CoreCount(), plan.size(), [&](int, size_t k) {
    FillWork(pairing.pairs, policy, &plan[k]);
  });
  int64_t left_out = 0;
  for (const WorkPairs& p : plan) left_out += p.left_out;
  MMGATE_RETURN_IF_ERROR(ReportUnmatched(policy, left_out, out));
  return works;
}

}  // namespace mmgate::gate
