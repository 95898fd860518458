// trn reading and writing, corpus scoring of small hand-checked files, input
// errors, and the reports.
#include "score/corpus.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "score/corpus_report.h"
#include "score/interner.h"
#include "score/trn.h"

namespace mmgate::score {
namespace {

Result<CorpusResult> Score(const std::string& ref, const std::string& hyp,
                           CorpusOptions o = {}) {
  return ScoreTrnTexts(ref, "ref.trn", hyp, "hyp.trn", o);
}

TEST(TrnTest, ParsesWordsIdsAndLines) {
  Result<std::vector<TrnUtterance>> utts =
      ParseTrn("a   b\tc   (s1_u1)  \n\nd e f(s1_u2)\r\n", "x.trn");
  ASSERT_TRUE(utts.ok()) << utts.status().message();
  ASSERT_EQ(utts->size(), 2u);
  EXPECT_EQ((*utts)[0].id, "s1_u1");
  EXPECT_EQ((*utts)[0].words, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ((*utts)[0].line, 1);
  EXPECT_EQ((*utts)[1].id, "s1_u2");
  EXPECT_EQ((*utts)[1].words, (std::vector<std::string>{"d", "e", "f"}));
  EXPECT_EQ((*utts)[1].line, 3);
}

TEST(TrnTest, WordsInParenthesesStayWords) {
  // Without -D sclite scores "(uh)" as the word "(UH)"; only the last
  // parenthesised group is the id.
  Result<std::vector<TrnUtterance>> utts = ParseTrn("a (uh) b (u1)\n", "x.trn");
  ASSERT_TRUE(utts.ok());
  EXPECT_EQ((*utts)[0].words, (std::vector<std::string>{"a", "(uh)", "b"}));
}

TEST(TrnTest, EmptyUtteranceIsAllowed) {
  Result<std::vector<TrnUtterance>> utts = ParseTrn("(u1)\n", "x.trn");
  ASSERT_TRUE(utts.ok());
  EXPECT_TRUE((*utts)[0].words.empty());
}

TEST(TrnTest, MalformedLinesNameFileAndLine) {
  for (const auto& [text, fragment] :
       std::vector<std::pair<std::string, std::string>>{
           {"a b (u1)\nno id here\n",
            "x.trn:2: line does not end with an utterance id"},
           {"a b ()\n", "x.trn:1: empty utterance id"},
           {"a b (u 1)\n", "x.trn:1: utterance id contains a space"},
           {"\n\na { b / c } d (u1)\n", "x.trn:3: sclite alternations"},
       }) {
    Result<std::vector<TrnUtterance>> utts = ParseTrn(text, "x.trn");
    ASSERT_FALSE(utts.ok()) << text;
    EXPECT_NE(utts.status().message().find(fragment), std::string::npos)
        << utts.status().message();
  }
}

TEST(TrnTest, FormatRoundTrips) {
  const std::vector<TrnUtterance> utts = {{"s_1", {"hello", "world"}, 0},
                                          {"s_2", {}, 0}};
  const std::string text = FormatTrn(utts);
  EXPECT_EQ(text, "hello world (s_1)\n(s_2)\n");
  Result<std::vector<TrnUtterance>> back = ParseTrn(text, "t");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].words, utts[0].words);
  EXPECT_EQ((*back)[1].id, "s_2");
}

TEST(TrnTest, WriteThenReadAFile) {
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("mmgate_score_trn_" + std::to_string(::getpid()) + ".trn"))
          .string();
  const std::vector<TrnUtterance> utts = {{"a_1", {"one", "two"}, 0},
                                          {"a_2", {"three"}, 0}};
  ASSERT_TRUE(WriteTrn(path, utts).ok());
  Result<std::vector<TrnUtterance>> back = ReadTrn(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].words, utts[0].words);
  EXPECT_EQ((*back)[1].line, 2);
  Result<std::vector<TrnUtterance>> missing = ReadTrn(path);
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
}

TEST(TrnTest, SpeakerAsScliteRmGroupsIt) {
  EXPECT_EQ(TrnSpeaker("spk1_u7"), "spk1");
  EXPECT_EQ(TrnSpeaker("x-y_z"), "x");
  EXPECT_EQ(TrnSpeaker("a_b_c"), "a");
  EXPECT_EQ(TrnSpeaker("u1"), "");
}

