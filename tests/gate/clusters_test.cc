// Cluster numbers are ranks of the group names, whatever order the pairs come
// in: sorted input takes the one-pass path, shuffled input the sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gate/paired_tests.h"

namespace mmgate::gate {
namespace {

std::vector<uint32_t> Numbers(const std::vector<const std::string*>& groups) {
  std::vector<Pair> pairs;
  for (const std::string* g : groups) pairs.push_back(Pair{*g, 0, 1, 0, 1});
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

// The sort compares the first eight bytes as an integer before the names:
// ranks must still be byte order for names that share those eight bytes,
// are shorter than eight, hold a NUL or bytes above 0x7f, or are empty.
TEST(NumberClustersTest, RanksAreByteOrderForAnyNames) {
  std::vector<std::string> names = {"g10",
                                    "g1",
                                    "g2",
                                    "",
                                    "source-000012",
                                    "source-000011",
                                    "source-00001",
                                    std::string("g1\0", 3),
                                    "\xc3\xa9t\xc3\xa9",
                                    "ete",
                                    "\x7f",
                                    "\x80"};
  std::vector<const std::string*> order;
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < names.size(); ++i)
      order.push_back(
          &names[(i * 5 + static_cast<size_t>(round)) % names.size()]);
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint32_t> expected;
  for (const std::string* n : order) {
    expected.push_back(static_cast<uint32_t>(
        std::lower_bound(sorted.begin(), sorted.end(), *n) - sorted.begin()));
  }
  EXPECT_EQ(Numbers(order), expected);
}

TEST(NumberClustersTest, NoPairs) { EXPECT_TRUE(Numbers({}).empty()); }

}  // namespace
}  // namespace mmgate::gate
