// Kappa (plain and quadratic-weighted) and Spearman's rho against
// scikit-learn's cohen_kappa_score and SciPy's spearmanr on fixed inputs,
// through Debian's Python (/usr/bin/python3 with python3-sklearn and
// python3-scipy), within 1e-9; and the bootstrap interval's seeding.
#include "judge/agreement.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace mmgate::judge {
namespace {

struct Case {
  std::vector<int> a, b;
  int k;
};

std::vector<Case> Cases() {
  std::vector<Case> out;
  // Five grades, a judge that is mostly near people, lenient at the bottom.
  out.push_back({{0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 2, 2, 3, 4, 1, 0, 3, 3, 4, 2},
                 {0, 2, 2, 3, 4, 3, 3, 1, 1, 1, 2, 3, 3, 4, 2, 1, 3, 4, 4, 2},
                 5});
  // Two grades (pass/fail).
  out.push_back({{1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1},
                 {1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1},
                 2});
  // A grade nobody used (index 2 of 4): the quadratic weights keep the
  // whole scale's distances.
  out.push_back({{0, 1, 3, 3, 0, 1, 1, 3, 0, 3, 1, 0},
                 {0, 1, 3, 1, 1, 1, 0, 3, 0, 3, 3, 0},
                 4});
  // Many ties and a disagreeing judge.
  std::vector<int> a, b;
  for (int i = 0; i < 60; ++i) {
    a.push_back((i * 7) % 3);
    b.push_back((i * 5 + i / 7) % 3);
  }
  out.push_back({a, b, 3});
  return out;
}

std::string List(const std::vector<int>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// scikit-learn's plain and quadratic kappa and SciPy's rho, in that order.
std::array<double, 3> Reference(const Case& c) {
  std::string script =
      "from sklearn.metrics import cohen_kappa_score\n"
      "from scipy.stats import spearmanr\n"
      "a=" +
      List(c.a) + "\nb=" + List(c.b) + "\nL=list(range(" + std::to_string(c.k) +
      "))\n"
      "print(repr(cohen_kappa_score(a,b,labels=L)), "
      "repr(cohen_kappa_score(a,b,labels=L,weights='quadratic')), "
      "repr(float(spearmanr(a,b)[0])))\n";
  std::string path = ::testing::TempDir() + "/mmgate_kappa_ref.py";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(script.c_str(), f);
  std::fclose(f);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> p(
      ::popen(("/usr/bin/python3 " + path).c_str(), "r"), ::pclose);
  EXPECT_NE(p, nullptr);
  char buf[512] = {0};
  std::string out;
  while (std::fgets(buf, sizeof buf, p.get())) out += buf;
  std::istringstream in(out);
  std::array<double, 3> r{};
  EXPECT_TRUE(in >> r[0] >> r[1] >> r[2]) << "python printed: " << out;
  return r;
}

TEST(Agreement, KappaAndSpearmanEqualScikitLearnAndSciPy) {
  for (const Case& c : Cases()) {
    std::array<double, 3> ref = Reference(c);
    auto plain = CohenKappa(c.a, c.b, c.k, KappaWeights::kNone);
    auto quad = CohenKappa(c.a, c.b, c.k, KappaWeights::kQuadratic);
    auto rho = Spearman(std::vector<double>(c.a.begin(), c.a.end()),
                        std::vector<double>(c.b.begin(), c.b.end()));
    ASSERT_TRUE(plain && quad && rho);
    EXPECT_NEAR(*plain, ref[0], 1e-9) << List(c.a) << " vs " << List(c.b);
    EXPECT_NEAR(*quad, ref[1], 1e-9) << List(c.a) << " vs " << List(c.b);
    EXPECT_NEAR(*rho, ref[2], 1e-9) << List(c.a) << " vs " << List(c.b);
  }
}

TEST(Agreement, UndefinedFiguresAreUnsetNotNaN) {
  std::vector<int> same(10, 2);
  EXPECT_FALSE(CohenKappa(same, same, 5, KappaWeights::kNone));
  EXPECT_FALSE(
      Spearman(std::vector<double>(10, 1.0), std::vector<double>(10, 1.0)));
  Agreement g = Agree(same, same, 5, 1, 200);
  EXPECT_DOUBLE_EQ(g.raw, 1.0);
  EXPECT_FALSE(g.kappa_ci) << "no resample defines kappa";
}

TEST(Agreement, ConfusionBaseRatesLeniencyAndSeededIntervals) {
  const Case c = Cases()[0];
  Agreement g = Agree(c.a, c.b, c.k, 42, 2000);
  EXPECT_EQ(g.n, 20);
  int64_t total = 0, diagonal = 0;
  for (int i = 0; i < c.k; ++i)
    for (int j = 0; j < c.k; ++j) {
      total += g.confusion[i][j];
      if (i == j) diagonal += g.confusion[i][j];
    }
  EXPECT_EQ(total, 20);
  EXPECT_DOUBLE_EQ(g.raw, static_cast<double>(diagonal) / 20);
  // The judge grades 6 items one step higher and 2 one step lower.
  EXPECT_NEAR(g.leniency, 4.0 / 20, 1e-12);
  EXPECT_NEAR(g.b_higher, 6.0 / 20, 1e-12);
  EXPECT_NEAR(g.b_lower, 2.0 / 20, 1e-12);
  ASSERT_TRUE(g.weighted_ci && g.weighted_kappa);
  EXPECT_LE(g.weighted_ci->lo, *g.weighted_kappa);
  EXPECT_GE(g.weighted_ci->hi, *g.weighted_kappa);
  Agreement again = Agree(c.a, c.b, c.k, 42, 2000);
  EXPECT_EQ(again.weighted_ci->lo, g.weighted_ci->lo) << "same seed";
  Agreement other = Agree(c.a, c.b, c.k, 43, 2000);
  EXPECT_NE(other.weighted_ci->lo, g.weighted_ci->lo) << "another seed";
}

}  // namespace
}  // namespace mmgate::judge
