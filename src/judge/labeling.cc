#include "judge/labeling.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "judge/agreement.h"
#include "stats/rng.h"

namespace mmgate::judge {
namespace {

using nlohmann::json;

// (suite, item) -> answer of one run.
Result<std::map<std::pair<std::string, std::string>, std::string>> Answers(
    store::Store* store, const std::string& run) {
  auto results = store->LoadResults(run);
  if (!results.ok()) return results.status();
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const store::ItemResult& r : *results)
    if (r.response && r.response->answer && !r.response->error)
      out[{r.item.suite, r.item.item_id}] = *r.response->answer;
  return out;
}

const Suite* FindSuite(const config::Config& cfg, const std::string& name) {
  for (const Suite& s : cfg.project.suites)
    if (s.name == name) return &s;
  return nullptr;
}

using AnswerKey = std::tuple<std::string, std::string, std::string>;

}  // namespace

namespace {

// A run made by `mmgate mine`: each logged answer is one task, graded on the
// rubric the run was mined with.
Result<bool> AddMined(store::Store* store, const std::string& run,
                      LabelQueue* q) {
  auto mined = mine::LoadMinedRun(store, run);
  if (!mined.ok()) return mined.status();
  if (!*mined) return false;
  auto owned = std::make_unique<mine::MinedRun>(std::move(**mined));
  for (const mine::MinedSuite& s : owned->suites)
    for (const Item& it : s.suite.items) {
      LabelTask t{s.suite.name + "/" + it.id + "/" + run,
                  &s.suite,
                  &it,
                  &s.rubric,
                  run,
                  owned->answers.at({s.suite.name, it.id})};
      q->tasks.push_back(std::move(t));
    }
  q->mined.push_back(std::move(owned));
  return true;
}

}  // namespace

Result<LabelQueue> BuildQueue(const config::Config& cfg, store::Store* store,
                              const std::vector<std::string>& runs,
                              uint64_t seed) {
  if (runs.empty() || runs.size() > 2)
    return Status::Invalid(
        "label one run's answers, or two runs' side by side");
  LabelQueue q;
  if (runs.size() == 1) {
    auto mined = AddMined(store, runs[0], &q);
    if (!mined.ok()) return mined.status();
    if (*mined) return q;
  }
  std::vector<std::map<std::pair<std::string, std::string>, std::string>> ans;
  for (const std::string& r : runs) {
    auto a = Answers(store, r);
    if (!a.ok()) return a.status();
    ans.push_back(std::move(*a));
  }
  stats::Xoshiro256 rng(seed);
  for (const Suite& s : cfg.project.suites) {
    auto rubric = cfg.rubrics.find(s.name);
    if (rubric == cfg.rubrics.end()) continue;
    for (const Item& it : s.items) {
      std::vector<LabelTask> both;
      for (size_t r = 0; r < runs.size(); ++r) {
        auto a = ans[r].find({s.name, it.id});
        if (a == ans[r].end()) break;
        LabelTask t{s.name + "/" + it.id + "/" + runs[r],
                    &s,
                    &it,
                    &rubric->second,
                    runs[r],
                    a->second};
        both.push_back(std::move(t));
      }
      if (both.size() != runs.size()) continue;
      // Blinded: which run comes first is a coin flip per item.
      if (both.size() == 2) {
        if (rng.Next() & 1) std::swap(both[0], both[1]);
        both[0].other_answer = both[1].answer;
        both[1].other_answer = both[0].answer;
        both[0].position = "1";
        both[1].position = "2";
      }
      for (LabelTask& t : both) q.tasks.push_back(std::move(t));
    }
  }
  return q;
}

json TaskJson(const LabelTask& t, size_t index) {
  const Rubric& r = *t.rubric;
  json grades = json::array(), modes = json::array(), media = json::array();
  for (const auto& [g, d] : r.scale)
    grades.push_back({{"grade", g}, {"what", d}});
  for (const auto& [m, d] : r.failure_modes)
    modes.push_back({{"name", m}, {"what", d}});
  for (size_t n = 0; n < t.item->media.size(); ++n)
    media.push_back({{"type", t.item->media[n].type},
                     {"url", fmt::format("media/{}/{}", index, n)}});
  json j = {{"index", index},           {"suite", t.suite->name},
            {"item", t.item->id},       {"modality", t.suite->modality},
            {"prompt", t.item->prompt}, {"references", t.item->references},
            {"answer", t.answer},       {"media", media},
            {"grades", grades},         {"failure_modes", modes},
            {"rubric", r.instructions}};
  if (t.other_answer) {
    j["other_answer"] = *t.other_answer;
    j["position"] = t.position;
  }
  if (!t.store_as.empty()) j["compare"] = true;
  return j;
}

