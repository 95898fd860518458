// `mmgate goldset health`: label age, items that no longer discriminate,
// slice coverage and what to refresh first (goldset/health.h).
#include <cstdio>
#include <string>

#include "commands.h"
#include "common/clock.h"
#include "common/files.h"
#include "goldset/health.h"
#include "project.h"
#include "report/html.h"

namespace mmgate::cli {
namespace {

struct GoldsetFlags {
  std::string config = "mmgate.yaml";
  std::string db;
  int runs = 5;
  size_t top = 20;
  bool json = false;
  std::string html;
};

int HealthCommand(const GoldsetFlags& f) {
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return Fail("goldset", cfg.status());
  auto store = OpenStore(f.config, f.db);
  if (!store.ok()) return Fail("goldset", store.status());
  if (!f.json)
    std::fprintf(stderr, "goldset: reading the runs of %s...\n",
                 (*store)->Describe().c_str());
  SystemClock clock;
  goldset::HealthOptions opt;
  opt.runs = f.runs;
  opt.top = f.top;
  opt.now_ms = clock.WallMillis();
  auto r = goldset::Health(*cfg, store->get(), opt);
  if (!r.ok()) return Fail("goldset", r.status());
  if (f.json) {
    std::printf("%s\n", goldset::ToJson(*r).dump(2).c_str());
  } else {
    std::printf("%s", TerminalSafe(goldset::ToText(*r, f.top)).c_str());
  }
  if (!f.html.empty()) {
    nlohmann::json page = {{"kind", "goldset"},
                           {"title", "mmgate: gold-set health"},
                           {"goldset", goldset::HtmlData(*r, f.top)}};
    Status st = WriteFileAtomic(f.html, report::RenderPage(page));
    if (!st.ok()) return Fail("goldset", st);
  }
  return kExitOk;
}

}  // namespace

void AddGoldsetCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<GoldsetFlags>();
  auto* health = sub->add_subcommand(
      "health",
      "label age against the release cadence (goldset: {cadence_days}), "
      "items no run of the last N tells apart, slices below min_n, and "
      "what to refresh first");
  health->add_option("-c,--config", f->config, "project config")
      ->capture_default_str();
  health->add_option(
      "--db", f->db,
      "results database (default .mmgate/results.db beside config)");
  health
      ->add_option("--runs", f->runs,
                   "the last N runs that scored items judge discrimination")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000));
  health->add_option("--top", f->top, "items listed to refresh first")
      ->capture_default_str();
  health->add_flag("--json", f->json, "print the report as JSON");
  health->add_option("--html", f->html,
                     "also write the health picture (label age against the "
                     "cadence, discrimination per suite, strata below min_n, "
                     "what to refresh first) to FILE");
  health->callback([f, exit_code] { *exit_code = HealthCommand(*f); });
  sub->require_subcommand(1);
}

}  // namespace mmgate::cli
