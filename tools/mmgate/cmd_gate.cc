#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "adapter/factory.h"
#include "commands.h"
#include "common/clock.h"
#include "common/files.h"
#include "gate/evaluate.h"
#include "gate/plan.h"
#include "judge/pairwise.h"
#include "pipeline/gate.h"
#include "project.h"
#include "report/scorecard.h"
#include "report/verdict.h"

namespace mmgate::cli {
namespace {

struct GateFlags {
  std::string config = "mmgate.yaml";
  std::string baseline;
  std::vector<std::string> candidates;
  std::string db;
  bool json = false;
  std::string markdown;
  std::string junit;
  std::string html;
  bool plan = false;
  double churn = -1;  // --churn: assumed discordant share, no runs needed
};

}  // namespace

Status WriteGateOutputs(const gate::Evaluation& e, const std::string& markdown,
                        const std::string& junit) {
  const gate::GateOutcome& o = e.outcome;
  if (!markdown.empty()) {
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(
        markdown,
        report::RenderVerdictMarkdown(o) + report::ScorecardMarkdown(e)));
  }
  if (!junit.empty())
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(junit, report::RenderJUnit(o)));
  return Status::Ok();
}

namespace {

// Items whose answers differed across `mmgate run --repeat` calls, per run:
// the gate used their mean, and they are named so nobody trusts one answer.
// Collected from each run as the gate reads it, before its pipeline suites
// are expanded, so a run is loaded once; `Of` loads a run the gate did not
// read (the original runs of a pairwise comparison).
class FlakyItems {
 public:
  void Add(const gate::RunData& run) {
    nlohmann::json ids = nlohmann::json::array();
    for (const store::GateItem& r : run.rows.items)
      if (r.has_response && r.flaky)
        ids.push_back(std::string(r.suite).append("/").append(r.item_id));
    seen_[run.run.run_id] = std::move(ids);
  }

  Result<nlohmann::json> Of(store::Store* store,
                            const std::vector<std::string>& runs) {
    nlohmann::json out = nlohmann::json::object();
    for (const std::string& run : runs) {
      if (!seen_.contains(run)) {
        auto rows = store->LoadGateRun(run);
        if (!rows.ok()) return rows.status();
        gate::RunData d;
        d.run.run_id = run;
        d.rows = std::move(*rows);
        Add(d);
      }
      if (!seen_[run].empty()) out[run] = seen_[run];
    }
    return out;
  }

