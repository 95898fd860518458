#include "score/align.h"

#include <algorithm>
#include <cstdlib>

namespace mmgate::score {
namespace {

// sclite's word weights (wwd_WORD in its sources).
constexpr int32_t kSub = 4;
constexpr int32_t kIns = 3;
constexpr int32_t kDel = 3;

// A DP cell packs sclite's weighted cost (high bits) and the number of
// substitutions on the chosen path (low 32 bits). A candidate step adds its
// cost, its substitution and a tie-break rank in bits 32-33, so that one
// unsigned min picks the cheapest step and, on equal cost, sclite's choice:
// the diagonal first, then insertion, then deletion (net_dp.c takes the
// deletion only when strictly cheaper than the insertion). This keeps the
// inner loop free of unpredictable branches.
constexpr int kCostShift = 34;
constexpr uint64_t kRankMask = 3ULL << 32;
constexpr uint64_t kSubStep = (static_cast<uint64_t>(kSub) << kCostShift) | 1;
constexpr uint64_t kInsStep =
    (static_cast<uint64_t>(kIns) << kCostShift) | (1ULL << 32);
constexpr uint64_t kDelStep =
    (static_cast<uint64_t>(kDel) << kCostShift) | (2ULL << 32);

// A cell outside the band: more than any real path can cost, and far enough
// from overflow that adding steps to it stays above every real value.
constexpr uint64_t kOutside = 1ULL << 62;

// The band's half-width beyond the diagonals between (0, 0) and (n, m) on the
// first try; most utterances need no second pass with it.
constexpr int64_t kFirstBand = 2;

}  // namespace

uint64_t Aligner::Weighted(std::span<const uint32_t> ref,
                           std::span<const uint32_t> hyp, int64_t lo,
                           int64_t hi) {
  const auto n = static_cast<int64_t>(ref.size());
  const auto m = static_cast<int64_t>(hyp.size());
  for (int r = 0; r < 2; ++r) {
    if (cell_[r].size() < static_cast<size_t>(m + 2)) cell_[r].resize(m + 2);
  }
  uint64_t* prev = cell_[0].data();
  uint64_t* cur = cell_[1].data();
  // Row 0 holds (0, b) for b in [-hi, -lo]; the cell after the band's end
  // is marked, since the next row reads one cell further right.
  const int64_t first_end = std::min(m, -lo);
  for (int64_t b = 0; b <= first_end; ++b)
    prev[b] = static_cast<uint64_t>(b * kIns) << kCostShift;
  prev[first_end + 1] = kOutside;
  const uint32_t* h = hyp.data();
  for (int64_t a = 1; a <= n; ++a) {
    const uint32_t r = ref[a - 1];
    const int64_t begin = std::max<int64_t>(0, a - hi);
    const int64_t end = std::min(m, a - lo);
    uint64_t left = kOutside;
    int64_t b = begin;
    if (begin == 0) {
      left = static_cast<uint64_t>(a * kDel) << kCostShift;
      cur[0] = left;
      b = 1;
    }
    for (; b <= end; ++b) {
      const uint64_t mismatch = r != h[b - 1];
      // The diagonal and the deletion come from the previous row; only the
      // insertion depends on the cell just computed, so it is taken last to
      // keep the loop-carried chain short.
      const uint64_t from_above =
          std::min(prev[b - 1] + mismatch * kSubStep, prev[b] + kDelStep);
      left = std::min(from_above, left + kInsStep) & ~kRankMask;
      cur[b] = left;
    }
    cur[end + 1] = kOutside;
    std::swap(prev, cur);
  }
  return prev[m];
}

AlignmentResult Aligner::Align(std::span<const uint32_t> ref,
                               std::span<const uint32_t> hyp) {
  const auto n = static_cast<int64_t>(ref.size());
  const auto m = static_cast<int64_t>(hyp.size());
  // Only diagonals a - b in [lo, hi] are computed (Ukkonen's band). A path
  // through a cell k diagonals outside those between (0, 0) and (n, m) costs
  // at least 3 (|n - m| + 2k). Once a banded pass finds a path of cost C,
  // the band holds every cell a path of cost <= C can use, so the optimal
  // path and every choice along it, ties included, are those of the full
  // matrix: a choice on the optimal path that the full matrix would make
  // differently would need an optimal path through a cell outside.
  const int64_t gap = std::abs(n - m);
  int64_t k = kFirstBand;
  uint64_t cell;
  while (true) {
    const int64_t lo = std::min<int64_t>(0, n - m) - k;
    const int64_t hi = std::max<int64_t>(0, n - m) + k;
    if (lo <= -m && hi >= n) {
      cell = Weighted(ref, hyp, -m, n);
      break;
    }
    cell = Weighted(ref, hyp, lo, hi);
    const auto cost = static_cast<int64_t>(cell >> kCostShift);
    const int64_t needed = (cost - kIns * gap) / (2 * kIns);
    if (needed <= k) break;
    k = needed;
  }
  // Along any path: C + S + D = n, C + S + I = m, cost = 4S + 3(D + I).
  const auto cost = static_cast<int64_t>(cell >> kCostShift);
  const auto s = static_cast<int64_t>(cell & 0xFFFFFFFFULL);
  const int64_t d_plus_i = (cost - kSub * s) / kIns;
  const int64_t d_minus_i = n - m;
  AlignmentResult result;
  result.sclite.substitutions = s;
  result.sclite.deletions = (d_plus_i + d_minus_i) / 2;
  result.sclite.insertions = (d_plus_i - d_minus_i) / 2;
  result.sclite.correct = n - s - result.sclite.deletions;
  // Every alignment costs 3 errors + substitutions <= 4 errors, so the
  // minimum edit distance is at least ceil(cost / 4); that already equals
  // sclite's error count when its path has fewer than 4 insertions and
  // deletions, which is most utterances.
  const int64_t errors = result.sclite.errors();
  if ((cost + 3) / 4 == errors) {
    result.min_edit_errors = errors;
  } else {
    result.min_edit_errors = n <= m ? MinEditDistance(hyp, ref, errors)
                                    : MinEditDistance(ref, hyp, errors);
  }
  return result;
}

int64_t Aligner::MinEditDistance(std::span<const uint32_t> text,
                                 std::span<const uint32_t> pattern,
                                 int64_t bound) {
  const auto n = static_cast<int64_t>(text.size());
  const auto m = static_cast<int64_t>(pattern.size());
  if (m == 0) return n;
  if (m > 64) {
    // The distance is at most `bound`, so only diagonals within
    // (bound - |n - m|) / 2 of those between the corners can be on an
    // optimal path (as in Align).
    const int64_t k = (bound - std::abs(n - m)) / 2;
    const int64_t lo = std::min<int64_t>(0, n - m) - k;
    const int64_t hi = std::max<int64_t>(0, n - m) + k;
    constexpr int32_t kFar = 1 << 29;
    for (int r = 0; r < 2; ++r) {
      if (lev_[r].size() < static_cast<size_t>(m + 2)) lev_[r].resize(m + 2);
    }
    int32_t* prev = lev_[0].data();
    int32_t* cur = lev_[1].data();
    const int64_t first_end = std::min(m, -lo);
    for (int64_t j = 0; j <= first_end; ++j) prev[j] = static_cast<int32_t>(j);
    prev[first_end + 1] = kFar;
    for (int64_t i = 1; i <= n; ++i) {
      const int64_t begin = std::max<int64_t>(0, i - hi);
      const int64_t end = std::min(m, i - lo);
      int32_t left = kFar;
      int64_t j = begin;
      if (begin == 0) {
        left = static_cast<int32_t>(i);
        cur[0] = left;
        j = 1;
      }
      for (; j <= end; ++j) {
        left = std::min({prev[j - 1] + (text[i - 1] != pattern[j - 1]),
                         prev[j] + 1, left + 1});
        cur[j] = left;
      }
      cur[end + 1] = kFar;
      std::swap(prev, cur);
    }
    return prev[m];
  }
  // Myers' bit-parallel algorithm (Hyyro's formulation for global distance):
  // one 64-bit word holds a whole DP column of the pattern. Peq[c] is looked
  // up in a small open-addressing table keyed by token id.
  constexpr size_t kSlots = 128;
  if (peq_keys_.size() != kSlots) {
    peq_keys_.assign(kSlots, 0);
    peq_masks_.assign(kSlots, 0);
  }
  auto slot_of = [&](uint32_t token) {
    size_t i = (token * 0x9E3779B1u) >> 25;  // top 7 bits: 0..127
    while (peq_masks_[i] != 0 && peq_keys_[i] != token)
      i = (i + 1) & (kSlots - 1);
    return i;
  };
  size_t used[64];
  size_t used_count = 0;
  for (size_t j = 0; j < pattern.size(); ++j) {
    const size_t i = slot_of(pattern[j]);
    if (peq_masks_[i] == 0) used[used_count++] = i;
    peq_keys_[i] = pattern[j];
    peq_masks_[i] |= 1ULL << j;
  }
  const uint64_t high = 1ULL << (m - 1);
  uint64_t pv = m == 64 ? ~0ULL : (1ULL << m) - 1;
  uint64_t mv = 0;
  int64_t score = m;
  for (uint32_t t : text) {
    const uint64_t eq = peq_masks_[slot_of(t)];
    const uint64_t xv = eq | mv;
    const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    if (ph & high) {
      ++score;
    } else if (mh & high) {
      --score;
    }
    ph = (ph << 1) | 1;  // the first row grows by one per text token
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  // Cleared by slot, not by lookup: emptying a slot would cut the probe
  // chain of the keys after it.
  for (size_t k = 0; k < used_count; ++k) peq_masks_[used[k]] = 0;
  return score;
}

std::vector<EditOp> SclitePath(std::span<const uint32_t> ref,
                               std::span<const uint32_t> hyp) {
  const size_t n = ref.size();
  const size_t m = hyp.size();
  const size_t w = m + 1;
  std::vector<int32_t> cost((n + 1) * w);
  std::vector<EditOp> back((n + 1) * w, EditOp::kCorrect);
  for (size_t b = 1; b <= m; ++b) {
    cost[b] = static_cast<int32_t>(b) * kIns;
    back[b] = EditOp::kInsertion;
  }
  for (size_t a = 1; a <= n; ++a) {
    cost[a * w] = static_cast<int32_t>(a) * kDel;
    back[a * w] = EditOp::kDeletion;
    for (size_t b = 1; b <= m; ++b) {
      const bool match = ref[a - 1] == hyp[b - 1];
      const int32_t sub = cost[(a - 1) * w + b - 1] + (match ? 0 : kSub);
      const int32_t del = cost[(a - 1) * w + b] + kDel;
      const int32_t ins = cost[a * w + b - 1] + kIns;
      size_t at = a * w + b;
      if (sub <= del && sub <= ins) {
        cost[at] = sub;
        back[at] = match ? EditOp::kCorrect : EditOp::kSubstitution;
      } else if (del < ins) {
        cost[at] = del;
        back[at] = EditOp::kDeletion;
      } else {
        cost[at] = ins;
        back[at] = EditOp::kInsertion;
      }
    }
  }
  std::vector<EditOp> path;
  size_t a = n;
  size_t b = m;
  while (a > 0 || b > 0) {
    const EditOp op = back[a * w + b];
    path.push_back(op);
    if (op == EditOp::kDeletion) {
      --a;
    } else if (op == EditOp::kInsertion) {
      --b;
    } else {
      --a;
      --b;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace mmgate::score
