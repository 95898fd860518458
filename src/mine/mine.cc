#include "mine/mine.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>
#include <set>
#include <sstream>

#include "common/base64.h"
#include "common/files.h"
#include "common/hash.h"
#include "stats/rng.h"

namespace mmgate::mine {
namespace {

using nlohmann::json;

Result<double> Number(const std::string& name, std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return Status::Invalid(fmt::format("--signal {}: '{}' is not a number",
                                       name, std::string(text)));
  return v;
}

Result<Signal> ParseOne(const std::string& item) {
  const size_t colon = item.find(':');
  const std::string head = item.substr(0, colon);
  const bool has_arg = colon != std::string::npos;
  const std::string arg = has_arg ? item.substr(colon + 1) : "";
  Signal s;
  s.name = item;
  if (head == "thumbs_down" && !has_arg) {
    s.kind = SignalKind::kThumbsDown;
  } else if (head == "ticket") {
    s.kind = SignalKind::kTicket;
    s.tag = arg;
  } else if (head == "rating" && has_arg) {
    s.kind = SignalKind::kRating;
  } else if (head == "low_confidence") {
    s.kind = SignalKind::kLowConfidence;
    s.threshold = 0.5;
  } else if (head == "retries") {
    s.kind = SignalKind::kRetries;
    s.threshold = 1;
  } else {
    return Status::Invalid(fmt::format(
        "--signal: unknown signal '{}' (known: thumbs_down, rating:K, "
        "ticket[:TAG], low_confidence:T, retries:N)",
        item));
  }
  if (has_arg && s.kind != SignalKind::kTicket) {
    auto v = Number(item, arg);
    if (!v.ok()) return v.status();
    s.threshold = *v;
  }
  return s;
}

bool Fires(const Signal& s, const trace::TraceInputs& in) {
  const json& sig = in.signals;
  auto num = [&](const char* key, double* out) {
    auto it = sig.find(key);
    if (it == sig.end() || !it->is_number()) return false;
    *out = it->get<double>();
    return true;
  };
  double v = 0;
  switch (s.kind) {
    case SignalKind::kThumbsDown:
      return sig.value("thumbs_down", false) == true;
    case SignalKind::kRating:
      return num("rating", &v) && v <= s.threshold;
    case SignalKind::kTicket: {
      auto it = sig.find("ticket_tag");
      if (it == sig.end() || !it->is_string() || it->get<std::string>().empty())
        return false;
      return s.tag.empty() || it->get<std::string>() == s.tag;
    }
    case SignalKind::kLowConfidence:
      if (in.confidence >= 0) return in.confidence < s.threshold;
      return num("confidence", &v) && v < s.threshold;
    case SignalKind::kRetries:
      return num("retries", &v) && v >= s.threshold;
  }
  return false;
}

// The sha256 of each medium's bytes, or why they cannot be read.
Result<std::vector<std::string>> MediaDigests(const trace::TraceInputs& in) {
  std::string reason = trace::NotReplayableReason(in);
  if (!reason.empty()) return Status::NotFound(reason);
  std::vector<std::string> out;
  for (size_t i = 0; i < in.media.size(); ++i) {
    const trace::TraceMedia& m = in.media[i];
    if (!m.base64.empty()) {
      auto bytes = Base64Decode(m.base64);
      if (!bytes.ok())
        return Status::Invalid(fmt::format("media[{}]: inline base64: {}", i,
                                           bytes.status().message()));
      out.push_back(Sha256Hex(*bytes));
    } else {
      auto bytes = ReadFile(m.abs_path);
      if (!bytes.ok())
        return Status::NotFound(
            fmt::format("media {}: {}", m.path, bytes.status().message()));
      out.push_back(Sha256Hex(*bytes));
    }
  }
  return out;
}

// Text-only traces have no media bytes: their prompt stands in.
std::string DedupKey(const MinedTrace& t) {
  if (t.media_sha256.empty())
    return "text:" + Sha256Hex(t.inputs.modality + "\n" + t.inputs.prompt);
  std::string key;
  for (const std::string& d : t.media_sha256) key += d + "+";
  return key;
}

std::string StratumKey(const trace::TraceInputs& in) {
  auto slices = in.slices;
  std::sort(slices.begin(), slices.end());
  std::string key = in.modality;
  for (const auto& [k, v] : slices) key += "|" + k + "=" + v;
  return key;
}

}  // namespace

Result<std::vector<Signal>> ParseSignals(const std::string& list) {
  std::vector<Signal> out;
  std::set<std::string> seen;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    auto s = ParseOne(item);
    if (!s.ok()) return s.status();
    if (seen.insert(s->name).second) out.push_back(std::move(*s));
  }
  if (out.empty()) return Status::Invalid("--signal: no signal given");
  return out;
}

