// `mmgate backfill analyze` (flip analysis, contested export, flip view) and
// `mmgate backfill review` (a review sample out, reviewers' labels in).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "backfill/analyze.h"
#include "backfill/export.h"
#include "backfill/replay.h"
#include "backfill/review.h"
#include "commands.h"
#include "common/clock.h"
#include "project.h"
#include "report/flip_view.h"
#include "serve/label_page.h"
#include "trace/trace.h"

namespace mmgate::cli {
namespace {

using nlohmann::json;

struct AnalyzeFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  std::string run;
  std::string csv, jsonl, html;
  int top = 20;
  bool json = false;
  // review
  std::string export_path;
  int size = 50;
  uint64_t seed = 20260901;
  std::string labels;
  std::string grader;
  bool serve = false;
  std::string host = "127.0.0.1";
  int port = 8081;
  std::string token_env;
};

std::string Rate(const backfill::RateEstimate& e) {
  if (e.n == 0) return "-";
  return fmt::format("{:.3f} [{:.3f}, {:.3f}] ~{:.0f}", e.rate, e.lo, e.hi,
                     e.count);
}

void PrintReport(const backfill::FlipReport& r, int top) {
  std::printf("history %lld traces; %lld replayed, %lld answered; %zu flips\n",
              static_cast<long long>(r.population),
              static_cast<long long>(r.drawn),
              static_cast<long long>(r.answered), r.contested.size());
  if (r.uncovered > 0)
    std::printf(
        "%lld traces are in strata with no answered replay: the "
        "rates below describe the rest of the history\n",
        static_cast<long long>(r.uncovered));
  std::printf("%-22s %-18s %6s %6s  %-36s %-36s %s\n", "dimension", "value",
              "n", "flips", "flip rate [95% CI] ~history",
              "negative flips [95% CI] ~history", "McNemar p");
  for (const backfill::GroupFlips& g : r.groups)
    std::printf(
        "%-22s %-18s %6lld %6lld  %-36s %-36s %s\n", g.dimension.c_str(),
        g.value.c_str(), static_cast<long long>(g.flip.n),
        static_cast<long long>(g.flip.events), Rate(g.flip).c_str(),
        Rate(g.negative_flip).c_str(),
        g.negative_flip.n ? fmt::format("{:.3g}", g.mcnemar_p).c_str() : "-");
  if (r.review.n > 0)
    std::printf("reviewed flips: the candidate is right on %s of %lld\n",
                Rate(r.review).c_str(), static_cast<long long>(r.review.n));
  int rank = 0;
  for (const backfill::Contested& c : r.contested) {
    if (++rank > top) break;
    std::printf("#%d %s %s (stakes %g): %s -> %s%s\n", rank, c.trace_id.c_str(),
                c.category.c_str(), c.stakes,
                TerminalSafe(c.old_decision).c_str(),
                TerminalSafe(c.new_decision).c_str(),
                c.negative ? " (negative flip)" : "");
  }
}

Result<backfill::FlipReport> Analyze(const AnalyzeFlags& f,
                                     std::unique_ptr<store::Store>* store,
                                     std::string* run) {
  auto cfg = LoadConfigFile(f.config, false);
  if (!cfg.ok()) return cfg.status();
  auto s = OpenResults(f.config, f.db, "backfill analyze");
  if (!s.ok()) return s.status();
  *store = std::move(*s);
  auto r = ResolveRun(store->get(), f.run);
  if (!r.ok()) return r.status();
  *run = *r;
  // A history of millions of traces takes tens of seconds: say how far.
  std::function<void(int64_t)> progress;
  if (::isatty(STDERR_FILENO))
    progress = [](int64_t traces) {
      std::fprintf(stderr, "\ranalyze: %lld traces read",
                   static_cast<long long>(traces));
    };
  auto report = backfill::AnalyzeRun(store->get(), *run, cfg->stakes, progress);
  if (progress) std::fprintf(stderr, "\n");
  return report;
}

int AnalyzeCommand(const AnalyzeFlags& f) {
  std::unique_ptr<store::Store> store;
  std::string run;
  auto r = Analyze(f, &store, &run);
  if (!r.ok()) return Fail("backfill analyze", r.status());
  if (!f.csv.empty()) {
    Status st = backfill::WriteContestedCsv(f.csv, r->contested);
    if (!st.ok()) return Fail("backfill analyze", st);
  }
  if (!f.jsonl.empty()) {
    Status st = backfill::WriteContestedJsonl(f.jsonl, r->contested);
    if (!st.ok()) return Fail("backfill analyze", st);
  }
  json j = backfill::ReportJson(*r, f.top);
  j["run"] = run;
  if (!f.html.empty()) {
    Status st = report::WriteFlipView(f.html, j);
    if (!st.ok()) return Fail("backfill analyze", st);
  }
  if (f.json)
    std::printf("%s\n", j.dump(2).c_str());
  else
    PrintReport(*r, f.top);
  return kExitOk;
}

// A seeded draw of up to `size` flips, for people to say who is right.
int ExportReview(const AnalyzeFlags& f, const backfill::FlipReport& r,
                 const std::string& run, store::Store* store) {
  std::ofstream out(f.export_path, std::ios::binary);
  if (!out)
    return Fail("backfill review",
                Status::IoError(f.export_path + ": cannot write"));
  int n = 0;
  for (const backfill::Contested* c : backfill::DrawReview(r, f.size, f.seed)) {
    json line = backfill::ContestedJson(*c, ++n);
    line["run"] = run;
    // What the reviewer needs to judge: the request, media as absolute paths.
    auto t = store->GetTrace(c->trace_id);
    auto in = t.ok() && t->has_value()
                  ? trace::ParseInputs(**t)
                  : Result<trace::TraceInputs>(Status::NotFound(c->trace_id));
    if (in.ok()) {
      line["prompt"] = in->prompt;
      json media = json::array();
      for (const trace::TraceMedia& m : in->media)
        media.push_back({{"type", m.type},
                         {"path", m.abs_path.empty() ? m.path : m.abs_path}});
      line["media"] = media;
    }
    line["right"] = nullptr;  // for the reviewer: "new", "old" or "neither"
    out << line.dump() << '\n';
  }
  std::fprintf(stderr,
               "wrote %d of %zu flips to %s: fill \"right\" with new, old or "
               "neither, then `mmgate backfill review %s --labels %s "
               "--grader NAME`\n",
               n, r.contested.size(), f.export_path.c_str(), run.c_str(),
               f.export_path.c_str());
  return kExitOk;
}

// Reads reviewers' answers and keeps them as labels of the run's items.
Status ImportLabels(const AnalyzeFlags& f, const backfill::FlipReport& r,
                    const std::string& run, store::Store* store, int* added) {
  std::set<std::string> flips;
  for (const auto& c : r.contested) flips.insert(c.trace_id);
  std::ifstream in(f.labels, std::ios::binary);
  if (!in) return Status::IoError(f.labels + ": cannot read");
  SystemClock clock;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(text, nullptr, false);
    const std::string where = f.labels + ":" + std::to_string(line) + ": ";
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
      std::fprintf(stderr, "%sskipped: not an object with an 'id'\n",
                   where.c_str());
      continue;
    }
    const std::string id = j["id"];
    if (!j.contains("right") || j["right"].is_null()) continue;  // not done
    const std::string right = j["right"].is_string() ? j["right"] : "";
    if (right != "new" && right != "old" && right != "neither") {
      std::fprintf(stderr, "%sskipped: 'right' must be new, old or neither\n",
                   where.c_str());
      continue;
    }
    if (!flips.count(id)) {
      std::fprintf(stderr, "%sskipped: %s is not a flip of run %s\n",
                   where.c_str(), id.c_str(), run.c_str());
      continue;
    }
    store::LabelRecord l;
    l.run_id = run;
    l.suite = backfill::kSuiteName;
    l.item_id = id;
    l.grader = f.grader;
    l.grade = right;
    l.created_ms = clock.WallMillis();
    auto put = store->PutLabel(l);
    if (!put.ok()) return put.status();
    ++*added;
  }
  return Status::Ok();
}

