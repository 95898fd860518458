#include <gtest/gtest.h>

#include <filesystem>

#include "store/store.h"

namespace mmgate::store {
namespace {

namespace fs = std::filesystem;

fs::path TempDb(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("mmgate-verdicts-" + std::to_string(::getpid()) + name);
  fs::remove_all(dir);
  return dir / "results.db";
}

TEST(VerdictsTest, RoundTripOldestFirstWithSuites) {
  fs::path db = TempDb("a");
  {
    auto s = OpenStore(db.string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    VerdictRecord later{0, "b", "c2", "p", "block", 2000, "{}", {}};
    later.suites.push_back(
        {"speech", "audio", "wer", "block", 40, 0.2, 0.3, 0.1, 0.05, 0.15});
    later.suites.push_back(
        {"charts", "chart", "exact", "pass", 50, 0.8, 0.8, 0, -0.02, 0.02});
    // One suite gated on two metrics: a row each.
    later.suites.push_back(
        {"tables", "table", "anls", "block", 51, 0.6, 0.4, -0.2, -0.3, -0.1});
    later.suites.push_back({"tables", "table", "table_cells", "pass", 51, 0.7,
                            0.7, 0, -0.05, 0.05});
    ASSERT_TRUE((*s)->PutVerdict(later).ok());
    ASSERT_TRUE(
        (*s)->PutVerdict({0, "b", "c1", "p", "pass", 1000, "{}", {}}).ok());
  }
  auto s = OpenStore(db.string());
  ASSERT_TRUE(s.ok());
  auto v = (*s)->ListVerdicts();
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].candidate, "c1");
  EXPECT_TRUE((*v)[0].suites.empty());
  ASSERT_EQ((*v)[1].suites.size(), 4u);
  EXPECT_EQ((*v)[1].suites[0].suite, "charts");
  EXPECT_EQ((*v)[1].suites[1].modality, "audio");
  EXPECT_DOUBLE_EQ((*v)[1].suites[1].ci_hi, 0.15);
  EXPECT_EQ((*v)[1].suites[2].metric, "anls");
  EXPECT_EQ((*v)[1].suites[3].metric, "table_cells");
  fs::remove_all(db.parent_path());
}

}  // namespace
}  // namespace mmgate::store
