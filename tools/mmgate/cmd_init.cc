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

constexpr const char kTextNote[] = R"(
# To evaluate text too, add a model that answers text (for example your own
# program speaking the exec protocol, see README.md), route `text` to it in
# `baseline` and `candidate`, and list the text suite:
#   models:
#     my-model: {provider: exec, command: ["./my-model"]}
#   suites:
#     - suites/text.yaml
)";

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
  demo::BuildOptions build;
  build.small = true;
  auto built = demo::BuildGoldSet(dir.string(), build);
  if (!built.ok()) return Fail("init", built.status());
  Status st =
      WriteFileAtomic((dir / "suites" / "text.yaml").string(), kTextSuite);
  if (st.ok())
    st = WriteFileAtomic((dir / "data" / "text" / "items.jsonl").string(),
                         kTextItems);
  if (st.ok()) {
    st = WriteFileAtomic((dir / "mmgate.yaml").string(),
                         std::string(kQuickstartConfig) + kTextNote);
  }
  if (!st.ok()) return Fail("init", st);
  std::printf("Wrote %s/mmgate.yaml and example suites:\n", f.dir.c_str());
  for (const auto& [suite, n] : built->items_per_suite) {
    std::printf("  suites/%s.yaml (%d items)\n", suite.c_str(), n);
  }
  std::printf(
      "  suites/text.yaml (4 items; needs a text model, see the end of "
      "mmgate.yaml)\n");
  std::printf(
      "\nNext:\n  cd %s\n  mmgate run -m baseline\n  mmgate run -m candidate\n"
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
