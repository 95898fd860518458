// Stage blame on the real local engines (voice_fixture.h): items built to
// fail at a known stage are blamed on it by both rules, with exact counts.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>

#include "common/clock.h"
#include "config/config.h"
#include "pipeline/gate.h"
#include "pipeline/html.h"
#include "pipeline/otel.h"
#include "pipeline/run.h"
#include "pipeline/summary.h"
#include "score/metrics.h"
#include "store/store.h"
#include "voice_fixture.h"

namespace mmgate::pipeline {
namespace {

namespace fs = std::filesystem;

class BlameTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(
        (fs::temp_directory_path() /
         ("mmgate_pipeline_blame_" + std::to_string(::getpid())))
            .string());
    fs::remove_all(*dir_);
    project_ = new testing::VoiceProject(testing::WriteVoiceProject(*dir_));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete project_;
    delete dir_;
  }

  // Runs the pipeline with `overrides` and returns its stored run.
  static config::Config LoadConfig() {
    dataset::LoadOptions lo;
    lo.metric_known = [](std::string_view m) {
      return score::FindMetric(m) != nullptr;
    };
    auto cfg = config::Load(project_->config, lo);
    EXPECT_TRUE(cfg.ok()) << cfg.status().message();
    return *cfg;
  }

  StoredRun RunWith(std::map<std::string, std::string> overrides,
                    const std::string& run_id) {
    std::optional<config::Config> cfg = LoadConfig();
    auto store = store::OpenStore((fs::path(*dir_) / "results.db").string());
    EXPECT_TRUE(store.ok());
    FakeClock clock;
    RunOptions opt;
    opt.run_id = run_id;
    opt.overrides = std::move(overrides);
    ModelEnv env;
    env.clock = &clock;
    auto sum = RunSuite(cfg->project, cfg->project.suites.at(0), opt, env,
                        store->get(), &clock);
    EXPECT_TRUE(sum.ok()) << sum.status().message();
    auto run = LoadRun(store->get(), run_id);
    EXPECT_TRUE(run.ok()) << run.status().message();
    return *run;
  }

  static std::string* dir_;
  static testing::VoiceProject* project_;
};

std::string* BlameTest::dir_ = nullptr;
testing::VoiceProject* BlameTest::project_ = nullptr;

struct Counts {
  int pass = 0, agree = 0, disagree = 0;
  std::map<std::string, int> first, blamed;
};

Counts Count(const StoredRun& run) {
  Counts c;
  for (const StoredItem& it : run.items) {
    const ItemVerdict& v = it.verdict;
    if (v.pass) {
      ++c.pass;
      continue;
    }
    ++c.first[v.first_failing];
    ++c.blamed[v.blamed];
    ++(v.Agree() ? c.agree : c.disagree);
  }
  return c;
}

// Baseline pipeline: the two items whose audio was destroyed fail at
// transcription by both rules; everything else passes.
TEST_F(BlameTest, BrokenAudioIsBlamedOnTranscription) {
  Counts c = Count(RunWith({}, "base"));
  EXPECT_EQ(c.pass, 4);
  EXPECT_EQ(c.first, (std::map<std::string, int>{{"transcribe", 2}}));
  EXPECT_EQ(c.blamed, (std::map<std::string, int>{{"transcribe", 2}}));
  EXPECT_EQ(c.agree, 2);
  EXPECT_EQ(c.disagree, 0);
}

// A wrong rule: the weather request fails at reasoning (its repair fixes
// it); the broken-audio items still fail at transcription.
TEST_F(BlameTest, WrongRuleIsBlamedOnReasoning) {
  Counts c = Count(RunWith({{"reason", "rules-wrong"}}, "wrong-rule"));
  EXPECT_EQ(c.pass, 3);
  EXPECT_EQ(c.first,
            (std::map<std::string, int>{{"reason", 1}, {"transcribe", 2}}));
  EXPECT_EQ(c.blamed,
            (std::map<std::string, int>{{"reason", 1}, {"transcribe", 2}}));
  EXPECT_EQ(c.agree, 3);
  EXPECT_EQ(c.disagree, 0);
}

