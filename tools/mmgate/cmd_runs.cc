#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "project.h"

namespace mmgate::cli {
namespace {

struct RunsFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  bool json = false;
};

// One line of the listing: the run with what the store counts for it.
struct RunRow {
  store::RunRecord run;
  std::vector<std::string> suites;
  store::RunCounts counts;
};

std::string UtcTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// Newest first: the run a user just made is the one they want to copy.
Result<std::vector<RunRow>> LoadRows(store::Store* store) {
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  std::vector<RunRow> rows;
  for (auto r = runs->rbegin(); r != runs->rend(); ++r) {
    RunRow row{*r, {}, {}};
    auto suites = store->GetSuites(r->run_id);
    if (!suites.ok()) return suites.status();
    for (const store::SuiteRecord& s : *suites) row.suites.push_back(s.suite);
    auto counts = store->CountResults(r->run_id);
    if (!counts.ok()) return counts.status();
    row.counts = *counts;
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json RowsJson(const std::vector<RunRow>& rows,
                        const std::string& db) {
  nlohmann::json out = {{"db", db}, {"runs", nlohmann::json::array()}};
  for (const RunRow& r : rows) {
    const store::RunCounts& c = r.counts;
    out["runs"].push_back(
        {{"run_id", r.run.run_id},
         {"model", r.run.model},
         {"model_version", r.run.model_version},
         {"status", store::RunStatusName(r.run.status)},
         {"suites", r.suites},
         {"items", c.items},
         {"answered", c.answered},
         {"errors", c.errors},
         {"not_run", c.items - c.answered - c.errors},
         {"created_ms", r.run.created_ms},
         {"started", UtcTime(r.run.created_ms)},
         {"finished_ms", r.run.finished_ms},
         {"source_run", r.run.source_run.empty()
                            ? nlohmann::json(nullptr)
                            : nlohmann::json(r.run.source_run)}});
  }
  return out;
}

// What a user needs to know before gating on the run: where it came from and
// whether it is complete.
std::string Notes(const RunRow& r) {
  std::vector<std::string> notes;
  if (!r.run.source_run.empty())
    notes.push_back("rescore of " + r.run.source_run);
  if (r.run.status != store::RunStatus::kFinished)
    notes.push_back(std::string(store::RunStatusName(r.run.status)));
  const int64_t not_run = r.counts.items - r.counts.answered - r.counts.errors;
  if (not_run > 0) notes.push_back(fmt::format("{} not run", not_run));
  return fmt::format("{}", fmt::join(notes, "; "));
}

void PrintRows(const std::vector<RunRow>& rows) {
  size_t id_w = 3, model_w = 5, suites_w = 6;
  std::vector<std::string> suites;
  for (const RunRow& r : rows) {
    suites.push_back(fmt::format("{}", fmt::join(r.suites, ",")));
    id_w = std::max(id_w, r.run.run_id.size());
    model_w = std::max(model_w, r.run.model.size());
    suites_w = std::max(suites_w, suites.back().size());
  }
  std::string out =
      fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>6}  {:>6}  {:<23}  {}\n", "run",
                  id_w, "model", model_w, "suites", suites_w, "items", "errors",
                  "started", "notes");
  for (size_t i = 0; i < rows.size(); ++i) {
    const RunRow& r = rows[i];
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>6}  {:>6}  {:<23}  {}",
                       r.run.run_id, id_w, r.run.model, model_w, suites[i],
                       suites_w, r.counts.items, r.counts.errors,
                       UtcTime(r.run.created_ms), Notes(r));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  std::fputs(TerminalSafe(out).c_str(), stdout);
}

int RunsCommand(const RunsFlags& f) {
  auto store = OpenResults(f.config, f.db, "runs");
  if (!store.ok()) return Fail("runs", store.status());
  auto rows = LoadRows(store->get());
  if (!rows.ok()) return Fail("runs", rows.status());
  if (f.json) {
    std::printf("%s\n", RowsJson(*rows, (*store)->Describe()).dump(2).c_str());
    return kExitOk;
  }
  if (rows->empty()) {
    std::fprintf(stderr, "no runs in %s yet; `mmgate run -m MODEL` makes one\n",
                 TerminalSafe((*store)->Describe()).c_str());
    return kExitOk;
  }
  PrintRows(*rows);
  return kExitOk;
}

}  // namespace

void AddRunsCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<RunsFlags>();
  sub->add_option("-c,--config", f->config,
                  "project config (locates the default database)")
      ->capture_default_str();
  sub->add_option(
      "--db", f->db,
      "results database: a file or a postgresql:// URL (default: db: in the "
      "config, else .mmgate/results.db beside it)");
  sub->add_flag("--json", f->json, "print the runs as JSON");
  sub->footer(
      "Any command that takes a run also takes `latest` (the newest run) and "
      "`latest:MODEL` (the newest run of MODEL).");
  sub->callback([f, exit_code] { *exit_code = RunsCommand(*f); });
}

}  // namespace mmgate::cli
