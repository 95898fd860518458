// Mined traces written as suite JSONL with their media, stored as a run, and
// read back as the labeling page's queue (through the store interface, on a
// SQLite file).
#include "mine/queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/files.h"
#include "judge/labeling.h"

namespace mmgate::mine {
namespace {

namespace fs = std::filesystem;

class QueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-queue-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs/media");
    std::ofstream(dir_ / "logs/media/a.png", std::ios::binary) << "PNGA";
    std::ofstream(dir_ / "rubric.yaml")
        << "name: r\ninstructions: Is the answer right?\n"
           "scale: {1: wrong, 2: partly, 3: right}\n"
           "failure_modes: {ocr_drift: misread text}\n";
    const std::string log =
        R"({"id": "a1", "time": "2026-09-01T12:00:00Z", "category": "c", )"
        R"("modality": "image", "prompt": "Total?", "decision": "<b>41</b>", )"
        R"("ground_truth": "14", "media": [{"type": "image", "path": "media/a.png"}], )"
        R"("slices": {"doc": "invoice"}, "signals": {"thumbs_down": true}})"
        "\n"
        R"({"id": "s1", "time": "2026-09-01T12:01:00Z", "category": "c", )"
        R"("modality": "audio", "prompt": "Transcribe.", "decision": "no refund", )"
        R"("media": [{"type": "audio", "mime": "audio/wav", "base64": ")" +
        Base64Encode("RIFFWAVE") + R"("}], "signals": {"ticket_tag": "asr"}})" +
        "\n";
    std::ofstream(dir_ / "logs/log.jsonl") << log;
    std::vector<store::TraceRecord> traces;
    trace::IngestOptions opt;
    auto s = trace::IngestFile((dir_ / "logs/log.jsonl").string(), opt,
                               [&](std::vector<store::TraceRecord>* b) {
                                 for (auto& t : *b) traces.push_back(t);
                                 return Status::Ok();
                               });
    ASSERT_TRUE(s.ok());
    auto signals = ParseSignals(kDefaultSignals);
    auto r = Mine(traces, {*signals, 0, 1});
    ASSERT_TRUE(r.ok()) << r.status().message();
    mined_ = std::move(*r);
    auto st = store::OpenStore((dir_ / "results.db").string());
    ASSERT_TRUE(st.ok());
    store_ = std::move(*st);
    auto rubric = judge::LoadRubric((dir_ / "rubric.yaml").string());
    ASSERT_TRUE(rubric.ok()) << rubric.status().message();
    opt_.log_file = (dir_ / "logs/log.jsonl").string();
    opt_.out_dir = (dir_ / "mined").string();
    opt_.rubrics = {{"image", *rubric}, {"audio", *rubric}};
    opt_.clock = &clock_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  MineResult mined_;
  std::unique_ptr<store::Store> store_;
  FakeClock clock_{1'790'000'000'000};
  QueueOptions opt_;
};

TEST_F(QueueTest, WritesSuitesMediaAndARunThePageQueues) {
  ASSERT_EQ(mined_.sample.size(), 2u);
  auto q = WriteAndQueue(mined_, opt_, store_.get());
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->run_id, "mined-20260921T141320Z");
  EXPECT_EQ(q->media_files, 2);
  EXPECT_EQ(q->per_suite.at("mined-image"), 1);
  EXPECT_EQ(q->per_suite.at("mined-audio"), 1);

  auto text = ReadFile((dir_ / "mined/mined-image.jsonl").string());
  ASSERT_TRUE(text.ok());
  auto line = nlohmann::json::parse(*text);
  EXPECT_EQ(line["id"], "a1");
  EXPECT_EQ(line["reference"], "14");
  EXPECT_EQ(line["logged_answer"], "<b>41</b>");
  EXPECT_EQ(line["slices"]["doc"], "invoice");
  const std::string media = line["media"][0]["path"];
  auto bytes = ReadFile((dir_ / "mined" / media).string());
  ASSERT_TRUE(bytes.ok()) << media;
  EXPECT_EQ(*bytes, "PNGA");
  auto wav = ReadFile((dir_ / "mined/mined-audio.jsonl").string());
  ASSERT_TRUE(wav.ok());
  EXPECT_NE(wav->find(".wav\""), std::string::npos);

  // The page's queue: both logged answers, on the mined rubric.
  config::Config cfg;
  auto queue = judge::BuildQueue(cfg, store_.get(), {q->run_id}, 1);
  ASSERT_TRUE(queue.ok()) << queue.status().message();
  ASSERT_EQ(queue->tasks.size(), 2u);
  const judge::LabelTask* image = nullptr;
  for (const auto& t : queue->tasks)
    if (t.item->id == "a1") image = &t;
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->answer, "<b>41</b>");
  EXPECT_EQ(image->suite->name, "mined-image");
  EXPECT_EQ(image->rubric->scale.size(), 3u);
  ASSERT_EQ(image->item->media.size(), 1u);
  auto served = ReadFile(image->item->media[0].abs_path);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(*served, "PNGA");
  nlohmann::json j = judge::TaskJson(*image, 0);
  EXPECT_EQ(j["answer"], "<b>41</b>");
  EXPECT_EQ(j["references"][0], "14");
}

TEST_F(QueueTest, RefusesToOverwriteOrToQueueWithoutARubric) {
  ASSERT_TRUE(WriteAndQueue(mined_, opt_, store_.get()).ok());
  opt_.run_id = "second";
  auto again = WriteAndQueue(mined_, opt_, store_.get());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("--force"), std::string::npos);
  auto run = store_->GetRun("second");
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->has_value());  // nothing written
  opt_.force = true;
  EXPECT_TRUE(WriteAndQueue(mined_, opt_, store_.get()).ok());

  opt_.run_id = "third";
  opt_.rubrics.erase("audio");
  auto no_rubric = WriteAndQueue(mined_, opt_, store_.get());
  ASSERT_FALSE(no_rubric.ok());
  EXPECT_NE(no_rubric.status().message().find("--rubric audio=FILE"),
            std::string::npos);
}

}  // namespace
}  // namespace mmgate::mine
