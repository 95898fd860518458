#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "corpus.h"
#include "trace/trace.h"

namespace mmgate::trace {
namespace {

namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-trace-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "media");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }

  IngestSummary Ingest(const std::string& path) {
    ids_.clear();
    auto s = IngestFile(path, {}, [&](std::vector<store::TraceRecord>* b) {
      for (const auto& t : *b) ids_.push_back(t.trace_id);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : IngestSummary{};
  }

  fs::path dir_;
  std::vector<std::string> ids_;
};

TEST_F(IngestTest, MalformedLinesAreNamedByLineAndTheRestKept) {
  const std::string text = testing::MalformedMix();
  const std::string path = Write("t.jsonl", text);
  IngestSummary s = Ingest(path);
  EXPECT_EQ(ids_, (std::vector<std::string>{"t1", "t6", "t9"}));
  ASSERT_EQ(s.malformed.size(), 5u);
  std::vector<int64_t> lines;
  for (const auto& p : s.malformed) lines.push_back(p.line);
  EXPECT_EQ(lines, (std::vector<int64_t>{3, 4, 5, 7, 8}));
  EXPECT_NE(s.malformed[0].message.find("t.jsonl:3: bad JSON"),
            std::string::npos)
      << s.malformed[0].message;
  EXPECT_NE(s.malformed[3].message.find("'time'"), std::string::npos);
  EXPECT_NE(s.malformed[4].message.find("'category' is missing"),
            std::string::npos);
  EXPECT_EQ(s.lines, 8);
}

TEST_F(IngestTest, LineNumbersHoldAcrossBlocks) {
  // Over 4 MiB so the reader hands several blocks to the parser.
  const std::string text = testing::AcrossBlocks();
  IngestSummary s = Ingest(Write("big.jsonl", text));
  EXPECT_EQ(s.traces, 39999);
  ASSERT_EQ(s.malformed.size(), 1u);
  EXPECT_EQ(s.malformed[0].line, 30001);
  EXPECT_EQ(ids_.back(), "t40000");
}

TEST_F(IngestTest, MissingMediaIsKeptAndListedNotReplayable) {
  std::ofstream(dir_ / "media" / "here.png") << "png";
  const std::string text = testing::MediaMix();
  IngestSummary s = Ingest(Write("m.jsonl", text));
  EXPECT_EQ(ids_, (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_EQ(s.not_replayable.size(), 2u);
  EXPECT_EQ(s.not_replayable[0].trace_id, "b");
  EXPECT_NE(s.not_replayable[0].message.find("m.jsonl:2"), std::string::npos);
  EXPECT_NE(s.not_replayable[0].message.find("no such file"),
            std::string::npos);
  EXPECT_NE(s.not_replayable[1].message.find("outside"), std::string::npos);
  ASSERT_EQ(s.malformed.size(), 1u);
  EXPECT_EQ(s.malformed[0].line, 5);
}

using testing::Zstd;

TEST_F(IngestTest, ZstdIsReadDirectly) {
  const std::string text = testing::Numbered(1000);
  IngestSummary s = Ingest(Write("z.jsonl.zst", Zstd(text)));
  EXPECT_EQ(s.traces, 1000);
  EXPECT_TRUE(s.malformed.empty());
  EXPECT_EQ(s.bytes, static_cast<int64_t>(text.size()));
}

TEST_F(IngestTest, TruncatedZstdKeepsWholeLinesAndSaysSo) {
  std::string z = Zstd(testing::Numbered(20000));
  z.resize(z.size() / 2);
  IngestSummary s = Ingest(Write("cut.jsonl.zst", z));
  EXPECT_GT(s.traces, 0);
  EXPECT_LT(s.traces, 20000);
  // The ids kept are the file's first ones, in order, with none lost.
  for (size_t i = 0; i < ids_.size(); ++i)
    ASSERT_EQ(ids_[i], "z" + std::to_string(i));
  ASSERT_FALSE(s.malformed.empty());
  EXPECT_NE(s.malformed.back().message.find("truncated"), std::string::npos)
      << s.malformed.back().message;
  EXPECT_EQ(s.malformed.back().line, 0);
}

TEST_F(IngestTest, UnreadableFileIsAnError) {
  auto s =
      IngestFile((dir_ / "nope.jsonl").string(), {},
                 [](std::vector<store::TraceRecord>*) { return Status::Ok(); });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nope.jsonl"), std::string::npos);
}

TEST(TimeTest, Rfc3339AndMillis) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2026-09-01T12:00:00Z"), 1788264000000);
  EXPECT_EQ(*ParseRfc3339("2026-09-01T14:00:00.250+02:00"), 1788264000250);
  EXPECT_FALSE(ParseRfc3339("2026-09-01").ok());
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z").ok());
  EXPECT_EQ(FormatRfc3339(1788264000000), "2026-09-01T12:00:00Z");
}

// The parser reads "YYYY-MM-DDTHH:MM:SSZ" in place; it gives what
// ParseRfc3339 gives, and any time ParseRfc3339 refuses is a bad line.
TEST_F(IngestTest, TimesReadAsParseRfc3339Reads) {
  const std::vector<std::string> times = {
      "2026-09-01T12:00:00Z",   "1970-01-01T00:00:00Z", "2024-02-29T23:59:60Z",
      "2026-12-31T00:00:01Z",   "2026-09-01T12:00:00z", "2026-09-01 12:00:00Z",
      "2026-09-01T12:00:00.5Z", "2026-00-01T12:00:00Z", "2026-09-32T12:00:00Z",
      "2026-09-01T24:00:00Z",   "2026-09-01T12:60:00Z", "2026-09-01T12:00:61Z",
      "2026-9-01T12:00:00Z",    "2026-09-01T12:00:00",  "2026-09-01T12:00:00ZZ",
      "+026-09-01T12:00:00Z",   "2026-09-01T1a:00:00Z"};
  std::string text;
  for (size_t i = 0; i < times.size(); ++i)
    text += R"({"id": "t)" + std::to_string(i) + R"(", "time": ")" + times[i] +
            R"(", "category": "c", "decision": "d"})" + "\n";
  std::vector<store::TraceRecord> got;
  auto s = IngestFile(Write("times.jsonl", text), {},
                      [&](std::vector<store::TraceRecord>* b) {
                        got.insert(got.end(), b->begin(), b->end());
                        return Status::Ok();
                      });
  ASSERT_TRUE(s.ok());
  std::map<std::string, int64_t> ms;
  for (const auto& r : got) ms[r.trace_id] = r.created_ms;
  for (size_t i = 0; i < times.size(); ++i) {
    SCOPED_TRACE(times[i]);
    auto want = ParseRfc3339(times[i]);
    const std::string id = "t" + std::to_string(i);
    EXPECT_EQ(ms.count(id), want.ok() ? 1u : 0u);
    if (want.ok()) EXPECT_EQ(ms[id], *want);
  }
  EXPECT_EQ(got.size() + s->malformed.size(), times.size());
}

TEST_F(IngestTest, InputsRoundTrip) {
  std::vector<store::TraceRecord> got;
  auto s = IngestFile(Write("r.jsonl", testing::RoundTrip()), {},
                      [&](std::vector<store::TraceRecord>* b) {
                        got = *b;
                        return Status::Ok();
                      });
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].created_ms, 1788264000000);
  EXPECT_EQ(got[0].category, "refund");
  EXPECT_EQ(got[0].decision, "approve");
  auto in = ParseInputs(got[0]);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->ground_truth, "deny");
  EXPECT_EQ(in->slices[0].second, "eu");
  EXPECT_DOUBLE_EQ(in->confidence, 0.8);
  EXPECT_EQ(in->media[0].abs_path, (dir_ / "media" / "x.png").string());
  EXPECT_NE(NotReplayableReason(*in).find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace mmgate::trace
