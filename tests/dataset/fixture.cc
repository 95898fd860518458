#include "fixture.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>

namespace mmgate::dataset {

void DatasetTest::SetUp() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  root_ = std::filesystem::temp_directory_path() /
          ("mmgate-dataset-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++) + "-" + info->name());
  std::filesystem::remove_all(root_);
  std::filesystem::create_directories(root_);
  static const std::set<std::string, std::less<>> kMetrics = {
      "wer",         "cer",
      "exact",       "normalized_match",
      "anls",        "relaxed_accuracy",
      "numeric",     "table_cells",
      "json_schema", "abstention"};
  opt_.metric_known = [](std::string_view m) { return kMetrics.contains(m); };
}

void DatasetTest::TearDown() {
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

std::string DatasetTest::Write(const std::string& rel,
                               const std::string& content) const {
  std::filesystem::path p = root_ / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string DatasetTest::WriteSuite(const std::string& name,
                                    const std::string& modality,
                                    const std::vector<std::string>& lines,
                                    const std::string& extra_yaml) const {
  std::string jsonl;
  for (const auto& l : lines) jsonl += l + "\n";
  Write("data/" + name + "/items.jsonl", jsonl);
  Write("data/" + name + "/media/good.png", "png bytes of good");
  return Write("suites/" + name + ".yaml",
               "name: " + name + "\nmodality: " + modality +
                   "\ndataset: ../data/" + name +
                   "/items.jsonl\nmetric: cer\n" + extra_yaml);
}

ItemProblem DatasetTest::OneBadLine(const std::string& bad_line) {
  std::string suite_path = WriteSuite("s", "image", {GoodLine(), bad_line});
  auto suite = LoadSuite(suite_path, opt_);
  EXPECT_TRUE(suite.ok()) << suite.status().message();
  if (!suite.ok()) return {};
  EXPECT_EQ(suite->items.size(), 1u);
  if (!suite->items.empty()) {
    EXPECT_EQ(suite->items[0].id, "good");
  }
  EXPECT_EQ(suite->problems.size(), 1u);
  if (suite->problems.size() != 1) return {};
  const ItemProblem& p = suite->problems[0];
  EXPECT_EQ(p.line, 2);
  EXPECT_NE(p.message.find("items.jsonl:2"), std::string::npos) << p.message;
  return p;
}

std::string GoodLine(const std::string& id) {
  return R"({"id": ")" + id +
         R"(", "modality": "image", "prompt": "Read all the text in the image.", )"
         R"("media": [{"type": "image", "path": "media/good.png"}], "reference": "hello"})";
}

int LineOf(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(needle) != std::string::npos) return n;
  }
  ADD_FAILURE() << needle << " not in:\n" << text;
  return 0;
}

}  // namespace mmgate::dataset
