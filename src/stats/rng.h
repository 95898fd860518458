// Seeded pseudo-random streams for resampling: xoshiro256** seeded through
// SplitMix64 (both by Blackman and Vigna), with jump() to split one seed into
// non-overlapping streams so parallel work stays reproducible.
#ifndef MMGATE_STATS_RNG_H_
#define MMGATE_STATS_RNG_H_

#include <cstdint>

namespace mmgate::stats {

// SplitMix64: turns one 64-bit seed into well-mixed state words.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// xoshiro256**: fast, 2^256 - 1 period, passes BigCrush; small enough to keep
// in registers in the resampling loop. A standard uniform random bit
// generator, so Boost.Random distributions can draw from it.
class Xoshiro256 {
 public:
  using result_type = uint64_t;
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()() { return Next(); }

  explicit Xoshiro256(uint64_t seed) {
    SplitMix64 mix(seed);
    for (uint64_t& w : s_) w = mix.Next();
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  uint64_t word(int i) const { return s_[i]; }

  // Advances the stream by 2^128 draws: successive jumps give streams that
  // cannot overlap in any feasible run.
  void Jump() {
    static constexpr uint64_t kJump[] = {
        0x180EC6D33CFD0ABAULL, 0xD5A61266F0C9392CULL, 0xA9582618E03FC9AAULL,
        0x39ABDC4529B1661CULL};
    uint64_t t[4] = {0, 0, 0, 0};
    for (uint64_t word : kJump) {
      for (int b = 0; b < 64; ++b) {
        if (word & (uint64_t{1} << b)) {
          for (int i = 0; i < 4; ++i) t[i] ^= s_[i];
        }
        Next();
      }
    }
    for (int i = 0; i < 4; ++i) s_[i] = t[i];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Four xoshiro256** streams stepped together, stored word-major (s[word]
// [lane]) so vector code loads one state word of all four lanes at once.
// Scalar and vector code step it identically.
struct Xoshiro256x4 {
  alignas(32) uint64_t s[4][4];

  // Lane l continues `lanes[l]`.
  explicit Xoshiro256x4(const Xoshiro256 (&lanes)[4]) {
    for (int w = 0; w < 4; ++w) {
      for (int l = 0; l < 4; ++l) s[w][l] = lanes[l].word(w);
    }
  }

  void Next(uint64_t out[4]) {
    for (int l = 0; l < 4; ++l) {
      out[l] = Rotl(s[1][l] * 5, 7) * 9;
      const uint64_t t = s[1][l] << 17;
      s[2][l] ^= s[0][l];
      s[3][l] ^= s[1][l];
      s[1][l] ^= s[2][l];
      s[0][l] ^= s[3][l];
      s[2][l] ^= t;
      s[3][l] = Rotl(s[3][l], 45);
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
};

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_RNG_H_
