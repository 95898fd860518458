#include "score/grounding.h"

#include <fmt/format.h>

#include <algorithm>

#include "score/abstention.h"
#include "score/unicode.h"

namespace mmgate::score {
namespace {

std::u32string Fold(std::string_view text) {
  std::u32string s = ToLower(DecodeUtf8(text));
  std::u32string out;
  for (char32_t c : s) {
    if (IsWordChar(c)) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != U' ') {
      out.push_back(U' ');
    }
  }
  while (!out.empty() && out.back() == U' ') out.pop_back();
  return out;
}

}  // namespace

std::vector<std::string> CitedEvidence(std::string_view answer,
                                       const std::string& evidence_field) {
  std::vector<std::string> out;
  if (auto j = JsonAnswer(answer)) {
    auto it = j->find(evidence_field);
    if (it != j->end()) {
      if (it->is_string()) out.push_back(it->get<std::string>());
      if (it->is_array()) {
        for (const auto& e : *it) {
          if (e.is_string()) out.push_back(e.get<std::string>());
        }
      }
    }
    return out;
  }
  // Quoted spans: ASCII double quotes pair up in order; typographic ones
  // open with “ and close with ”.
  static constexpr std::string_view kOpen[] = {"\"", "\u201c"};
  static constexpr std::string_view kClose[] = {"\"", "\u201d"};
  for (size_t q = 0; q < 2; ++q) {
    size_t pos = 0;
    while (true) {
      const size_t a = answer.find(kOpen[q], pos);
      if (a == std::string_view::npos) break;
      const size_t start = a + kOpen[q].size();
      const size_t b = answer.find(kClose[q], start);
      if (b == std::string_view::npos) break;
      std::string span(answer.substr(start, b - start));
      if (Fold(span).size() >= 3) out.push_back(std::move(span));
      pos = b + kClose[q].size();
    }
  }
  return out;
}

double FuzzyContainment(std::string_view snippet, std::string_view text) {
  const std::u32string p = Fold(snippet);
  const std::u32string t = Fold(text);
  if (p.empty()) return 0;
  // Sellers: row 0 is all zeros (a match may start anywhere in the text);
  // the answer is the minimum of the last row (it may end anywhere).
  std::vector<size_t> prev(t.size() + 1, 0), cur(t.size() + 1);
  for (size_t i = 1; i <= p.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= t.size(); ++j) {
      const size_t sub = prev[j - 1] + (p[i - 1] == t[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  const size_t best = *std::min_element(prev.begin(), prev.end());
  return 1.0 - static_cast<double>(std::min(best, p.size())) /
                   static_cast<double>(p.size());
}

GroundingCheck CheckGrounding(std::string_view answer,
                              std::string_view input_text, double threshold,
                              bool require_citation,
                              const std::string& evidence_field) {
  GroundingCheck c;
  const std::vector<std::string> cited = CitedEvidence(answer, evidence_field);
  c.cited = static_cast<int>(cited.size());
  std::string missing;
  for (const std::string& e : cited) {
    const double sim = FuzzyContainment(e, input_text);
    if (sim >= threshold) {
      ++c.found;
    } else if (missing.size() < 200) {
      missing +=
          fmt::format("{}\"{}\" ({:.2f})", missing.empty() ? "" : ", ", e, sim);
    }
  }
  if (c.cited == 0) {
    c.grounded = !require_citation;
    c.detail = require_citation ? "ungrounded: the answer cites no evidence"
                                : "no evidence cited (not required)";
  } else if (c.found < c.cited) {
    c.grounded = false;
    c.detail = fmt::format(
        "ungrounded: {} of {} cited snippets are not in the input (similarity "
        "< {}): {}",
        c.cited - c.found, c.cited, threshold, missing);
  } else {
    c.grounded = true;
    c.detail =
        fmt::format("grounded: {} cited snippets found in the input", c.cited);
  }
  return c;
}

}  // namespace mmgate::score
