// A seeded generator of realistic reference/hypothesis trn pairs for checking
// our scorer against sctk sclite and for benchmarks: English-like words with a
// Zipf distribution, utterances of 1-40 words from ~100 speakers, and an
// ASR-like error model (substitutions by similar words, deletions, insertions,
// runs of garbage, empty and case-changed hypotheses).
#ifndef MMGATE_TESTS_SCORE_TRN_GENERATOR_H_
#define MMGATE_TESTS_SCORE_TRN_GENERATOR_H_

#include <cstdint>
#include <string>

namespace mmgate::score::testing {

struct TrnPair {
  std::string ref;
  std::string hyp;
};

struct TrnGeneratorOptions {
  uint64_t seed = 1;
  int utterances = 1000;
  double error_rate = 0.15;  // per-word probability of an error event
  // Fraction of reference utterances left out of the hypothesis.
  double missing_fraction = 0.0;
};

TrnPair GenerateTrnPair(const TrnGeneratorOptions& options);

}  // namespace mmgate::score::testing

#endif  // MMGATE_TESTS_SCORE_TRN_GENERATOR_H_
