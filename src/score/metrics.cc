#include "score/metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <functional>
#include <optional>

#include "common/json_input.h"
#include "score/abstention.h"
#include "score/code_grounding.h"
#include "score/conflict.h"
#include "score/error_rate.h"
#include "score/grounding.h"
#include "score/json_schema.h"
#include "score/table_cells.h"
#include "score/text_metrics.h"

namespace mmgate::score {
namespace {

constexpr std::array<MetricInfo, 14> kMetrics = {{
    {"wer", false, false,
     "word error rate after English normalization; suites aggregate errors / "
     "reference words"},
    {"cer", false, false,
     "character error rate after English normalization, spaces not counted "
     "(sclite -c)"},
    {"exact", true, true, "1 when the trimmed answer equals a reference"},
    {"normalized_match", true, true,
     "1 when the answer equals a reference ignoring case, extra whitespace and "
     "end punctuation"},
    {"anls", true, false,
     "DocVQA average normalized Levenshtein similarity, 0 below the 0.5 "
     "threshold"},
    {"relaxed_accuracy", true, true,
     "ChartQA: numbers within 5% relative tolerance, else case-insensitive "
     "exact match"},
    {"numeric", true, true,
     "the first number in the answer equals the reference number within "
     "params.tolerance"},
    {"table_cells", true, false,
     "F1 over (row header, column header, value) cells of a text table"},
    {"json_schema", true, true,
     "1 when the answer is JSON that validates against the item's JSON Schema"},
    {"abstention", true, true,
     "1 when the answer abstains exactly when the item expects an abstention"},
    {"grounding", true, true,
     "1 when every snippet the answer cites is in the input's OCR text or "
     "transcript (fuzzy)"},
    {"conflict", true, true,
     "1 when the answer follows the suite's conflict policy (image_wins, "
     "text_wins, surface) without blending the values"},
    {"code_grounding", true, true,
     "1 when the code answer uses no identifier absent from the prompt and "
     "context"},
    {"judge", true, false,
     "the suite's judge model's grade on its rubric's scale, 0 (worst) to 1 "
     "(best); gated only once the judge is calibrated (docs/judge.md)"},
}};

Result<double> NumberParam(const nlohmann::json& params, const char* key,
                           double fallback) {
  if (!params.is_object() || !params.contains(key)) return fallback;
  const nlohmann::json& v = params[key];
  if (!v.is_number())
    return Status::Invalid(fmt::format("params.{} must be a number", key));
  return v.get<double>();
}

Result<bool> BoolParam(const nlohmann::json& params, const char* key,
                       bool fallback) {
  if (!params.is_object() || !params.contains(key)) return fallback;
  const nlohmann::json& v = params[key];
  if (!v.is_boolean())
    return Status::Invalid(fmt::format("params.{} must be true or false", key));
  return v.get<bool>();
}

ItemScore Binary(bool ok, std::string detail) {
  const double v = ok ? 1.0 : 0.0;
  return {v, v, 1.0, std::move(detail)};
}

ItemScore Mean(double value, std::string detail) {
  return {value, value, 1.0, std::move(detail)};
}

Result<ErrorRateOptions> ErrorRateParams(std::string_view metric,
                                         const nlohmann::json& params) {
  ErrorRateOptions options;
  options.characters = metric == "cer";
  Result<bool> normalize = BoolParam(params, "normalize", true);
  if (!normalize.ok()) return normalize.status();
  options.normalize = *normalize;
  Result<bool> spaces = BoolParam(params, "cer_spaces", false);
  if (!spaces.ok()) return spaces.status();
  options.count_spaces = *spaces;
  if (params.is_object() && params.contains("alignment")) {
    const nlohmann::json& a = params["alignment"];
    if (a == "sclite") {
      options.alignment = Alignment::kSclite;
    } else if (a == "levenshtein") {
      options.alignment = Alignment::kLevenshtein;
    } else {
      return Status::Invalid(
          "params.alignment must be \"sclite\" or \"levenshtein\"");
    }
  }
  return options;
}

// Scores one reference; `better` says whether a beats b for the best-of.
struct PerReference {
  std::function<Result<ItemScore>(const std::string& reference)> score;
  std::function<bool(const ItemScore& a, const ItemScore& b)> better;
};

Result<PerReference> MakeScorer(std::string_view metric,
                                const std::string& answer,
                                const nlohmann::json& params) {
  auto higher = [](const ItemScore& a, const ItemScore& b) {
    return a.value > b.value;
  };
  if (metric == "wer" || metric == "cer") {
    Result<ErrorRateOptions> options = ErrorRateParams(metric, params);
    if (!options.ok()) return options.status();
    const char* unit = metric == "wer" ? "words" : "chars";
    return PerReference{
        [answer, opt = *options,
         unit](const std::string& ref) -> Result<ItemScore> {
          const ErrorRate r = ComputeErrorRate(ref, answer, opt);
          // An empty reference counts as one unit, so the rate stays finite.
          const double denominator =
              static_cast<double>(std::max<int64_t>(r.ref_length, 1));
          const std::string split =
              opt.alignment == Alignment::kSclite
                  ? fmt::format("S={} D={} I={}", r.counts.substitutions,
                                r.counts.deletions, r.counts.insertions)
                  : "minimum edit distance";
          std::string detail = fmt::format("errors={} ({}) of {} reference {}",
                                           r.errors, split, r.ref_length, unit);
          if (!r.first_errors.empty()) {
            detail += fmt::format(": {}", fmt::join(r.first_errors, ", "));
            if (r.errors > static_cast<int64_t>(r.first_errors.size()))
              detail += ", ...";
          }
          return ItemScore{r.errors / denominator,
                           static_cast<double>(r.errors), denominator,
                           std::move(detail)};
        },
        [](const ItemScore& a, const ItemScore& b) {
          return a.numerator < b.numerator ||
                 (a.numerator == b.numerator && a.value < b.value);
        }};
  }
  if (metric == "exact") {
    return PerReference{[answer](const std::string& ref) -> Result<ItemScore> {
                          const bool ok = ExactMatch(ref, answer);
                          return Binary(ok,
                                        ok ? "exact match" : "no exact match");
                        },
                        higher};
  }
  if (metric == "normalized_match") {
    return PerReference{
        [answer](const std::string& ref) -> Result<ItemScore> {
          const bool ok = LightNormalize(ref) == LightNormalize(answer);
          return Binary(ok, ok ? "normalized match" : "no normalized match");
        },
        higher};
  }
  if (metric == "anls") {
    Result<double> threshold = NumberParam(params, "anls_threshold", 0.5);
    if (!threshold.ok()) return threshold.status();
    return PerReference{
        [answer, t = *threshold](const std::string& ref) -> Result<ItemScore> {
          const double v = AnlsScore(ref, answer, t);
          return Mean(v, fmt::format("anls={:.4f}", v));
        },
        higher};
  }
  if (metric == "relaxed_accuracy") {
    Result<double> tol = NumberParam(params, "relaxed_tolerance", 0.05);
    if (!tol.ok()) return tol.status();
    return PerReference{
        [answer, t = *tol](const std::string& ref) -> Result<ItemScore> {
          const bool ok = RelaxedMatch(ref, answer, t);
          return Binary(ok, fmt::format("{} (relative tolerance {})",
                                        ok ? "match" : "no match", t));
        },
        higher};
  }
  if (metric == "numeric") {
    Result<double> tol = NumberParam(params, "tolerance", 0.0);
    if (!tol.ok()) return tol.status();
    return PerReference{
        [answer, t = *tol](const std::string& ref) -> Result<ItemScore> {
          const std::optional<double> want = FirstNumber(ref);
          if (!want)
            return Status::Invalid("reference '" + ref + "' has no number");
          const std::optional<double> got = FirstNumber(answer);
          if (!got) return Binary(false, "no number in the answer");
          const bool ok = std::abs(*got - *want) <= t;
          return Binary(
              ok, fmt::format("answer {} vs reference {} (tolerance {})", *got,
                              *want, t));
        },
        higher};
  }
  if (metric == "table_cells") {
    return PerReference{[answer](const std::string& ref) -> Result<ItemScore> {
                          const TableScore s = CompareTables(ref, answer);
                          return Mean(s.f1, s.detail);
                        },
                        higher};
  }
  return Status::Internal(
      fmt::format("metric '{}' has no per-reference scorer", metric));
}

Result<ItemScore> ScoreJsonSchema(const Item& item, const std::string& answer,
                                  const nlohmann::json& params) {
  nlohmann::json schema;
  if (item.extra.is_object() && item.extra.contains("schema")) {
    schema = item.extra["schema"];
    // A schema may also be written as a JSON string.
    if (schema.is_string()) {
      auto parsed = ParseJsonInput(schema.get<std::string>());
      if (!parsed.ok()) {
        return Status::Invalid("the item's \"schema\" string is not JSON: " +
                               parsed.status().message());
      }
      schema = std::move(*parsed);
    }
  } else if (params.is_object() && params.contains("schema")) {
    schema = params["schema"];
  } else {
    return Status::Invalid(
        "json_schema needs a JSON Schema in the item's \"schema\" or "
        "params.schema");
  }
  Result<SchemaCheck> check = CheckJsonSchema(answer, schema);
  if (!check.ok()) return check.status();
  return Binary(check->valid, check->detail);
}

std::string StringParam(const nlohmann::json& params, const char* key,
                        const std::string& fallback) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_string())
    return fallback;
  return params[key].get<std::string>();
}