TEST(InternerTest, SameKeySameIdAcrossGrowth) {
  Interner interner(4);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back(fmt::format("w{}", i * 7919));
  for (size_t i = 0; i < keys.size(); ++i)
    EXPECT_EQ(interner.Intern(keys[i]), i);
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(interner.Intern(keys[i]), i);
    EXPECT_EQ(interner.Find(keys[i]), i);
    EXPECT_EQ(interner.key(static_cast<uint32_t>(i)), keys[i]);
  }
  EXPECT_EQ(interner.Find("absent"), Interner::kNotFound);
  // Keys of equal length differing in one middle byte, short and long.
  EXPECT_NE(interner.Intern("abcdefgh"), interner.Intern("abcdXfgh"));
  EXPECT_NE(interner.Intern("abc"), interner.Intern("aXc"));
  EXPECT_NE(interner.Intern("0123456789abcdef"),
            interner.Intern("0123456789aXcdef"));
  EXPECT_NE(interner.Intern(""), interner.Intern("a"));
}

TEST(CorpusTest, HandCheckedTotals) {
  // u1: a b c d / a x c -> C2 S1 D1; u2: the cat sat / the cat cat sat -> C3
  // I1.
  Result<CorpusResult> r = Score("a b c d (s_u1)\nthe cat sat (s_u2)\n",
                                 "the cat cat sat (s_u2)\na x c (s_u1)\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->utterances, 2);
  EXPECT_EQ(r->ref_tokens, 7);
  EXPECT_EQ(r->counts, (EditCounts{5, 1, 1, 1}));
  EXPECT_EQ(r->utterances_with_errors, 2);
  EXPECT_EQ(r->min_edit_errors, 3);
  ASSERT_EQ(r->speakers.size(), 1u);
  EXPECT_EQ(r->speakers[0].speaker, "s");
}

TEST(CorpusTest, CaseFoldsUnlessAskedAndIdsMatchIgnoringCase) {
  Result<CorpusResult> folded =
      Score("Hello World (S_1)\n", "hello WORLD (s_1)\n");
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->counts.errors(), 0);
  Result<CorpusResult> exact = Score(
      "Hello World (s_1)\n", "hello WORLD (s_1)\n", {.case_sensitive = true});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->counts.substitutions, 2);
}

TEST(CorpusTest, CharactersDropSpacesAsScliteDashC) {
  Result<CorpusResult> r =
      Score("ab cd (s_1)\n", "abcd (s_1)\n", {.unit = TrnUnit::kChar});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ref_tokens, 4);
  EXPECT_EQ(r->counts.errors(), 0);
  Result<CorpusResult> utf8 =
      Score("caf\xc3\xa9 (s_1)\n", "cafe (s_1)\n", {.unit = TrnUnit::kChar});
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(utf8->ref_tokens, 4);  // code points, not bytes
  EXPECT_EQ(utf8->counts.substitutions, 1);
}

TEST(CorpusTest, MissingHypothesisUtterancesAreListed) {
  Result<CorpusResult> r = Score("a b c (s_1)\nd e f (s_2)\ng h (s_3)\n",
                                 "g h (s_3)\na b c (s_1)\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utterances, 2);
  EXPECT_EQ(r->missing_ids, (std::vector<std::string>{"s_2"}));
  EXPECT_EQ(r->missing_ref_tokens, 3);
  const ShownTotals ours = Totals(*r, /*sclite_view=*/false);
  EXPECT_EQ(ours.counts.deletions, 3);
  EXPECT_EQ(ours.ref_tokens, 8);
  EXPECT_EQ(ours.utterances_with_errors, 1);
  const ShownTotals sclite = Totals(*r, /*sclite_view=*/true);
  EXPECT_EQ(sclite.counts.errors(), 0);
  EXPECT_EQ(sclite.ref_tokens, 5);
}

TEST(CorpusTest, InputErrorsNameFileAndLine) {
  struct Bad {
    std::string ref, hyp, fragment;
  };
  for (const Bad& b : std::vector<Bad>{
           {"a (u1)\n", "a (u1)\nb (u9)\n",
            "hyp.trn:2: utterance 'u9' is not in ref.trn"},
           {"a (u1)\nb (u1)\n", "a (u1)\n",
            "ref.trn:2: utterance id 'u1' repeats line 1"},
           {"a (u1)\n", "a (u1)\n\na (U1)\n",
            "hyp.trn:3: utterance id 'U1' repeats line 1"},
           {"a (u1)\nbroken\n", "a (u1)\n",
            "ref.trn:2: line does not end with an utterance id"},
           {"a (u1)\n", "{ a / b } (u1)\n", "hyp.trn:1: sclite alternations"},
       }) {
    Result<CorpusResult> r = Score(b.ref, b.hyp);
    ASSERT_FALSE(r.ok()) << b.fragment;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(b.fragment), std::string::npos)
        << r.status().message();
  }
}

