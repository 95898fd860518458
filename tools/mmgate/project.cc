#include "project.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "commands.h"
#include "common/clock.h"
#include "common/redact.h"
#include "dataset/load.h"
#include "goldset/health.h"
#include "report/dashboard.h"
#include "report/side_by_side.h"
#include "score/metrics.h"

namespace mmgate::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

Result<config::Config> LoadConfigFile(const std::string& path, bool read_items,
                                      bool stream_items) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(
        path +
        ": not found; create a project with `mmgate init DIR`, or name the "
        "config with -c");
  }
  dataset::LoadOptions opt;
  opt.metric_known = [](std::string_view m) {
    return score::FindMetric(m) != nullptr;
  };
  opt.read_items = read_items;
  opt.stream_items = stream_items;
  return config::Load(path, opt);
}

Result<Suite> LoadSuiteFile(const std::string& path) {
  dataset::LoadOptions opt;
  opt.metric_known = [](std::string_view m) {
    return score::FindMetric(m) != nullptr;
  };
  return dataset::LoadSuite(path, opt);
}

Status UnknownSuite(const ProjectConfig& project, const std::string& name) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  for (const Suite& s : project.suites) names.push_back(s.name);
  std::string msg = fmt::format("{}: no suite named '{}' (suites: {})",
                                project.path, name, fmt::join(names, ", "));
  // A newcomer's usual slip: a suite file written but not listed.
  const fs::path base(project.base_dir);
  for (const fs::path& file :
       {base / "suites" / (name + ".yaml"), base / (name + ".yaml")}) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    const std::string shown =
        fs::relative(file, fs::current_path(ec), ec).string();
    msg += fmt::format(
        "; {} exists but {} does not list it: run it with -s {}, or add it "
        "under suites:",
        shown.empty() ? file.string() : shown,
        fs::path(project.path).filename().string(),
        shown.empty() ? file.string() : shown);
    break;
  }
  return Status::Invalid(msg);
}

Result<std::vector<std::string>> SelectSuiteArgs(
    const std::vector<std::string>& args, ProjectConfig* project) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  for (const std::string& arg : args) {
    auto listed = std::find_if(project->suites.begin(), project->suites.end(),
                               [&](const Suite& s) { return s.name == arg; });
    std::error_code ec;
    const bool file = (arg.ends_with(".yaml") || arg.ends_with(".yml")) &&
                      fs::is_regular_file(arg, ec);
    if (listed != project->suites.end() || !file) {
      if (listed == project->suites.end()) return UnknownSuite(*project, arg);
      names.push_back(arg);
      continue;
    }
    auto suite = LoadSuiteFile(arg);
    if (!suite.ok()) return suite.status();
    auto same =
        std::find_if(project->suites.begin(), project->suites.end(),
                     [&](const Suite& s) { return s.name == suite->name; });
    if (same == project->suites.end()) {
      names.push_back(suite->name);
      project->suites.push_back(std::move(*suite));
    } else if (fs::equivalent(same->path, arg, ec)) {
      names.push_back(same->name);
    } else {
      return Status::Invalid(fmt::format(
          "{}: its suite is named '{}', like the suite {} lists from {}; "
          "rename one of them",
          arg, suite->name, project->path, same->path));
    }
  }
  return names;
}

void PrintProblems(const ProjectConfig& project) {
  for (const Suite& s : project.suites) {
    for (const ItemProblem& p : s.problems) {
      std::fprintf(stderr, "invalid item (recorded as an error): %s\n",
                   report::EscapeControl(p.message).c_str());
    }
  }
}

Result<std::string> DatabasePath(const std::string& config_path,
                                 const std::string& db_flag) {
  if (!db_flag.empty()) return db_flag;
  auto setting = config::DatabaseSetting(config_path);
  if (!setting.ok()) return setting.status();
  if (!setting->empty()) return *setting;
  std::filesystem::path dir = std::filesystem::path(config_path).parent_path();
  return (dir / ".mmgate" / "results.db").string();
}

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& config_path,
                                                const std::string& db_flag) {
  auto url = DatabasePath(config_path, db_flag);
  if (!url.ok()) return url.status();
  return store::OpenStore(*url);
}

Result<std::unique_ptr<store::Store>> OpenResults(
    const std::string& config_path, const std::string& db_flag,
    std::string_view command) {
  auto path = DatabasePath(config_path, db_flag);
  if (!path.ok()) return path.status();
  const std::string& url = *path;
  std::string_view file(url);
  if (file.starts_with("sqlite://")) {
    file.remove_prefix(9);
  } else if (file.starts_with("sqlite:")) {
    file.remove_prefix(7);
  }
  std::error_code ec;
  if (file.find("://") == std::string_view::npos &&
      !std::filesystem::exists(std::filesystem::path(file), ec)) {
    return Status::NotFound(fmt::format(
        "no results database at {}: nothing has been run yet (`mmgate run -m "
        "MODEL` writes it), or name one with --db; {} needs runs to read",
        url, command));
  }
  return store::OpenStore(url);
}

