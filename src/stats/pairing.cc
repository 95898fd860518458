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

// The fields pairing reads, of either item type.
ItemKey KeyOf(const store::ItemResult& r) {
  return ItemKey{r.item.suite, r.item.item_id};
}
ItemKey KeyOf(const store::GateItem& r) { return ItemKey{r.suite, r.item_id}; }
std::string_view ContentHash(const store::ItemResult& r) {
  return r.item.content_hash;
}
std::string_view ContentHash(const store::GateItem& r) {
  return r.content_hash;
}

std::string Name(const ItemKey& k) {
  return std::string(k.suite).append("/").append(k.id);
}

// Two runs of the same suites list the same items in the same order (the
// store loads them by suite, line, id): then item i pairs with item i, and
// the result is the one the hash lookup below gives, without the hashing.
template <typename Item>
bool SameOrder(const std::vector<Item>& baseline,
               const std::vector<Item>& candidate) {
  if (baseline.size() != candidate.size()) return false;
  for (size_t i = 0; i < baseline.size(); ++i) {
    if (!(KeyOf(baseline[i]) == KeyOf(candidate[i]))) return false;
  }
  return true;
}

}  // namespace

bool Errored(const store::ItemResult& r) {
  return !r.response || r.response->error.has_value();
}

template <typename Item>
Pairing<Item> PairItems(const std::vector<Item>& baseline,
                        const std::vector<Item>& candidate) {
  Pairing<Item> out;
  out.pairs.reserve(baseline.size());
  if (SameOrder(baseline, candidate)) {
    for (size_t i = 0; i < baseline.size(); ++i) {
      if (ContentHash(candidate[i]) != ContentHash(baseline[i])) {
        out.unmatched.push_back(Name(KeyOf(baseline[i])));
      } else {
        out.pairs.push_back({&baseline[i], &candidate[i]});
      }
    }
    return out;
  }
  std::unordered_map<ItemKey, size_t, ItemKeyHash> cand_index;
  cand_index.reserve(candidate.size());
  for (size_t i = 0; i < candidate.size(); ++i) {
    cand_index.emplace(KeyOf(candidate[i]), i);
  }
  std::vector<char> in_baseline(candidate.size(), 0);
  for (const Item& b : baseline) {
    auto found = cand_index.find(KeyOf(b));
    if (found != cand_index.end()) in_baseline[found->second] = 1;
    if (found == cand_index.end() ||
        ContentHash(candidate[found->second]) != ContentHash(b)) {
      out.unmatched.push_back(Name(KeyOf(b)));
      continue;
    }
    out.pairs.push_back({&b, &candidate[found->second]});
  }
  for (size_t i = 0; i < candidate.size(); ++i) {
    if (!in_baseline[i]) out.unmatched.push_back(Name(KeyOf(candidate[i])));
  }
  return out;
}

template Pairing<store::ItemResult> PairItems(
    const std::vector<store::ItemResult>&,
    const std::vector<store::ItemResult>&);
template Pairing<store::GateItem> PairItems(
    const std::vector<store::GateItem>&, const std::vector<store::GateItem>&);

}  // namespace mmgate::stats
