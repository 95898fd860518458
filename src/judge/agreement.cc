#include "judge/agreement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "stats/rng.h"

namespace mmgate::judge {
namespace {

// Average ranks, 1-based, ties sharing the mean of their positions.
std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    double mean = (static_cast<double>(i + j) + 2.0) / 2.0;
    for (size_t t = i; t <= j; ++t) r[order[t]] = mean;
    i = j + 1;
  }
  return r;
}

std::optional<double> Pearson(const std::vector<double>& a,
                              const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  if (a.size() < 2) return std::nullopt;
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (saa <= 0 || sbb <= 0) return std::nullopt;
  return sab / std::sqrt(saa * sbb);
}

double Quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] +
         (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::optional<Interval> Percentile(std::vector<double> draws, int resamples) {
  if (static_cast<int>(draws.size()) * 2 < resamples) return std::nullopt;
  std::sort(draws.begin(), draws.end());
  return Interval{Quantile(draws, 0.025), Quantile(draws, 0.975)};
}

}  // namespace

std::optional<double> CohenKappa(const std::vector<int>& a,
                                 const std::vector<int>& b, int k,
                                 KappaWeights weights) {
  if (a.empty() || a.size() != b.size() || k < 2) return std::nullopt;
  std::vector<double> observed(static_cast<size_t>(k * k), 0.0);
  std::vector<double> row(static_cast<size_t>(k), 0.0), col(row);
  for (size_t i = 0; i < a.size(); ++i) {
    observed[static_cast<size_t>(a[i] * k + b[i])] += 1;
    row[static_cast<size_t>(a[i])] += 1;
    col[static_cast<size_t>(b[i])] += 1;
  }
  const double n = static_cast<double>(a.size());
  double wo = 0, we = 0;
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      double w = weights == KappaWeights::kQuadratic
                     ? static_cast<double>((i - j) * (i - j))
                     : (i == j ? 0.0 : 1.0);
      wo += w * observed[static_cast<size_t>(i * k + j)];
      we += w * row[static_cast<size_t>(i)] * col[static_cast<size_t>(j)] / n;
    }
  }
  if (we <= 0) return std::nullopt;
  return 1.0 - wo / we;
}

std::optional<double> Spearman(const std::vector<double>& a,
                               const std::vector<double>& b) {
  if (a.size() != b.size()) return std::nullopt;
  return Pearson(Ranks(a), Ranks(b));
}

Agreement Agree(const std::vector<int>& a, const std::vector<int>& b, int k,
                uint64_t seed, int resamples) {
  Agreement g;
  g.n = static_cast<int64_t>(a.size());
  g.k = k;
  g.confusion.assign(static_cast<size_t>(k),
                     std::vector<int64_t>(static_cast<size_t>(k), 0));
  g.a_rates.assign(static_cast<size_t>(k), 0.0);
  g.b_rates.assign(static_cast<size_t>(k), 0.0);
  if (a.empty() || a.size() != b.size()) return g;
  const double n = static_cast<double>(a.size());
  double same = 0, diff = 0, higher = 0, lower = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ++g.confusion[static_cast<size_t>(a[i])][static_cast<size_t>(b[i])];
    g.a_rates[static_cast<size_t>(a[i])] += 1 / n;
    g.b_rates[static_cast<size_t>(b[i])] += 1 / n;
    same += a[i] == b[i];
    diff += b[i] - a[i];
    higher += b[i] > a[i];
    lower += b[i] < a[i];
  }
  g.raw = same / n;
  g.leniency = diff / n;
  g.b_higher = higher / n;
  g.b_lower = lower / n;
  g.kappa = CohenKappa(a, b, k, KappaWeights::kNone);
  g.weighted_kappa = CohenKappa(a, b, k, KappaWeights::kQuadratic);
  g.spearman = Spearman(std::vector<double>(a.begin(), a.end()),
                        std::vector<double>(b.begin(), b.end()));
  stats::Xoshiro256 rng(seed);
  std::vector<double> plain, quad;
  std::vector<int> ra(a.size()), rb(b.size());
  for (int r = 0; r < resamples; ++r) {
    for (size_t i = 0; i < a.size(); ++i) {
      size_t j = static_cast<size_t>(rng.Next() % a.size());
      ra[i] = a[j];
      rb[i] = b[j];
    }
    if (auto x = CohenKappa(ra, rb, k, KappaWeights::kNone))
      plain.push_back(*x);
    if (auto x = CohenKappa(ra, rb, k, KappaWeights::kQuadratic))
      quad.push_back(*x);
  }
  g.kappa_ci = Percentile(std::move(plain), resamples);
  g.weighted_ci = Percentile(std::move(quad), resamples);
  return g;
}

nlohmann::json ToJson(const Agreement& g) {
  auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  auto ci = [](const std::optional<Interval>& v) {
    return v ? nlohmann::json::array({v->lo, v->hi}) : nlohmann::json(nullptr);
  };
  return {{"n", g.n},
          {"raw_agreement", g.raw},
          {"kappa", opt(g.kappa)},
          {"kappa_ci95", ci(g.kappa_ci)},
          {"quadratic_kappa", opt(g.weighted_kappa)},
          {"quadratic_kappa_ci95", ci(g.weighted_ci)},
          {"spearman", opt(g.spearman)},
          {"confusion", g.confusion},
          {"base_rates", {{"people", g.a_rates}, {"judge", g.b_rates}}},
          {"leniency",
           {{"mean_steps", g.leniency},
            {"judge_higher", g.b_higher},
            {"judge_lower", g.b_lower}}}};
}

}  // namespace mmgate::judge
