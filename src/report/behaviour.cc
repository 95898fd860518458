#include "report/behaviour.h"

#include <fmt/format.h>

#include <vector>

namespace mmgate::report {
namespace {

using nlohmann::json;

json Rate(int64_t k, int64_t n) {
  return n > 0 ? json(static_cast<double>(k) / static_cast<double>(n))
               : json(nullptr);
}

std::string Frac(int64_t k, int64_t n) {
  if (n == 0) return "-";
  return fmt::format("{}/{} ({:.0f}%)", k, n, 100.0 * k / n);
}

// "label baseline -> candidate" for each measure the suite has.
std::vector<std::string> Measures(const gate::SuiteVerdict& v) {
  const gate::Behaviour& b = v.baseline_behaviour;
  const gate::Behaviour& c = v.candidate_behaviour;
  std::vector<std::string> out;
  auto add = [&](const std::string& label, int64_t bk, int64_t bn, int64_t ck,
                 int64_t cn) {
    if (bn == 0 && cn == 0) return;
    out.push_back(
        fmt::format("{} {} -> {}", label, Frac(bk, bn), Frac(ck, cn)));
  };
  add("hallucination on unanswerable items", b.hallucinated, b.abstain_items,
      c.hallucinated, c.abstain_items);
  if (b.abstain_items + c.abstain_items > 0) {
    add("over-refusal on answerable items", b.over_refused, b.answerable_items,
        c.over_refused, c.answerable_items);
  }
  add("ungrounded answers", b.ungrounded, b.grounding_items, c.ungrounded,
      c.grounding_items);
  add("conflict policy not followed", b.conflict_failed, b.conflict_items,
      c.conflict_failed, c.conflict_items);
  add("code hallucination", b.code_hallucinated, b.code_items,
      c.code_hallucinated, c.code_items);
  for (const auto& [type, bt] : b.types) {
    auto ct = c.types.find(type);
    const std::pair<int64_t, int64_t> cv =
        ct == c.types.end() ? std::pair<int64_t, int64_t>{0, 0} : ct->second;
    add("hallucination type " + type, bt.second, bt.first, cv.second, cv.first);
  }
  return out;
}

}  // namespace

json BehaviourJson(const gate::Behaviour& b) {
  json types = json::object();
  for (const auto& [type, nh] : b.types) {
    types[type] = {{"n", nh.first},
                   {"hallucinated", nh.second},
                   {"rate", Rate(nh.second, nh.first)}};
  }
  return {{"abstain_items", b.abstain_items},
          {"hallucinated", b.hallucinated},
          {"hallucination_rate", Rate(b.hallucinated, b.abstain_items)},
          {"answerable_items", b.answerable_items},
          {"over_refused", b.over_refused},
          {"over_refusal_rate", Rate(b.over_refused, b.answerable_items)},
          {"hallucination_types", types},
          {"grounding",
           {{"n", b.grounding_items},
            {"ungrounded", b.ungrounded},
            {"ungrounded_rate", Rate(b.ungrounded, b.grounding_items)}}},
          {"conflict",
           {{"n", b.conflict_items},
            {"failed", b.conflict_failed},
            {"failure_rate", Rate(b.conflict_failed, b.conflict_items)}}},
          {"code",
           {{"n", b.code_items},
            {"hallucinated", b.code_hallucinated},
            {"rate", Rate(b.code_hallucinated, b.code_items)}}}};
}

std::string BehaviourTerminal(const gate::SuiteVerdict& v) {
  std::string out;
  for (const std::string& m : Measures(v)) out += "    " + m + "\n";
  return out;
}

std::string BehaviourMarkdown(const gate::SuiteVerdict& v) {
  std::string out;
  for (const std::string& m : Measures(v)) out += "- " + m + "\n";
  return out.empty() ? "" : "\n" + out;
}

}  // namespace mmgate::report
