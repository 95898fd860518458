// trn_gen REF.trn HYP.trn [UTTERANCES] [SEED]: writes a generated, realistic
// reference/hypothesis trn pair (tests/score/trn_generator.h) for
// bench/wer_vs_sclite.sh.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/args.h"
#include "trn_generator.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args = mmgate::bench::Args(argc, argv);
  if (auto rc = mmgate::bench::CheckUsage(
          args, 2, 4, "usage: trn_gen REF.trn HYP.trn [UTTERANCES] [SEED]"))
    return *rc;
  mmgate::score::testing::TrnGeneratorOptions options;
  options.utterances = args.size() > 2 ? std::atoi(args[2].c_str()) : 100000;
  options.seed =
      args.size() > 3 ? std::strtoull(args[3].c_str(), nullptr, 10) : 20240601;
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