// Serves the review sample on the labeling page until Ctrl-C; labels go to
// the store as they are given.
int ServeReview(const AnalyzeFlags& f, const backfill::FlipReport& r,
                const std::string& run, std::unique_ptr<store::Store> store) {
  if (f.grader.empty())
    return Fail("backfill review",
                Status::Invalid("--serve needs --grader NAME (who reviews)"));
  auto queue = backfill::ReviewQueue(store.get(), run, r, f.size, f.seed);
  if (!queue.ok()) return Fail("backfill review", queue.status());
  if (queue->tasks.empty())
    return Fail("backfill review",
                Status::Invalid("run " + run + " has no flips to review"));
  const size_t n = queue->tasks.size();
  store.reset();
  auto db = DatabasePath(f.config, f.db);
  if (!db.ok()) return Fail("backfill review", db.status());
  SystemClock clock;
  config::Config no_rubrics;
  serve::LabelPageOptions opt;
  opt.config = &no_rubrics;
  opt.db = *db;
  opt.runs = {run};
  opt.queue = &*queue;
  opt.grader = f.grader;
  opt.host = f.host;
  opt.port = f.port;
  if (!f.token_env.empty()) {
    const char* t = std::getenv(f.token_env.c_str());
    if (t == nullptr || *t == '\0')
      return Fail("backfill review",
                  Status::Invalid("$" + f.token_env + " is not set"));
    opt.token = t;
  }
  opt.clock = &clock;
  opt.stop = InstallStopHandler();
  opt.on_listen = [&](int port) {
    const std::string url = fmt::format("http://{}:{}/", f.host, port);
    if (f.json)
      std::printf(
          "%s\n",
          json({{"url", url}, {"port", port}, {"flips", n}}).dump().c_str());
    else
      std::printf(
          "review of %zu flips of %s on %s (grader %s; Ctrl-C stops; then "
          "`mmgate backfill analyze %s` gives the estimate)\n",
          n, run.c_str(), url.c_str(), f.grader.c_str(), run.c_str());
    std::fflush(stdout);
  };
  Status st = serve::RunLabelPage(opt);
  return st.ok() ? kExitOk : Fail("backfill review", st);
}

