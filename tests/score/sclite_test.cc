// Our corpus scorer against the real `sctk sclite` on generated trn pairs:
// totals, the S/D/I split, sentence errors and every speaker's row must be
// equal. Skipped (with a message) only when sctk is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "score/corpus.h"
#include "trn_generator.h"

namespace mmgate::score {
namespace {

namespace fs = std::filesystem;

struct Row {
  int64_t utterances = 0, tokens = 0, correct = 0, sub = 0, del = 0, ins = 0,
          err = 0, sentence_errors = 0;
};

struct ScliteReport {
  Row sum;
  std::map<std::string, Row> speakers;
};

bool HaveSctk() { return std::system("command -v sctk >/dev/null 2>&1") == 0; }

class ScliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveSctk())
      GTEST_SKIP() << "sctk is not installed (Debian package sctk); skipping "
                      "the sclite comparison";
    dir_ = fs::temp_directory_path() /
           ("mmgate_score_sclite_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Writes the pair, runs sclite with `flags`, parses its rsum report.
  ScliteReport RunSclite(const testing::TrnPair& pair,
                         const std::string& flags) {
    const fs::path ref = dir_ / "ref.trn";
    const fs::path hyp = dir_ / "hyp.trn";
    std::ofstream(ref) << pair.ref;
    std::ofstream(hyp) << pair.hyp;
    const std::string command = "sctk sclite -r '" + ref.string() +
                                "' trn -h '" + hyp.string() + "' trn -i rm " +
                                flags + " -o rsum stdout 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"),
                                               &pclose);
    std::string out;
    char buffer[4096];
    size_t n;
    while (pipe && (n = std::fread(buffer, 1, sizeof(buffer), pipe.get())) > 0)
      out.append(buffer, n);
    ScliteReport report;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      for (char& c : line) {
        if (c == '|') c = ' ';
      }
      std::istringstream fields(line);
      std::string label;
      Row r;
      if (!(fields >> label >> r.utterances >> r.tokens >> r.correct >> r.sub >>
            r.del >> r.ins >> r.err >> r.sentence_errors)) {
        continue;
      }
      if (label == "Sum") {
        report.sum = r;
      } else {
        report.speakers[label] = r;
      }
    }
    return report;
  }

  static void ExpectSame(const Row& sclite, int64_t utterances, int64_t tokens,
                         const EditCounts& c, int64_t sentence_errors,
                         const std::string& what) {
    EXPECT_EQ(sclite.utterances, utterances) << what;
    EXPECT_EQ(sclite.tokens, tokens) << what;
    EXPECT_EQ(sclite.correct, c.correct) << what;
    EXPECT_EQ(sclite.sub, c.substitutions) << what;
    EXPECT_EQ(sclite.del, c.deletions) << what;
    EXPECT_EQ(sclite.ins, c.insertions) << what;
    EXPECT_EQ(sclite.err, c.errors()) << what;
    EXPECT_EQ(sclite.sentence_errors, sentence_errors) << what;
  }

  static void ExpectEqualToSclite(const ScliteReport& sclite,
                                  const CorpusResult& ours) {
    ASSERT_GT(sclite.sum.utterances, 0) << "could not read sclite's report";
    ExpectSame(sclite.sum, ours.utterances, ours.ref_tokens, ours.counts,
               ours.utterances_with_errors, "Sum");
    ASSERT_EQ(sclite.speakers.size(), ours.speakers.size());
    for (const SpeakerTotals& s : ours.speakers) {
      auto it = sclite.speakers.find(s.speaker);
      ASSERT_NE(it, sclite.speakers.end()) << s.speaker;
      ExpectSame(it->second, s.utterances, s.ref_tokens, s.counts,
                 s.utterances_with_errors, s.speaker);
    }
  }

  fs::path dir_;
};

// The figure: 100,000 utterances (sclite takes ~15 s on it here).
TEST_F(ScliteTest, HundredThousandUtterancesWordsMatchSclite) {
  const testing::TrnPair pair =
      testing::GenerateTrnPair({.seed = 20240601, .utterances = 100000});
  const ScliteReport sclite = RunSclite(pair, "");
  Result<CorpusResult> ours =
      ScoreTrnTexts(pair.ref, "ref.trn", pair.hyp, "hyp.trn", {});
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  EXPECT_EQ(ours->utterances, 100000);
  ExpectEqualToSclite(sclite, *ours);
  // The pair is realistic enough to exercise sclite's weights: on some
  // utterances they count more errors than the minimum edit distance.
  EXPECT_GT(ours->utterances_above_min_edit, 0);
  EXPECT_LT(ours->min_edit_errors, ours->counts.errors());
}

TEST_F(ScliteTest, CharactersMatchScliteDashC) {
  const testing::TrnPair pair =
      testing::GenerateTrnPair({.seed = 7, .utterances = 2000});
  const ScliteReport sclite = RunSclite(pair, "-c");
  Result<CorpusResult> ours = ScoreTrnTexts(
      pair.ref, "ref.trn", pair.hyp, "hyp.trn", {.unit = TrnUnit::kChar});
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  ExpectEqualToSclite(sclite, *ours);
}

TEST_F(ScliteTest, CaseSensitiveMatchesScliteDashS) {
  const testing::TrnPair pair =
      testing::GenerateTrnPair({.seed = 8, .utterances = 5000});
  const ScliteReport sclite = RunSclite(pair, "-s");
  Result<CorpusResult> ours = ScoreTrnTexts(
      pair.ref, "ref.trn", pair.hyp, "hyp.trn", {.case_sensitive = true});
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  ExpectEqualToSclite(sclite, *ours);
  Result<CorpusResult> folded =
      ScoreTrnTexts(pair.ref, "ref.trn", pair.hyp, "hyp.trn", {});
  ASSERT_TRUE(folded.ok());
  EXPECT_LT(folded->counts.errors(), ours->counts.errors())
      << "the pair has case-only differences";
}

// sclite scores only the utterances the hypothesis has; we list the others
// and (outside --sclite) count them as deletions.
TEST_F(ScliteTest, MissingUtterancesAreLeftOutBySclite) {
  const testing::TrnPair pair = testing::GenerateTrnPair(
      {.seed = 9, .utterances = 5000, .missing_fraction = 0.05});
  const ScliteReport sclite = RunSclite(pair, "");
  Result<CorpusResult> ours =
      ScoreTrnTexts(pair.ref, "ref.trn", pair.hyp, "hyp.trn", {});
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  EXPECT_GT(ours->missing_ids.size(), 150u);
  EXPECT_EQ(ours->utterances + static_cast<int64_t>(ours->missing_ids.size()),
            5000);
  ExpectEqualToSclite(sclite, *ours);
}

}  // namespace
}  // namespace mmgate::score
