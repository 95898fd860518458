// The aligner: worked examples whose alignments were read from
// `sctk sclite -o pralign`, the O(m)-memory counts against the full-matrix
// backtrace, and the minimum edit distance against a plain DP.
#include "score/align.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace mmgate::score {
namespace {

// Words as ids: one letter per word.
std::vector<uint32_t> Ids(const std::string& words) {
  std::vector<uint32_t> out;
  for (char c : words) {
    if (c != ' ') out.push_back(static_cast<uint32_t>(c));
  }
  return out;
}

std::string Ops(const std::vector<EditOp>& path) {
  std::string out;
  for (EditOp op : path) out.push_back("CSDI"[static_cast<int>(op)]);
  return out;
}

EditCounts Count(const std::vector<EditOp>& path) {
  EditCounts c;
  for (EditOp op : path) {
    switch (op) {
      case EditOp::kCorrect:
        ++c.correct;
        break;
      case EditOp::kSubstitution:
        ++c.substitutions;
        break;
      case EditOp::kDeletion:
        ++c.deletions;
        break;
      case EditOp::kInsertion:
        ++c.insertions;
        break;
    }
  }
  return c;
}

int64_t PlainLevenshtein(const std::vector<uint32_t>& a,
                         const std::vector<uint32_t>& b) {
  std::vector<std::vector<int64_t>> d(a.size() + 1,
                                      std::vector<int64_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int64_t>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j - 1] + (a[i - 1] != b[j - 1]),
                          d[i - 1][j] + 1, d[i][j - 1] + 1});
    }
  }
  return d[a.size()][b.size()];
}

TEST(AlignTest, SclitePralignExamples) {
  // REF:  a B c D / HYP:  a X c *
  EXPECT_EQ(Ops(SclitePath(Ids("a b c d"), Ids("a x c"))), "CSCD");
  // REF:  the *** cat sat / HYP:  the CAT cat sat  (the first "cat" is the
  // insertion)
  EXPECT_EQ(Ops(SclitePath(Ids("t c s"), Ids("t c c s"))), "CICC");
  // REF:  AB CD / HYP:  ** ABCD  (deletion first, then the substitution)
  EXPECT_EQ(Ops(SclitePath(Ids("a c"), Ids("x"))), "DS");
  // REF:  A A A c * b * / HYP:  * * * c B b C
  EXPECT_EQ(Ops(SclitePath(Ids("a a a c b"), Ids("c b b c"))), "DDDCICI");
}

TEST(AlignTest, ScliteCanCountMoreErrorsThanTheMinimum) {
  // sctk sclite reports C=2 S=0 D=3 I=2 here; three substitutions and one
  // deletion (4 errors) cost the same 15 under its weights.
  Aligner aligner;
  const AlignmentResult r = aligner.Align(Ids("a a a c b"), Ids("c b b c"));
  EXPECT_EQ(r.sclite, (EditCounts{2, 0, 3, 2}));
  EXPECT_EQ(r.sclite.errors(), 5);
  EXPECT_EQ(r.min_edit_errors, 4);
}

TEST(AlignTest, EmptySides) {
  Aligner aligner;
  EXPECT_EQ(aligner.Align({}, {}).sclite, EditCounts{});
  EXPECT_EQ(aligner.Align(Ids("a b"), {}).sclite, (EditCounts{0, 0, 2, 0}));
  EXPECT_EQ(aligner.Align({}, Ids("a b c")).sclite, (EditCounts{0, 0, 0, 3}));
  EXPECT_EQ(aligner.Align({}, Ids("a b c")).min_edit_errors, 3);
  EXPECT_EQ(aligner.Align(Ids("a b"), {}).min_edit_errors, 2);
}

TEST(AlignTest, IdenticalAndAllWrong) {
  Aligner aligner;
  EXPECT_EQ(aligner.Align(Ids("a b c"), Ids("a b c")).sclite,
            (EditCounts{3, 0, 0, 0}));
  EXPECT_EQ(aligner.Align(Ids("a b c"), Ids("x y z")).sclite,
            (EditCounts{0, 3, 0, 0}));
}

