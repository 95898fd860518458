#include "judge/calibrate.h"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "judge/judge.h"
#include "judge/labels_file.h"

namespace mmgate::judge {
namespace {

// One graded label: people's grade and the judge's (unset: unscored).
struct Pair {
  const HumanLabel* label;
  const Suite* suite;
  const Item* item;
  std::optional<int> judge;
  double cost_usd = 0;
  bool flip = false;  // pairwise: the verdict flipped with the order
};

const Item* FindItem(const Suite& s, const std::string& id) {
  for (const Item& it : s.items)
    if (it.id == id) return &it;
  return nullptr;
}

// The judges of the labeled suites, one per rubric.
Result<std::map<std::string, std::unique_ptr<Judge>>> MakeJudges(
    const config::Config& cfg, const std::vector<Pair>& pairs,
    store::Store* store, Clock* clock, const runner::ModelMaker& make_model) {
  std::map<std::string, std::unique_ptr<Judge>> judges;
  for (const Pair& p : pairs) {
    const Rubric& r = cfg.rubrics.at(p.suite->name);
    if (judges.contains(r.hash)) continue;
    JudgeSetup setup;
    setup.name = p.suite->judge->model;
    setup.spec = cfg.project.models.at(setup.name);
    setup.rubric = r;
    auto price = cfg.project.prices.find(setup.name);
    if (price != cfg.project.prices.end()) setup.price = price->second;
    auto j = Judge::Create(std::move(setup), store, clock, make_model);
    if (!j.ok()) return j.status();
    judges[r.hash] = std::move(*j);
  }
  return judges;
}

void GradeAll(const config::Config& cfg, int workers,
              std::map<std::string, std::unique_ptr<Judge>>& judges,
              std::vector<Pair>* pairs, bool progress) {
  std::atomic<size_t> next{0}, done{0};
  auto work = [&]() {
    for (size_t i = next++; i < pairs->size(); i = next++) {
      Pair& p = (*pairs)[i];
      Judge& j = *judges.at(cfg.rubrics.at(p.suite->name).hash);
      if (p.label->pairwise) {
        // A as the baseline, B as the candidate: B's preference 1 is
        // "B better" (index 0), 0.5 a tie (1), 0 "A better" (2).
        PairJudgement g =
            j.Compare(*p.suite, *p.item, p.label->answer, p.label->answer_b);
        if (g.candidate_score)
          p.judge = static_cast<int>(2 - 2 * *g.candidate_score);
        p.flip = g.position_flip;
        p.cost_usd = g.first.cost_usd + g.second.cost_usd;
      } else {
        Judgement g = j.Score(*p.suite, *p.item, p.label->answer);
        if (g.verdict) p.judge = g.verdict->grade;
        p.cost_usd = g.call.cost_usd;
      }
      size_t d = ++done;
      if (progress && (d % 10 == 0 || d == pairs->size()))
        std::fprintf(stderr, "\rcalibrate: judged %zu/%zu labels", d,
                     pairs->size());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, workers); ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  if (progress && !pairs->empty()) std::fprintf(stderr, "\n");
}

// Strata: (modality, rubric hash, slice key, slice value) -> pair indices.
using StratumKey =
    std::tuple<std::string, std::string, std::string, std::string>;

std::map<StratumKey, std::vector<size_t>> Strata(
    const config::Config& cfg, const std::vector<Pair>& pairs) {
  std::map<StratumKey, std::vector<size_t>> out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const Pair& p = pairs[i];
    // Pairwise and score labels of one rubric are calibrated apart.
    const std::string hash = cfg.rubrics.at(p.suite->name).hash +
                             (p.label->pairwise ? "#pairwise" : "");
    out[{p.suite->modality, hash, "", ""}].push_back(i);
    for (const auto& [k, v] : p.item->slices)
      out[{p.suite->modality, hash, k, v}].push_back(i);
  }
  return out;
}

// One stratum's agreement and the record the gate reads.
StratumCalibration Measure(const StratumKey& key,
                           const std::vector<size_t>& idx,
                           const std::vector<Pair>& pairs, const Judge& j,
                           const CalibrateOptions& options, uint64_t seed) {
  const auto& [modality, stratum_hash, slice_key, slice_value] = key;
  const bool pairwise = stratum_hash.ends_with("#pairwise");
  std::vector<int> people, judge;
  int64_t unscored = 0, flips = 0;
  for (size_t i : idx) {
    if (!pairs[i].judge) {
      ++unscored;
      continue;
    }
    people.push_back(pairs[i].label->grade);
    judge.push_back(*pairs[i].judge);
    flips += pairs[i].flip;
  }
  const int k = pairwise ? 3 : static_cast<int>(j.rubric().scale.size());
  StratumCalibration sc;
  sc.agreement = Agree(people, judge, k, seed, options.resamples);
  store::CalibrationRecord& c = sc.record;
  c.judge = options.judge;
  c.judge_version = j.version();
  c.rubric_hash = stratum_hash.substr(0, stratum_hash.find('#'));
  c.modality = modality;
  c.slice_key = slice_key;
  c.slice_value = slice_value;
  c.n = static_cast<int64_t>(people.size());
  c.unscored = unscored;
  const bool ordinal = pairwise || j.rubric().Ordinal();
  c.kappa_kind = std::string(pairwise ? "pairwise-" : "") +
                 (ordinal ? "quadratic" : "plain");
  c.kappa = ordinal ? sc.agreement.weighted_kappa : sc.agreement.kappa;
  const auto& ci = ordinal ? sc.agreement.weighted_ci : sc.agreement.kappa_ci;
  if (ci) {
    c.kappa_lo = ci->lo;
    c.kappa_hi = ci->hi;
  }
  nlohmann::json detail = ToJson(sc.agreement);
  detail["rubric"] = j.rubric().name;
  detail["grades"] = nlohmann::json::array();
  if (pairwise) {
    detail["grades"] = {"B better", "tie", "A better"};
  } else {
    for (const auto& [g, d] : j.rubric().scale) detail["grades"].push_back(g);
  }
  // Verdicts that flipped when the answers swapped places (ties).
  detail["position_bias_rate"] =
      pairwise && !people.empty()
          ? nlohmann::json(static_cast<double>(flips) /
                           static_cast<double>(people.size()))
          : nlohmann::json(nullptr);
  detail["seed"] = options.seed;
  detail["resamples"] = options.resamples;
  c.detail_json = detail.dump();
  return sc;
}

}  // namespace

Result<CalibrationReport> Calibrate(const config::Config& cfg,
                                    const CalibrateOptions& options,
                                    store::Store* store, Clock* clock,
                                    const runner::ModelMaker& make_model) {
  if (!cfg.project.models.contains(options.judge))
    return Status::Invalid(fmt::format("no model named '{}' in {}",
                                       options.judge, cfg.project.path));
  auto file = ReadLabels(options.labels_path, cfg, options.judge);
  if (!file.ok()) return file.status();
  CalibrationReport report;
  report.judge = options.judge;
  report.problems = file->problems;
  report.labels = static_cast<int64_t>(file->labels.size());
  if (file->labels.empty())
    return Status::Invalid(
        fmt::format("{}: no usable label for judge '{}' ({} problems)",
                    options.labels_path, options.judge, file->problems.size()));
  std::map<std::string, const Suite*> suites;
  for (const Suite& s : cfg.project.suites) suites[s.name] = &s;
  std::vector<Pair> pairs;
  for (const HumanLabel& l : file->labels) {
    const Suite* s = suites.at(l.suite);
    pairs.push_back({&l, s, FindItem(*s, l.item_id), std::nullopt});
  }
  auto judges = MakeJudges(cfg, pairs, store, clock, make_model);
  if (!judges.ok()) return judges.status();
  GradeAll(cfg, options.workers, *judges, &pairs, options.progress);
  report.judge_version = judges->begin()->second->version();
  for (const Pair& p : pairs) {
    report.unscored += !p.judge.has_value();
    report.judge_cost_usd += p.cost_usd;
  }
  uint64_t stream = 0;
  for (const auto& [key, idx] : Strata(cfg, pairs)) {
    const std::string& stratum_hash = std::get<1>(key);
    const std::string hash = stratum_hash.substr(0, stratum_hash.find('#'));
    // One bootstrap stream per stratum, all from the one seed.
    StratumCalibration sc = Measure(key, idx, pairs, *judges->at(hash), options,
                                    options.seed + 7919 * stream++);
    store::CalibrationRecord& c = sc.record;
    c.labels_hash = file->hash;
    c.created_ms = clock->WallMillis();
    auto id = store->PutCalibration(c);
    if (!id.ok()) return id.status();
    c.calibration_id = *id;
    report.strata.push_back(std::move(sc));
  }
  return report;
}

nlohmann::json ToJson(const CalibrationReport& r) {
  nlohmann::json strata = nlohmann::json::array();
  for (const StratumCalibration& s : r.strata) {
    const store::CalibrationRecord& c = s.record;
    nlohmann::json j = nlohmann::json::parse(c.detail_json);
    j["calibration_id"] = c.calibration_id;
    j["modality"] = c.modality;
    j["slice"] = c.slice_key.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json{{"key", c.slice_key},
                                                      {"value", c.slice_value}};
    j["unscored"] = c.unscored;
    j["rubric_hash"] = c.rubric_hash;
    j["gate_kappa"] = {
        {"kind", c.kappa_kind},
        {"value", c.kappa ? nlohmann::json(*c.kappa) : nlohmann::json(nullptr)},
        {"ci95", c.kappa_lo ? nlohmann::json::array({*c.kappa_lo, *c.kappa_hi})
                            : nlohmann::json(nullptr)}};
    strata.push_back(std::move(j));
  }
  return {{"judge", r.judge},
          {"judge_version", r.judge_version},
          {"labels", r.labels},
          {"unscored", r.unscored},
          {"judge_cost_usd", r.judge_cost_usd},
          {"problems", r.problems},
          {"strata", strata}};
}

}  // namespace mmgate::judge
