#include "stats/pairing.h"

#include <string_view>
#include <unordered_map>

namespace mmgate::stats {
namespace {

// (suite, item id) viewed in place: pairing a million items builds no strings.
struct ItemKey {
  std::string_view suite, id;
  bool operator==(const ItemKey&) const = default;
};
struct ItemKeyHash {
  size_t operator()(const ItemKey& k) const {
    const size_t h = std::hash<std::string_view>{}(k.suite);
    return h ^ (std::hash<std::string_view>{}(k.id) + 0x9e3779b97f4a7c15 +
                (h << 6) + (h >> 2));
  }
};

ItemKey KeyOf(const store::ItemRecord& it) {
  return ItemKey{it.suite, it.item_id};
}

}  // namespace

bool Errored(const store::ItemResult& r) {
  return !r.response || r.response->error.has_value();
}

namespace {

// Two runs of the same suites list the same items in the same order (the
// store loads them by suite, line, id): then item i pairs with item i, and
// the result is the one the hash lookup below gives, without the hashing.
bool SameOrder(const std::vector<store::ItemResult>& baseline,
               const std::vector<store::ItemResult>& candidate) {
  if (baseline.size() != candidate.size()) return false;
  for (size_t i = 0; i < baseline.size(); ++i) {
    if (!(KeyOf(baseline[i].item) == KeyOf(candidate[i].item))) return false;
  }
  return true;
}

}  // namespace

Pairing PairItems(const std::vector<store::ItemResult>& baseline,
                  const std::vector<store::ItemResult>& candidate) {
  Pairing out;
  out.pairs.reserve(baseline.size());
  if (SameOrder(baseline, candidate)) {
    for (size_t i = 0; i < baseline.size(); ++i) {
      const store::ItemRecord& b = baseline[i].item;
      if (candidate[i].item.content_hash != b.content_hash) {
        out.unmatched.push_back(b.suite + "/" + b.item_id);
      } else {
        out.pairs.push_back({&baseline[i], &candidate[i]});
      }
    }
    return out;
  }
  std::unordered_map<ItemKey, size_t, ItemKeyHash> cand_index;
  cand_index.reserve(candidate.size());
  for (size_t i = 0; i < candidate.size(); ++i) {
    cand_index.emplace(KeyOf(candidate[i].item), i);
  }
  std::vector<char> in_baseline(candidate.size(), 0);
  for (const store::ItemResult& b : baseline) {
    auto found = cand_index.find(KeyOf(b.item));
    if (found != cand_index.end()) in_baseline[found->second] = 1;
    if (found == cand_index.end() ||
        candidate[found->second].item.content_hash != b.item.content_hash) {
      out.unmatched.push_back(b.item.suite + "/" + b.item.item_id);
      continue;
    }
    out.pairs.push_back({&b, &candidate[found->second]});
  }
  for (size_t i = 0; i < candidate.size(); ++i) {
    if (!in_baseline[i]) {
      const store::ItemRecord& it = candidate[i].item;
      out.unmatched.push_back(it.suite + "/" + it.item_id);
    }
  }
  return out;
}

}  // namespace mmgate::stats