// Random pairs over small alphabets have many ties, where tie-breaking
// decides the counts: the forward-propagated counts must equal the
// backtraced path's, and min_edit_errors the textbook DP, including
// sequences longer than the 64-token bit-parallel block.
TEST(AlignTest, MatchesFullMatrixAndPlainDpOnRandomPairs) {
  std::mt19937 rng(12345);
  Aligner aligner;  // reused across calls, as the corpus scorer does
  for (int t = 0; t < 20000; ++t) {
    const int max_len = t % 10 == 0 ? 150 : 12;
    const uint32_t alphabet = 2 + rng() % 4;
    std::vector<uint32_t> ref(rng() % (max_len + 1));
    std::vector<uint32_t> hyp(rng() % (max_len + 1));
    for (uint32_t& x : ref) x = rng() % alphabet;
    for (uint32_t& x : hyp) x = rng() % alphabet;
    const AlignmentResult r = aligner.Align(ref, hyp);
    ASSERT_EQ(r.sclite, Count(SclitePath(ref, hyp))) << "pair " << t;
    ASSERT_EQ(r.min_edit_errors, PlainLevenshtein(ref, hyp)) << "pair " << t;
    ASSERT_LE(r.min_edit_errors, r.sclite.errors());
    ASSERT_EQ(r.sclite.correct + r.sclite.substitutions + r.sclite.deletions,
              static_cast<int64_t>(ref.size()));
    ASSERT_EQ(r.sclite.correct + r.sclite.substitutions + r.sclite.insertions,
              static_cast<int64_t>(hyp.size()));
  }
}

// Long hypotheses made from their reference by a few edits, bursts of
// insertions or deletions, or a shift: the banded DP then works on a narrow
// band and sometimes needs a second, wider pass; it must still equal the
// full matrix, ties included.
TEST(AlignTest, BandedPassesEqualTheFullMatrixOnSimilarPairs) {
  std::mt19937 rng(777);
  Aligner aligner;
  for (int t = 0; t < 3000; ++t) {
    const uint32_t alphabet = 2 + rng() % 6;
    std::vector<uint32_t> ref(rng() % 200);
    for (uint32_t& x : ref) x = rng() % alphabet;
    std::vector<uint32_t> hyp;
    const int edits_per_100 = static_cast<int>(rng() % 40);
    for (size_t i = 0; i < ref.size(); ++i) {
      const int e = static_cast<int>(rng() % 100);
      if (e >= edits_per_100) {
        hyp.push_back(ref[i]);
      } else if (e % 4 == 0) {
        hyp.push_back(rng() % alphabet);
      } else if (e % 4 == 1) {
        for (uint32_t k = rng() % 8; k > 0; --k)
          hyp.push_back(rng() % alphabet);
      } else if (e % 4 == 2) {
        i += rng() % 6;  // a burst of deletions
      }
    }
    if (t % 5 == 0 && hyp.size() > 10)
      hyp.erase(hyp.begin(), hyp.begin() + 10);  // shifted
    const AlignmentResult r = aligner.Align(ref, hyp);
    ASSERT_EQ(r.sclite, Count(SclitePath(ref, hyp))) << "pair " << t;
    ASSERT_EQ(r.min_edit_errors, PlainLevenshtein(ref, hyp)) << "pair " << t;
  }
}

TEST(AlignTest, LargeTokenIdsAndLongSequences) {
  // Code points and large vocabularies give ids far apart; the bit-parallel
  // table must not mix them up.
  std::vector<uint32_t> ref;
  std::vector<uint32_t> hyp;
  for (uint32_t i = 0; i < 64; ++i) {
    ref.push_back(0x10000 + i * 128);
    hyp.push_back(0x10000 + i * 128 + (i % 7 == 0 ? 1 : 0));
  }
  Aligner aligner;
  const AlignmentResult r = aligner.Align(ref, hyp);
  EXPECT_EQ(r.min_edit_errors, 10);
  EXPECT_EQ(r.sclite.substitutions, 10);
  EXPECT_EQ(r.min_edit_errors, PlainLevenshtein(ref, hyp));
}

}  // namespace
}  // namespace mmgate::score
