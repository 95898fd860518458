// Seeded random streams. Every draw goes through std::mt19937_64 (whose
// output the standard fixes bit for bit) and our own mapping to ranges and
// normals, because the std distributions may differ between library
// versions and would break byte-identical outputs.
#ifndef MMGATE_PERTURB_RANDOM_H_
#define MMGATE_PERTURB_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string_view>
#include <vector>

namespace mmgate::perturb {

// A seed for one named stream, so streams stay independent: adding draws to
// one stream never shifts another.
uint64_t DeriveSeed(uint64_t base, std::string_view stream);

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // Uniform integer in [lo, hi] (inclusive).
  int Uniform(int lo, int hi);
  // Uniform double in [0, 1).
  double Unit();
  bool Chance(double p) { return Unit() < p; }
  // Standard normal draw (Box-Muller, both values used).
  double Gaussian();

  // A uniformly chosen element of any sized container (vector, array).
  template <typename C>
  const auto& Pick(const C& c) {
    return c[static_cast<size_t>(
        Uniform(0, static_cast<int>(std::size(c)) - 1))];
  }
  // `n` distinct indices out of [0, size), in draw order.
  std::vector<int> Distinct(int size, int n);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_RANDOM_H_
