// Builds the data block of the HTML report from a gate evaluation and the
// stored results: the verdict JSON as is, latency percentiles per run and
// suite, and the failure browser's items.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "report/failed_items.h"
#include "report/html.h"
#include "report/html_report.h"
#include "report/media_embed.h"
#include "report/ranking.h"
#include "report/scorecard.h"
#include "score/align.h"

namespace mmgate::report {
namespace {

using nlohmann::json;
using store::ItemResult;

using ItemKey = std::pair<std::string, std::string>;  // suite, item id

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

json LatencyRows(const gate::RunData& run, const std::string& role) {
  std::map<std::string, std::vector<double>> per_suite;
  for (const ItemResult& r : run.items) {
    if (r.response && r.response->answer)
      per_suite[r.item.suite].push_back(r.response->latency_ms);
  }
  json rows = json::array();
  for (const store::SuiteRecord& s : run.suites) {
    std::vector<double>& v = per_suite[s.suite];
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    rows.push_back({{"suite", s.suite},
                    {"modality", s.modality},
                    {"run", role},
                    {"n", v.size()},
                    {"p50", Percentile(v, 0.5)},
                    {"p90", Percentile(v, 0.9)},
                    {"p99", Percentile(v, 0.99)}});
  }
  return rows;
}

json RunJson(const store::RunRecord& r) {
  return {{"run_id", r.run_id},
          {"model", r.model},
          {"model_version", r.model_version},
          {"status", store::RunStatusName(r.status)},
          {"created_ms", r.created_ms}};
}

json SideJson(const ItemResult* r) {
  if (r == nullptr || !r->response) return nullptr;
  json j = {{"scores", json::object()}, {"details", json::object()}};
  if (r->response->answer) j["answer"] = *r->response->answer;
  if (r->response->error) j["error"] = *r->response->error;
  for (const auto& [metric, score] : r->scores) {
    j["scores"][metric] = score.value;
    if (!score.detail.empty()) j["details"][metric] = score.detail;
  }
  return j;
}

// How much worse the candidate did on an item (> 0: worse). An error the
// baseline did not make counts as the worst.
double Worsening(const ItemResult* base, const ItemResult& cand,
                 const std::string& metric, bool higher_is_better) {
  auto value = [&](const ItemResult* r, double* v) {
    if (r == nullptr || !r->response || !r->response->answer) return false;
    auto s = r->scores.find(metric);
    if (s == r->scores.end()) return false;
    *v = s->second.value;
    return true;
  };
  double b = 0, c = 0;
  bool base_ok = value(base, &b);
  bool cand_ok = value(&cand, &c);
  if (!cand_ok) return base_ok ? 1e9 : 0;
  if (!base_ok) return 0;
  return higher_is_better ? b - c : c - b;
}

bool InStratum(const ItemResult& r, const gate::Stratum& s) {
  if (s.key.empty()) return true;
  for (const auto& [k, v] : r.item.slices)
    if (k == s.key && v == s.value) return true;
  return false;
}

class ComparisonBuilder {
 public:
  ComparisonBuilder(const gate::GateResult& result, const gate::RunData& base,
                    const gate::RunData& cand, const ReportOptions& opt,
                    MediaEmbedder* media)
      : result_(result), cand_(cand), opt_(opt), media_(media) {
    for (const ItemResult& r : base.items)
      base_[{r.item.suite, r.item.item_id}] = &r;
  }

  json Build(const gate::RunData& base) {
    json items = json::array();
    json failures = json::array();
    for (const gate::SuiteVerdict& v : result_.suites) {
      std::vector<const gate::Stratum*> strata = {&v.total};
      for (const gate::Stratum& s : v.slices) strata.push_back(&s);
      for (const gate::Stratum* s : strata) {
        if (!s->gated || s->verdict == gate::Verdict::kPass) continue;
        failures.push_back(Failure(v, *s, &items));
      }
    }
    json latency = LatencyRows(base, "baseline");
    for (json& row : LatencyRows(cand_, "candidate"))
      latency.push_back(std::move(row));
    return {
        {"gate", VerdictJson(result_)},
        {"runs",
         {{"baseline", RunJson(base.run)}, {"candidate", RunJson(cand_.run)}}},
        {"latency", std::move(latency)},
        {"failures", std::move(failures)},
        {"failed_items",
         {{"baseline", FailedItemsJson(FailedItems(base.rows.items))},
          {"candidate", FailedItemsJson(FailedItems(cand_.rows.items))}}},
        {"items", std::move(items)},
        {"limits",
         {{"per_stratum", opt_.per_stratum},
          {"media_budget_bytes", opt_.media_budget_bytes}}}};
  }