// A mangled voice (450 words a minute, shrill, clipped): three of the four
// items with clean audio fail at synthesis by both rules. The rate alone
// does it (docs/pipeline.md): the replies become too short for the
// verifier, except "the lights are off", still transcribed exactly, so
// that item passes. Of the two broken-audio items
// (failing at two stages), the first failing boundary is transcription for
// both; substitution blames synthesis for one (repairing its transcript
// alone does not fix it, so the rules disagree) and transcription for the
// other (its garbled reply was still recognised).
TEST_F(BlameTest, MangledVoiceIsBlamedOnSynthesis) {
  Counts c = Count(RunWith({{"synthesize", "tts-mangled"}}, "mangled"));
  EXPECT_EQ(c.pass, 1);
  EXPECT_EQ(c.first,
            (std::map<std::string, int>{{"synthesize", 3}, {"transcribe", 2}}));
  EXPECT_EQ(c.blamed,
            (std::map<std::string, int>{{"synthesize", 4}, {"transcribe", 1}}));
  EXPECT_EQ(c.agree, 4);
  EXPECT_EQ(c.disagree, 1);
}

// The per-stage gate pairs the two runs stage by stage; the OTLP export has
// one trace per item, a root span and one child span per stage.
TEST_F(BlameTest, StagesAreGatedAndExportedAsTraces) {
  StoredRun base = RunWith({}, "gate-base");
  StoredRun cand = RunWith({{"reason", "rules-wrong"}}, "gate-cand");
  auto e = GateStages(base, cand, LoadConfig().policy);
  ASSERT_TRUE(e.ok()) << e.status().message();
  std::map<std::string, std::pair<int64_t, int64_t>> strata;  // n, worse
  for (const gate::SuiteVerdict& v : e->outcome.results.at(0).suites)
    strata[v.suite] = {v.total.n, v.total.worse};
  EXPECT_EQ(strata, (std::map<std::string, std::pair<int64_t, int64_t>>{
                        {"voice/end_to_end", {6, 1}},
                        {"voice/reason", {6, 1}},
                        {"voice/synthesize", {6, 1}},
                        {"voice/transcribe", {6, 0}}}));

  const std::string html =
      RenderStagesHtml(Summarise(base), Summarise(cand), e->outcome);
  EXPECT_NE(html.find("class=\"bar cand\" data-stage=\"reason\""),
            std::string::npos);

  nlohmann::json otlp = OtlpTraces(cand);
  const nlohmann::json& spans =
      otlp["resourceSpans"][0]["scopeSpans"][0]["spans"];
  ASSERT_EQ(spans.size(), 6u * 5u);
  std::map<std::string, int> roots, children;
  for (const nlohmann::json& s : spans) {
    if (s.contains("parentSpanId")) {
      ++children[s["traceId"]];
      std::map<std::string, std::string> attrs;
      for (const nlohmann::json& a : s["attributes"])
        if (a["value"].contains("stringValue"))
          attrs[a["key"]] = a["value"]["stringValue"];
      EXPECT_TRUE(attrs.contains("gen_ai.operation.name"));
      EXPECT_TRUE(attrs.contains("gen_ai.request.model"));
      EXPECT_TRUE(attrs.contains("gen_ai.system"));
      if (attrs["mmgate.stage"] == "reason")
        EXPECT_EQ(attrs["gen_ai.request.model"], "rules-wrong");
    } else {
      ++roots[s["traceId"]];
    }
  }
  EXPECT_EQ(roots.size(), 6u);
  for (const auto& [trace, n] : children) EXPECT_EQ(n, 4) << trace;
}

}  // namespace
}  // namespace mmgate::pipeline
