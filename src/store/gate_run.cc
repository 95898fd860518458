#include "store/gate_run.h"

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>

namespace mmgate::store {

// Blocks of a few MiB, never moved or freed before the run: the views point
// into them. GateSlice and GateScore are trivially destructible, so they
// live in the same blocks.
struct GateRun::Storage {
  static constexpr size_t kBlock = size_t{4} << 20;

  std::vector<std::unique_ptr<char[]>> blocks;
  char* cur = nullptr;
  size_t left = 0;
  std::unordered_set<std::string_view> interned;

  void* Alloc(size_t n, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(cur) % align) % align;
    if (cur == nullptr || pad + n > left) {
      const size_t size = std::max(kBlock, n + align);
      blocks.push_back(std::make_unique_for_overwrite<char[]>(size));
      cur = blocks.back().get();
      left = size;
      pad = (align - reinterpret_cast<uintptr_t>(cur) % align) % align;
    }
    char* p = cur + pad;
    cur = p + n;
    left -= pad + n;
    return p;
  }
};

GateRun::GateRun() : storage_(std::make_unique<Storage>()) {}
GateRun::~GateRun() = default;
GateRun::GateRun(GateRun&&) noexcept = default;
GateRun& GateRun::operator=(GateRun&&) noexcept = default;

std::string_view GateRun::Copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = static_cast<char*>(storage_->Alloc(s.size(), 1));
  std::copy(s.begin(), s.end(), p);
  return {p, s.size()};
}

std::string_view GateRun::Intern(std::string_view s) {
  if (s.empty()) return {};
  auto found = storage_->interned.find(s);
  if (found != storage_->interned.end()) return *found;
  const std::string_view copy = Copy(s);
  storage_->interned.insert(copy);
  return copy;
}

std::string_view GateRun::Intern(std::string_view s, std::string_view* last) {
  if (*last != s) *last = Intern(s);
  return *last;
}

std::span<const GateSlice> GateRun::Slices(std::vector<GateSlice> slices) {
  if (slices.empty()) return {};
  void* p =
      storage_->Alloc(sizeof(GateSlice) * slices.size(), alignof(GateSlice));
  GateSlice* out = static_cast<GateSlice*>(p);
  for (size_t i = 0; i < slices.size(); ++i) new (out + i) GateSlice(slices[i]);
  return {out, slices.size()};
}

std::span<GateScore> GateRun::Scores(size_t n) {
  if (n == 0) return {};
  void* p = storage_->Alloc(sizeof(GateScore) * n, alignof(GateScore));
  GateScore* out = static_cast<GateScore*>(p);
  for (size_t i = 0; i < n; ++i) new (out + i) GateScore();
  return {out, n};
}

void GateRun::Add(const ItemResult& r) {
  const ItemRecord& it = r.item;
  GateItem& g = items.emplace_back();
  g.suite = Intern(it.suite);
  g.item_id = Copy(it.item_id);
  g.content_hash = Copy(it.content_hash);
  g.modality = Intern(it.modality);
  g.metric = Intern(it.metric);
  g.group = Intern(it.group);
  g.expect = Intern(it.expect);
  std::vector<GateSlice> slices;
  for (const auto& [k, v] : it.slices) slices.push_back({Intern(k), Intern(v)});
  g.slices = Slices(std::move(slices));
  g.line = it.line;
  if (r.response) {
    const ResponseRecord& x = *r.response;
    g.has_response = true;
    g.has_answer = x.answer.has_value();
    if (g.has_answer) g.answer = Copy(*x.answer);
    g.has_error = x.error.has_value();
    if (g.has_error) g.error = Copy(*x.error);
    g.flaky = x.flaky;
    g.schema_valid = x.schema_valid;
    g.error_kind = Intern(x.error_kind);
    g.template_hash = Intern(x.template_hash);
    g.latency_ms = x.latency_ms;
    g.cost_usd = x.cost_usd;
    g.input_tokens = x.input_tokens;
    g.output_tokens = x.output_tokens;
    g.n_attempts = x.n_attempts;
  }
  std::span<GateScore> scores = Scores(r.scores.size());
  size_t i = 0;
  for (const auto& [metric, s] : r.scores) {
    scores[i++] = GateScore{
        Intern(metric), s.value, s.numerator, s.denominator,
        KeepsScoreDetail(metric) ? Copy(s.detail) : std::string_view()};
  }
  g.scores = scores;
}

GateRun GateRun::Of(const std::vector<ItemResult>& results) {
  GateRun run;
  run.items.reserve(results.size());
  for (const ItemResult& r : results) run.Add(r);
  return run;
}

}  // namespace mmgate::store
