// Item validation: every bad line becomes a problem naming file, line and id,
// while the good lines of the same file still load.
#include <gmock/gmock.h>

#include <filesystem>
#include <string>

#include "fixture.h"

namespace mmgate::dataset {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string MediaLine(const std::string& id, const std::string& path) {
  return R"({"id": ")" + id +
         R"(", "modality": "image", "media": [{"type": "image", "path": ")" +
         path + R"("}], "reference": "x"})";
}

TEST_F(DatasetTest, ValidItemsLoadWithDefaultsAndExtras) {
  std::string suite_path = WriteSuite(
      "s", "image",
      {GoodLine(),
       R"({"id": "b", "modality": "image", "prompt": "", "reference": ["a", "b"],)"
       R"( "slices": {"zeta": "z", "alpha": 3, "ratio": 0.5}, "evidence": ["e1"],)"
       R"( "metric": "exact", "source": {"url": "u"}, "group": "g1"})",
       R"({"id": "c", "modality": "image", "expect": "abstain"})"});
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  EXPECT_TRUE(suite->problems.empty());
  ASSERT_EQ(suite->items.size(), 3u);

  const Item& a = suite->items[0];
  EXPECT_EQ(a.line, 1);
  EXPECT_EQ(a.group, "good");  // defaults to the id
  EXPECT_EQ(a.expect, "answer");
  EXPECT_EQ(a.metric, "");  // the suite's metric applies
  ASSERT_EQ(a.media.size(), 1u);
  EXPECT_EQ(a.media[0].path, "media/good.png");
  EXPECT_EQ(a.media[0].abs_path,
            fs::canonical(root_ / "data/s/media/good.png").string());
  EXPECT_EQ(a.references, std::vector<std::string>{"hello"});
  EXPECT_EQ(a.content_hash.size(), 64u);

  const Item& b = suite->items[1];
  EXPECT_EQ(b.references, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(b.slices.size(), 3u);  // file order, numbers as text
  EXPECT_EQ(b.slices[0], (std::pair<std::string, std::string>{"zeta", "z"}));
  EXPECT_EQ(b.slices[1], (std::pair<std::string, std::string>{"alpha", "3"}));
  EXPECT_EQ(b.slices[2], (std::pair<std::string, std::string>{"ratio", "0.5"}));
  EXPECT_EQ(b.evidence, std::vector<std::string>{"e1"});
  EXPECT_EQ(b.metric, "exact");
  EXPECT_EQ(b.group, "g1");
  EXPECT_EQ(b.extra, (nlohmann::json{{"source", {{"url", "u"}}}}));

  EXPECT_EQ(suite->items[2].expect, "abstain");
  EXPECT_TRUE(suite->items[2].references.empty());
  EXPECT_EQ(
      suite->dataset_path,
      fs::absolute(root_ / "data/s/items.jsonl").lexically_normal().string());
}

TEST_F(DatasetTest, BlankLinesCrlfAndBomAreAccepted) {
  std::string suite_path = WriteSuite("s", "image", {});
  Write("data/s/items.jsonl", "\xEF\xBB\xBF" + GoodLine("a") + "\r\n\r\n  \n" +
                                  GoodLine("b") + "\r\n");
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_TRUE(suite.ok()) << suite.status().message();
  EXPECT_TRUE(suite->problems.empty());
  ASSERT_EQ(suite->items.size(), 2u);
  EXPECT_EQ(suite->items[1].line, 4);
}

TEST_F(DatasetTest, MalformedJsonLine) {
  ItemProblem p = OneBadLine(R"({"id": "x", "modality": "image",)");
  EXPECT_EQ(p.item_id, "");
  EXPECT_THAT(p.message, HasSubstr("malformed JSON"));
  EXPECT_THAT(p.message, HasSubstr("column"));
}

// Both used to end the whole run: the overflow as an uncaught exception, the
// nesting as a stack overflow. Each is now its line's problem.
TEST_F(DatasetTest, NumberBeyondADoubleIsALineProblem) {
  ItemProblem p =
      OneBadLine(R"({"id":"bad-1","modality":"image","reference":1e999999})");
  EXPECT_THAT(p.message, HasSubstr("items.jsonl:2"));
  EXPECT_THAT(p.message, HasSubstr("malformed JSON"));
  EXPECT_THAT(p.message, HasSubstr("number overflow"));
}

TEST_F(DatasetTest, DeepNestingIsALineProblem) {
  ItemProblem p = OneBadLine(R"({"id":"deep","modality":"image","x":)" +
                             std::string(200000, '[') + "}");
  EXPECT_THAT(p.message, HasSubstr("items.jsonl:2"));
  EXPECT_THAT(p.message, HasSubstr("nested deeper than"));
}

// An empty dataset ran, compared and passed on nothing; a directory read as
// an empty file.
TEST_F(DatasetTest, EmptyBlankOrDirectoryDatasetIsAnError) {
  for (const std::string& content :
       {std::string(), std::string("\n  \n\t\n")}) {
    std::string suite_path = WriteSuite("s", "image", {});
    Write("data/s/items.jsonl", content);
    auto suite = LoadSuite(suite_path, opt_);
    ASSERT_FALSE(suite.ok());
    EXPECT_THAT(suite.status().message(), HasSubstr("s.yaml:3"));
    EXPECT_THAT(suite.status().message(), HasSubstr("has no items"));
  }
  std::string suite_path = WriteSuite("s", "image", {GoodLine()});
  Write("suites/s.yaml",
        "name: s\nmodality: image\ndataset: ../data/s\nmetric: cer\n");
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), HasSubstr("is a directory"));
}

