#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/files.h"
#include "gate/evaluate.h"
#include "project.h"
#include "report/behaviour.h"
#include "report/curves.h"
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

int ReportCommand(const ReportFlags& f) {
  if (f.runs.size() != 2) {
    return Fail(
        "report",
        Status::Invalid("give two runs: the baseline, then the candidate"));
  }
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("report", store.status());
  std::string format = f.json ? "json" : f.format;
  // Degradation curves and the abstention summary come from the gate's
  // pairing, under the config's policy (no readable config: left out).
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  std::vector<gate::SuiteVerdict> suites;
  if (cfg.ok()) {
    auto gated =
        gate::EvaluateRuns(cfg->policy, store->get(), f.runs[0], {f.runs[1]});
    if (gated.ok() && !gated->outcome.results.empty())
      suites = gated->outcome.results[0].suites;
  }
  std::string text;
  if (format == "html") {
    // The HTML report shows the gate's evaluation under the config's policy.
    if (!cfg.ok()) return Fail("report", cfg.status());
    auto e =
        gate::EvaluateRuns(cfg->policy, store->get(), f.runs[0], {f.runs[1]});
    if (!e.ok()) return Fail("report", e.status());
    text = report::RenderHtmlReport(*e, HtmlReportOptions(*cfg));
    if (f.output.empty() || f.output == "-") {
      return Fail("report", Status::Invalid("--format html needs -o FILE"));
    }
    Status st = WriteFileAtomic(f.output, text);
    return st.ok() ? kExitOk : Fail("report", st);
  }
  auto cmp = stats::CompareRuns(store->get(), f.runs[0], f.runs[1]);
  if (!cmp.ok()) return Fail("report", cmp.status());
  if (format == "json") {
    nlohmann::json j = report::ToJson(*cmp);
    j["curves"] = nlohmann::json::object();
    j["behaviour"] = nlohmann::json::object();
    for (const gate::SuiteVerdict& v : suites) {
      const std::string key = v.suite + "/" + v.metric;
      j["curves"][key] = report::CurvesJson(v);
      j["behaviour"][key] = {
          {"baseline", report::BehaviourJson(v.baseline_behaviour)},
          {"candidate", report::BehaviourJson(v.candidate_behaviour)}};
    }
    text = j.dump(2) + "\n";
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
  if (f.output.empty() || f.output == "-") {
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  Status st = WriteFileAtomic(f.output, text);
  return st.ok() ? kExitOk : Fail("report", st);
}

}  // namespace

void AddReportCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  sub->add_option("runs", f->runs, "baseline run, then candidate run")
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
