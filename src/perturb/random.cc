#include "perturb/random.h"

#include <cmath>
#include <numbers>

namespace mmgate::perturb {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t DeriveSeed(uint64_t base, std::string_view stream) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : stream) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return SplitMix64(SplitMix64(base) ^ h);
}

int Rng::Uniform(int lo, int hi) {
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int>(Next() % span);
}

double Rng::Unit() {
  // The top 53 bits give every double in [0, 1) on a 2^-53 grid.
  return static_cast<double>(Next() >> 11) * 0x1.0p-53;
}

double Rng::Gaussian() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = Unit();
  while (u1 <= 0.0) u1 = Unit();
  const double u2 = Unit();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::vector<int> Rng::Distinct(int size, int n) {
  std::vector<int> pool(static_cast<size_t>(size));
  for (int i = 0; i < size; ++i) pool[static_cast<size_t>(i)] = i;
  std::vector<int> out;
  // Partial Fisher-Yates: the first n slots become the sample.
  for (int i = 0; i < n && i < size; ++i) {
    const int j = Uniform(i, size - 1);
    std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(j)]);
    out.push_back(pool[static_cast<size_t>(i)]);
  }
  return out;
}

}  // namespace mmgate::perturb
