#include "goldset/health.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "gate/gate.h"
#include "score/metrics.h"

namespace mmgate::goldset {
namespace {

using Key = std::pair<std::string, std::string>;  // suite, item id
constexpr double kMsPerDay = 86400000.0;

// What the store says about the items: when each version was first run, the
// newest person's label per version, and pass/fail in the last N runs.
struct Seen {
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> first;
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> label;
  std::map<Key, std::vector<bool>> fails;  // newest run first
};

Status ReadRuns(store::Store* store, int last_n, Seen* seen,
                std::vector<std::string>* recent) {
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  // Newest first: the first N that scored anything are "the last N runs".
  std::reverse(runs->begin(), runs->end());
  for (const store::RunRecord& run : *runs) {
    auto items = store->LoadResults(run.run_id);
    if (!items.ok()) return items.status();
    const bool counted = static_cast<int>(recent->size()) < last_n;
    bool scored = false;
    for (const store::ItemResult& r : *items) {
      if (r.item.content_hash.empty() || !r.response) continue;
      auto k =
          std::make_tuple(r.item.suite, r.item.item_id, r.item.content_hash);
      auto [it, fresh] = seen->first.emplace(k, run.created_ms);
      if (!fresh) it->second = std::min(it->second, run.created_ms);
      auto s = r.scores.find(r.item.metric);
      if (!counted || r.response->error || s == r.scores.end()) continue;
      const score::MetricInfo* info = score::FindMetric(r.item.metric);
      seen->fails[{r.item.suite, r.item.item_id}].push_back(gate::IsFailure(
          false, s->second.value, info == nullptr || info->higher_is_better));
      scored = true;
    }
    if (counted && scored) recent->push_back(run.run_id);
  }
  return Status::Ok();
}

Status ReadLabels(store::Store* store, Seen* seen) {
  auto labels = store->ListLabels({});
  if (!labels.ok()) return labels.status();
  for (const store::LabelRecord& l : *labels) {
    if (l.grader.starts_with("judge:")) continue;  // a judge is no person
    auto& t = seen->label[{l.suite, l.item_id, l.content_hash}];
    t = std::max(t, l.created_ms);
  }
  return Status::Ok();
}

ItemHealth Assess(const Suite& suite, const Item& item, const Seen& seen,
                  int cadence_days, int64_t now_ms) {
  ItemHealth h;
  h.suite = suite.name;
  h.item_id = item.id;
  h.modality = item.modality;
  const auto version = std::make_tuple(suite.name, item.id, item.content_hash);
  auto label = seen.label.find(version);
  auto first = seen.first.find(version);
  if (label != seen.label.end()) {
    h.age_days = (now_ms - label->second) / kMsPerDay;
    h.from_people = true;
  } else if (first != seen.first.end()) {
    h.age_days = (now_ms - first->second) / kMsPerDay;
  }
  if (h.age_days && *h.age_days > cadence_days) {
    h.stale = true;
    h.priority += std::min(*h.age_days / cadence_days, 3.0);
    h.why.push_back(fmt::format("{} {:.0f} days old (cadence {} days)",
                                h.from_people ? "person's label" : "label",
                                *h.age_days, cadence_days));
  }
  auto f = seen.fails.find({suite.name, item.id});
  if (f != seen.fails.end()) {
    const std::vector<bool>& v = f->second;
    h.runs_scored = static_cast<int>(v.size());
    const auto failed = std::count(v.begin(), v.end(), true);
    if (v.size() < 2) {
      h.discrimination = Discrimination::kUnknown;
    } else if (failed == 0) {
      h.discrimination = Discrimination::kAllPass;
      h.priority += 1;
      h.why.push_back(
          fmt::format("every one of {} runs passes it: it no longer "
                      "discriminates",
                      v.size()));
    } else if (failed == static_cast<long>(v.size())) {
      h.discrimination = Discrimination::kAllFail;
      // Every model failing may be a wrong reference: look at it first.
      h.priority += 2;
      h.why.push_back(fmt::format(
          "every one of {} runs fails it: check its reference", v.size()));
    } else {
      h.discrimination = Discrimination::kMixed;
    }
  }
  return h;
}

void Coverage(const Suite& suite, const gate::Policy& policy, HealthReport* r,
              SuiteHealth* sh) {
  const int64_t min_n = policy.For(suite.name, suite.modality).min_n;
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  for (const Item& it : suite.items) {
    ++counts[{"", ""}];
    for (const auto& [k, v] : it.slices)
      if (policy.Gated(k)) ++counts[{k, v}];
  }
  for (const auto& [kv, n] : counts) {
    ++sh->strata;
    if (n >= min_n) continue;
    ++sh->strata_below;
    r->below_min_n.push_back({suite.name, kv.first, kv.second, n, min_n});
  }
}

void Tally(const ItemHealth& h, HealthReport* r, SuiteHealth* s) {
  ++s->items;
  s->stale += h.stale;
  s->never_run += !h.age_days.has_value();
  s->all_pass += h.discrimination == Discrimination::kAllPass;
  s->all_fail += h.discrimination == Discrimination::kAllFail;
  ++r->items;
  r->stale += h.stale;
  r->never_run += !h.age_days.has_value();
  r->all_pass += h.discrimination == Discrimination::kAllPass;
  r->all_fail += h.discrimination == Discrimination::kAllFail;
  r->mixed += h.discrimination == Discrimination::kMixed;
  r->undecided += h.discrimination == Discrimination::kUnknown;
}

}  // namespace

const char* DiscriminationName(Discrimination d) {
  switch (d) {
    case Discrimination::kMixed:
      return "mixed";
    case Discrimination::kAllPass:
      return "all_pass";
    case Discrimination::kAllFail:
      return "all_fail";
    case Discrimination::kUnknown:
      break;
  }
  return "undecided";
}

Result<HealthReport> Health(const config::Config& cfg, store::Store* store,
                            const HealthOptions& opt) {
  HealthReport r;
  r.cadence_days = cfg.goldset.cadence_days;
  Seen seen;
  MMGATE_RETURN_IF_ERROR(ReadRuns(store, opt.runs, &seen, &r.runs));
  MMGATE_RETURN_IF_ERROR(ReadLabels(store, &seen));
  for (const Suite& suite : cfg.project.suites) {
    SuiteHealth sh{suite.name, suite.modality};
    for (const Item& item : suite.items) {
      if (item.content_hash.empty()) continue;  // failed validation
      ItemHealth h = Assess(suite, item, seen, r.cadence_days, opt.now_ms);
      Tally(h, &r, &sh);
      if (h.priority > 0) r.refresh.push_back(h);
      r.all.push_back(std::move(h));
    }
    Coverage(suite, cfg.policy, &r, &sh);
    r.suites.push_back(sh);
  }
  std::stable_sort(r.refresh.begin(), r.refresh.end(),
                   [](const ItemHealth& a, const ItemHealth& b) {
                     return a.priority > b.priority;
                   });
  return r;
}

nlohmann::json ToJson(const HealthReport& r) {
  using nlohmann::json;
  json suites = json::array(), below = json::array(), refresh = json::array();
  for (const SuiteHealth& s : r.suites)
    suites.push_back({{"suite", s.suite},
                      {"modality", s.modality},
                      {"items", s.items},
                      {"stale", s.stale},
                      {"never_run", s.never_run},
                      {"all_pass", s.all_pass},
                      {"all_fail", s.all_fail},
                      {"strata", s.strata},
                      {"strata_below_min_n", s.strata_below}});
  for (const SliceCoverage& c : r.below_min_n)
    below.push_back({{"suite", c.suite},
                     {"key", c.key.empty() ? json(nullptr) : json(c.key)},
                     {"value", c.key.empty() ? json(nullptr) : json(c.value)},
                     {"n", c.n},
                     {"min_n", c.min_n},
                     {"short_by", c.min_n - c.n}});
  for (const ItemHealth& h : r.refresh)
    refresh.push_back(
        {{"suite", h.suite},
         {"item", h.item_id},
         {"modality", h.modality},
         {"priority", h.priority},
         {"age_days", h.age_days ? json(*h.age_days) : json(nullptr)},
         {"age_from", h.from_people ? "person_label" : "first_run"},
         {"discrimination", DiscriminationName(h.discrimination)},
         {"runs_scored", h.runs_scored},
         {"why", h.why}});
  return {{"cadence_days", r.cadence_days},
          {"runs", r.runs},
          {"items", r.items},
          {"stale", r.stale},
          {"never_run", r.never_run},
          {"all_pass", r.all_pass},
          {"all_fail", r.all_fail},
          {"mixed", r.mixed},
          {"undecided", r.undecided},
          {"suites", suites},
          {"below_min_n", below},
          {"refresh", refresh}};
}

nlohmann::json HtmlData(const HealthReport& r, size_t top) {
  using nlohmann::json;
  json out = ToJson(r);
  json& refresh = out["refresh"];
  out["refresh_total"] = refresh.size();
  if (refresh.size() > top)
    refresh.erase(refresh.begin() + static_cast<std::ptrdiff_t>(top),
                  refresh.end());
  json ages = json::array();
  for (const ItemHealth& h : r.all)
    ages.push_back({h.suite, h.age_days ? json(*h.age_days) : json(nullptr),
                    DiscriminationName(h.discrimination)});
  out["ages"] = std::move(ages);
  return out;
}

std::string ToText(const HealthReport& r, size_t top) {
  std::string out = fmt::format(
      "gold-set health: {} items in {} suites; cadence {} days; the last {} "
      "runs that scored items\n",
      r.items, r.suites.size(), r.cadence_days, r.runs.size());
  out += fmt::format(
      "  label age: {} older than the cadence, {} never run\n"
      "  discrimination: {} every run passes, {} every run fails, {} mixed, "
      "{} scored by fewer than 2 runs\n"
      "  coverage: {} strata below min_n\n",
      r.stale, r.never_run, r.all_pass, r.all_fail, r.mixed, r.undecided,
      r.below_min_n.size());
  out += fmt::format("\n{:<20} {:>6} {:>6} {:>6} {:>9} {:>9} {:>13}\n", "suite",
                     "items", "stale", "unrun", "all pass", "all fail",
                     "strata < min");
  for (const SuiteHealth& s : r.suites)
    out += fmt::format("{:<20} {:>6} {:>6} {:>6} {:>9} {:>9} {:>8}/{:<4}\n",
                       s.suite, s.items, s.stale, s.never_run, s.all_pass,
                       s.all_fail, s.strata_below, s.strata);
  if (!r.refresh.empty())
    out += fmt::format("\nrefresh first ({} of {}):\n",
                       std::min(top, r.refresh.size()), r.refresh.size());
  for (size_t i = 0; i < r.refresh.size() && i < top; ++i) {
    const ItemHealth& h = r.refresh[i];
    std::string why;
    for (const std::string& w : h.why) why += (why.empty() ? "" : "; ") + w;
    out += fmt::format("  {:>4.2f}  {} {}: {}\n", h.priority, h.suite,
                       h.item_id, why);
  }
  return out;
}

}  // namespace mmgate::goldset