TEST_F(DatasetTest, NonObjectLine) {
  ItemProblem p = OneBadLine(R"(["id", "x"])");
  EXPECT_THAT(p.message, HasSubstr("expected a JSON object, got array"));
}

TEST_F(DatasetTest, MissingOrEmptyId) {
  ItemProblem p = OneBadLine(R"({"modality": "image", "reference": "r"})");
  EXPECT_THAT(p.message, HasSubstr("missing 'id'"));
  p = OneBadLine(R"({"id": "", "modality": "image", "reference": "r"})");
  EXPECT_THAT(p.message, HasSubstr("'id' is empty"));
}

TEST_F(DatasetTest, DuplicateIdNamesBothLines) {
  ItemProblem p = OneBadLine(GoodLine("good"));
  EXPECT_EQ(p.item_id, "good");
  EXPECT_THAT(p.message, HasSubstr("items.jsonl:2: item 'good'"));
  EXPECT_THAT(p.message, HasSubstr("duplicate id, first used on line 1"));
}

TEST_F(DatasetTest, MissingMediaFile) {
  ItemProblem p = OneBadLine(MediaLine("m", "media/nope.png"));
  EXPECT_EQ(p.item_id, "m");
  EXPECT_THAT(p.message, HasSubstr("item 'm'"));
  EXPECT_THAT(p.message,
              HasSubstr("media[0] 'media/nope.png': media file not found"));
}

TEST_F(DatasetTest, DotDotEscapeIsRejected) {
  Write("data/outside.png", "secret");  // exists, but outside data/s/
  ItemProblem p = OneBadLine(MediaLine("m", "media/../../outside.png"));
  EXPECT_THAT(p.message, HasSubstr("leaves the dataset folder"));
  p = OneBadLine(MediaLine("m", "../outside.png"));
  EXPECT_THAT(p.message, HasSubstr("leaves the dataset folder"));
}

TEST_F(DatasetTest, DotDotThatStaysInsideIsAccepted) {
  std::string suite_path =
      WriteSuite("s", "image", {MediaLine("m", "media/../media/good.png")});
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_TRUE(suite.ok());
  EXPECT_TRUE(suite->problems.empty());
  ASSERT_EQ(suite->items.size(), 1u);
}

TEST_F(DatasetTest, AbsoluteMediaPathIsRejected) {
  std::string abs = fs::absolute(root_ / "data/s/media/good.png").string();
  ItemProblem p = OneBadLine(MediaLine("m", abs));
  EXPECT_THAT(p.message, HasSubstr("absolute paths are not allowed"));
}

TEST_F(DatasetTest, SymlinkLeadingOutsideIsRejected) {
  std::string secret = Write("secret.png", "secret bytes");
  fs::create_directories(root_ / "data/s/media");
  fs::create_symlink(secret, root_ / "data/s/media/link.png");
  ItemProblem p = OneBadLine(MediaLine("m", "media/link.png"));
  EXPECT_THAT(p.message,
              HasSubstr("a symlink leads outside the dataset folder"));
  // A symlinked folder leading outside is caught the same way.
  fs::create_directory_symlink(root_, root_ / "data/s/up");
  p = OneBadLine(MediaLine("m", "up/secret.png"));
  EXPECT_THAT(p.message,
              HasSubstr("a symlink leads outside the dataset folder"));
}

