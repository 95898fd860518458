// `mmgate label`: the labeling page (serve/label_page.h); `label stats`:
// agreement between graders; `label export`: the gold JSONL calibrate reads.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/clock.h"
#include "judge/labeling.h"
#include "project.h"
#include "serve/label_page.h"

namespace mmgate::cli {
namespace {

struct LabelFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  std::vector<std::string> runs;
  std::string grader;
  std::string host = "127.0.0.1";
  int port = 8081;
  std::string token_env;
  uint64_t seed = 20261206;
  std::string out;
  bool force = false;
  bool json = false;
};

int Serve(const LabelFlags& f) {
  // A mined run (mmgate mine) carries its own suites and rubrics: with
  // --db, no project config is needed to grade it.
  std::error_code ec;
  const bool no_config =
      !f.db.empty() && !std::filesystem::exists(f.config, ec);
  auto cfg = no_config ? Result<config::Config>(config::Config{})
                       : LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("label", cfg.status());
  auto store = OpenResults(f.config, f.db, "label");
  if (!store.ok()) return Fail("label", store.status());
  std::vector<std::string> runs = f.runs;
  if (runs.empty())
    return Fail("label", Status::Invalid("--run RUN is required"));
  Status resolved = ResolveRuns(store->get(), &runs);
  if (!resolved.ok()) return Fail("label", resolved);
  const std::string db = (*store)->Describe();
  store->reset();
  SystemClock clock;
  serve::LabelPageOptions opt;
  opt.config = &*cfg;
  auto db_url = DatabasePath(f.config, f.db);
  if (!db_url.ok()) return Fail("label", db_url.status());
  opt.db = *db_url;
  opt.runs = runs;
  opt.grader = f.grader;
  opt.seed = f.seed;
  opt.host = f.host;
  opt.port = f.port;
  if (!f.token_env.empty()) {
    const char* t = std::getenv(f.token_env.c_str());
    if (t == nullptr || *t == '\0')
      return Fail("label", Status::Invalid("$" + f.token_env + " is not set"));
    opt.token = t;
  }
  opt.clock = &clock;
  opt.stop = InstallStopHandler();
  opt.on_listen = [&](int port) {
    if (f.json) {
      std::printf(
          "%s\n",
          nlohmann::json{{"url", fmt::format("http://{}:{}/", f.host, port)},
                         {"port", port},
                         {"db", db}}
              .dump()
              .c_str());
    } else {
      std::printf("mmgate label on http://%s:%d/ (grader %s; Ctrl-C stops)\n",
                  f.host.c_str(), port, f.grader.c_str());
    }
    std::fflush(stdout);
  };
  Status st = serve::RunLabelPage(opt);
  return st.ok() ? kExitOk : Fail("label", st);
}

int Stats(const LabelFlags& f) {
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  if (!cfg.ok()) return Fail("label stats", cfg.status());
  auto store = OpenResults(f.config, f.db, "label stats");
  if (!store.ok()) return Fail("label stats", store.status());
  auto g = judge::InterGrader(*cfg, store->get());
  if (!g.ok()) return Fail("label stats", g.status());
  nlohmann::json pairs = nlohmann::json::array();
  for (const judge::GraderAgreement& a : *g) {
    pairs.push_back({{"graders", {a.grader_a, a.grader_b}},
                     {"n", a.n},
                     {"raw_agreement", a.raw},
                     {"kappa_kind", a.kappa_kind},
                     {"kappa", a.kappa ? nlohmann::json(*a.kappa)
                                       : nlohmann::json(nullptr)}});
    if (!f.json)
      std::printf("%s vs %s: %s kappa %s, raw agreement %.3f on %lld answers\n",
                  TerminalSafe(a.grader_a).c_str(),
                  TerminalSafe(a.grader_b).c_str(), a.kappa_kind.c_str(),
                  a.kappa ? fmt::format("{:.3f}", *a.kappa).c_str() : "n/a",
                  a.raw, static_cast<long long>(a.n));
  }
  if (f.json)
    std::printf("%s\n", nlohmann::json{{"pairs", pairs}}.dump(2).c_str());
  if (!f.json && g->empty())
    std::printf("no answer has been graded by two graders yet\n");
  return kExitOk;
}

int Export(const LabelFlags& f) {
  auto cfg = LoadConfigFile(f.config, /*read_items=*/false);
  if (!cfg.ok()) return Fail("label export", cfg.status());
  auto store = OpenResults(f.config, f.db, "label export");
  if (!store.ok()) return Fail("label export", store.status());
  std::error_code ec;
  if (!f.force && std::filesystem::exists(f.out, ec))
    return Fail(
        "label export",
        Status::Invalid(f.out + " exists: choose another -o or add --force"));
  std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
  if (!out)
    return Fail("label export", Status::IoError("cannot write " + f.out));
  auto n = judge::ExportGold(*cfg, store->get(), out);
  if (!n.ok()) return Fail("label export", n.status());
  out.close();
  if (f.json) {
    std::printf("%s\n",
                nlohmann::json{{"labels", *n}, {"out", f.out}}.dump().c_str());
  } else {
    std::fprintf(stderr, "wrote %lld labels to %s\n",
                 static_cast<long long>(*n), f.out.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddLabelCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<LabelFlags>();
  auto common = [f](CLI::App* app) {
    app->add_option("-c,--config", f->config, "project config")
        ->capture_default_str();
    app->add_option("--db", f->db,
                    "results database (default .mmgate/results.db beside "
                    "config)");
    app->add_flag("--json", f->json, "print results as JSON");
  };
  common(sub);
  sub->add_option("--run", f->runs,
                  "the run whose answers to grade; twice: two runs' answers "
                  "side by side, blinded");
  sub->add_option("--grader", f->grader, "your grader id (stored with labels)")
      ->default_val("grader");
  sub->add_option("--host", f->host,
                  "address to bind (beyond loopback needs "
                  "--token-env)")
      ->capture_default_str();
  sub->add_option("--port", f->port, "port (0: any free port)")
      ->capture_default_str();
  sub->add_option("--token-env", f->token_env,
                  "environment variable holding the page's access token");
  sub->add_option("--seed", f->seed, "seed of the blinded order")
      ->capture_default_str();
  auto* stats = sub->add_subcommand(
      "stats",
      "agreement between graders (Cohen's kappa) on answers both graded");
  common(stats);
  stats->callback([f, exit_code] { *exit_code = Stats(*f); });
  auto* exp = sub->add_subcommand(
      "export",
      "write the current labels as gold JSONL (mmgate calibrate --labels)");
  common(exp);
  exp->add_option("-o,--out", f->out, "the JSONL file to write")->required();
  exp->add_flag("--force", f->force, "replace an existing file");
  exp->callback([f, exit_code] { *exit_code = Export(*f); });
  sub->callback([f, exit_code, sub] {
    if (sub->get_subcommands().empty()) *exit_code = Serve(*f);
  });
}

}  // namespace mmgate::cli
