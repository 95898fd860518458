// Selection by signal, duplicates by media sha256 and the stratified sample,
// with exact counts on a small log read by trace/'s reader.
#include "mine/mine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/base64.h"

namespace mmgate::mine {
namespace {

namespace fs = std::filesystem;

class MineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-mine-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "media");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }

  // Reads `lines` as a log with trace/'s reader.
  std::vector<store::TraceRecord> Ingest(const std::vector<std::string>& lines,
                                         int64_t* malformed = nullptr) {
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    Write("log.jsonl", text);
    std::vector<store::TraceRecord> out;
    trace::IngestOptions opt;
    opt.check_media = false;
    auto s = trace::IngestFile((dir_ / "log.jsonl").string(), opt,
                               [&](std::vector<store::TraceRecord>* b) {
                                 for (auto& t : *b) out.push_back(t);
                                 return Status::Ok();
                               });
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (malformed && s.ok()) *malformed = std::ssize(s->malformed);
    return out;
  }

  fs::path dir_;
};

std::string Trace(const std::string& id, const std::string& modality,
                  const std::string& media, const std::string& rest) {
  return R"({"id": ")" + id +
         R"(", "time": "2026-09-01T12:00:00Z", "category": "c", "modality": ")" +
         modality + R"(", "prompt": "what does it say?", "decision": "x")" +
         (media.empty() ? "" : R"(, "media": [)" + media + "]") + rest + "}";
}

std::string File(const std::string& type, const std::string& path) {
  return R"({"type": ")" + type + R"(", "path": ")" + path + R"("})";
}

MineOptions Options(const std::string& signals, int64_t max = 0) {
  auto s = ParseSignals(signals);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return {s.ok() ? *s : std::vector<Signal>{}, max, 7};
}

TEST_F(MineTest, CountsSignalsDuplicatesMissingMediaAndStrata) {
  Write("media/a.png", "AAAA");
  Write("media/c.png", "AAAA");  // the same bytes as a.png
  Write("media/b.png", "BBBB");
  Write("media/e.png", "EEEE");
  Write("media/d.png", "DDDD");
  Write("media/x.wav", "WAVE");
  const std::string inline_b = R"({"type": "image", "mime": "image/png", )"
                               R"("base64": ")" +
                               Base64Encode("BBBB") + R"("})";
  int64_t malformed = 0;
  auto traces = Ingest(
      {Trace(
           "t1", "image", File("image", "media/a.png"),
           R"(, "slices": {"region": "eu"}, "signals": {"thumbs_down": true})"),
       Trace(
           "t2", "image", File("image", "media/c.png"),
           R"(, "slices": {"region": "eu"}, "signals": {"ticket_tag": "ocr"})"),
       Trace("t3", "image", File("image", "media/b.png"),
             R"(, "slices": {"region": "eu"}, "confidence": 0.2)"),
       Trace("t4", "image", inline_b,
             R"(, "slices": {"region": "eu"}, "signals": {"retries": 3})"),
       Trace(
           "t5", "audio", File("audio", "media/x.wav"),
           R"(, "slices": {"region": "us"}, "signals": {"rating": 1, "thumbs_down": true})"),
       Trace("t6", "audio", File("audio", "media/gone.wav"),
             R"(, "signals": {"thumbs_down": true})"),
       Trace("t7", "image", File("image", "media/d.png"),
             R"(, "confidence": 0.9, "signals": {"thumbs_down": false})"),
       Trace("t8", "text", "", R"(, "signals": {"retries": 2})"),
       Trace("t9", "text", "", R"(, "signals": {"retries": 5})"),
       Trace("bad", "text", "", R"(, "signals": {"retries": "two"})"),
       Trace(
           "t10", "image", File("image", "media/e.png"),
           R"(, "slices": {"region": "us"}, "signals": {"thumbs_down": true, "ticket_tag": "refund"})")},
      &malformed);
  EXPECT_EQ(malformed, 1);  // signals.retries is not a number
  ASSERT_EQ(traces.size(), 10u);

  auto r =
      Mine(traces, Options("thumbs_down,ticket,low_confidence:0.5,retries:2,"
                           "rating:2"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->traces, 10);
  EXPECT_EQ(r->selected, 9);                             // all but t7
  EXPECT_EQ(r->per_signal.at("thumbs_down"), 4);         // t1 t5 t6 t10
  EXPECT_EQ(r->per_signal.at("ticket"), 2);              // t2 t10
  EXPECT_EQ(r->per_signal.at("low_confidence:0.5"), 1);  // t3
  EXPECT_EQ(r->per_signal.at("retries:2"), 3);           // t4 t8 t9
  EXPECT_EQ(r->per_signal.at("rating:2"), 1);            // t5
  ASSERT_EQ(r->missing_media.size(), 1u);
  EXPECT_EQ(r->missing_media[0].trace_id, "t6");
  EXPECT_NE(r->missing_media[0].reason.find("gone.wav"), std::string::npos);
  ASSERT_EQ(r->duplicates.size(), 3u);
  EXPECT_EQ(r->duplicates[0].trace_id, "t2");
  EXPECT_EQ(r->duplicates[0].same_as, "t1");
  EXPECT_EQ(r->duplicates[1].trace_id, "t4");  // inline bytes equal b.png's
  EXPECT_EQ(r->duplicates[1].same_as, "t3");
  EXPECT_EQ(r->duplicates[2].trace_id, "t9");  // text: the same prompt
  EXPECT_EQ(r->unique, 5);
  ASSERT_EQ(r->strata.size(), 4u);
  EXPECT_EQ(r->strata[0].key, "audio|region=us");
  EXPECT_EQ(r->strata[1].key, "image|region=eu");
  EXPECT_EQ(r->strata[1].available, 2);
  EXPECT_EQ(r->strata[2].key, "image|region=us");
  EXPECT_EQ(r->strata[3].key, "text");
  std::vector<std::string> ids;
  for (const MinedTrace& t : r->sample) ids.push_back(t.record.trace_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"t1", "t3", "t5", "t8", "t10"}));
  EXPECT_EQ(r->sample[0].fired, std::vector<std::string>{"thumbs_down"});

  // Three places for four strata: the largest stratum, then the first two.
  auto three = Mine(traces, Options("thumbs_down,ticket,low_confidence:0.5,"
                                    "retries:2,rating:2",
                                    3));
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->sample.size(), 3u);
  EXPECT_EQ(three->strata[0].sampled, 1);
  EXPECT_EQ(three->strata[1].sampled, 1);
  EXPECT_EQ(three->strata[2].sampled, 1);
  EXPECT_EQ(three->strata[3].sampled, 0);
}