// The item's "context" texts (a string or an array of strings).
std::vector<std::string> ContextTexts(const Item& item) {
  std::vector<std::string> out;
  if (!item.extra.is_object() || !item.extra.contains("context")) return out;
  const nlohmann::json& c = item.extra["context"];
  if (c.is_string()) out.push_back(c.get<std::string>());
  if (c.is_array()) {
    for (const auto& e : c) {
      if (e.is_string()) out.push_back(e.get<std::string>());
    }
  }
  return out;
}

Result<ItemScore> ScoreGrounding(const Item& item, const std::string& answer,
                                 const nlohmann::json& params,
                                 const ScoreContext& context) {
  Result<double> threshold = NumberParam(params, "grounding_threshold", 0.8);
  if (!threshold.ok()) return threshold.status();
  Result<bool> require = BoolParam(params, "require_evidence", true);
  if (!require.ok()) return require.status();
  std::string input;
  if (item.media.empty()) {
    // A text item's input is its prompt and context.
    input = item.prompt;
    for (const std::string& c : ContextTexts(item)) input += "\n" + c;
  } else if (!context.input_text) {
    return Status::Invalid(
        "grounding needs the input's OCR text or transcript, and no "
        "recognizer is configured");
  } else {
    Result<std::string> text = context.input_text(item);
    if (!text.ok()) return text.status();
    input = std::move(*text);
  }
  const GroundingCheck c =
      CheckGrounding(answer, input, *threshold, *require,
                     StringParam(params, "evidence_field", "evidence"));
  return Binary(c.grounded, c.detail);
}