TEST(CorpusTest, MissingFileIsAnIoError) {
  Result<CorpusResult> r =
      ScoreTrnFiles("/nonexistent/ref.trn", "/nonexistent/hyp.trn", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/ref.trn"),
            std::string::npos);
}

// A directory opens and reports a size of LONG_MAX on Linux; sizing buffers
// by it ended `mmgate score` with std::bad_alloc.
TEST(CorpusTest, DirectoryIsAnErrorNamingIt) {
  const std::string dir = ::testing::TempDir();
  const std::string trn = dir + "/corpus_dir_test.trn";
  std::ofstream(trn) << "a (u1)\n";
  for (auto [ref, hyp] : {std::pair{dir, trn}, std::pair{trn, dir}}) {
    Result<CorpusResult> r = ScoreTrnFiles(ref, hyp, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(dir + ": is a directory"),
              std::string::npos)
        << r.status().message();
  }
}

TEST(CorpusTest, ThreadCountDoesNotChangeResults) {
  std::string ref;
  std::string hyp;
  for (int u = 0; u < 5000; ++u) {
    const std::string id = fmt::format(" (s{}_{})\n", u % 3, u);
    const std::string word = fmt::format("w{}", u % 17);
    ref += word + " x y z" + id;
    hyp += (u % 5 == 0 ? std::string("x y q") : word + " x z z z") + id;
  }
  Result<CorpusResult> one = Score(ref, hyp, {.threads = 1});
  Result<CorpusResult> two = Score(ref, hyp, {.threads = 2});
  Result<CorpusResult> four = Score(ref, hyp, {.threads = 4});
  ASSERT_TRUE(one.ok() && two.ok() && four.ok());
  EXPECT_EQ(one->counts, two->counts);
  EXPECT_EQ(one->counts, four->counts);
  EXPECT_EQ(one->min_edit_errors, four->min_edit_errors);
  EXPECT_EQ(one->speakers.size(), 3u);
}

TEST(CorpusReportTest, TableAndJson) {
  Result<CorpusResult> r =
      Score("a a a c b (s_1)\nx y (s_2)\n", "c b b c (s_1)\n");
  ASSERT_TRUE(r.ok());
  CorpusReportOptions o;
  o.ref_name = "ref.trn";
  o.hyp_name = "hyp.trn";
  const std::string text = FormatCorpusReport(*r, o);
  EXPECT_NE(text.find("WER = 7 errors / 7 reference words = 100.00%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("minimum edit distance: 6 errors"), std::string::npos)
      << text;
  EXPECT_NE(text.find("more errors than the minimum on 1 utterance"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "missing from the hypothesis: 1 utterance(s), 2 reference words"),
      std::string::npos)
      << text;
  const nlohmann::json j = CorpusReportJson(*r, o);
  EXPECT_EQ(j["errors"], 7);
  EXPECT_EQ(j["deletions"], 5);
  EXPECT_EQ(j["min_edit_errors"], 6);
  EXPECT_EQ(j["missing"]["ids"], nlohmann::json::array({"s_2"}));
  EXPECT_FALSE(j.contains("speakers"));

  o.sclite_view = true;
  const nlohmann::json s = CorpusReportJson(*r, o);
  EXPECT_EQ(s["errors"], 5);
  EXPECT_EQ(s["ref_tokens"], 5);
  EXPECT_EQ(s["speakers"][0]["speaker"], "s");
  const std::string sclite_text = FormatCorpusReport(*r, o);
  EXPECT_NE(sclite_text.find("| s "), std::string::npos) << sclite_text;
  EXPECT_NE(sclite_text.find("left out above, as sclite does"),
            std::string::npos);
}

}  // namespace
}  // namespace mmgate::score