std::vector<store::LabelRecord> Current(
    const std::vector<store::LabelRecord>& all) {
  // Labels come in id order: the last one per grader and answer wins.
  std::map<std::tuple<std::string, std::string, std::string, std::string>,
           const store::LabelRecord*>
      newest;
  for (const store::LabelRecord& l : all)
    newest[{l.grader, l.run_id, l.suite, l.item_id}] = &l;
  std::vector<store::LabelRecord> out;
  for (const auto& [k, l] : newest)
    if (l->grade != kWithdrawn) out.push_back(*l);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.label_id < b.label_id;
  });
  return out;
}

Result<std::vector<GraderAgreement>> InterGrader(const config::Config& cfg,
                                                 store::Store* store) {
  auto all = store->ListLabels({});
  if (!all.ok()) return all.status();
  // grader -> (run, suite, item) -> grade index; scale size per suite.
  std::map<std::string, std::map<AnswerKey, int>> by_grader;
  std::map<std::string, int> scale;
  bool ordinal = false;
  for (const store::LabelRecord& l : Current(*all)) {
    auto r = cfg.rubrics.find(l.suite);
    if (r == cfg.rubrics.end()) continue;
    auto g = r->second.GradeIndex(l.grade);
    if (!g) continue;
    by_grader[l.grader][{l.run_id, l.suite, l.item_id}] = *g;
    scale[l.suite] = static_cast<int>(r->second.scale.size());
    ordinal = ordinal || r->second.Ordinal();
  }
  int k = 2;
  for (const auto& [s, n] : scale) k = std::max(k, n);
  std::vector<GraderAgreement> out;
  for (auto a = by_grader.begin(); a != by_grader.end(); ++a) {
    for (auto b = std::next(a); b != by_grader.end(); ++b) {
      std::vector<int> ga, gb;
      for (const auto& [key, g] : a->second) {
        auto other = b->second.find(key);
        if (other == b->second.end()) continue;
        ga.push_back(g);
        gb.push_back(other->second);
      }
      if (ga.empty()) continue;
      GraderAgreement g{a->first, b->first, static_cast<int64_t>(ga.size())};
      int same = 0;
      for (size_t i = 0; i < ga.size(); ++i) same += ga[i] == gb[i];
      g.raw = static_cast<double>(same) / static_cast<double>(ga.size());
      g.kappa_kind = ordinal ? "quadratic" : "plain";
      g.kappa = CohenKappa(
          ga, gb, k, ordinal ? KappaWeights::kQuadratic : KappaWeights::kNone);
      out.push_back(std::move(g));
    }
  }
  return out;
}

Result<int64_t> ExportGold(const config::Config& cfg, store::Store* store,
                           std::ostream& out) {
  auto all = store->ListLabels({});
  if (!all.ok()) return all.status();
  std::map<std::string, std::map<std::pair<std::string, std::string>,
                                 std::string>>
      answers;  // run -> answers
  int64_t n = 0;
  for (const store::LabelRecord& l : Current(*all)) {
    const Suite* s = FindSuite(cfg, l.suite);
    if (s == nullptr || !s->judge || s->judge->mode != "score" ||
        l.run_id.empty())
      continue;
    if (!answers.contains(l.run_id)) {
      auto a = Answers(store, l.run_id);
      if (!a.ok()) return a.status();
      answers[l.run_id] = std::move(*a);
    }
    auto a = answers[l.run_id].find({l.suite, l.item_id});
    if (a == answers[l.run_id].end()) continue;
    json j = {{"suite", l.suite},
              {"item", l.item_id},
              {"answer", a->second},
              {"grade", l.grade},
              {"failure_modes", l.failure_modes},
              {"grader", l.grader},
              {"note", l.note}};
    out << j.dump() << "\n";
    ++n;
  }
  return n;
}

}  // namespace mmgate::judge
