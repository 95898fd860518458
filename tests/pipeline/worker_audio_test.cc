// A pipeline suite's audio under shared-database workers (runner/worker.h
// running pipeline/run.h's staged items): a worker that stalls past its
// lease mid-item and wakes after another took its batch over and finished it
// must not overwrite the audio the new holder's stored stages name. The stage
// models are exec scripts, stand-ins for a user's TTS and ASR models: the
// "speech" is text bytes naming the call that made it, and the stand-in ASR
// answers the bytes of the file it is given, so each stored stage says which
// file content it saw. Time is an injected clock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/clock.h"
#include "config/config.h"
#include "pipeline/run.h"
#include "runner/worker.h"
#include "score/metrics.h"
#include "store/store.h"

namespace mmgate::pipeline {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class WorkerAudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate_worker_audio_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream items(dir_ / "items.jsonl");
    for (int i = 0; i < 4; ++i)
      items << R"({"id": "p)" << i
            << R"(", "modality": "pipeline", "prompt": "Say p)" << i
            << R"(", "reference": "p)" << i << "\"}\n";
    items.close();
    // speak.sh: "speech" naming the item and the call's number; logs it.
    std::ofstream(dir_ / "speak.sh") << R"SH(#!/usr/bin/env bash
req=$(cat)
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' <<<"$req")
log="$(dirname "$0")/calls"
n=$(( $(cat "$log" 2>/dev/null | wc -l) + 1 ))
echo "$id" >>"$log"
printf '{"answer": "said", "media": [{"type": "audio", "base64": "%s"}]}\n' \
  "$(printf 'speech of %s, call %d' "$id" "$n" | base64 -w0)"
)SH";
    // hear.sh: answers the bytes of the audio file it is given.
    std::ofstream(dir_ / "hear.sh") << R"SH(#!/usr/bin/env bash
path=$(sed -n 's/.*"path": *"\([^"]*\)".*/\1/p')
printf '{"answer": "%s"}\n' "$(cat "$path")"
)SH";
    fs::permissions(dir_ / "speak.sh", fs::perms::owner_exec,
                    fs::perm_options::add);
    fs::permissions(dir_ / "hear.sh", fs::perms::owner_exec,
                    fs::perm_options::add);
    std::ofstream(dir_ / "voice.yaml")
        << "name: voice\nmodality: pipeline\ndataset: items.jsonl\n"
           "metric: exact\nstages:\n"
           "  - {name: say, model: speak, kind: tts}\n"
           "  - {name: hear, model: hear, kind: asr}\n";
    std::ofstream(dir_ / "mmgate.yaml")
        << "models:\n"
           "  speak: {provider: exec, command: [\"./speak.sh\"]}\n"
           "  hear: {provider: exec, command: [\"./hear.sh\"]}\n"
           "suites: [voice.yaml]\n";
    dataset::LoadOptions lo;
    lo.metric_known = [](std::string_view m) {
      return score::FindMetric(m) != nullptr;
    };
    auto cfg = config::Load((dir_ / "mmgate.yaml").string(), lo);
    ASSERT_TRUE(cfg.ok()) << cfg.status().message();
    cfg_ = std::move(*cfg);
    auto store = store::OpenStore((dir_ / "results.db").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    env_.clock = &clock_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  runner::WorkerOptions Options(const std::string& owner) {
    runner::WorkerOptions o;
    o.run_id = "shared";
    o.owner = owner;
    o.batch_size = 4;  // one batch
    o.lease_ms = 1000;
    o.poll_ms = 100;
    o.wait = [this](int64_t ms) { clock_.Advance(ms); };
    InRunOptions in;
    in.model = "speak";
    o.staged =
        MakeStagedItemRunner(cfg_.project, in, env_, store_.get(), &clock_);
    return o;
  }

  fs::path dir_;
  config::Config cfg_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  ModelEnv env_;
};

TEST_F(WorkerAudioTest, AStalledHolderNeverOverwritesTheNewHoldersAudio) {
  runner::WorkerOptions stale = Options("stale");
  runner::WorkerSummary fresh;
  bool stalled = false;
  // The stale worker's first item: it stalls past its lease before its
  // stages run; meanwhile a fresh worker takes the batch over and finishes
  // the run. Then the stale one wakes and runs the item's stages.
  stale.staged =
      [&, real = stale.staged](
          const Suite& suite,
          const std::string& run_id) -> Result<runner::StagedItemRunner> {
    auto inner = real(suite, run_id);
    if (!inner.ok()) return inner.status();
    return runner::StagedItemRunner(
        [&, inner = *inner](const Item& item, const std::string& file_tag) {
          if (!stalled) {
            stalled = true;
            clock_.Advance(2000);
            auto s = runner::RunWorker(cfg_.project, "speak", Options("fresh"),
                                       store_.get(), &clock_);
            EXPECT_TRUE(s.ok()) << s.status().message();
            if (s.ok()) fresh = *s;
          }
          return inner(item, file_tag);
        });
  };
  auto s =
      runner::RunWorker(cfg_.project, "speak", stale, store_.get(), &clock_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE(stalled);
  EXPECT_EQ(fresh.items, 4);
  EXPECT_EQ(fresh.refused, 0);
  EXPECT_EQ(s->items, 0);
  EXPECT_EQ(s->refused, 1) << "the stale holder's write of p0";
  EXPECT_EQ(s->lost_leases, 1);
  std::ifstream log(dir_ / "calls");
  std::vector<std::string> calls;
  for (std::string line; std::getline(log, line);) calls.push_back(line);
  EXPECT_EQ(calls, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p0"}))
      << "the fresh worker's four calls, then the stale one's";

  auto stages = store_->LoadStages("shared");
  ASSERT_TRUE(stages.ok()) << stages.status().message();
  ASSERT_EQ(stages->size(), 8u) << "two stages of four items";
  std::map<std::string, std::string> heard;  // item -> what its ASR read
  for (const store::StageRecord& st : *stages)
    if (st.stage == "hear") heard[st.item_id] = st.answer.value_or("");
  int call = 0;
  for (const store::StageRecord& st : *stages) {
    if (st.stage != "say") continue;
    ++call;
    const fs::path audio = st.output_ref;
    EXPECT_EQ(audio.filename().string(), st.item_id + ".main.lease-2.say.wav")
        << "named by the fresh holder's lease token";
    const std::string said =
        "speech of " + st.item_id + ", call " + std::to_string(call);
    EXPECT_EQ(Slurp(audio), said) << "the file holds the fresh worker's call";
    EXPECT_EQ(heard[st.item_id], said) << "the stored stage read that file";
  }
  EXPECT_EQ(call, 4);
  int files = 0;
  for (const auto& e :
       fs::directory_iterator(dir_ / ".mmgate" / "pipeline" / "shared"))
    files += e.path().extension() == ".wav";
  EXPECT_EQ(files, 4) << "the stale holder removed its refused audio";
}

}  // namespace
}  // namespace mmgate::pipeline
