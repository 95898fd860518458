// trn_gen REF.trn HYP.trn [UTTERANCES] [SEED]: writes a generated, realistic
// reference/hypothesis trn pair (tests/score/trn_generator.h) for
// bench/wer_vs_sclite.sh.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "trn_generator.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: trn_gen REF.trn HYP.trn [UTTERANCES] [SEED]\n");
    return 2;
  }
  mmgate::score::testing::TrnGeneratorOptions options;
  options.utterances = argc > 3 ? std::atoi(argv[3]) : 100000;
  options.seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 20240601;
  const mmgate::score::testing::TrnPair pair =
      mmgate::score::testing::GenerateTrnPair(options);
  std::ofstream ref(argv[1], std::ios::binary);
  std::ofstream hyp(argv[2], std::ios::binary);
  ref << pair.ref;
  hyp << pair.hyp;
  if (!ref.flush() || !hyp.flush()) {
    std::fprintf(stderr, "trn_gen: cannot write %s or %s\n", argv[1], argv[2]);
    return 1;
  }
  return 0;
}
