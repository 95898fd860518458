// mmgate perturb: writes a suite's clean items plus degraded variants as a
// new suite (see src/perturb/suite.h).
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "dataset/load.h"
#include "perturb/suite.h"
#include "project.h"
#include "score/metrics.h"

namespace mmgate::cli {
namespace {

struct PerturbFlags {
  std::string config = "mmgate.yaml";
  std::string suite;
  std::vector<std::string> kinds;
  uint64_t seed = 1;
  std::string out;
  std::string name;
  bool force = false;
  bool json = false;
};

// A suite named in the project, or a suite YAML file.
Result<Suite> FindSuite(const PerturbFlags& f) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(f.suite, ec) &&
      (f.suite.ends_with(".yaml") || f.suite.ends_with(".yml"))) {
    dataset::LoadOptions opt;
    opt.metric_known = [](std::string_view m) {
      return score::FindMetric(m) != nullptr;
    };
    return dataset::LoadSuite(f.suite, opt);
  }
  auto cfg = LoadConfigFile(f.config);
  if (!cfg.ok()) return cfg.status();
  std::string names;
  for (Suite& s : cfg->project.suites) {
    if (s.name == f.suite) return std::move(s);
    names += (names.empty() ? "" : ", ") + s.name;
  }
  return Status::Invalid(f.config + ": no suite named '" + f.suite +
                         "' (suites: " + names + ")");
}

int PerturbCommand(const PerturbFlags& f) {
  perturb::PerturbOptions opt;
  for (const std::string& arg : f.kinds) {
    auto variants = perturb::ParseKindArg(arg);
    if (!variants.ok()) return Fail("perturb", variants.status());
    opt.variants.insert(opt.variants.end(), variants->begin(), variants->end());
  }
  auto suite = FindSuite(f);
  if (!suite.ok()) return Fail("perturb", suite.status());
  opt.seed = f.seed;
  opt.out_dir = f.out;
  opt.name = f.name;
  opt.force = f.force;
  auto summary = perturb::PerturbSuite(*suite, opt);
  if (!summary.ok()) return Fail("perturb", summary.status());
  if (f.json) {
    nlohmann::json j = {{"suite", summary->suite_name},
                        {"suite_file", summary->suite_file},
                        {"dataset", summary->dataset_file},
                        {"clean_items", summary->clean_items},
                        {"variant_items", summary->variant_items},
                        {"seed", f.seed}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("wrote suite %s: %d clean items, %d variants -> %s\n",
                summary->suite_name.c_str(), summary->clean_items,
                summary->variant_items, summary->suite_file.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddPerturbCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<PerturbFlags>();
  sub->add_option("-c,--config", f->config, "project config listing the suite")
      ->capture_default_str();
  sub->add_option("-s,--suite", f->suite,
                  "suite name in the config, or a suite YAML file")
      ->required();
  sub->add_option(
         "--kinds", f->kinds,
         "kind:level[,level...] e.g. rotate:2,5,10 blur:1,2 jpeg:30,10 "
         "gsm mp3:16 snr:20,10 typos:0.05 (docs/perturb.md)")
      ->required()
      ->expected(1, -1);
  sub->add_option("--seed", f->seed, "seed of every random draw")
      ->capture_default_str();
  sub->add_option("-o,--out", f->out,
                  "output folder (gets <name>.yaml, items.jsonl, media/)")
      ->required();
  sub->add_option("--name", f->name,
                  "name of the new suite (default <suite>-perturbed)");
  sub->add_flag("--force", f->force,
                "write into a folder that is not empty (files of the same "
                "names are replaced, no other file is touched)");
  sub->add_flag("--json", f->json, "print the summary as JSON");
  sub->callback([f, exit_code] { *exit_code = PerturbCommand(*f); });
}

}  // namespace mmgate::cli
