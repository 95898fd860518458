// Word/character alignment for WER and CER. The default alignment is
// sclite's: dynamic programming with weights correct 0, substitution 4,
// insertion 3, deletion 3 and sclite's tie-breaking, so that error counts
// equal `sctk sclite`'s. The minimum edit distance (plain Levenshtein) comes
// with it, because sclite's weights can count more errors than the minimum
// (see src/score/README.md).
#ifndef MMGATE_SCORE_ALIGN_H_
#define MMGATE_SCORE_ALIGN_H_

#include <cstdint>
#include <span>
#include <vector>

namespace mmgate::score {

struct EditCounts {
  int64_t correct = 0;
  int64_t substitutions = 0;
  int64_t deletions = 0;
  int64_t insertions = 0;

  int64_t errors() const { return substitutions + deletions + insertions; }
  EditCounts& operator+=(const EditCounts& o) {
    correct += o.correct;
    substitutions += o.substitutions;
    deletions += o.deletions;
    insertions += o.insertions;
    return *this;
  }
  bool operator==(const EditCounts&) const = default;
};

struct AlignmentResult {
  EditCounts sclite;            // the counts along sclite's alignment
  int64_t min_edit_errors = 0;  // Levenshtein distance
};

// Aligns sequences of token ids (interned words, or code points). Keeps its
// row buffers between calls, so use one Aligner per thread.
class Aligner {
 public:
  AlignmentResult Align(std::span<const uint32_t> ref,
                        std::span<const uint32_t> hyp);

 private:
  // sclite's DP over the cells whose diagonal a - b is in [lo, hi]; returns
  // the packed cell (n, m).
  uint64_t Weighted(std::span<const uint32_t> ref,
                    std::span<const uint32_t> hyp, int64_t lo, int64_t hi);
  // Levenshtein distance, with `pattern` the shorter sequence and `bound` an
  // upper bound of the distance.
  int64_t MinEditDistance(std::span<const uint32_t> text,
                          std::span<const uint32_t> pattern, int64_t bound);

  // Two rows of the DP matrix: packed (weighted cost, substitutions on the
  // chosen path) cells.
  std::vector<uint64_t> cell_[2];
  // Levenshtein: two banded DP rows for long sequences; the bit-parallel
  // match masks of the pattern's tokens for sequences of up to 64 tokens.
  std::vector<int32_t> lev_[2];
  std::vector<uint32_t> peq_keys_;
  std::vector<uint64_t> peq_masks_;
};

enum class EditOp : uint8_t { kCorrect, kSubstitution, kDeletion, kInsertion };

// sclite's alignment path itself (full matrix and backtrace), for showing
// which words were wrong. Aligner::Align gives the same counts in O(m)
// memory and a band of the matrix.
std::vector<EditOp> SclitePath(std::span<const uint32_t> ref,
                               std::span<const uint32_t> hyp);

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_ALIGN_H_
