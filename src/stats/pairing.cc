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

Pairing PairItems(const std::vector<store::ItemResult>& baseline,
                  const std::vector<store::ItemResult>& candidate) {
  Pairing out;
  std::unordered_map<ItemKey, size_t, ItemKeyHash> cand_index;
  cand_index.reserve(candidate.size());
  for (size_t i = 0; i < candidate.size(); ++i) {
    cand_index.emplace(KeyOf(candidate[i].item), i);
  }
  std::vector<char> in_baseline(candidate.size(), 0);
  out.pairs.reserve(baseline.size());
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