 private:
  json Failure(const gate::SuiteVerdict& v, const gate::Stratum& s,
               json* items) {
    std::vector<std::pair<double, const ItemResult*>> worse;
    for (const ItemResult& r : cand_.items) {
      if (r.item.suite != v.suite || !InStratum(r, s)) continue;
      double w = Worsening(Base(r), r, v.metric, v.higher_is_better);
      if (w > 0) worse.emplace_back(w, &r);
    }
    std::sort(worse.begin(), worse.end(), [](const auto& a, const auto& b) {
      return a.first != b.first
                 ? a.first > b.first
                 : a.second->item.item_id < b.second->item.item_id;
    });
    json shown = json::array();
    for (size_t i = 0; i < worse.size() && i < opt_.per_stratum; ++i)
      shown.push_back(ItemIndex(*worse[i].second, items));
    size_t more = worse.size() - shown.size();
    return {{"suite", v.suite},
            {"modality", v.modality},
            {"metric", v.metric},
            {"stratum", s.key.empty() ? "all" : s.key + "=" + s.value},
            {"verdict", gate::VerdictName(s.verdict)},
            {"worse", worse.size()},
            {"shown", std::move(shown)},
            {"more", more}};
  }

  const ItemResult* Base(const ItemResult& r) const {
    auto it = base_.find({r.item.suite, r.item.item_id});
    return it == base_.end() ? nullptr : it->second;
  }

  // Each item is described once however many strata show it.
  size_t ItemIndex(const ItemResult& r, json* items) {
    ItemKey key{r.item.suite, r.item.item_id};
    auto [it, added] = index_.emplace(key, items->size());
    if (!added) return it->second;
    const ItemResult* base = Base(r);
    json reference = json::parse(r.item.reference_json, nullptr, false);
    json media = json::parse(r.item.media_json, nullptr, false);
    auto answer = [](const ItemResult* x) {
      return x && x->response && x->response->answer ? *x->response->answer
                                                     : std::string();
    };
    items->push_back(
        {{"suite", r.item.suite},
         {"id", r.item.item_id},
         {"prompt", r.item.prompt},
         {"reference",
          reference.is_discarded() ? json(r.item.reference_json) : reference},
         {"media", media_->Embed(r.item.suite, media)},
         {"baseline", SideJson(base)},
         {"candidate", SideJson(&r)},
         {"diff", WordDiff(answer(base), answer(&r))}});
    return it->second;
  }

  const gate::GateResult& result_;
  const gate::RunData& cand_;
  const ReportOptions& opt_;
  MediaEmbedder* media_;
  std::map<ItemKey, const ItemResult*> base_;
  std::map<ItemKey, size_t> index_;
};

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

json WordDiff(const std::string& a, const std::string& b) {
  // The alignment keeps a full matrix: long answers are shown replaced whole.
  constexpr size_t kMaxWords = 2000;
  std::vector<std::string> wa = Words(a), wb = Words(b);
  std::unordered_map<std::string, uint32_t> ids;
  auto intern = [&](const std::vector<std::string>& words) {
    std::vector<uint32_t> out;
    for (const std::string& w : words)
      out.push_back(ids.emplace(w, ids.size()).first->second);
    return out;
  };
  std::vector<uint32_t> ia = intern(wa), ib = intern(wb);
  std::vector<score::EditOp> path;
  if (wa.size() <= kMaxWords && wb.size() <= kMaxWords) {
    path = score::SclitePath(ia, ib);
  } else {
    path.assign(wa.size(), score::EditOp::kDeletion);
    path.insert(path.end(), wb.size(), score::EditOp::kInsertion);
  }
  json out = json::array();
  auto emit = [&](const char* op, const std::string& word) {
    if (!out.empty() && out.back()[0] == op) {
      out.back()[1] = out.back()[1].get<std::string>() + " " + word;
    } else {
      out.push_back({op, word});
    }
  };
  size_t i = 0, j = 0;
  for (score::EditOp op : path) {
    switch (op) {
      case score::EditOp::kCorrect:
        emit("=", wa[i++]);
        ++j;
        break;
      case score::EditOp::kSubstitution:
        emit("-", wa[i++]);
        emit("+", wb[j++]);
        break;
      case score::EditOp::kDeletion:
        emit("-", wa[i++]);
        break;
      case score::EditOp::kInsertion:
        emit("+", wb[j++]);
        break;
    }
  }
  return out;
}

json ReportData(const gate::Evaluation& e, const ReportOptions& opt) {
  MediaEmbedder media(opt);
  json comparisons = json::array();
  for (size_t i = 0; i < e.outcome.results.size(); ++i) {
    ComparisonBuilder b(e.outcome.results[i], e.baseline, e.candidates[i], opt,
                        &media);
    comparisons.push_back(b.Build(e.baseline));
  }
  std::string title = fmt::format(
      "mmgate: {} — {}", gate::VerdictName(e.outcome.verdict),
      e.outcome.results.empty()
          ? e.baseline.run.run_id
          : e.outcome.results[0].candidate + " vs " + e.baseline.run.run_id);
  return {
      {"kind", "report"},
      {"title", title},
      {"verdict", gate::VerdictName(e.outcome.verdict)},
      {"scorecard", ScorecardJson(e)},
      {"ranking_table", e.outcome.results.size() > 1 ? RankingJson(e.outcome)
                                                     : nlohmann::json(nullptr)},
      {"comparisons", std::move(comparisons)},
      {"goldset", opt.goldset}};
}

std::string RenderHtmlReport(const gate::Evaluation& e,
                             const ReportOptions& opt) {
  return RenderPage(ReportData(e, opt));
}

}  // namespace mmgate::report