namespace {

constexpr std::string_view kLatest = "latest";
constexpr size_t kRunsNamed = 10;  // runs an unknown-run message lists

// "a, b, c ... and N more; see `mmgate runs`", newest first.
std::string NewestIds(const std::vector<store::RunRecord>& oldest_first) {
  std::string out;
  size_t named = 0;
  for (auto r = oldest_first.rbegin();
       r != oldest_first.rend() && named < kRunsNamed; ++r, ++named) {
    if (named > 0) out += ", ";
    out += r->run_id;
  }
  if (oldest_first.size() > named) {
    out += fmt::format(" ... and {} more; see `mmgate runs`",
                       oldest_first.size() - named);
  }
  return out;
}

Status UnknownRun(const std::string& ref, const std::string& db,
                  const std::vector<store::RunRecord>& runs) {
  if (runs.empty()) {
    return Status::NotFound(fmt::format(
        "no run '{}': {} holds no runs yet (`mmgate run -m MODEL` makes one)",
        ref, db));
  }
  return Status::NotFound(
      fmt::format("no run '{}'; runs in {}: {}", ref, db, NewestIds(runs)));
}

}  // namespace

Result<std::string> ResolveRun(store::Store* store, const std::string& ref) {
  auto exact = store->GetRun(ref);
  if (!exact.ok()) return exact.status();
  if (exact->has_value()) return ref;
  auto runs = store->ListRuns();
  if (!runs.ok()) return runs.status();
  std::string_view r(ref);
  if (!r.starts_with(kLatest)) return UnknownRun(ref, store->Describe(), *runs);
  r.remove_prefix(kLatest.size());
  if (r.empty()) {
    if (runs->empty()) return UnknownRun(ref, store->Describe(), *runs);
    return runs->back().run_id;
  }
  if (!r.starts_with(':')) return UnknownRun(ref, store->Describe(), *runs);
  const std::string_view model = r.substr(1);
  if (model.empty()) {
    return Status::Invalid(
        "'latest:' names no model; give latest:MODEL, or latest for the "
        "newest run of any model");
  }
  for (auto it = runs->rbegin(); it != runs->rend(); ++it)
    if (it->model == model) return it->run_id;
  std::vector<std::string> models;
  for (auto it = runs->rbegin(); it != runs->rend(); ++it)
    if (std::find(models.begin(), models.end(), it->model) == models.end())
      models.push_back(it->model);
  return Status::NotFound(
      fmt::format("no run of model '{}' for '{}' in {}; models with runs: {}",
                  model, ref, store->Describe(),
                  models.empty() ? std::string("none")
                                 : fmt::format("{}", fmt::join(models, ", "))));
}

Status ResolveRuns(store::Store* store, std::vector<std::string>* refs) {
  for (std::string& ref : *refs) {
    auto id = ResolveRun(store, ref);
    if (!id.ok()) return id.status();
    ref = std::move(*id);
  }
  return Status::Ok();
}

const std::atomic<bool>* InstallStopHandler() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  return &g_stop;
}

report::ReportOptions HtmlReportOptions(const config::Config& config) {
  report::ReportOptions opt;
  opt.dataset_dirs = config::DatasetDirs(config.project);
  return opt;
}

Result<report::ReportOptions> HtmlReportOptions(const config::Config& config,
                                                store::Store* store) {
  report::ReportOptions opt = HtmlReportOptions(config);
  if (!config.goldset.configured) return opt;
  // Gating reads no dataset; the health of the gold set needs its items.
  auto full = LoadConfigFile(config.project.path, /*read_items=*/true);
  if (!full.ok()) return full.status().WithContext("gold-set health");
  SystemClock clock;
  goldset::HealthOptions h;
  h.now_ms = clock.WallMillis();
  auto r = goldset::Health(*full, store, h);
  if (!r.ok()) return r.status().WithContext("gold-set health");
  opt.goldset = goldset::HtmlData(*r, h.top);
  return opt;
}

void KeepVerdicts(store::Store* store, const gate::GateOutcome& o) {
  SystemClock clock;
  Status st = report::StoreVerdicts(store, o, clock.WallMillis());
  if (!st.ok()) {
    std::fflush(stdout);  // the verdict printed so far comes first
    std::fprintf(stderr, "mmgate: verdict not stored for the dashboard: %s\n",
                 st.message().c_str());
  }
}

std::string TerminalSafe(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += report::EscapeControl(text.substr(start, end - start));
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

int ExitForVerdict(gate::Verdict v) {
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

int Fail(const char* command, const Status& status) {
  // Messages quote item ids, dataset lines and model output, and may quote a
  // request that carried a key.
  std::fprintf(stderr, "mmgate %s: %s\n", command,
               TerminalSafe(Redact(status.message())).c_str());
  return kExitUsage;
}

}  // namespace mmgate::cli
