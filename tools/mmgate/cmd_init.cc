#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.h"
#include "common/files.h"
#include "demo/gold_set.h"
#include "project.h"
#include "quickstart_config.h"

namespace mmgate::cli {
namespace {

// The text modality has no local engine: its example suite shows the format
// and waits for a model the user plugs in (an exec command or a provider).
constexpr const char kTextSuite[] =
    R"(# A text suite: questions answered from the prompt alone.
name: text
modality: text
description: Short factual questions; the answer must match after light normalization.
dataset: ../data/text/items.jsonl
metric: normalized_match
rubric:
  wrong_fact: states a different fact than the reference
  verbose: buries the answer in extra text
gate: {margin: 0.02}
)";

constexpr const char kTextItems[] =
    R"({"id": "text-001", "modality": "text", "prompt": "What is the capital of France? Answer with one word.", "reference": "Paris", "slices": {"topic": "geography"}}
{"id": "text-002", "modality": "text", "prompt": "How many days are in a leap year? Answer with a number.", "reference": "366", "metric": "numeric", "slices": {"topic": "calendar"}}
{"id": "text-003", "modality": "text", "prompt": "Who wrote Sense and Sensibility?", "reference": ["Jane Austen", "Austen"], "slices": {"topic": "literature"}}
{"id": "text-004", "modality": "text", "prompt": "What did the user have for breakfast?", "expect": "abstain", "slices": {"topic": "unanswerable"}}
)";

// An example of the exec protocol (README.md), so the text suite can be run
// at once. It is not a language model: it knows the starter's questions.
constexpr const char kTextModel[] =
    R"(#!/bin/sh
# An example model speaking mmgate's exec protocol: one JSON request on
# stdin ({"id", "modality", "prompt", "media", "params"}), one JSON reply on
# stdout ({"answer": "..."}). It is NOT a language model: it answers the
# starter's text questions from the table below and abstains on anything
# else. Replace the command of `text-example` in mmgate.yaml with your own
# model (any program that reads the request and prints the reply).
request=$(cat)
case "$request" in
  *"capital of France"*) answer="Paris" ;;
  *"leap year"*) answer="366" ;;
  *"Sense and Sensibility"*) answer="Jane Austen" ;;
  *) answer="I cannot determine that from the question." ;;
esac
printf '{"answer": "%s"}\n' "$answer"
)";

// Inserted under `models:` of the starter config.
constexpr const char kTextModelEntry[] =
    R"(  # An example text model (models/text-example.sh, the exec protocol):
  #   mmgate run -m text-example -s suites/text.yaml
  # To gate text too, route `text: text-example` (or your model) in baseline
  # and candidate and list suites/text.yaml under suites:.
  text-example: {provider: exec, command: ["sh", "models/text-example.sh"]}
)";

// The starter config: the quickstart's, with the example text model.
std::string StarterConfig() {
  std::string config = kQuickstartConfig;
  const std::string models = "\nmodels:\n";
  const size_t at = config.find(models);
  if (at != std::string::npos)
    config.insert(at + models.size(), kTextModelEntry);
  return config;
}

struct InitFlags {
  std::string dir = ".";
};

int InitCommand(const InitFlags& f) {
  namespace fs = std::filesystem;
  fs::path dir(f.dir);
  if (fs::exists(dir / "mmgate.yaml")) {
    return Fail("init",
                Status::Invalid((dir / "mmgate.yaml").string() +
                                " already exists; choose an empty folder"));
  }
  std::fprintf(stderr,
               "Building the starter suites in %s/ from real fonts, voices "
               "and recordings...\n",
               f.dir.c_str());
  // The demo's full gold set: a few items per suite leave every suite too
  // small to decide anything, so the first comparison would answer nothing.
  demo::BuildOptions build;
  build.written_by =
      "`mmgate init` (seed {}): an example suite; edit it or replace its "
      "items.";
  auto built = demo::BuildGoldSet(dir.string(), build);
  if (!built.ok()) return Fail("init", built.status());
  Status st =
      WriteFileAtomic((dir / "suites" / "text.yaml").string(), kTextSuite);
  if (st.ok())
    st = WriteFileAtomic((dir / "data" / "text" / "items.jsonl").string(),
                         kTextItems);
  if (st.ok())
    st = WriteFileAtomic((dir / "models" / "text-example.sh").string(),
                         kTextModel);
  if (st.ok())
    st = WriteFileAtomic((dir / "mmgate.yaml").string(), StarterConfig());
  if (!st.ok()) return Fail("init", st);
  // The example judge-scored suite gates only with a calibration: one on the
  // gold-derived labels is made now, and said to be no person's.
  const std::string config = (dir / "mmgate.yaml").string();
  auto cfg = LoadConfigFile(config);
  if (!cfg.ok()) return Fail("init", cfg.status());
  auto store = OpenStore(config, "");
  if (!store.ok()) return Fail("init", store.status());
  SystemClock clock;
  if (int code = CalibrateDemoJudge(*cfg, *built, 0, store->get(), &clock))
    return code;
  std::printf("Wrote %s/mmgate.yaml and example suites:\n", f.dir.c_str());
  for (const auto& [suite, n] : built->items_per_suite) {
    std::printf("  suites/%s.yaml (%d items)\n", suite.c_str(), n);
  }
  std::printf(
      "  suites/text.yaml (4 items; not in the gate: try it with\n"
      "    mmgate run -m text-example -s suites/text.yaml)\n");
  std::printf(
      "\nNext:\n  cd %s\n  mmgate run      # the baseline, then the candidate\n"
      "  mmgate gate --baseline latest:baseline --candidate "
      "latest:candidate\n",
      f.dir.c_str());
  return kExitOk;
}

}  // namespace

void AddInitCommand(CLI::App* sub, int* exit_code) {
  auto f = std::make_shared<InitFlags>();
  sub->add_option("dir", f->dir, "folder for the new project")
      ->capture_default_str();
  sub->callback([f, exit_code] { *exit_code = InitCommand(*f); });
}

}  // namespace mmgate::cli
