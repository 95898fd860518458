#include "score/align.h"

#include <algorithm>

namespace mmgate::score {
namespace {

// sclite's word weights (wwd_WORD in its sources).
constexpr int32_t kSub = 4;
constexpr int32_t kIns = 3;
constexpr int32_t kDel = 3;

}  // namespace

AlignmentResult Aligner::Align(std::span<const uint32_t> ref,
                               std::span<const uint32_t> hyp) {
  const size_t n = ref.size();
  const size_t m = hyp.size();
  for (int r = 0; r < 2; ++r) {
    if (cost_[r].size() < m + 1) {
      cost_[r].resize(m + 1);
      subs_[r].resize(m + 1);
      lev_[r].resize(m + 1);
    }
  }
  int32_t* prev_cost = cost_[0].data();
  int32_t* prev_subs = subs_[0].data();
  int32_t* prev_lev = lev_[0].data();
  int32_t* cur_cost = cost_[1].data();
  int32_t* cur_subs = subs_[1].data();
  int32_t* cur_lev = lev_[1].data();
  for (size_t b = 0; b <= m; ++b) {
    prev_cost[b] = static_cast<int32_t>(b) * kIns;
    prev_subs[b] = 0;
    prev_lev[b] = static_cast<int32_t>(b);
  }
  const uint32_t* h = hyp.data();
  for (size_t a = 1; a <= n; ++a) {
    const uint32_t r = ref[a - 1];
    cur_cost[0] = static_cast<int32_t>(a) * kDel;
    cur_subs[0] = 0;
    cur_lev[0] = static_cast<int32_t>(a);
    for (size_t b = 1; b <= m; ++b) {
      const int32_t mismatch = r != h[b - 1];
      const int32_t sub = prev_cost[b - 1] + mismatch * kSub;
      const int32_t del = prev_cost[b] + kDel;
      const int32_t ins = cur_cost[b - 1] + kIns;
      // sclite prefers the diagonal on ties, then deletion only when strictly
      // cheaper than insertion (net_dp.c: calculate_internal_cells).
      int32_t cost;
      int32_t subs;
      if (sub <= del && sub <= ins) {
        cost = sub;
        subs = prev_subs[b - 1] + mismatch;
      } else if (del < ins) {
        cost = del;
        subs = prev_subs[b];
      } else {
        cost = ins;
        subs = cur_subs[b - 1];
      }
      cur_cost[b] = cost;
      cur_subs[b] = subs;
      cur_lev[b] = std::min(
          {prev_lev[b - 1] + mismatch, prev_lev[b] + 1, cur_lev[b - 1] + 1});
    }
    std::swap(prev_cost, cur_cost);
    std::swap(prev_subs, cur_subs);
    std::swap(prev_lev, cur_lev);
  }
  // Along any path: C + S + D = n, C + S + I = m, cost = 4S + 3(D + I).
  const int64_t cost = prev_cost[m];
  const int64_t s = prev_subs[m];
  const int64_t d_plus_i = (cost - kSub * s) / kIns;
  const int64_t d_minus_i = static_cast<int64_t>(n) - static_cast<int64_t>(m);
  AlignmentResult result;
  result.sclite.substitutions = s;
  result.sclite.deletions = (d_plus_i + d_minus_i) / 2;
  result.sclite.insertions = (d_plus_i - d_minus_i) / 2;
  result.sclite.correct = static_cast<int64_t>(n) - s - result.sclite.deletions;
  result.min_edit_errors = prev_lev[m];
  return result;
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