 private:
  std::map<std::string, nlohmann::json> seen_;
};

// The baseline, then the candidates, as run ids (`latest:MODEL` and the like
// resolved); a candidate named as `latest` may turn out to be the baseline.
Result<std::vector<std::string>> ResolveGateRuns(store::Store* store,
                                                 const GateFlags& f) {
  std::vector<std::string> runs{f.baseline};
  runs.insert(runs.end(), f.candidates.begin(), f.candidates.end());
  MMGATE_RETURN_IF_ERROR(ResolveRuns(store, &runs));
  return runs;
}

void PrintPlan(const std::vector<gate::PlanRow>& rows, const std::string& from,
               bool json) {
  if (json) {
    nlohmann::json out = {{"from", from}, {"plan", nlohmann::json::array()}};
    for (const gate::PlanRow& r : rows) {
      nlohmann::json j = {
          {"suite", r.suite},       {"n", r.n},
          {"required", r.required}, {"weight", r.weight},
          {"level", r.level},       {"margin", r.margin},
          {"mde", r.mde},           {"items_needed", r.items_needed}};
      if (!r.key.empty()) {
        j["key"] = r.key;
        j["value"] = r.value;
      }
      out["plan"].push_back(std::move(j));
    }
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::printf(
      "Items each stratum needs to decide a drop of its margin at the "
      "policy's power, inside a family of %zu strata (%s)\n\n%-40s %7s %9s "
      "%7s %7s %8s %8s\n",
      rows.size(), from.c_str(), "suite / stratum", "n", "level", "margin",
      "mde", "needed", "more");
  for (const gate::PlanRow& r : rows) {
    std::string label = r.key.empty() ? r.suite : "  " + r.key + "=" + r.value;
    if (r.required && !r.key.empty()) label += " (required)";
    std::printf(
        "%-40s %7lld %9.2g %7.3f %7.3f %8lld %8lld\n",
        TerminalSafe(label).c_str(), static_cast<long long>(r.n), r.level,
        r.margin, r.mde, static_cast<long long>(r.items_needed),
        static_cast<long long>(std::max<int64_t>(0, r.items_needed - r.n)));
  }
}

// --plan: from the runs when given (their measured spread), else from the
// suites' items with --churn as the assumed share of changed outcomes.
int PlanCommand(const GateFlags& f) {
  const bool from_runs = !f.baseline.empty() && !f.candidates.empty();
  if (!from_runs && f.churn < 0) {
    return Fail("gate", Status::Invalid("--plan needs --baseline and "
                                        "--candidate runs, or --churn P"));
  }
  auto cfg = LoadConfigFile(f.config, /*read_items=*/!from_runs);
  if (!cfg.ok()) return Fail("gate", cfg.status());
  if (!from_runs) {
    std::vector<gate::PlanSuite> suites;
    for (const Suite& s : cfg->project.suites) {
      gate::PlanSuite p{s.name, s.modality, {}};
      for (const Item& it : s.items) p.items.push_back(it.slices);
      suites.push_back(std::move(p));
    }
    PrintPlan(gate::PlanFromItems(suites, cfg->policy, f.churn),
              fmt::format("assumed churn {}", f.churn), f.json);
    return kExitOk;
  }
  auto store = OpenResults(f.config, f.db, "gate");
  if (!store.ok()) return Fail("gate", store.status());
  auto runs = ResolveGateRuns(store->get(), f);
  if (!runs.ok()) return Fail("gate", runs.status());
  const std::string& baseline = runs->front();
  const std::vector<std::string> candidates(runs->begin() + 1, runs->end());
  if (isatty(fileno(stderr)))
    std::fputs("measuring the strata of the runs...\n", stderr);
  auto e = gate::EvaluateRuns(cfg->policy, store->get(), baseline, candidates,
                              pipeline::ExpandStages, gate::ItemDetail::kGate);
  if (!e.ok()) return Fail("gate", e.status());
  PrintPlan(gate::PlanFromResult(e->outcome.results.front(), cfg->policy),
            "runs " + baseline + " and " + candidates.front(), f.json);
  return kExitOk;
}

// Whether `run` holds pairwise judgements (the candidate's copy of a
// `rescore --against`) for any pairwise-judged suite of the project.
Result<bool> NeedsPairwise(const config::Config& cfg, store::Store* store,
                           const std::string& run) {
  std::set<std::string, std::less<>> pairwise;
  for (const Suite& s : cfg.project.suites)
    if (s.judge && s.judge->mode == "pairwise") pairwise.insert(s.name);
  if (pairwise.empty()) return false;
  auto rows = store->LoadGateRun(run);
  if (!rows.ok()) return rows.status();
  for (const store::GateItem& r : rows->items) {
    if (!pairwise.contains(r.suite)) continue;
    const store::GateScore* s = r.Score("judge");
    if (s != nullptr && s->detail.find("\"role\"") != std::string_view::npos)
      return false;
  }
  return true;
}

// Pairwise-judged suites: the judge compares the candidate's answers with
// the baseline's in both orders (judge::RescoreAgainst, through the item
// executor and its cache, so gating again pays nothing), and the gate reads
// the two rescored runs. Returns the runs to gate.
Result<std::pair<std::string, std::string>> ComparePairwise(
    const GateFlags& f, store::Store* store, const std::string& baseline,
    const std::string& candidate) {
  auto cfg = LoadConfigFile(f.config, /*read_items=*/true);
  if (!cfg.ok()) return cfg.status();
  SystemClock clock;
  auto tally = std::make_shared<judge::JudgeTally>();
  auto r = judge::RescoreAgainst(*cfg, candidate, baseline, {}, store, &clock,
                                 CreateDefaultModel, tally);
  if (!r.ok()) return r.status().WithContext("pairwise judge");
  std::fprintf(stderr,
               "pairwise judge: compared %s with %s in both orders (%lld "
               "verdicts, %lld from cache, $%.4f); gating the rescored runs "
               "%s (baseline) and %s (candidate)\n",
               candidate.c_str(), baseline.c_str(),
               static_cast<long long>(tally->graded() + tally->unscored()),
               static_cast<long long>(tally->cached()), tally->cost_usd(),
               r->baseline.run_id.c_str(), r->candidate.run_id.c_str());
  return std::make_pair(r->baseline.run_id, r->candidate.run_id);
}

int GateCommand(const GateFlags& f) {
  if (f.plan) return PlanCommand(f);
  if (f.baseline.empty() || f.candidates.empty()) {
    return Fail("gate", Status::Invalid("--baseline and --candidate are "
                                        "required (or --plan)"));
  }
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  if (!cfg.ok()) return Fail("gate", cfg.status());
  auto store = OpenResults(f.config, f.db, "gate");
  if (!store.ok()) return Fail("gate", store.status());
  auto runs = ResolveGateRuns(store->get(), f);
  if (!runs.ok()) return Fail("gate", runs.status());
  std::string baseline = runs->front();
  std::vector<std::string> candidates(runs->begin() + 1, runs->end());
  for (const std::string& c : candidates) {
    if (c == baseline) {
      return Fail("gate", Status::Invalid(fmt::format(
                              "--candidate {} is also the --baseline: a run "
                              "compared with itself shows no change",
                              c)));
    }
  }
  // With several candidates the judge rule names the rescore to run.
  if (candidates.size() == 1) {
    auto needs = NeedsPairwise(*cfg, store->get(), candidates[0]);
    if (!needs.ok()) return Fail("gate", needs.status());
    if (*needs) {
      auto pair = ComparePairwise(f, store->get(), baseline, candidates[0]);
      if (!pair.ok()) return Fail("gate", pair.status());
      baseline = pair->first;
      candidates[0] = pair->second;
    }
  }
  // Only the HTML report shows prompts and references.
  FlakyItems flaky_items;
  auto expand = [&flaky_items](store::Store* s, gate::RunData* run) {
    flaky_items.Add(*run);
    return pipeline::ExpandStages(s, run);
  };
  auto e = gate::EvaluateRuns(
      cfg->policy, store->get(), baseline, candidates, expand,
      f.html.empty() ? gate::ItemDetail::kGate : gate::ItemDetail::kFull);
  if (!e.ok()) return Fail("gate", e.status());
  const gate::GateOutcome& outcome = e->outcome;
  auto flaky = flaky_items.Of(store->get(), *runs);
  if (!flaky.ok()) return Fail("gate", flaky.status());
  if (f.json) {
    nlohmann::json j = report::OutcomeJson(outcome);
    j["flaky"] = *flaky;
    j["scorecard"] = report::ScorecardJson(*e);
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(report::RenderVerdictTerminal(outcome).c_str(), stdout);
    std::fputs(report::ScorecardTerminal(*e).c_str(), stdout);
    for (const auto& [run, ids] : flaky->items()) {
      std::printf(
          "flaky in %s (answers differ across repeats; scored by their mean): "
          "%zu item%s:",
          run.c_str(), ids.size(), ids.size() == 1 ? "" : "s");
      for (size_t i = 0; i < ids.size() && i < 10; ++i)
        std::printf(" %s", TerminalSafe(ids[i].get<std::string>()).c_str());
      std::printf("%s\n", ids.size() > 10 ? " ..." : "");
    }
  }
  KeepVerdicts(store->get(), outcome);
  Status st = WriteGateOutputs(*e, f.markdown, f.junit);
  if (st.ok() && !f.html.empty()) {
    auto opt = HtmlReportOptions(*cfg, store->get());
    st = opt.ok() ? WriteFileAtomic(f.html, report::RenderHtmlReport(*e, *opt))
                  : opt.status();
  }
  if (!st.ok()) return Fail("gate", st);
  return ExitForVerdict(outcome.verdict);
}

}  // namespace

void AddGateCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<GateFlags>();
  sub->add_option("-c,--config", f->config,
                  "project config (policy in its gate: section)")
      ->capture_default_str();
  sub->add_option("--baseline", f->baseline,
                  "run of the current model: a run id, latest, or "
                  "latest:MODEL (its newest run)");
  sub->add_option("--candidate", f->candidates,
                  "run of a candidate, as for --baseline (repeat to gate "
                  "several: gate-then-rank drops those that miss an SLO, "
                  "regress or cannot be decided, names why, and ranks the "
                  "rest on quality, cost and latency)");
  sub->add_option(
      "--db", f->db,
      "results database: a file or a postgresql:// URL (default: db: in the "
      "config, else .mmgate/results.db beside it)");
  sub->add_flag("--json", f->json, "print the verdict as JSON");
  sub->add_option("--markdown", f->markdown,
                  "also write a pull-request comment to FILE");
  sub->add_option("--junit", f->junit, "also write JUnit XML to FILE");
  sub->add_option("--html", f->html,
                  "also write the HTML report (charts, failing items) to FILE");
  sub->add_flag("--plan", f->plan,
                "print the items each gated stratum needs to decide a drop of "
                "the margin at the policy's power (from --baseline and "
                "--candidate, or from the suites' items with --churn)");
  sub->add_option("--churn", f->churn,
                  "with --plan and no runs: the assumed share of items whose "
                  "outcome differs between the runs, e.g. 0.05")
      ->check(CLI::Range(0.0, 1.0));
  sub->callback([f, exit_code] { *exit_code = GateCommand(*f); });
}

}  // namespace mmgate::cli
