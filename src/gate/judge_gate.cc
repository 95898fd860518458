#include "gate/judge_gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace mmgate::gate {
namespace {

constexpr const char* kJudgeMetric = "judge";

struct Graded {
  std::set<std::string> versions;  // judge versions in the score details
  int64_t unscored = 0;            // answered, but no verdict
  int64_t pairs = 0, flips = 0;    // pairwise: judged, flipped with order
  int64_t wins = 0, ties = 0, losses = 0;  // pairwise, the candidate's side
};

void Collect(const RunData& run, const std::string& suite, Graded* g) {
  for (const store::GateItem& r : run.rows.items) {
    if (r.suite != suite || r.metric != kJudgeMetric) continue;
    if (!r.has_response || r.has_error) continue;
    const store::GateScore* s = r.Score(kJudgeMetric);
    if (s == nullptr) {
      ++g->unscored;
      continue;
    }
    auto d = nlohmann::json::parse(s->detail, nullptr, false);
    if (!d.is_object()) continue;
    if (d.contains("judge_version") && d["judge_version"].is_string())
      g->versions.insert(d["judge_version"].get<std::string>());
    // Both copies of a pairwise rescore hold the same calls: count one.
    if (d.value("role", "") == "candidate") {
      ++g->pairs;
      g->flips += d.value("position_flip", false);
      // The candidate's copy scores its preference: 1, 0.5 or 0.
      const double p = s->value;
      (p > 0.75 ? g->wins : p < 0.25 ? g->losses : g->ties) += 1;
    }
  }
}

// The newest calibration of this judge version and rubric for the modality
// as a whole; nullptr when there is none.
const store::CalibrationRecord* Find(
    const std::vector<store::CalibrationRecord>& all,
    const JudgeRequirement& req, const std::string& version,
    const std::string& modality) {
  const store::CalibrationRecord* found = nullptr;
  for (const store::CalibrationRecord& c : all) {
    const bool pairwise = c.kappa_kind.starts_with("pairwise");
    if (c.judge_version == version && c.rubric_hash == req.rubric_hash &&
        c.modality == modality && c.slice_key.empty() &&
        pairwise == (req.mode == "pairwise"))
      found = &c;
  }
  return found;
}

// Why the suite cannot be gated, or "" when its judge is trusted; `note`
// gets the calibration that was used.
std::string Untrusted(const Policy& policy, const JudgeRequirement& req,
                      const std::set<std::string>& versions,
                      const std::string& modality,
                      const std::vector<store::CalibrationRecord>& all,
                      std::string* note) {
  if (versions.size() > 1) {
    std::string list;
    for (const std::string& v : versions)
      list += (list.empty() ? "" : ", ") + v;
    return fmt::format(
        "judge '{}' graded the runs with different versions ({}): their "
        "grades are not comparable; rescore both with one judge",
        req.judge, list);
  }
  const std::string version = versions.empty() ? "" : *versions.begin();
  const store::CalibrationRecord* c = Find(all, req, version, modality);
  if (c == nullptr) {
    return fmt::format(
        "judge '{}' ({}, rubric {}) has no {} calibration for modality "
        "'{}': run `mmgate calibrate --judge {} --labels LABELS` with "
        "people's labels before it may gate",
        req.judge, version, req.rubric_hash.substr(0, 12), req.mode, modality,
        req.judge);
  }
  if (!c->kappa_lo || *c->kappa_lo < policy.judge_kappa_floor) {
    return fmt::format(
        "judge '{}' is not trusted for '{}': its {} kappa against people is "
        "{} (95% interval {}) on {} labels, and the interval's lower bound "
        "must reach judge_kappa_floor {:.2f} (calibration #{})",
        req.judge, modality, c->kappa_kind,
        c->kappa ? fmt::format("{:.3f}", *c->kappa) : "undefined",
        c->kappa_lo ? fmt::format("{:.3f}..{:.3f}", *c->kappa_lo, *c->kappa_hi)
                    : "undefined",
        c->n, policy.judge_kappa_floor, c->calibration_id);
  }
  *note = fmt::format(
      "judge '{}' calibrated for '{}': {} kappa {:.3f} (95% interval "
      "{:.3f}..{:.3f}) on {} labels >= floor {:.2f} (calibration #{})",
      req.judge, modality, c->kappa_kind, *c->kappa, *c->kappa_lo, *c->kappa_hi,
      c->n, policy.judge_kappa_floor, c->calibration_id);
  return "";
}

// What the reports show beside the suite: the calibration the rule read.
JudgeCalibration Shown(const Policy& policy, const JudgeRequirement& req,
                       const std::set<std::string>& versions,
                       const std::string& modality,
                       const std::vector<store::CalibrationRecord>& all) {
  JudgeCalibration jc;
  jc.judge = req.judge;
  jc.floor = policy.judge_kappa_floor;
  if (versions.size() > 1) return jc;
  const std::string version = versions.empty() ? "" : *versions.begin();
  const store::CalibrationRecord* c = Find(all, req, version, modality);
  if (c == nullptr) return jc;
  jc.kappa_kind = c->kappa_kind;
  jc.kappa = c->kappa;
  jc.kappa_lo = c->kappa_lo;
  jc.kappa_hi = c->kappa_hi;
  jc.n = c->n;
  jc.calibration_id = c->calibration_id;
  return jc;
}

// The suite cannot be gated: its own verdict, and no cause of a block.
void MarkInconclusive(const std::string& why, SuiteVerdict* v,
                      GateResult* result) {
  v->verdict = Verdict::kInconclusive;
  v->reasons.insert(v->reasons.begin(), why);
  auto& causes = result->causes;
  causes.erase(
      std::remove_if(causes.begin(), causes.end(),
                     [&](const StratumRef& r) { return r.suite == v->suite; }),
      causes.end());
}

Verdict Worse(Verdict a, Verdict b) {
  if (a == Verdict::kBlock || b == Verdict::kBlock) return Verdict::kBlock;
  if (a == Verdict::kInconclusive || b == Verdict::kInconclusive)
    return Verdict::kInconclusive;
  return Verdict::kPass;
}

}  // namespace

