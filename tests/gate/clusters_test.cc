// Cluster numbers are ranks of the group names, whatever order the pairs come
// in: sorted input takes the one-pass path, shuffled input the sort.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gate/paired_tests.h"

namespace mmgate::gate {
namespace {

std::vector<uint32_t> Numbers(const std::vector<const std::string*>& groups) {
  std::vector<Pair> pairs;
  for (const std::string* g : groups) pairs.push_back(Pair{g, 0, 1, 0, 1});
  NumberClusters(&pairs);
  std::vector<uint32_t> out;
  for (const Pair& p : pairs) out.push_back(p.cluster);
  return out;
}

TEST(NumberClustersTest, SortedNamesAreNumberedInOnePass) {
  std::string a = "chart-0001", b = "chart-0002", c = "chart-0010";
  // Equal names in separate strings count as one group.
  std::string b2 = "chart-0002";
  EXPECT_EQ(Numbers({&a, &a, &b, &b2, &c}),
            (std::vector<uint32_t>{0, 0, 1, 1, 2}));
}

TEST(NumberClustersTest, UnsortedNamesGetTheirRanks) {
  std::string a = "a", b = "b", c = "c", c2 = "c";
  EXPECT_EQ(Numbers({&c, &a, &c2, &b, &a}),
            (std::vector<uint32_t>{2, 0, 2, 1, 0}));
}

TEST(NumberClustersTest, NoPairs) { EXPECT_TRUE(Numbers({}).empty()); }

}  // namespace
}  // namespace mmgate::gate
