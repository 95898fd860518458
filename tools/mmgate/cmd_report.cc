#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/files.h"
#include "gate/evaluate.h"
#include "pipeline/gate.h"
#include "project.h"
#include "report/behaviour.h"
#include "report/curves.h"
#include "report/failed_items.h"
#include "report/side_by_side.h"

namespace mmgate::cli {
namespace {

struct ReportFlags {
  std::vector<std::string> runs;
  std::string config = "mmgate.yaml";
  std::string db;
  std::string format = "text";
  std::string output;
  bool json = false;
};

// Every failed item of each run, in `format`; empty when none failed.
Result<std::string> FailedSection(store::Store* store,
                                  const std::vector<std::string>& runs,
                                  const std::string& format,
                                  nlohmann::json* json) {
  std::string text;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto results = store->LoadGateRun(runs[i]);
    if (!results.ok()) return results.status();
    const auto failed = report::FailedItems(results->items);
    const char* role =
        runs.size() == 1 ? "run" : (i == 0 ? "baseline" : "candidate");
    (*json)[role] = report::FailedItemsJson(failed);
    if (failed.empty()) continue;
    if (format == "md") {
      text += report::FailedItemsMarkdown(runs[i], failed);
    } else {
      text +=
          fmt::format("\nfailed items in {} ({}):\n{}", TerminalSafe(runs[i]),
                      failed.size(), report::FailedItemsText(failed, 0));
    }
  }
  return text;
}

// The side-by-side table with the gate's curves and behaviour per suite.
Result<std::string> Comparison(const ReportFlags& f, store::Store* store,
                               const std::string& format,
                               nlohmann::json* json) {
  // Degradation curves and the abstention summary come from the gate's
  // pairing, under the config's policy (no readable config: left out).
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  std::vector<gate::SuiteVerdict> suites;
  if (cfg.ok()) {
    auto gated =
        gate::EvaluateRuns(cfg->policy, store, f.runs[0], {f.runs[1]},
                           pipeline::ExpandStages, gate::ItemDetail::kGate);
    if (gated.ok() && !gated->outcome.results.empty())
      suites = gated->outcome.results[0].suites;
  }
  auto cmp = stats::CompareRuns(store, f.runs[0], f.runs[1]);
  if (!cmp.ok()) return cmp.status();
  std::string text;
  if (format == "json") {
    *json = report::ToJson(*cmp);
    (*json)["curves"] = nlohmann::json::object();
    (*json)["behaviour"] = nlohmann::json::object();
    for (const gate::SuiteVerdict& v : suites) {
      const std::string key = v.suite + "/" + v.metric;
      (*json)["curves"][key] = report::CurvesJson(v);
      (*json)["behaviour"][key] = {
          {"baseline", report::BehaviourJson(v.baseline_behaviour)},
          {"candidate", report::BehaviourJson(v.candidate_behaviour)}};
    }
  } else if (format == "md") {
    text = report::RenderMarkdown(*cmp);
    for (const gate::SuiteVerdict& v : suites) {
      const std::string extra =
          report::CurvesMarkdown(v) + report::BehaviourMarkdown(v);
      if (!extra.empty())
        text += "\n### " + v.suite + " (" + v.metric + ")\n" + extra;
    }
  } else {
    text = report::RenderTerminal(*cmp);
    for (const gate::SuiteVerdict& v : suites) {
      const std::string extra =
          report::CurvesTerminal(v) + report::BehaviourTerminal(v);
      if (!extra.empty())
        text += "\n" + v.suite + " (" + v.metric + ")\n" + extra;
    }
  }
  return text;
}

Result<std::string> Html(const ReportFlags& f, store::Store* store) {
  // The HTML report shows the gate's evaluation under the config's policy.
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  if (!cfg.ok()) return cfg.status();
  if (f.output.empty() || f.output == "-")
    return Status::Invalid("--format html needs -o FILE");
  auto e = gate::EvaluateRuns(cfg->policy, store, f.runs[0], {f.runs[1]},
                              pipeline::ExpandStages);
  if (!e.ok()) return e.status();
  auto opt = HtmlReportOptions(*cfg, store);
  if (!opt.ok()) return opt.status();
  return report::RenderHtmlReport(*e, *opt);
}

Result<std::string> Render(const ReportFlags& f, store::Store* store) {
  const std::string format = f.json ? "json" : f.format;
  if (format == "html") {
    if (f.runs.size() != 2)
      return Status::Invalid("--format html compares two runs");
    return Html(f, store);
  }
  nlohmann::json json = nlohmann::json::object();
  std::string text;
  if (f.runs.size() == 2) {
    auto cmp = Comparison(f, store, format, &json);
    if (!cmp.ok()) return cmp.status();
    text = std::move(*cmp);
  } else if (format != "json") {
    text = fmt::format("run {}\n", f.runs[0]);
  }
  nlohmann::json failed_json = nlohmann::json::object();
  auto failed = FailedSection(store, f.runs, format, &failed_json);
  if (!failed.ok()) return failed.status();
  if (format == "json") {
    json["failed_items"] = std::move(failed_json);
    return json.dump(2) + "\n";
  }
  if (f.runs.size() == 1 && failed->empty()) text += "no failed items\n";
  return text + *failed;
}

int ReportCommand(ReportFlags f) {
  if (f.runs.empty() || f.runs.size() > 2) {
    return Fail("report",
                Status::Invalid("give two runs (the baseline, then the "
                                "candidate), or one run to list its failed "
                                "items"));
  }
  auto store = OpenResults(f.config, f.db, "report");
  if (!store.ok()) return Fail("report", store.status());
  // After resolving: `latest` and `latest:MODEL` may name the same run.
  Status resolved = ResolveRuns(store->get(), &f.runs);
  if (!resolved.ok()) return Fail("report", resolved);
  if (f.runs.size() == 2 && f.runs[0] == f.runs[1]) {
    return Fail("report", Status::Invalid(fmt::format(
                              "{} is both the baseline and the candidate: a "
                              "run compared with itself shows no change",
                              f.runs[0])));
  }
  auto text = Render(f, store->get());
  if (!text.ok()) return Fail("report", text.status());
  if (f.output.empty() || f.output == "-") {
    std::fputs(text->c_str(), stdout);
    return kExitOk;
  }
  Status st = WriteFileAtomic(f.output, *text);
  return st.ok() ? kExitOk : Fail("report", st);
}

}  // namespace

void AddReportCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  sub->add_option("runs", f->runs,
                  "baseline run, then candidate run; or one run: its failed "
                  "items (a run id, latest, or latest:MODEL)")
      ->required();
  sub->add_option("-c,--config", f->config,
                  "project config (locates the default database)")
      ->capture_default_str();
  sub->add_option("--db", f->db, "results database");
  sub->add_option("--format", f->format,
                  "text, json, md, or html (charts and failing items; "
                  "gated under the config's policy)")
      ->check(CLI::IsMember({"text", "json", "md", "html"}))
      ->capture_default_str();
  sub->add_option("-o,--output", f->output,
                  "write to this file instead of stdout");
  sub->add_flag("--json", f->json, "same as --format json");
  sub->callback([f, exit_code] { *exit_code = ReportCommand(*f); });
}

}  // namespace mmgate::cli