TEST_F(DatasetTest, SymlinkInsideTheFolderIsAccepted) {
  std::string suite_path =
      WriteSuite("s", "image", {MediaLine("m", "alias.png")});
  fs::create_symlink("media/good.png", root_ / "data/s/alias.png");
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_TRUE(suite.ok());
  ASSERT_EQ(suite->items.size(), 1u) << suite->problems[0].message;
  EXPECT_EQ(suite->items[0].media[0].abs_path,
            fs::canonical(root_ / "data/s/media/good.png").string());
}

TEST_F(DatasetTest, DirectoryAsMediaIsRejected) {
  ItemProblem p = OneBadLine(MediaLine("m", "media"));
  EXPECT_THAT(p.message, HasSubstr("is a directory"));
}

TEST_F(DatasetTest, EmptyMediaFileIsRejected) {
  Write("data/s/media/empty.png", "");
  ItemProblem p = OneBadLine(MediaLine("m", "media/empty.png"));
  EXPECT_THAT(p.message, HasSubstr("empty media file (0 bytes)"));
}

TEST_F(DatasetTest, UnknownItemMetric) {
  ItemProblem p = OneBadLine(
      R"({"id": "m", "modality": "image", "reference": "r", "metric": "bleu"})");
  EXPECT_THAT(p.message, HasSubstr("item 'm': unknown metric 'bleu'"));
}

TEST_F(DatasetTest, UnknownModality) {
  ItemProblem p =
      OneBadLine(R"({"id": "m", "modality": "video", "reference": "r"})");
  EXPECT_THAT(p.message, HasSubstr("unknown modality 'video'"));
}

TEST_F(DatasetTest, ModalityDifferentFromSuite) {
  ItemProblem p =
      OneBadLine(R"({"id": "m", "modality": "audio", "reference": "r"})");
  EXPECT_THAT(p.message, HasSubstr("modality 'audio' does not match the "
                                   "suite's modality 'image'"));
}

TEST_F(DatasetTest, MissingReference) {
  ItemProblem p = OneBadLine(R"({"id": "m", "modality": "image"})");
  EXPECT_THAT(p.message, HasSubstr("missing 'reference'"));
  p = OneBadLine(R"({"id": "m", "modality": "image", "reference": []})");
  EXPECT_THAT(p.message, HasSubstr("'reference' is an empty list"));
}

TEST_F(DatasetTest, WrongTypes) {
  const std::pair<std::string, std::string> kCases[] = {
      {R"({"id": 7, "modality": "image", "reference": "r"})",
       "'id' must be a string, got number"},
      {R"({"id": "m", "modality": "image", "prompt": 3, "reference": "r"})",
       "'prompt' must be a string, got number"},
      {R"({"id": "m", "modality": "image", "reference": 41.5})",
       "'reference' must be a string or a list of strings, got number"},
      {R"({"id": "m", "modality": "image", "reference": ["a", 2]})",
       "'reference'[1] must be a string, got number"},
      {R"({"id": "m", "modality": "image", "reference": "r", "media": "a.png"})",
       "'media' must be a list"},
      {R"({"id": "m", "modality": "image", "reference": "r", "media": [{"path": "a.png"}]})",
       "media[0].type must be a non-empty string"},
      {R"({"id": "m", "modality": "image", "reference": "r", "slices": ["a"]})",
       "'slices' must be an object, got array"},
      {R"({"id": "m", "modality": "image", "reference": "r", "slices": {"k": true}})",
       "slice 'k' must be a string or a number, got boolean"},
      {R"({"id": "m", "modality": "image", "reference": "r", "evidence": "e"})",
       "'evidence' must be a list of strings, got string"},
      {R"({"id": "m", "modality": "image", "reference": "r", "expect": "refuse"})",
       "'expect' must be \"answer\" or \"abstain\""},
      {R"({"id": "m", "modality": "image", "reference": "r", "group": ""})",
       "'group' is empty"},
      {R"({"id": "m", "modality": ["image"], "reference": "r"})",
       "'modality' must be a string, got array"},
  };
  for (const auto& [line, expected] : kCases) {
    SCOPED_TRACE(line);
    ItemProblem p = OneBadLine(line);
    EXPECT_THAT(p.message, HasSubstr(expected));
  }
}

