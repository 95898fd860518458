#include "backfill/flips.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <type_traits>

#include "stats/paired.h"

namespace mmgate::backfill {
namespace {

constexpr double kZ = 1.959963984540054;

// Wilson's score interval for rate p at (effective) sample size n.
std::pair<double, double> Wilson(double p, double n) {
  if (n <= 0) return {0, 1};
  const double z2 = kZ * kZ;
  const double denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half =
      kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

// The stratified ratio estimate of a domain's event rate: m[h] members of
// the domain among n[h] answered traces of stratum h, a[h] with the event.
RateEstimate Estimate(const std::vector<int64_t>& m,
                      const std::vector<int64_t>& a,
                      const std::vector<int64_t>& n,
                      const std::vector<int64_t>& N) {
  RateEstimate e;
  double nd = 0, y = 0, fpc_members = 0;
  for (size_t h = 0; h < m.size(); ++h) {
    if (n[h] == 0 || m[h] == 0) continue;
    const double w = static_cast<double>(N[h]) / n[h];
    nd += w * m[h];
    y += w * a[h];
    e.n += m[h];
    e.events += a[h];
    fpc_members += m[h] * (1 - static_cast<double>(n[h]) / N[h]);
  }
  if (e.n == 0) return e;
  const double p = y / nd;
  double var = 0;
  for (size_t h = 0; h < m.size(); ++h) {
    if (n[h] < 2 || m[h] == 0) continue;
    const double w = static_cast<double>(N[h]) / n[h] / nd;
    const double su = w * (a[h] - m[h] * p);
    const double su2 =
        w * w * (a[h] * (1 - p) * (1 - p) + (m[h] - a[h]) * p * p);
    const double f = static_cast<double>(n[h]) / N[h];
    var += (1 - f) * n[h] / (n[h] - 1.0) * (su2 - su * su / n[h]);
  }
  e.rate = p;
  e.population = nd;
  if (fpc_members <= 0) {  // every stratum replayed whole: no sampling error
    e.lo = e.hi = p;
  } else {
    // With no spread (p 0 or 1), the domain size corrected for the share
    // of the history it covers.
    const double neff =
        var > 0 ? p * (1 - p) / var : e.n * e.n / std::max(1e-9, fpc_members);
    std::tie(e.lo, e.hi) = Wilson(p, std::max(1.0, neff));
  }
  e.count = p * nd;
  e.count_lo = e.lo * nd;
  e.count_hi = e.hi * nd;
  return e;
}

}  // namespace

void NormalizeDecisionInto(std::string_view d, std::string* out) {
  size_t b = 0, e = d.size();
  while (b < e && std::isspace(static_cast<unsigned char>(d[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(d[e - 1]))) --e;
  out->assign(d.substr(b, e - b));
  // ASCII by hand: std::tolower is a call per character.
  for (char& c : *out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

std::string NormalizeDecision(const std::string& d) {
  std::string out;
  NormalizeDecisionInto(d, &out);
  return out;
}

std::pair<std::string, double> ParseCandidateAnswer(const std::string& answer) {
  if (answer.empty() || answer.find('{') == std::string::npos)
    return {answer, -1};
  nlohmann::json j = nlohmann::json::parse(answer, nullptr, false);
  if (!j.is_object() || !j.contains("decision") || !j["decision"].is_string())
    return {answer, -1};
  double conf = -1;
  if (j.contains("confidence") && j["confidence"].is_number())
    conf = j["confidence"].get<double>();
  return {j["decision"].get<std::string>(), conf};
}

FlipAnalyzer::FlipAnalyzer(std::map<StratumKey, int64_t> population,
                           int64_t period_weeks,
                           std::map<std::string, double> stakes,
                           std::map<std::string, std::string> labels)
    : population_(std::move(population)),
      period_weeks_(period_weeks),
      stakes_(std::move(stakes)),
      labels_(std::move(labels)) {}

void FlipAnalyzer::SetPopulation(std::map<StratumKey, int64_t> population) {
  population_ = std::move(population);
}

int FlipAnalyzer::Intern(const std::string& s) {
  auto [it, fresh] =
      decision_ids_.try_emplace(s, static_cast<int>(decisions_.size()));
  if (fresh) decisions_.push_back(s);
  return it->second;
}

int FlipAnalyzer::StratumOf(const Replayed& r) {
  StratumKey key{r.category, PeriodOf(r.created_ms, period_weeks_)};
  auto [it, fresh] =
      stratum_ids_.try_emplace(key, static_cast<int>(stratum_n_.size()));
  if (fresh) stratum_n_.push_back(0);
  return it->second;
}

void FlipAnalyzer::AddTo(int group, int stratum, int old_id, int new_id,
                         bool flip, bool has_gt, bool negative, bool new_right,
                         bool old_right) {
  // The cells keep addresses of matrix entries: moving a group (as groups_
  // grows) must move its map's nodes, never copy them.
  static_assert(std::is_nothrow_move_constructible_v<Group>);
  Group& g = groups_[group];
  if (g.cells.size() <= static_cast<size_t>(stratum))
    g.cells.resize(stratum + 1);
  Cell& c = g.cells[stratum];
  ++c.m;
  c.a += flip;
  if (has_gt) {
    ++c.m_gt;
    c.a_neg += negative;
    c.old_only += old_right && !new_right;
    c.new_only += new_right && !old_right;
  }
  const uint64_t key = static_cast<uint64_t>(old_id) |
                       static_cast<uint64_t>(new_id) << 24 |
                       static_cast<uint64_t>(stratum) << 48;
  if (old_id >= kFewDecisions || new_id >= kFewDecisions) {
    ++g.matrix[key];
    return;
  }
  // The matrix entry is looked up once per cell and pair: its address stays
  // valid as the map grows (its nodes do not move), and the map gets its
  // entries in the same order as without this shortcut.
  const size_t pair = static_cast<size_t>(old_id * kFewDecisions + new_id);
  if (c.pairs.empty()) c.pairs.assign(kFewDecisions * kFewDecisions, nullptr);
  if (!c.pairs[pair]) c.pairs[pair] = &g.matrix[key];
  ++*c.pairs[pair];
}

int FlipAnalyzer::GroupOf(size_t slot, std::string_view prefix,
                          std::string_view dim, std::string_view value) {
  if (last_.size() <= slot) last_.resize(slot + 1);
  LastGroup& last = last_[slot];
  if (last.id >= 0 && last.dim == dim && last.value == value) return last.id;
  // The group's key is built in a reused buffer: no allocation per trace
  // once every group has been seen.
  const uint32_t n = static_cast<uint32_t>(prefix.size() + dim.size());
  key_.assign(reinterpret_cast<const char*>(&n), sizeof n);
  key_.append(prefix).append(dim).append(value);
  auto it = group_ids_.find(key_);
  if (it == group_ids_.end()) {
    it = group_ids_.emplace(key_, static_cast<int>(groups_.size())).first;
    groups_.push_back(
        {std::string(prefix) + std::string(dim), std::string(value), {}, {}});
  }
  last.dim.assign(dim);
  last.value.assign(value);
  last.id = it->second;
  return it->second;
}

void FlipAnalyzer::Add(const Replayed& r) {
  ++report_.drawn;
  const int h = StratumOf(r);
  if (!r.new_decision) return;
  ++report_.answered;
  ++stratum_n_[h];
  NormalizeDecisionInto(r.old_decision, &old_n_);
  NormalizeDecisionInto(*r.new_decision, &new_n_);
  NormalizeDecisionInto(r.ground_truth, &gt_n_);
  const bool flip = old_n_ != new_n_;
  const bool has_gt = !gt_n_.empty();
  const bool old_right = has_gt && old_n_ == gt_n_;
  const bool new_right = has_gt && new_n_ == gt_n_;
  const int old_id = Intern(old_n_), new_id = Intern(new_n_);
  // Each group is remembered by its slot (all, category, modality, the
  // trace's n-th slice), which consecutive traces often share.
  size_t slot = 0;
  auto add = [&](std::string_view prefix, std::string_view dim,
                 std::string_view value) {
    AddTo(GroupOf(slot++, prefix, dim, value), h, old_id, new_id, flip, has_gt,
          old_right && !new_right, new_right, old_right);
  };
  add("all", "", "");
  add("category", "", r.category);
  add("modality", "", r.modality);
  for (const auto& [k, v] : r.slices) add("slice:", k, v);
  if (!flip) return;
  auto st = stakes_.find(r.category);
  report_.contested.push_back({r.trace_id, r.created_ms, r.category, r.modality,
                               st == stakes_.end() ? 1.0 : st->second,
                               r.old_decision, *r.new_decision, r.ground_truth,
                               r.production_confidence, r.candidate_confidence,
                               old_right && !new_right, r.slices});
  auto label = labels_.find(r.trace_id);
  if (label == labels_.end()) return;
  if (review_.cells.size() <= static_cast<size_t>(h))
    review_.cells.resize(h + 1);
  ++review_.cells[h].m;
  review_.cells[h].a += label->second == "new";
}

GroupFlips FlipAnalyzer::Summarize(const Group& g) const {
  const size_t H = stratum_n_.size();
  std::vector<int64_t> m(H), a(H), mg(H), an(H);
  stats::PairedCounts pc;
  for (size_t h = 0; h < g.cells.size(); ++h) {
    const Cell& c = g.cells[h];
    m[h] = c.m;
    a[h] = c.a;
    mg[h] = c.m_gt;
    an[h] = c.a_neg;
    pc.n10 += c.old_only;
    pc.n01 += c.new_only;
  }
  GroupFlips out;
  out.dimension = g.dimension;
  out.value = g.value;
  out.flip = Estimate(m, a, stratum_n_, stratum_N_);
  out.negative_flip = Estimate(mg, an, stratum_n_, stratum_N_);
  out.old_right_new_wrong = pc.n10;
  out.old_wrong_new_right = pc.n01;
  auto mc = stats::McNemarExact(pc);
  if (mc.ok()) out.mcnemar_p = mc->p_two_sided;
  std::map<std::pair<int, int>, MatrixCell> cells;
  for (const auto& [key, count] : g.matrix) {
    const int o = static_cast<int>(key & 0xFFFFFF);
    const int n = static_cast<int>((key >> 24) & 0xFFFFFF);
    const size_t h = key >> 48;
    MatrixCell& c = cells[{o, n}];
    c.n += count;
    c.estimated += static_cast<double>(stratum_N_[h]) * count / stratum_n_[h];
  }
  for (auto& [on, c] : cells) {
    c.old_decision = decisions_[on.first];
    c.new_decision = decisions_[on.second];
    out.matrix.push_back(std::move(c));
  }
  std::stable_sort(
      out.matrix.begin(), out.matrix.end(),
      [](const MatrixCell& x, const MatrixCell& y) { return x.n > y.n; });
  return out;
}

FlipReport FlipAnalyzer::Finish() {
  // The history's size is known only now when it was counted while the
  // replays streamed in.
  for (const auto& [k, v] : population_) report_.population += v;
  stratum_N_.assign(stratum_n_.size(), 0);
  for (const auto& [key, h] : stratum_ids_) {
    auto pop = population_.find(key);
    if (pop != population_.end()) stratum_N_[h] = pop->second;
  }
  report_.uncovered = report_.population;
  for (const auto& [key, h] : stratum_ids_)
    if (stratum_n_[h] > 0) report_.uncovered -= stratum_N_[h];
  std::vector<size_t> order(groups_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto rank = [](const std::string& d) {
    return d == "all" ? 0 : d == "category" ? 1 : d == "modality" ? 2 : 3;
  };
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Group &a = groups_[x], &b = groups_[y];
    return std::tuple(rank(a.dimension), a.dimension, a.value) <
           std::tuple(rank(b.dimension), b.dimension, b.value);
  });
  for (size_t i : order) report_.groups.push_back(Summarize(groups_[i]));
  std::vector<int64_t> m(stratum_n_.size()), a(stratum_n_.size());
  for (size_t h = 0; h < review_.cells.size(); ++h) {
    m[h] = review_.cells[h].m;
    a[h] = review_.cells[h].a;
  }
  report_.review = Estimate(m, a, stratum_n_, stratum_N_);
  std::sort(report_.contested.begin(), report_.contested.end(),
            [](const Contested& x, const Contested& y) {
              return std::tuple(-x.stakes, -x.candidate_confidence,
                                x.trace_id) <
                     std::tuple(-y.stakes, -y.candidate_confidence, y.trace_id);
            });
  return std::move(report_);
}

}  // namespace mmgate::backfill
