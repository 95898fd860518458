// `mmgate backfill import|plan|run|analyze|review`: replay production
// traces through a candidate (docs/backfill.md).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "backfill_common.h"
#include "commands.h"
#include "common/clock.h"
#include "project.h"

namespace mmgate::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct BackfillFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  std::vector<std::string> traces;
  std::string candidate;
  std::string run_id;
  SampleFlags sample;
  int workers = 0;
  bool json = false;
};

std::string Dollars(double cost) {
  return cost < 0 ? "no price" : fmt::format("${:.4f}", cost);
}

int ImportCommand(const BackfillFlags& f) {
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("backfill import", store.status());
  auto t = ImportTraces(f.traces, store->get(), !f.json, f.json);
  if (!t.ok()) return Fail("backfill import", t.status());
  if (f.json) {
    json j = ImportJson(*t);
    j["db"] = (*store)->Describe();
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf(
        "imported %lld traces in %.2f s; %lld malformed lines skipped, "
        "%lld traces not replayable (kept, listed above); %s\n",
        static_cast<long long>(t->traces), t->seconds,
        static_cast<long long>(t->malformed),
        static_cast<long long>(t->not_replayable),
        (*store)->Describe().c_str());
  }
  return t->traces > 0 ? kExitOk : kExitUsage;
}

// What plan and run both do: import, draw, make the replay suite (whose
// items are made as it is read).
struct Prepared {
  config::Config cfg;
  std::unique_ptr<store::Store> store;
  Selection selection;
  backfill::StreamedSuite replay;
};

Result<Prepared> Prepare(const BackfillFlags& f) {
  Prepared p;
  auto cfg = LoadConfigFile(f.config, false);
  if (!cfg.ok()) return cfg.status();
  p.cfg = std::move(*cfg);
  if (f.candidate.empty() && p.cfg.project.candidate.empty())
    return Status::Invalid(
        "--candidate MODEL is required (no 'candidate:' in " + f.config + ")");
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return store.status();
  p.store = std::move(*store);
  if (!f.traces.empty()) {
    auto t = ImportTraces(f.traces, p.store.get(), !f.json, f.json);
    if (!t.ok()) return t.status();
  }
  auto sel = SelectTraces(p.store.get(), f.sample, f.run_id, !f.json);
  if (!sel.ok()) return sel.status();
  p.selection = std::move(*sel);
  // Inline media of traces are written beside a SQLite database, or under
  // the project's .mmgate/ when the database is a server.
  auto db = DatabasePath(f.config, f.db);
  if (!db.ok()) return db.status();
  std::string_view db_path(*db);
  fs::path media_dir;
  if (db_path.starts_with("postgres")) {
    media_dir = fs::absolute(f.config).parent_path() / ".mmgate";
  } else {
    for (std::string_view prefix : {"sqlite://", "sqlite:"}) {
      if (db_path.starts_with(prefix)) {
        db_path.remove_prefix(prefix.size());
        break;
      }
    }
    media_dir = fs::path(db_path).parent_path();
  }
  p.replay = ReplaySuiteOf(p.store.get(), &p.selection, f.run_id,
                           (media_dir / "trace_media").string(), f.json);
  return p;
}

void PrintSkipped(const backfill::SourceTally& t) {
  size_t shown = 0;
  for (const backfill::Skipped& k : t.skipped) {
    if (++shown > 20) break;
    std::fprintf(stderr, "skipped (%s): %s\n", k.kind.c_str(),
                 k.reason.c_str());
  }
  if (t.skipped_count > 20)
    std::fprintf(stderr, "skipped: ... and %lld more\n",
                 static_cast<long long>(t.skipped_count - 20));
}

