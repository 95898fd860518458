#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "common/files.h"
#include "gate/load.h"
#include "project.h"
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
};

int ExitFor(gate::Verdict v) {
  switch (v) {
    case gate::Verdict::kPass:
      return kExitOk;
    case gate::Verdict::kBlock:
      return kExitBlocked;
    case gate::Verdict::kInconclusive:
      return kExitInconclusive;
  }
  return kExitInconclusive;
}

}  // namespace

Result<report::GateOutcome> EvaluateGate(
    const std::string& config, store::Store* store, const std::string& baseline,
    const std::vector<std::string>& candidates) {
  auto policy = gate::LoadPolicy(config);
  if (!policy.ok()) return policy.status();
  auto base = gate::LoadRun(store, baseline);
  if (!base.ok()) return base.status();
  auto history = gate::LoadHistory(store, candidates);
  if (!history.ok()) return history.status();
  report::GateOutcome outcome;
  for (const std::string& id : candidates) {
    auto cand = gate::LoadRun(store, id);
    if (!cand.ok()) return cand.status();
    auto result = gate::Evaluate(*base, *cand, *policy, *history);
    if (!result.ok())
      return result.status().WithContext(baseline + " vs " + id);
    outcome.results.push_back(std::move(*result));
  }
  outcome.ranking = gate::Rank(outcome.results, *policy);
  outcome.verdict = report::OverallVerdict(outcome.results);
  return outcome;
}

Status WriteGateOutputs(const report::GateOutcome& o,
                        const std::string& markdown, const std::string& junit) {
  if (!markdown.empty()) {
    MMGATE_RETURN_IF_ERROR(
        WriteFileAtomic(markdown, report::RenderVerdictMarkdown(o)));
  }
  if (!junit.empty())
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(junit, report::RenderJUnit(o)));
  return Status::Ok();
}

namespace {

int GateCommand(const GateFlags& f) {
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("gate", store.status());
  auto outcome = EvaluateGate(f.config, store->get(), f.baseline, f.candidates);
  if (!outcome.ok()) return Fail("gate", outcome.status());
  if (f.json) {
    std::printf("%s\n", report::OutcomeJson(*outcome).dump(2).c_str());
  } else {
    std::fputs(report::RenderVerdictTerminal(*outcome).c_str(), stdout);
  }
  Status st = WriteGateOutputs(*outcome, f.markdown, f.junit);
  if (!st.ok()) return Fail("gate", st);
  return ExitFor(outcome->verdict);
}

}  // namespace

void AddGateCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<GateFlags>();
  sub->add_option("-c,--config", f->config,
                  "project config (policy in its gate: section)")
      ->capture_default_str();
  sub->add_option("--baseline", f->baseline, "run id of the current model")
      ->required();
  sub->add_option("--candidate", f->candidates,
                  "run id of a candidate (repeat to gate several, then rank "
                  "the survivors)")
      ->required();
  sub->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  sub->add_flag("--json", f->json, "print the verdict as JSON");
  sub->add_option("--markdown", f->markdown,
                  "also write a pull-request comment to FILE");
  sub->add_option("--junit", f->junit, "also write JUnit XML to FILE");
  sub->callback([f, exit_code] { *exit_code = GateCommand(*f); });
}

}  // namespace mmgate::cli