TEST_F(DatasetTest, EveryProblemIsCollected) {
  std::string suite_path = WriteSuite(
      "s", "image",
      {R"({"id": "a", "modality": "video", "metric": "bleu"})", GoodLine(),
       "{broken",
       R"({"id": "b", "modality": "image", "media": [{"type": "image", "path": "/etc/passwd"}], "reference": "r"})"});
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_TRUE(suite.ok());
  ASSERT_EQ(suite->items.size(), 1u);
  ASSERT_EQ(suite->problems.size(), 3u);
  const ItemProblem& a = suite->problems[0];
  EXPECT_EQ(a.line, 1);
  EXPECT_EQ(a.item_id, "a");
  EXPECT_THAT(a.message, HasSubstr("unknown modality 'video'"));
  EXPECT_THAT(a.message, HasSubstr("missing 'reference'"));
  EXPECT_THAT(a.message, HasSubstr("unknown metric 'bleu'"));
  EXPECT_EQ(suite->problems[1].line, 3);
  EXPECT_EQ(suite->problems[2].line, 4);
  EXPECT_EQ(suite->problems[2].item_id, "b");
}

TEST_F(DatasetTest, MissingDatasetFileIsFatal) {
  std::string suite_path = WriteSuite("s", "image", {GoodLine()});
  fs::remove(root_ / "data/s/items.jsonl");
  auto suite = LoadSuite(suite_path, opt_);
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), HasSubstr("s.yaml:3:"));
  EXPECT_THAT(suite.status().message(), HasSubstr("cannot read its dataset"));
}

TEST_F(DatasetTest, ContentHashFollowsMediaBytesOnly) {
  std::string suite_path =
      WriteSuite("s", "image", {GoodLine("a"), MediaLine("b", "media/b.png")});
  Write("data/s/media/b.png", "b bytes");
  auto load = [&] {
    auto suite = LoadSuite(suite_path, opt_);
    EXPECT_TRUE(suite.ok());
    EXPECT_EQ(suite->items.size(), 2u);
    return std::move(suite).value();
  };
  Suite v1 = load();
  Suite again = load();
  EXPECT_EQ(v1.items[0].content_hash, again.items[0].content_hash);
  EXPECT_EQ(v1.version_hash, again.version_hash);

  Write("data/s/media/good.png", "other png bytes");
  Suite v2 = load();
  EXPECT_NE(v2.items[0].content_hash, v1.items[0].content_hash);
  EXPECT_EQ(v2.items[1].content_hash, v1.items[1].content_hash);
  EXPECT_NE(v2.version_hash, v1.version_hash);
}

TEST_F(DatasetTest, ContentHashIgnoresOtherItemsButVersionDoesNot) {
  std::string a = GoodLine("a");
  std::string suite_path = WriteSuite("s", "image", {a, GoodLine("b")});
  Suite v1 = LoadSuite(suite_path, opt_).value();
  WriteSuite(
      "s", "image",
      {a, R"({"id": "b", "modality": "image", "reference": "changed"})"});
  Suite v2 = LoadSuite(suite_path, opt_).value();
  ASSERT_EQ(v2.items.size(), 2u);
  EXPECT_EQ(v2.items[0].content_hash, v1.items[0].content_hash);
  EXPECT_NE(v2.items[1].content_hash, v1.items[1].content_hash);
  EXPECT_NE(v2.version_hash, v1.version_hash);
}

TEST_F(DatasetTest, ExpectationAndMetricAreHashed) {
  std::string base = R"({"id": "a", "modality": "image", "reference": "r")";
  auto hash_of = [&](const std::string& tail, const std::string& yaml = "") {
    Suite s =
        LoadSuite(WriteSuite("s", "image", {base + tail}, yaml), opt_).value();
    EXPECT_EQ(s.items.size(), 1u);
    return s.items.empty() ? std::string() : s.items[0].content_hash;
  };
  std::string plain = hash_of("}");
  EXPECT_EQ(hash_of(R"(, "expect": "answer"})"), plain);
  EXPECT_NE(hash_of(R"(, "expect": "abstain"})"), plain);
  EXPECT_NE(hash_of(R"(, "metric": "exact"})"), plain);
  EXPECT_EQ(hash_of(R"(, "metric": "cer"})"), plain);  // the suite's metric
  // Slices and unknown keys do not change what is scored.
  EXPECT_EQ(hash_of(R"(, "slices": {"k": "v"}, "note": 1})"), plain);
}

TEST_F(DatasetTest, SlicesChangeTheVersionNotTheContent) {
  std::string base = R"({"id": "a", "modality": "image", "reference": "r")";
  Suite s1 = LoadSuite(WriteSuite("s", "image", {base + "}"}), opt_).value();
  Suite s2 =
      LoadSuite(WriteSuite("s", "image", {base + R"(, "slices": {"k": "v"}})"}),
                opt_)
          .value();
  EXPECT_EQ(s1.items[0].content_hash, s2.items[0].content_hash);
  EXPECT_NE(s1.version_hash, s2.version_hash);
}

}  // namespace
}  // namespace mmgate::dataset
