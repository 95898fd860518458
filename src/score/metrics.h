// The scorer's metric registry and per-item scoring (issue 2 part 7).
//
// Every metric scores one answer against an item's references; with several
// references the best one counts. Items with `expect: "abstain"` score the
// metric's best value when the answer abstains and its worst otherwise.
// Parameters (suite `params`) are listed in src/score/README.md.
#ifndef MMGATE_SCORE_METRICS_H_
#define MMGATE_SCORE_METRICS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "dataset/item.h"

namespace mmgate::score {

struct MetricInfo {
  std::string_view name;
  bool higher_is_better;
  bool binary;  // values are only 0 or 1
  std::string_view description;
};

// nullptr when unknown.
const MetricInfo* FindMetric(std::string_view name);
std::vector<const MetricInfo*> AllMetrics();

// Per-item score. value is on the metric's natural scale (WER 0.25, ANLS 0.8,
// exact 0/1). Suite aggregates are sum(numerator)/sum(denominator): for
// wer/cer numerator = errors, denominator = reference words/chars (corpus
// WER); for every other metric numerator = value, denominator = 1 (a mean).
struct ItemScore {
  double value = 0;
  double numerator = 0;
  double denominator = 1;
  std::string detail;
};

// What a metric may need beyond the answer: the text the input itself
// shows (OCR of the image, transcript of the audio) for `grounding`. Unset,
// grounding scores items with media as an error naming the item.
struct ScoreContext {
  std::function<Result<std::string>(const Item&)> input_text;
};

// Errors (unknown metric, bad parameter, missing reference or schema) name
// the item id.
Result<ItemScore> ScoreAnswer(std::string_view metric, const Item& item,
                              const std::string& answer,
                              const nlohmann::json& params,
                              const ScoreContext& context = {});

}  // namespace mmgate::score

#endif  // MMGATE_SCORE_METRICS_H_
