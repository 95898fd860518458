#include "trn_generator.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

namespace mmgate::score::testing {
namespace {

// std::*_distribution results differ between standard libraries; these
// helpers keep the generated files identical everywhere for a seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

constexpr std::array<std::string_view, 20> kOnsets = {
    "b", "c", "d", "f", "g", "h", "j", "k",  "l",  "m",
    "n", "p", "r", "s", "t", "v", "w", "st", "tr", "sh"};
constexpr std::array<std::string_view, 8> kVowels = {"a", "e",  "i",  "o",
                                                     "u", "ea", "ou", "ai"};
constexpr std::array<std::string_view, 8> kCodas = {"",  "",  "n",  "r",
                                                    "s", "t", "ng", "ck"};
constexpr std::array<std::string_view, 12> kCommon = {
    "the", "a",  "and",  "of",    "to",    "in",
    "is",  "it", "that", "don't", "x-ray", "o'clock"};

std::vector<std::string> MakeVocabulary(Rng& rng, size_t size) {
  std::vector<std::string> words(kCommon.begin(), kCommon.end());
  while (words.size() < size) {
    std::string w;
    const size_t syllables = 1 + rng.Below(3);
    for (size_t s = 0; s < syllables; ++s) {
      w += kOnsets[rng.Below(kOnsets.size())];
      w += kVowels[rng.Below(kVowels.size())];
      w += kCodas[rng.Below(kCodas.size())];
    }
    words.push_back(w);
  }
  return words;
}

// Zipf(1) over vocabulary ranks by inverse transform on the harmonic sums.
class Zipf {
 public:
  explicit Zipf(size_t n) : cumulative_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
      cumulative_[i] = sum += 1.0 / static_cast<double>(i + 1);
    for (double& c : cumulative_) c /= sum;
  }
  size_t Draw(Rng& rng) const {
    const double u = rng.Unit();
    size_t lo = 0;
    size_t hi = cumulative_.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (cumulative_[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

 private:
  std::vector<double> cumulative_;
};

std::string Capitalized(std::string w) {
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z')
    w[0] = static_cast<char>(w[0] - 32);
  return w;
}

}  // namespace

TrnPair GenerateTrnPair(const TrnGeneratorOptions& options) {
  Rng rng(options.seed);
  const std::vector<std::string> vocab = MakeVocabulary(rng, 20000);
  const Zipf zipf(vocab.size());
  TrnPair pair;
  pair.ref.reserve(static_cast<size_t>(options.utterances) * 90);
  pair.hyp.reserve(static_cast<size_t>(options.utterances) * 90);
  std::vector<size_t> ref;
  std::vector<std::string> hyp;
  for (int u = 0; u < options.utterances; ++u) {
    char id[48];
    std::snprintf(id, sizeof(id), "(spk%03d_utt%07d)\n", u % 97, u);
    ref.clear();
    hyp.clear();
    const size_t length = 1 + rng.Below(8) + rng.Below(12) + rng.Below(21);
    for (size_t i = 0; i < length; ++i) ref.push_back(zipf.Draw(rng));
    const double kind = rng.Unit();
    if (kind < 0.01) {
      // An empty hypothesis (the recogniser heard nothing).
    } else if (kind < 0.02) {
      const size_t garbage = rng.Below(2 * length + 1);
      for (size_t i = 0; i < garbage; ++i) hyp.push_back(vocab[zipf.Draw(rng)]);
    } else {
      for (size_t i = 0; i < ref.size(); ++i) {
        const std::string& word = vocab[ref[i]];
        if (rng.Unit() >= options.error_rate) {
          hyp.push_back(rng.Unit() < 0.01 ? Capitalized(word) : word);
          continue;
        }
        const double e = rng.Unit();
        if (e < 0.45) {
          // A neighbouring rank often sounds alike in this vocabulary.
          const size_t near = ref[i] + 1 + rng.Below(3);
          hyp.push_back(vocab[near < vocab.size() ? near : zipf.Draw(rng)]);
        } else if (e < 0.7) {
          // deleted
        } else if (e < 0.9) {
          hyp.push_back(word);
          const size_t extra = 1 + rng.Below(2);
          for (size_t k = 0; k < extra; ++k)
            hyp.push_back(vocab[zipf.Draw(rng)]);
        } else {
          // A split or merged word.
          hyp.push_back(word.substr(0, word.size() / 2));
          hyp.push_back(word.substr(word.size() / 2));
        }
      }
    }
    for (size_t w : ref) {
      pair.ref += vocab[w];
      pair.ref += ' ';
    }
    pair.ref += id;
    if (rng.Unit() < options.missing_fraction) continue;
    for (const std::string& w : hyp) {
      if (w.empty()) continue;
      pair.hyp += w;
      pair.hyp += ' ';
    }
    pair.hyp += id;
  }
  return pair;
}

}  // namespace mmgate::score::testing
