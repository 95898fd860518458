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
// in registers in the resampling loop.
class Xoshiro256 {
 public:
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

// Uniform integers in [0, range) by Lemire's multiply-and-reject method
// (unbiased, almost never divides). Each 64-bit draw yields two 32-bit ones.
class BoundedDraw {
 public:
  BoundedDraw(Xoshiro256* rng, uint32_t range)
      : rng_(rng),
        range_(range),
        threshold_(static_cast<uint32_t>(-range) % range) {}

  uint32_t Next() {
    uint64_t m = uint64_t{Next32()} * range_;
    while (static_cast<uint32_t>(m) < threshold_)
      m = uint64_t{Next32()} * range_;
    return static_cast<uint32_t>(m >> 32);
  }

 private:
  uint32_t Next32() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const uint64_t x = rng_->Next();
    spare_ = static_cast<uint32_t>(x);
    have_spare_ = true;
    return static_cast<uint32_t>(x >> 32);
  }

  Xoshiro256* rng_;
  uint32_t range_;
  uint32_t threshold_;
  uint32_t spare_ = 0;
  bool have_spare_ = false;
};

}  // namespace mmgate::stats

#endif  // MMGATE_STATS_RNG_H_
