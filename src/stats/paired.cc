#include "stats/paired.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace mmgate::stats {
namespace {

Status CheckCounts(const PairedCounts& c) {
  if (c.n11 < 0 || c.n10 < 0 || c.n01 < 0 || c.n00 < 0) {
    return Status::Invalid(
        "paired counts must be non-negative, got n11=" + std::to_string(c.n11) +
        " n10=" + std::to_string(c.n10) + " n01=" + std::to_string(c.n01) +
        " n00=" + std::to_string(c.n00));
  }
  return Status::Ok();
}

Status CheckConfidence(double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    return Status::Invalid("confidence level must be in (0, 1), got " +
                           std::to_string(confidence));
  }
  return Status::Ok();
}

double TwoSidedZ(double confidence) {
  return boost::math::quantile(boost::math::normal_distribution<>(),
                               (1 + confidence) / 2);
}

// Wilson score interval for x successes out of n (n > 0).
std::pair<double, double> Wilson(double x, double n, double z) {
  const double p = x / n;
  const double c = z * z / n;
  const double mid = (p + c / 2) / (1 + c);
  const double half = z * std::sqrt(p * (1 - p) / n + c / (4 * n)) / (1 + c);
  return {std::max(0.0, mid - half), std::min(1.0, mid + half)};
}

// Tango's statistic in the paper's notation: x12 wins for the candidate,
// x21 losses. Infinite at the boundary where the null variance vanishes.
double TangoStatistic(double x12, double x21, double n, double delta0) {
  const double numerator = x12 - x21 - n * delta0;
  const double a = 2 * n;
  const double b = -x12 - x21 + (2 * n - x12 + x21) * delta0;
  const double c = -x21 * delta0 * (1 - delta0);
  const double root = std::sqrt(std::max(0.0, b * b - 4 * a * c));
  const double q21 = (root - b) / (2 * a);
  const double variance = n * (2 * q21 + delta0 * (1 - delta0));
  if (numerator == 0) return 0;
  if (!(variance > 0)) {
    return numerator > 0 ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
  }
  return numerator / std::sqrt(variance);
}

}  // namespace

void PairedCounts::Add(bool baseline_pass, bool candidate_pass) {
  if (baseline_pass) {
    ++(candidate_pass ? n11 : n10);
  } else {
    ++(candidate_pass ? n01 : n00);
  }
}

double PairedCounts::Delta() const {
  const int64_t total = n();
  return total == 0
             ? 0
             : static_cast<double>(n01 - n10) / static_cast<double>(total);
}

Result<McNemarResult> McNemarExact(const PairedCounts& counts) {
  MMGATE_RETURN_IF_ERROR(CheckCounts(counts).WithContext("McNemar"));
  McNemarResult out;
  const int64_t m = counts.discordant();
  if (m == 0) return out;
  const boost::math::binomial_distribution<> x(static_cast<double>(m), 0.5);
  const double smaller = static_cast<double>(std::min(counts.n10, counts.n01));
  out.p_two_sided = std::min(1.0, 2 * boost::math::cdf(x, smaller));
  // P[X >= n10] = 1 - P[X <= n10 - 1], taken as a complement for accuracy.
  out.p_worse = counts.n10 == 0 ? 1.0
                                : boost::math::cdf(boost::math::complement(
                                      x, static_cast<double>(counts.n10 - 1)));
  return out;
}

Result<Interval> NewcombeInterval(const PairedCounts& counts,
                                  double confidence) {
  MMGATE_RETURN_IF_ERROR(CheckCounts(counts).WithContext("Newcombe interval"));
  MMGATE_RETURN_IF_ERROR(
      CheckConfidence(confidence).WithContext("Newcombe interval"));
  if (counts.n() == 0)
    return Status::Invalid("Newcombe interval: no paired items");
  const double z = TwoSidedZ(confidence);
  const double a = static_cast<double>(counts.n11);
  const double b =
      static_cast<double>(counts.n01);  // candidate pass, baseline fail
  const double c = static_cast<double>(counts.n10);
  const double d = static_cast<double>(counts.n00);
  const double n = a + b + c + d;
  const double p1 = (a + b) / n;  // candidate
  const double p2 = (a + c) / n;  // baseline
  const auto [l1, u1] = Wilson(a + b, n, z);
  const auto [l2, u2] = Wilson(a + c, n, z);
  // The paper's corrected phi: positive association is shrunk by n/2 (not
  // below 0) so the interval does not get too narrow for small tables.
  const double margins = (a + b) * (c + d) * (a + c) * (b + d);
  double phi = 0;
  if (margins > 0) {
    double cross = a * d - b * c;
    if (cross > 0) cross = std::max(cross - n / 2, 0.0);
    phi = cross / std::sqrt(margins);
  }
  const double theta = p1 - p2;
  const double below = std::sqrt(
      std::max(0.0, (p1 - l1) * (p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) +
                        (u2 - p2) * (u2 - p2)));
  const double above = std::sqrt(
      std::max(0.0, (u1 - p1) * (u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) +
                        (p2 - l2) * (p2 - l2)));
  return Interval{std::max(-1.0, theta - below), std::min(1.0, theta + above)};
}

Result<double> TangoScore(const PairedCounts& counts, double delta0) {
  MMGATE_RETURN_IF_ERROR(CheckCounts(counts).WithContext("Tango score"));
  if (counts.n() == 0) return Status::Invalid("Tango score: no paired items");
  if (!(delta0 > -1 && delta0 < 1)) {
    return Status::Invalid("Tango score: delta0 must be in (-1, 1), got " +
                           std::to_string(delta0));
  }
  return TangoStatistic(static_cast<double>(counts.n01),
                        static_cast<double>(counts.n10),
                        static_cast<double>(counts.n()), delta0);
}

Result<Interval> TangoInterval(const PairedCounts& counts, double confidence) {
  MMGATE_RETURN_IF_ERROR(CheckCounts(counts).WithContext("Tango interval"));
  MMGATE_RETURN_IF_ERROR(
      CheckConfidence(confidence).WithContext("Tango interval"));
  if (counts.n() == 0)
    return Status::Invalid("Tango interval: no paired items");
  const double z = TwoSidedZ(confidence);
  const double x12 = static_cast<double>(counts.n01);
  const double x21 = static_cast<double>(counts.n10);
  const double n = static_cast<double>(counts.n());
  const double estimate = counts.Delta();
  // The statistic falls monotonically in delta0 from +inf at -1 to -inf at
  // +1 (or to 0 where the estimate sits on that boundary), so each limit is
  // the single crossing of +z or -z; bisection tolerates the infinite ends.
  // An absolute tolerance: a relative one would chase a limit at 0 forever.
  auto tolerance = [](double a, double b) { return std::fabs(b - a) <= 1e-14; };
  auto crossing = [&](double level, double lo, double hi) {
    auto f = [&](double d) { return TangoStatistic(x12, x21, n, d) - level; };
    const auto [left, right] = boost::math::tools::bisect(f, lo, hi, tolerance);
    return (left + right) / 2;
  };
  Interval out{-1.0, 1.0};
  if (estimate > -1) out.lower = crossing(z, -1.0, estimate);
  if (estimate < 1) out.upper = crossing(-z, estimate, 1.0);
  return out;
}

double DiscordantStandardError(const PairedCounts& counts) {
  const int64_t total = counts.n();
  if (total <= 0) return 0;
  const double n = static_cast<double>(total);
  const double discordant = static_cast<double>(counts.discordant()) / n;
  const double delta = counts.Delta();
  return std::sqrt(std::max(0.0, discordant - delta * delta) / n);
}

}  // namespace mmgate::stats
