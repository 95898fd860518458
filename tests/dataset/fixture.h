// Test fixture: writes suites, items and media into a fresh temporary folder.
#ifndef MMGATE_TESTS_DATASET_FIXTURE_H_
#define MMGATE_TESTS_DATASET_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dataset/load.h"

namespace mmgate::dataset {

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `content` to `rel` under the temporary root, creating folders.
  std::string Write(const std::string& rel, const std::string& content) const;
  std::string Path(const std::string& rel) const {
    return (root_ / rel).string();
  }
  // Writes suites/<name>.yaml over data/<name>/items.jsonl with these lines.
  std::string WriteSuite(const std::string& name, const std::string& modality,
                         const std::vector<std::string>& lines,
                         const std::string& extra_yaml = "") const;
  // A suite with one good item (id "good") followed by `bad_line`; asserts it
  // loads, keeps "good" and has exactly one problem, which it returns.
  ItemProblem OneBadLine(const std::string& bad_line);

  LoadOptions opt_;
  std::filesystem::path root_;
};

// A valid image item with a media file that the fixture writes.
std::string GoodLine(const std::string& id = "good");

// 1-based number of the first line of `text` holding `needle` (a test
// failure and 0 when none does): where a file:line error must point.
int LineOf(const std::string& text, const std::string& needle);

}  // namespace mmgate::dataset

#endif  // MMGATE_TESTS_DATASET_FIXTURE_H_