std::vector<int64_t> Allocate(const std::vector<int64_t>& sizes, int64_t max) {
  const size_t n = sizes.size();
  std::vector<int64_t> take(n, 0);
  const int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  if (max <= 0 || max >= total) return sizes;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  if (max < static_cast<int64_t>(n)) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
    for (int64_t i = 0; i < max; ++i) take[order[i]] = 1;
    return take;
  }
  // One each, then the rest in proportion to what is left of each stratum.
  int64_t rest = max - static_cast<int64_t>(n), left = total - n;
  std::vector<double> frac(n, 0);
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const double share = static_cast<double>(rest) *
                         static_cast<double>(sizes[i] - 1) /
                         static_cast<double>(left);
    take[i] = 1 + static_cast<int64_t>(share);
    frac[i] = share - static_cast<double>(take[i] - 1);
    given += take[i] - 1;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return frac[a] > frac[b]; });
  for (size_t i = 0; given < rest && i < n; ++i) {
    if (take[order[i]] >= sizes[order[i]]) continue;
    ++take[order[i]];
    ++given;
  }
  return take;
}

Result<MineResult> Mine(const std::vector<store::TraceRecord>& traces,
                        const MineOptions& opt) {
  MineResult r;
  for (const Signal& s : opt.signals) r.per_signal[s.name] = 0;
  std::map<std::string, std::string> first_by_key;  // dedup key -> trace id
  std::set<std::string> ids;
  std::vector<MinedTrace> unique;
  for (const store::TraceRecord& rec : traces) {
    ++r.traces;
    auto in = trace::ParseInputs(rec);
    if (!in.ok()) return in.status();
    MinedTrace t{rec, std::move(*in), {}, {}, {}};
    for (const Signal& s : opt.signals)
      if (Fires(s, t.inputs)) t.fired.push_back(s.name);
    if (t.fired.empty()) continue;
    ++r.selected;
    for (const std::string& f : t.fired) ++r.per_signal[f];
    auto digests = MediaDigests(t.inputs);
    if (!digests.ok()) {
      r.missing_media.push_back({rec.trace_id, digests.status().message()});
      continue;
    }
    t.media_sha256 = std::move(*digests);
    const std::string key = DedupKey(t);
    if (ids.contains(rec.trace_id)) {  // the same trace logged twice
      r.duplicates.push_back({rec.trace_id, rec.trace_id});
      continue;
    }
    auto [it, fresh] = first_by_key.emplace(key, rec.trace_id);
    if (!fresh) {
      r.duplicates.push_back({rec.trace_id, it->second});
      continue;
    }
    ids.insert(rec.trace_id);
    t.stratum = StratumKey(t.inputs);
    unique.push_back(std::move(t));
  }
  r.unique = static_cast<int64_t>(unique.size());

  std::map<std::string, std::vector<size_t>> members;  // key -> indexes
  for (size_t i = 0; i < unique.size(); ++i)
    members[unique[i].stratum].push_back(i);
  std::vector<int64_t> sizes;
  for (const auto& [k, m] : members) sizes.push_back(std::ssize(m));
  const std::vector<int64_t> take = Allocate(sizes, opt.max);
  stats::Xoshiro256 rng(opt.seed);
  std::vector<size_t> chosen;
  size_t s = 0;
  for (auto& [key, m] : members) {
    const MinedTrace& first = unique[m[0]];
    auto slices = first.inputs.slices;
    std::sort(slices.begin(), slices.end());
    r.strata.push_back(
        {key, first.inputs.modality, slices, std::ssize(m), take[s]});
    // Partial Fisher-Yates: the first take[s] places are a uniform draw.
    for (int64_t i = 0; i < take[s]; ++i) {
      const size_t j = i + rng.Next() % (m.size() - i);
      std::swap(m[i], m[j]);
      chosen.push_back(m[i]);
    }
    ++s;
  }
  std::sort(chosen.begin(), chosen.end());
  for (size_t i : chosen) r.sample.push_back(std::move(unique[i]));
  return r;
}

}  // namespace mmgate::mine