Result<ItemScore> ScoreConflict(const Item& item, const std::string& answer,
                                const nlohmann::json& params) {
  if (!item.extra.is_object() || !item.extra.contains("conflict") ||
      !item.extra["conflict"].is_object()) {
    return Status::Invalid(
        "conflict needs the item's \"conflict\": {\"image\": ..., "
        "\"text\": ...}");
  }
  const nlohmann::json& c = item.extra["conflict"];
  auto value = [&](const char* key) -> std::optional<std::string> {
    if (!c.contains(key)) return std::nullopt;
    if (c[key].is_string()) return c[key].get<std::string>();
    if (c[key].is_number()) return c[key].dump();
    return std::nullopt;
  };
  const auto image = value("image"), text = value("text");
  if (!image || !text)
    return Status::Invalid("conflict.image and conflict.text must be strings");
  std::string policy_name = StringParam(params, "conflict_policy", "surface");
  if (c.contains("policy") && c["policy"].is_string())
    policy_name = c["policy"].get<std::string>();
  Result<ConflictPolicy> policy = ParseConflictPolicy(policy_name);
  if (!policy.ok()) return policy.status();
  Result<double> tol = NumberParam(params, "relaxed_tolerance", 0.05);
  if (!tol.ok()) return tol.status();
  const ConflictCheck check =
      CheckConflict(AnswerText(answer, params), *image, *text, *policy, *tol);
  return Binary(check.followed, check.detail);
}