Status ApplyJudgeRule(const Policy& policy, const RunData& baseline,
                      const RunData& candidate, store::Store* store,
                      GateResult* result) {
  bool changed = false;
  for (SuiteVerdict& v : result->suites) {
    auto req = policy.judged_suites.find(v.suite);
    if (req == policy.judged_suites.end() || v.metric != kJudgeMetric) continue;
    Graded g;
    Collect(baseline, v.suite, &g);
    Collect(candidate, v.suite, &g);
    if (g.pairs > 0) {
      v.reasons.push_back(fmt::format(
          "pairwise: candidate preferred on {}, tie on {}, baseline preferred "
          "on {} of {} items",
          g.wins, g.ties, g.losses, g.pairs));
      v.reasons.push_back(fmt::format(
          "position bias: {} of {} pairwise verdicts ({:.1f}%) flipped when "
          "the answers' order was swapped; counted as ties",
          g.flips, g.pairs,
          100.0 * static_cast<double>(g.flips) / static_cast<double>(g.pairs)));
    }
    if (req->second.mode == "pairwise" && g.pairs == 0) {
      // The runs hold answers, not preferences: the judge compares them in
      // the rescore step, which the gate names rather than calls a model.
      const std::string why = fmt::format(
          "pairwise judge '{}' has not compared these runs: run `mmgate "
          "rescore {} --judge --against {}` and gate the two runs it prints",
          req->second.judge, candidate.run.run_id, baseline.run.run_id);
      MarkInconclusive(why, &v, result);
      changed = true;
      continue;
    }
    if (g.unscored > 0) {
      v.reasons.push_back(fmt::format(
          "{} answers have no judge verdict (unparsable or failed judge "
          "call): left out, not counted as failures",
          g.unscored));
    }
    auto all = store->ListCalibrations(req->second.judge);
    if (!all.ok()) return all.status();
    std::string note;
    std::string why =
        Untrusted(policy, req->second, g.versions, v.modality, *all, &note);
    v.judge = Shown(policy, req->second, g.versions, v.modality, *all);
    v.judge->trusted = why.empty();
    if (g.pairs > 0)
      v.judge->pairwise =
          JudgeCalibration::Pairwise{g.wins, g.ties, g.losses, g.flips};
    if (why.empty()) {
      v.reasons.push_back(note);
      continue;
    }
    MarkInconclusive(why, &v, result);
    changed = true;
  }
  if (changed) {
    result->verdict = Verdict::kPass;
    for (const SuiteVerdict& v : result->suites)
      result->verdict = Worse(result->verdict, v.verdict);
  }
  return Status::Ok();
}

}  // namespace mmgate::gate
