#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/files.h"
#include "gate/evaluate.h"
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
  std::string html;
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

Status WriteGateOutputs(const gate::GateOutcome& o, const std::string& markdown,
                        const std::string& junit) {
  if (!markdown.empty()) {
    MMGATE_RETURN_IF_ERROR(
        WriteFileAtomic(markdown, report::RenderVerdictMarkdown(o)));
  }
  if (!junit.empty())
    MMGATE_RETURN_IF_ERROR(WriteFileAtomic(junit, report::RenderJUnit(o)));
  return Status::Ok();
}

namespace {

// Items whose answers differed across `mmgate run --repeat` calls, per run:
// the gate used their mean, and they are named so nobody trusts one answer.
Result<nlohmann::json> FlakyItems(store::Store* store,
                                  const std::vector<std::string>& runs) {
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& run : runs) {
    auto results = store->LoadResults(run);
    if (!results.ok()) return results.status();
    nlohmann::json ids = nlohmann::json::array();
    for (const store::ItemResult& r : *results)
      if (r.response && r.response->flaky)
        ids.push_back(r.item.suite + "/" + r.item.item_id);
    if (!ids.empty()) out[run] = ids;
  }
  return out;
}

int GateCommand(const GateFlags& f) {
  for (const std::string& c : f.candidates) {
    if (c == f.baseline) {
      return Fail("gate", Status::Invalid(fmt::format(
                              "--candidate {} is also the --baseline: a run "
                              "compared with itself shows no change",
                              c)));
    }
  }
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  if (!cfg.ok()) return Fail("gate", cfg.status());
  auto store = OpenResults(f.config, f.db, "gate");
  if (!store.ok()) return Fail("gate", store.status());
  auto e =
      gate::EvaluateRuns(cfg->policy, store->get(), f.baseline, f.candidates);
  if (!e.ok()) return Fail("gate", e.status());
  const gate::GateOutcome& outcome = e->outcome;
  std::vector<std::string> runs{f.baseline};
  runs.insert(runs.end(), f.candidates.begin(), f.candidates.end());
  auto flaky = FlakyItems(store->get(), runs);
  if (!flaky.ok()) return Fail("gate", flaky.status());
  if (f.json) {
    nlohmann::json j = report::OutcomeJson(outcome);
    j["flaky"] = *flaky;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(report::RenderVerdictTerminal(outcome).c_str(), stdout);
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
  Status st = WriteGateOutputs(outcome, f.markdown, f.junit);
  if (st.ok() && !f.html.empty()) {
    st = WriteFileAtomic(f.html,
                         report::RenderHtmlReport(*e, HtmlReportOptions(*cfg)));
  }
  if (!st.ok()) return Fail("gate", st);
  return ExitFor(outcome.verdict);
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
  sub->add_option("--html", f->html,
                  "also write the HTML report (charts, failing items) to FILE");
  sub->callback([f, exit_code] { *exit_code = GateCommand(*f); });
}

}  // namespace mmgate::cli
