// Attribution (steps.h): when strata of different slice keys share items, a
// drop on one value shows up on every stratum that holds enough of its
// items. A blocked stratum is a cause unless removing the items of a more
// severe cause takes its block away; then it is "explained by" that cause.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "gate/steps.h"

namespace mmgate::gate {
namespace {

struct Blocked {
  Stratum* s;
  const std::vector<uint32_t>* items;
};

std::vector<uint32_t> Without(const std::vector<uint32_t>& from,
                              const std::vector<uint32_t>& drop) {
  std::vector<uint32_t> a = from, b = drop, out;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

// Whether `b`, measured on `rest` (without a cause's items) at its own level,
// still blocks. In `block: significance` the remainder's p is corrected at b's
// Bonferroni level, the most b was ever allowed.
bool StillBlocks(const SuiteWork& w, const Blocked& b,
                 const std::vector<uint32_t>& rest, const Policy& policy) {
  Stratum sub;
  sub.key = b.s->key;
  sub.value = b.s->value;
  sub.level = b.s->level;
  sub.gated = true;
  MeasureItems(w, rest, policy, &sub);
  const double alpha = w.v.thresholds.alpha;
  sub.p_adjusted = std::min(1.0, sub.p * alpha / sub.level);
  return Blocks(w.v, sub, MarginOf(w.v, *b.s, policy), policy);
}

}  // namespace

void Attribute(SuiteWork* w, const Policy& policy) {
  SuiteVerdict& v = w->v;
  std::vector<Stratum*> all = {&v.total};
  for (Stratum& s : v.slices) all.push_back(&s);
  for (Stratum& s : v.difficulty) all.push_back(&s);
  const auto items = StratumItems(*w);
  std::vector<Blocked> blocked;
  for (size_t i = 0; i < all.size() && i < items.size(); ++i) {
    if (all[i]->status == StratumStatus::kBlock)
      blocked.push_back({all[i], items[i]});
  }
  if (blocked.size() < 2) return;
  // Most severe first: the largest oriented drop, then the most specific.
  const double sign = v.higher_is_better ? 1 : -1;
  std::stable_sort(blocked.begin(), blocked.end(),
                   [&](const Blocked& a, const Blocked& b) {
                     return std::make_tuple(sign * a.s->delta, a.s->n) <
                            std::make_tuple(sign * b.s->delta, b.s->n);
                   });
  std::vector<Blocked> causes;
  for (const Blocked& b : blocked) {
    for (const Blocked& c : causes) {
      // A whole suite explains nothing (it holds everything), and the
      // values of one key never share items.
      if (c.s->key.empty() || c.s->key == b.s->key) continue;
      std::vector<uint32_t> rest = Without(*b.items, *c.items);
      if (rest.size() == b.items->size()) continue;
      if (StillBlocks(*w, b, rest, policy)) continue;
      b.s->explained_by = Label(v, *c.s);
      b.s->reasons.push_back(fmt::format(
          "{}: explained by {}: without its {} shared items the drop is no "
          "longer beyond the margin",
          Label(v, *b.s), b.s->explained_by, b.items->size() - rest.size()));
      break;
    }
    if (b.s->explained_by.empty()) causes.push_back(b);
  }
}

}  // namespace mmgate::gate