int ReviewCommand(const AnalyzeFlags& f) {
  if ((f.export_path.empty() ? 0 : 1) + (f.labels.empty() ? 0 : 1) +
          (f.serve ? 1 : 0) !=
      1)
    return Fail(
        "backfill review",
        Status::Invalid("give one of --serve, --export FILE or --labels FILE"));
  if (!f.labels.empty() && f.grader.empty())
    return Fail("backfill review",
                Status::Invalid("--labels needs --grader NAME (who reviewed)"));
  std::unique_ptr<store::Store> store;
  std::string run;
  auto r = Analyze(f, &store, &run);
  if (!r.ok()) return Fail("backfill review", r.status());
  if (f.serve) return ServeReview(f, *r, run, std::move(store));
  if (!f.export_path.empty()) return ExportReview(f, *r, run, store.get());
  int added = 0;
  Status st = ImportLabels(f, *r, run, store.get(), &added);
  if (!st.ok()) return Fail("backfill review", st);
  r = Analyze(f, &store, &run);
  if (!r.ok()) return Fail("backfill review", r.status());
  if (f.json) {
    std::printf("%s\n",
                json({{"run", run},
                      {"labels_added", added},
                      {"candidate_right", backfill::RateJson(r->review)}})
                    .dump(2)
                    .c_str());
  } else {
    std::printf(
        "%d labels added; the candidate is right on %s of %lld "
        "reviewed flips (rate [95%% CI] ~flips in the history)\n",
        added, Rate(r->review).c_str(), static_cast<long long>(r->review.n));
  }
  return kExitOk;
}

void AddAnalyzeOptions(CLI::App* c, AnalyzeFlags* f) {
  c->add_option("run", f->run, "the backfill run (id, latest, latest:MODEL)")
      ->required();
  c->add_option("-c,--config", f->config, "project config (its stakes:)")
      ->capture_default_str();
  c->add_option("--db", f->db,
                "results database (default .mmgate/results.db beside config)");
  c->add_flag("--json", f->json, "print the result as JSON");
}

}  // namespace

void AddBackfillAnalysis(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<AnalyzeFlags>();
  CLI::App* a = sub->add_subcommand(
      "analyze",
      "flip matrix and rates per category, modality and slice; "
      "contested decisions ranked by stakes");
  AddAnalyzeOptions(a, f.get());
  a->add_option("--csv", f->csv, "write every contested decision as CSV");
  a->add_option("--jsonl", f->jsonl, "...and as JSONL");
  a->add_option("--html", f->html, "write the flip view (HTML)");
  a->add_option("--top", f->top, "contested decisions shown")
      ->capture_default_str();
  a->callback([f, exit_code] { *exit_code = AnalyzeCommand(*f); });

  auto g = std::make_shared<AnalyzeFlags>();
  CLI::App* r = sub->add_subcommand(
      "review",
      "export a review sample of flips, or read reviewers' labels "
      "and estimate how often the candidate is right");
  AddAnalyzeOptions(r, g.get());
  r->add_option("--export", g->export_path, "write the review sample (JSONL)");
  r->add_option("--size", g->size, "flips in the review sample")
      ->capture_default_str();
  r->add_option("--seed", g->seed, "seed of the review draw")
      ->capture_default_str();
  r->add_option("--labels", g->labels,
                "the filled review file: {\"id\", \"right\": new|old|neither}");
  r->add_option("--grader", g->grader,
                "who reviewed (with --labels) or reviews (with --serve)");
  r->add_flag("--serve", g->serve,
              "serve the review sample on the labeling page: each flip's "
              "request and its two decisions, blinded");
  r->add_option("--host", g->host, "address to serve on (with --serve)")
      ->capture_default_str();
  r->add_option("--port", g->port, "port (0: any free port)")
      ->capture_default_str();
  r->add_option("--token-env", g->token_env,
                "environment variable holding the access token (required "
                "beyond loopback)");
  r->callback([g, exit_code] { *exit_code = ReviewCommand(*g); });
}

}  // namespace mmgate::cli
