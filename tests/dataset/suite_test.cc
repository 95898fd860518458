// Suite files: the fatal errors that name file and line.
#include <gmock/gmock.h>

#include <string>

#include "fixture.h"

namespace mmgate::dataset {
namespace {

using ::testing::HasSubstr;

TEST_F(DatasetTest, UnknownSuiteMetricIsFatal) {
  auto suite = LoadSuite(
      Write("suites/s.yaml",
            "name: s\nmodality: image\ndataset: x.jsonl\nmetric: bleu\n"),
      opt_);
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(),
              HasSubstr("s.yaml:4: unknown metric 'bleu'"));
  // Without a metric registry injected, names cannot be checked.
  Write("suites/x.jsonl",
        std::string(R"({"id": "a", "reference": "r"})") + "\n");
  EXPECT_TRUE(LoadSuite(Path("suites/s.yaml"), LoadOptions{}).ok());
}

TEST_F(DatasetTest, SuiteRequiredKeysAndTypes) {
  const std::pair<std::string, std::string> kCases[] = {
      {"modality: image\ndataset: x.jsonl\nmetric: cer\n",
       "s.yaml:1: missing required key 'name'"},
      {"name: s\nmodality: image\nmetric: cer\n",
       "missing required key 'dataset'"},
      {"name: s\nmodality: image\ndataset: x.jsonl\n",
       "missing required key 'metric'"},
      {"name: s\nmodality: image\ndataset: x.jsonl\nmetric: [cer]\n",
       "s.yaml:4: 'metric' must be a string, got a list"},
      {"name: s\nmodality: image\ndataset: x.jsonl\nmetric: cer\ngate: 3\n",
       "s.yaml:5: 'gate' must be a mapping"},
      {"name: s\nmodality: image\ndataset: x.jsonl\nmetric: cer\nmetircs: "
       "[anls]\n",
       "s.yaml:5: unknown key 'metircs'"},
      {"- a\n- b\n", "a suite must be a YAML mapping"},
  };
  for (const auto& [yaml, expected] : kCases) {
    SCOPED_TRACE(yaml);
    auto suite = LoadSuite(Write("suites/s.yaml", yaml), opt_);
    ASSERT_FALSE(suite.ok());
    EXPECT_THAT(suite.status().message(), HasSubstr(expected));
  }
}

}  // namespace
}  // namespace mmgate::dataset
