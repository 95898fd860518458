#include "score/conflict.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <vector>

#include "score/abstention.h"
#include "score/text_metrics.h"

namespace mmgate::score {
namespace {

// Every number written in the text ("1,234.5", "-3", "41.5%").
std::vector<double> Numbers(std::string_view text) {
  std::vector<double> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = text.find_first_of("0123456789", i);
    if (start == std::string_view::npos) break;
    size_t end = start;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) ||
            ((text[end] == '.' || text[end] == ',') && end + 1 < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[end + 1]))))) {
      ++end;
    }
    size_t from = start;
    if (from > 0 && text[from - 1] == '-' &&
        (from < 2 || !std::isalnum(static_cast<unsigned char>(text[from - 2]))))
      --from;
    if (auto n = FirstNumber(text.substr(from, end - from))) out.push_back(*n);
    i = end;
  }
  return out;
}

bool Close(double a, double b, double tolerance) {
  if (b == 0) return a == 0;
  return std::abs(a - b) <= tolerance * std::abs(b);
}

bool Mentions(std::string_view answer, std::string_view value,
              double tolerance) {
  if (auto v = ParseNumber(value)) {
    for (double n : Numbers(answer)) {
      if (Close(n, v->value, tolerance)) return true;
    }
    return false;
  }
  // Whole-phrase match on the abstention box's canonical text.
  return Abstains(answer, std::vector<std::string>{std::string(value)});
}

const std::vector<std::string>& ConflictPhrases() {
  static const auto* phrases = new std::vector<std::string>{
      "conflict",       "conflicts",     "conflicting",  "contradict",
      "contradicts",    "contradiction", "disagree",     "disagrees",
      "inconsistent",   "inconsistency", "mismatch",     "discrepancy",
      "does not match", "doesn't match", "do not match", "differs from",
      "different from"};
  return *phrases;
}

}  // namespace

Result<ConflictPolicy> ParseConflictPolicy(std::string_view name) {
  if (name == "image_wins") return ConflictPolicy::kImageWins;
  if (name == "text_wins") return ConflictPolicy::kTextWins;
  if (name == "surface") return ConflictPolicy::kSurface;
  return Status::Invalid(fmt::format(
      "conflict policy '{}': expected image_wins, text_wins or surface", name));
}

std::string_view ConflictPolicyName(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::kImageWins:
      return "image_wins";
    case ConflictPolicy::kTextWins:
      return "text_wins";
    case ConflictPolicy::kSurface:
      return "surface";
  }
  return "surface";
}

ConflictCheck CheckConflict(std::string_view answer, std::string_view image,
                            std::string_view text, ConflictPolicy policy,
                            double tolerance) {
  ConflictCheck c;
  c.mentions_image = Mentions(answer, image, tolerance);
  c.mentions_text = Mentions(answer, text, tolerance);
  c.names_conflict = Abstains(answer, ConflictPhrases());
  const auto a = ParseNumber(image), b = ParseNumber(text);
  if (a && b) {
    const double lo = std::min(a->value, b->value);
    const double hi = std::max(a->value, b->value);
    for (double n : Numbers(answer)) {
      if (n > lo && n < hi && !Close(n, lo, tolerance) &&
          !Close(n, hi, tolerance))
        c.blended = true;
    }
  }
  const std::string seen =
      fmt::format("image value {}{}, text value {}{}{}{}", image,
                  c.mentions_image ? " given" : " absent", text,
                  c.mentions_text ? " given" : " absent",
                  c.names_conflict ? ", conflict named" : "",
                  c.blended ? ", a value between the two" : "");
  switch (policy) {
    case ConflictPolicy::kImageWins:
      c.followed = c.mentions_image && (!c.mentions_text || c.names_conflict);
      break;
    case ConflictPolicy::kTextWins:
      c.followed = c.mentions_text && (!c.mentions_image || c.names_conflict);
      break;
    case ConflictPolicy::kSurface:
      c.followed = c.names_conflict || (c.mentions_image && c.mentions_text);
      break;
  }
  if (c.blended) c.followed = false;
  c.detail = fmt::format("{} ({}): {}",
                         c.blended    ? "blends the conflicting inputs"
                         : c.followed ? "follows the policy"
                                      : "does not follow the policy",
                         ConflictPolicyName(policy), seen);
  return c;
}

}  // namespace mmgate::score