TEST_F(MineTest, EachSignalAlone) {
  Write("media/a.png", "A");
  auto traces = Ingest(
      {Trace("low", "text", "", R"(, "confidence": 0.3)"),
       Trace("low-sig", "image", File("image", "media/a.png"),
             R"(, "signals": {"confidence": 0.1})"),
       Trace("ok", "text", "",
             R"(, "confidence": 0.7, "signals": {"retries": 1})"),
       Trace("tag", "text", "", R"(, "signals": {"ticket_tag": "refund"})")});
  ASSERT_EQ(traces.size(), 4u);
  auto count = [&](const std::string& s) {
    auto r = Mine(traces, Options(s));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->selected : -1;
  };
  EXPECT_EQ(count("low_confidence"), 2);  // bare: below 0.5
  EXPECT_EQ(count("low_confidence:0.8"), 3);
  EXPECT_EQ(count("retries"), 1);  // bare: 1 or more
  EXPECT_EQ(count("retries:2"), 0);
  EXPECT_EQ(count("ticket:refund"), 1);
  EXPECT_EQ(count("ticket:other"), 0);
  EXPECT_EQ(count("thumbs_down"), 0);
  EXPECT_FALSE(ParseSignals("thumbsdown").ok());
  EXPECT_FALSE(ParseSignals("rating").ok());  // needs its K
  EXPECT_FALSE(ParseSignals("retries:many").ok());
}

TEST(AllocateTest, ProportionalWithOneEachAndLargestRemainder) {
  EXPECT_EQ(Allocate({10, 5, 1}, 8), (std::vector<int64_t>{4, 3, 1}));
  EXPECT_EQ(Allocate({10, 5, 1}, 2), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(Allocate({10, 5, 1}, 0), (std::vector<int64_t>{10, 5, 1}));
  EXPECT_EQ(Allocate({10, 5, 1}, 99), (std::vector<int64_t>{10, 5, 1}));
  EXPECT_EQ(Allocate({60, 30, 10}, 20), (std::vector<int64_t>{11, 6, 3}));
}

TEST_F(MineTest, StratifiedSampleIsSeededAndProportional) {
  std::vector<std::string> lines;
  for (int i = 0; i < 100; ++i) {
    const std::string lang = i < 60 ? "a" : i < 90 ? "b" : "c";
    lines.push_back(R"({"id": "q)" + std::to_string(i) +
                    R"(", "time": 1, "category": "c", "prompt": "p)" +
                    std::to_string(i) +
                    R"(", "decision": "x", "slices": {"lang": ")" + lang +
                    R"("}, "signals": {"retries": 2}})");
  }
  auto traces = Ingest(lines);
  ASSERT_EQ(traces.size(), 100u);
  auto a = Mine(traces, Options("retries:2", 20));
  auto b = Mine(traces, Options("retries:2", 20));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->strata.size(), 3u);
  EXPECT_EQ(a->strata[0].sampled, 11);
  EXPECT_EQ(a->strata[1].sampled, 6);
  EXPECT_EQ(a->strata[2].sampled, 3);
  ASSERT_EQ(a->sample.size(), 20u);
  std::set<std::string> ids_a, ids_b;
  for (const auto& t : a->sample) ids_a.insert(t.record.trace_id);
  for (const auto& t : b->sample) ids_b.insert(t.record.trace_id);
  EXPECT_EQ(ids_a, ids_b);
  EXPECT_EQ(ids_a.size(), 20u);
  MineOptions other = Options("retries:2", 20);
  other.seed = 8;
  auto c = Mine(traces, other);
  std::set<std::string> ids_c;
  for (const auto& t : c->sample) ids_c.insert(t.record.trace_id);
  EXPECT_NE(ids_a, ids_c);
}

}  // namespace
}  // namespace mmgate::mine
