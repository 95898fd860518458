// `mmgate mine --logs FILE.jsonl`: production failures (by feedback signal),
// without duplicate media, in a stratified sample, queued on the labeling
// page and written as suite JSONL (mine/, docs/mine.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "common/clock.h"
#include "dataset/load.h"
#include "mine/mine.h"
#include "mine/queue.h"
#include "project.h"
#include "trace/trace.h"

namespace mmgate::cli {
namespace {

using nlohmann::json;

struct MineFlags {
  std::vector<std::string> logs;
  std::string config = "mmgate.yaml";
  std::string db;
  std::vector<std::string> signals;
  std::vector<std::string> rubrics;
  int64_t max = 0;
  uint64_t seed = 20261206;
  std::string out;
  std::string run_id;
  bool force = false;
  bool json = false;
};

struct Read {
  std::vector<store::TraceRecord> traces;
  std::vector<trace::TraceProblem> malformed;
  int64_t lines = 0;
};

Result<Read> ReadLogs(const MineFlags& f) {
  Read r;
  const bool tty = !f.json && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& file : f.logs) {
    trace::IngestOptions opt;
    opt.check_media = false;  // mine reports missing media of failures only
    if (tty)
      opt.progress = [&](int64_t bytes, int64_t n) {
        const double s = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        std::fprintf(stderr, "\rmine %s: %.1f MB read, %lld traces, %.0f s",
                     file.c_str(), bytes / 1e6,
                     static_cast<long long>(r.traces.size() + n), s);
      };
    auto sum = trace::IngestFile(file, opt, [&](auto* batch) {
      for (auto& t : *batch) r.traces.push_back(std::move(t));
      return Status::Ok();
    });
    if (tty) std::fprintf(stderr, "\n");
    if (!sum.ok()) return sum.status();
    r.lines += sum->lines;
    for (auto& p : sum->malformed) r.malformed.push_back(std::move(p));
  }
  return r;
}

// --rubric FILE (every modality) or MODALITY=FILE; else the rubric of the
// config's first judge-scored suite of that modality.
Result<std::map<std::string, judge::Rubric>> Rubrics(
    const MineFlags& f, const config::Config* cfg) {
  std::map<std::string, judge::Rubric> out;
  std::optional<judge::Rubric> all;
  for (const std::string& arg : f.rubrics) {
    const size_t eq = arg.find('=');
    const std::string path = eq == std::string::npos ? arg : arg.substr(eq + 1);
    auto r = judge::LoadRubric(path);
    if (!r.ok()) return r.status();
    if (eq == std::string::npos)
      all = std::move(*r);
    else
      out[arg.substr(0, eq)] = std::move(*r);
  }
  std::set<std::string> modalities = dataset::BuiltinModalities();
  if (cfg != nullptr)
    for (const Suite& s : cfg->project.suites) modalities.insert(s.modality);
  for (const std::string& m : modalities) {
    if (out.contains(m)) continue;
    if (all) {
      out[m] = *all;
      continue;
    }
    if (cfg == nullptr) continue;
    for (const Suite& s : cfg->project.suites) {
      auto r = cfg->rubrics.find(s.name);
      if (s.modality == m && r != cfg->rubrics.end()) {
        out[m] = r->second;
        break;
      }
    }
  }
  return out;
}

json SummaryJson(const MineFlags& f, const Read& read,
                 const mine::MineResult& m, const mine::QueueSummary* q) {
  json bad = json::array(), missing = json::array(), dups = json::array(),
       strata = json::array(), per_modality = json::object();
  for (const auto& p : read.malformed)
    bad.push_back({{"line", p.line}, {"id", p.trace_id}, {"error", p.message}});
  for (const auto& p : m.missing_media)
    missing.push_back({{"trace", p.trace_id}, {"reason", p.reason}});
  for (const auto& d : m.duplicates)
    dups.push_back({{"trace", d.trace_id}, {"same_as", d.same_as}});
  for (const mine::Stratum& s : m.strata) {
    json slices = json::object();
    for (const auto& [k, v] : s.slices) slices[k] = v;
    strata.push_back({{"modality", s.modality},
                      {"slices", slices},
                      {"available", s.available},
                      {"queued", s.sampled}});
    if (!per_modality.contains(s.modality))
      per_modality[s.modality] = {{"available", 0}, {"queued", 0}};
    json& pm = per_modality[s.modality];
    pm["available"] = pm["available"].get<int64_t>() + s.available;
    pm["queued"] = pm["queued"].get<int64_t>() + s.sampled;
  }
  json j = {{"logs", f.logs},
            {"lines", read.lines},
            {"traces", m.traces},
            {"malformed", bad},
            {"selected", m.selected},
            {"per_signal", m.per_signal},
            {"missing_media", missing},
            {"duplicates_removed", std::ssize(m.duplicates)},
            {"duplicates", dups},
            {"unique", m.unique},
            {"queued", std::ssize(m.sample)},
            {"seed", f.seed},
            {"per_modality", per_modality},
            {"strata", strata},
            {"run", q ? json(q->run_id) : json(nullptr)},
            {"files", q ? json(q->files) : json::array()},
            {"media_files", q ? q->media_files : 0}};
  return j;
}

void PrintSummary(const MineFlags& f, const Read& read,
                  const mine::MineResult& m, const mine::QueueSummary* q) {
  for (const auto& p : read.malformed)
    std::fprintf(stderr, "skipped: %s\n", TerminalSafe(p.message).c_str());
  for (const auto& p : m.missing_media)
    std::fprintf(stderr, "missing media: trace %s: %s (not queued)\n",
                 TerminalSafe(p.trace_id).c_str(),
                 TerminalSafe(p.reason).c_str());
  std::printf("%lld traces read, %zu bad lines skipped\n",
              static_cast<long long>(m.traces), read.malformed.size());
  std::printf("%lld failures selected:", static_cast<long long>(m.selected));
  for (const auto& [name, n] : m.per_signal)
    std::printf(" %s %lld", name.c_str(), static_cast<long long>(n));
  std::printf(
      "\n%zu with missing media, %zu duplicates removed (same media "
      "sha256), %lld unique\n",
      m.missing_media.size(), m.duplicates.size(),
      static_cast<long long>(m.unique));
  std::printf("queued %zu (seed %llu):\n", m.sample.size(),
              static_cast<unsigned long long>(f.seed));
  for (const mine::Stratum& s : m.strata)
    std::printf("  %-40s %lld of %lld\n", TerminalSafe(s.key).c_str(),
                static_cast<long long>(s.sampled),
                static_cast<long long>(s.available));
  if (q == nullptr) return;
  for (const std::string& file : q->files)
    std::printf("wrote %s\n", file.c_str());
  std::printf("run %s: grade them with mmgate label -c %s --run %s\n",
              q->run_id.c_str(), f.config.c_str(), q->run_id.c_str());
}

int Mine(const MineFlags& f) {
  std::string signals;
  for (const std::string& s : f.signals) signals += s + ",";
  if (signals.empty()) signals = mine::kDefaultSignals;
  auto parsed = mine::ParseSignals(signals);
  if (!parsed.ok()) return Fail("mine", parsed.status());
  std::optional<config::Config> cfg;
  std::error_code ec;
  if (std::filesystem::exists(f.config, ec)) {
    auto c = LoadConfigFile(f.config, /*read_items=*/false);
    if (!c.ok()) return Fail("mine", c.status());
    cfg = std::move(*c);
  }
  auto rubrics = Rubrics(f, cfg ? &*cfg : nullptr);
  if (!rubrics.ok()) return Fail("mine", rubrics.status());
  auto read = ReadLogs(f);
  if (!read.ok()) return Fail("mine", read.status());
  auto mined = mine::Mine(read->traces, {*parsed, f.max, f.seed});
  if (!mined.ok()) return Fail("mine", mined.status());
  std::optional<mine::QueueSummary> queued;
  if (!mined->sample.empty()) {
    auto store = OpenStore(f.config, f.db);
    if (!store.ok()) return Fail("mine", store.status());
    SystemClock clock;
    mine::QueueOptions q;
    q.log_file = std::filesystem::absolute(f.logs[0]).string();
    q.out_dir = f.out;
    q.force = f.force;
    q.run_id = f.run_id;
    q.config_path = f.config;
    q.rubrics = std::move(*rubrics);
    q.signals = signals;
    q.max = f.max;
    q.seed = f.seed;
    q.clock = &clock;
    auto sum = mine::WriteAndQueue(*mined, q, store->get());
    if (!sum.ok()) return Fail("mine", sum.status());
    queued = std::move(*sum);
  }
  const mine::QueueSummary* q = queued ? &*queued : nullptr;
  if (f.json)
    std::printf("%s\n", SummaryJson(f, *read, *mined, q).dump(2).c_str());
  else
    PrintSummary(f, *read, *mined, q);
  return kExitOk;
}

}  // namespace

void AddMineCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<MineFlags>();
  sub->add_option("--logs", f->logs,
                  "production log (trace JSONL or .jsonl.zst, docs/traces.md); "
                  "repeatable")
      ->required();
  sub->add_option("-o,--out", f->out,
                  "folder for the mined suites (mined-MODALITY.jsonl) and "
                  "their media")
      ->required();
  sub->add_option("--signal", f->signals,
                  "failures to keep, comma-separated: thumbs_down, rating:K, "
                  "ticket[:TAG], low_confidence:T, retries:N (default " +
                      std::string(mine::kDefaultSignals) + ")");
  sub->add_option("--max", f->max,
                  "queue at most N, stratified by modality and slice (0: all)")
      ->capture_default_str();
  sub->add_option("--seed", f->seed, "seed of the stratified sample")
      ->capture_default_str();
  sub->add_option("--rubric", f->rubrics,
                  "[MODALITY=]FILE: the rubric graders use (default: the "
                  "config's judge-scored suite of that modality)");
  sub->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  sub->add_option("--db", f->db,
                  "results database (default .mmgate/results.db beside "
                  "config)");
  sub->add_option("--run-id", f->run_id,
                  "id of the stored run the page shows (default "
                  "mined-UTCTIME)");
  sub->add_flag("--force", f->force, "replace existing suite files");
  sub->add_flag("--json", f->json, "print the summary as JSON");
  sub->callback([f, exit_code] { *exit_code = Mine(*f); });
}

}  // namespace mmgate::cli