Result<ItemScore> ScoreCode(const Item& item, const std::string& answer,
                            const nlohmann::json& params) {
  std::vector<std::string> allowed;
  if (params.is_object() && params.contains("code_allow")) {
    const nlohmann::json& a = params["code_allow"];
    if (!a.is_array())
      return Status::Invalid("params.code_allow must be an array of strings");
    for (const auto& e : a) {
      if (!e.is_string())
        return Status::Invalid("params.code_allow must be an array of strings");
      allowed.push_back(e.get<std::string>());
    }
  }
  const std::vector<std::string> invented =
      InventedIdentifiers(CodeOf(AnswerText(answer, params)), item.prompt,
                          ContextTexts(item), allowed);
  if (invented.empty())
    return Binary(true, "every identifier is in the prompt or context");
  return Binary(false, fmt::format("code hallucination: {} not in the prompt "
                                   "or context",
                                   fmt::join(invented, ", ")));
}

Result<ItemScore> ScoreAnswerable(const MetricInfo& info, const Item& item,
                                  const std::string& answer,
                                  const nlohmann::json& params) {
  if (info.name == "json_schema") return ScoreJsonSchema(item, answer, params);
  if (item.references.empty())
    return Status::Invalid("no reference to score against");
  Result<PerReference> scorer = MakeScorer(info.name, answer, params);
  if (!scorer.ok()) return scorer.status();
  std::optional<ItemScore> best;
  size_t best_index = 0;
  for (size_t i = 0; i < item.references.size(); ++i) {
    Result<ItemScore> s = scorer->score(item.references[i]);
    if (!s.ok()) return s.status();
    if (!best || scorer->better(*s, *best)) {
      best = std::move(s).value();
      best_index = i;
    }
  }
  if (item.references.size() > 1) {
    best->detail += fmt::format(" [best of {} references: #{}]",
                                item.references.size(), best_index + 1);
  }
  return *best;
}

}  // namespace

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& m : kMetrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<const MetricInfo*> AllMetrics() {
  std::vector<const MetricInfo*> out;
  for (const MetricInfo& m : kMetrics) out.push_back(&m);
  return out;
}

Result<ItemScore> ScoreAnswer(std::string_view metric, const Item& item,
                              const std::string& answer,
                              const nlohmann::json& params,
                              const ScoreContext& score_context) {
  const std::string context = "item " + item.id;
  const MetricInfo* info = FindMetric(metric);
  if (info == nullptr) {
    return Status::Invalid(
        fmt::format("{}: unknown metric '{}'", context, metric));
  }
  Result<AbstainRule> rule = ParseAbstainRule(params);
  if (!rule.ok()) return rule.status().WithContext(context);
  const bool abstains = Abstains(answer, *rule);
  const bool expect_abstain = item.expect == "abstain";
  if (info->name == "judge") {
    return Status::Invalid(
        context +
        ": metric 'judge' is scored by the suite's judge model (judge: in "
        "the suite), not by the metric registry");
  }
  if (info->name == "abstention") {
    const bool right = abstains == expect_abstain;
    return Binary(right,
                  fmt::format("{} expected; the answer {}",
                              expect_abstain ? "abstention" : "an answer",
                              abstains ? "abstains" : "does not abstain"));
  }
  if (expect_abstain) {
    // Best value on an abstention, worst otherwise; one unit of weight in
    // the suite's sum(numerator)/sum(denominator).
    const bool best = abstains;
    const double value = (best == info->higher_is_better) ? 1.0 : 0.0;
    return ItemScore{value, value, 1.0,
                     best ? "abstention expected; the answer abstains"
                          : "abstention expected; the answer does not abstain"};
  }
  Result<ItemScore> s =
      info->name == "grounding"
          ? ScoreGrounding(item, answer, params, score_context)
      : info->name == "conflict"       ? ScoreConflict(item, answer, params)
      : info->name == "code_grounding" ? ScoreCode(item, answer, params)
      : info->name == "json_schema"
          ? ScoreAnswerable(*info, item, answer, params)
          : ScoreAnswerable(*info, item, AnswerText(answer, params), params);
  if (!s.ok()) return s.status().WithContext(context);
  return s;
}

}  // namespace mmgate::score