int PlanCommand(const BackfillFlags& f) {
  auto p = Prepare(f);
  if (!p.ok()) return Fail("backfill plan", p.status());
  const std::string model =
      f.candidate.empty() ? p->cfg.project.candidate : f.candidate;
  auto e = backfill::EstimateReplay(p->cfg.project, model, p->replay.suite,
                                    f.run_id, p->store.get());
  if (!e.ok()) return Fail("backfill plan", e.status());
  const backfill::SourceTally& tally = *p->replay.tally;
  json j = PlanJson(p->selection, tally, f.sample);
  j["candidate"] = model;
  j["cost"] = {{"calls", e->total.items},
               {"already_answered", e->total.cached},
               {"input_tokens", e->total.input_tokens},
               {"output_tokens", e->total.output_tokens},
               {"billed", e->billed},
               {"cost_usd", e->total.cost_usd < 0 ? json(nullptr)
                                                  : json(e->total.cost_usd)}};
  if (f.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  PrintSkipped(tally);
  std::printf(
      "history: %lld traces in %zu strata (category x %lld-week period)\n"
      "sample: %lld traces (seed %llu), %lld replayable, %lld skipped\n"
      "precision: flip-rate 95%% interval +/- %.3f at an expected rate of "
      "%.2f (+/- %.3f at worst)\n"
      "cost: %lld calls to %s (%lld already answered), %lld input and %lld "
      "output tokens, %s\nnothing was spent; replay with `mmgate backfill "
      "run` and the same sample flags\n",
      static_cast<long long>(j["history"].get<int64_t>()),
      p->selection.sample.strata.size(),
      static_cast<long long>(p->selection.sample.period_weeks),
      static_cast<long long>(j["sample"].get<int64_t>()),
      static_cast<unsigned long long>(f.sample.seed),
      static_cast<long long>(tally.items),
      static_cast<long long>(tally.skipped_count),
      j["precision"]["half_width"].get<double>(), f.sample.expected_rate,
      j["precision"]["half_width_worst_case"].get<double>(),
      static_cast<long long>(e->total.items), model.c_str(),
      static_cast<long long>(e->total.cached),
      static_cast<long long>(e->total.input_tokens),
      static_cast<long long>(e->total.output_tokens),
      e->billed ? Dollars(e->total.cost_usd).c_str() : "not billed (local)");
  return kExitOk;
}

int RunCommand(const BackfillFlags& f) {
  auto p = Prepare(f);
  if (!p.ok()) return Fail("backfill run", p.status());
  const std::string model =
      f.candidate.empty() ? p->cfg.project.candidate : f.candidate;
  backfill::ReplayOptions opt;
  opt.run_id = f.run_id;
  if (!p->selection.recorded)
    opt.selection = backfill::SelectionJson(p->selection.record);
  opt.workers = f.workers;
  opt.progress = !f.json;
  opt.stop = InstallStopHandler();
  SystemClock clock;
  auto s = backfill::Replay(p->cfg.project, model, p->replay.suite, opt,
                            p->store.get(), &clock);
  if (!s.ok()) return Fail("backfill run", s.status());
  // Skipped traces are known once the suite was read (a stopped run read
  // part of it).
  if (!f.json) PrintSkipped(*p->replay.tally);
  json j = PlanJson(p->selection, *p->replay.tally, f.sample);
  j["run_id"] = s->run_id;
  j["candidate"] = model;
  j["replay"] = {{"resumed", s->resumed},
                 {"already_done", s->skipped},
                 {"replayed", s->done},
                 {"errors", s->errors},
                 {"provider_attempts", s->attempts},
                 {"cache_hits", s->cache_hits},
                 {"cost_usd", s->cost_usd},
                 {"interrupted", s->interrupted}};
  if (f.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fprintf(stderr,
                 "backfill %s: %lld replayed now, %lld done earlier, %lld "
                 "errors (skipped traces included), %lld cache hits, $%.4f%s\n"
                 "analyse it: mmgate backfill analyze %s\n",
                 s->run_id.c_str(), static_cast<long long>(s->done),
                 static_cast<long long>(s->skipped),
                 static_cast<long long>(s->errors),
                 static_cast<long long>(s->cache_hits), s->cost_usd,
                 s->interrupted ? "; interrupted: run again with --run-id "
                                  "to resume"
                                : "",
                 s->run_id.c_str());
    std::printf("%s\n", s->run_id.c_str());
  }
  return s->interrupted ? kExitInterrupted : kExitOk;
}

void AddCommon(CLI::App* c, BackfillFlags* f) {
  c->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  c->add_option("--db", f->db,
                "results database (default .mmgate/results.db beside config)");
  c->add_flag("--json", f->json, "print the result as JSON");
}

void AddSampleOptions(CLI::App* c, BackfillFlags* f) {
  c->add_option("--traces", f->traces,
                "trace files (.jsonl or .jsonl.zst) to import first "
                "(repeatable)");
  c->add_option("--candidate", f->candidate,
                "the model to replay through (default: config's candidate)");
  auto* n = c->add_option("--sample", f->sample.sample,
                          "traces to replay (default 1000), stratified by "
                          "category and week (longer periods when the "
                          "sample is small)");
  auto* x = c->add_option("--precision", f->sample.precision,
                          "instead: the flip-rate interval half-width wanted");
  auto* all = c->add_flag("--all", f->sample.all, "replay every trace");
  n->excludes(x)->excludes(all);
  x->excludes(all);
  c->add_option("--expected-rate", f->sample.expected_rate,
                "flip rate assumed for --precision and the precision shown")
      ->capture_default_str();
  c->add_option("--seed", f->sample.seed, "seed of the draw")
      ->capture_default_str();
  c->add_option("--run-id", f->run_id,
                "the backfill run (an existing one resumes with its own "
                "sample)");
}

}  // namespace

void AddBackfillAnalysis(CLI::App* sub, int* exit_code);

void AddBackfillCommand(CLI::App* sub, int* exit_code) {
  sub->require_subcommand(1);
  auto f = std::make_shared<BackfillFlags>();
  CLI::App* imp = sub->add_subcommand(
      "import", "read trace files (.jsonl, .jsonl.zst) into the database");
  imp->add_option("files", f->traces, "trace files")->required();
  AddCommon(imp, f.get());
  imp->callback([f, exit_code] { *exit_code = ImportCommand(*f); });

  CLI::App* plan = sub->add_subcommand(
      "plan",
      "draw a stratified sample; show its precision and cost "
      "(spends nothing)");
  AddCommon(plan, f.get());
  AddSampleOptions(plan, f.get());
  plan->callback([f, exit_code] { *exit_code = PlanCommand(*f); });

  CLI::App* run = sub->add_subcommand(
      "run", "replay the sample through the candidate (resumable by --run-id)");
  AddCommon(run, f.get());
  AddSampleOptions(run, f.get());
  run->add_option("--workers", f->workers,
                  "parallel calls (default: the model's concurrency)");
  run->callback([f, exit_code] { *exit_code = RunCommand(*f); });
  AddBackfillAnalysis(sub, exit_code);
}

}  // namespace mmgate::cli
