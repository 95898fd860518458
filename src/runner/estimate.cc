#include "runner/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "dataset/load.h"
#include "runner/plan.h"

namespace mmgate::runner {

namespace {

// Items read at a time.
constexpr size_t kBatchItems = 4096;

// Adds one item's calls and tokens to `se`; an item already answered in the
// resumed run, or cached for this model version, costs nothing.
Status ItemCost(const Item& it, bool answered, int repeat,
                const std::string& version, Model* model, store::Store* store,
                RunEstimate* e, SuiteEstimate* se) {
  ModelRequest req{it.id, it.modality, it.prompt, it.media};
  bool stored = answered;
  std::string key = model->CacheKey(req);
  if (!stored && !key.empty()) {
    auto hit = store->GetCached(key);
    if (!hit.ok()) return hit.status();
    stored = hit->has_value() && (*hit)->model_version == version;
  }
  if (stored) {
    ++se->cached;
    return Status::Ok();
  }
  int64_t in = model->EstimateInputTokens(req);
  if (in < 0) {
    e->billed = false;
    in = 0;
  }
  size_t ref = 0;
  for (const std::string& r : it.references) ref = std::max(ref, r.size());
  const int64_t calls = std::max(1, repeat);
  se->items += calls;
  se->input_tokens += calls * in;
  se->output_tokens += calls * static_cast<int64_t>(ref / 4 + 1);
  return Status::Ok();
}

}  // namespace

Result<RunEstimate> EstimateRun(const ProjectConfig& project,
                                const std::string& model_name,
                                const RunOptions& options, store::Store* store,
                                const ModelMaker& make_model) {
  auto spec = project.models.find(model_name);
  if (spec == project.models.end())
    return Status::Invalid(
        fmt::format("{}: no model named '{}'", project.path, model_name));
  auto model = make_model(spec->second);
  if (!model.ok()) return model.status().WithContext("model " + model_name);
  auto price = PriceOf(project, model_name);
  if (!price.ok()) return price.status();

  RunEstimate e;
  e.model = model_name;
  e.model_version = (*model)->Version();
  e.priced = price->has_value();
  e.total.suite = "total";
  for (const Suite& s : project.suites) {
    if (!options.suites.empty() &&
        std::find(options.suites.begin(), options.suites.end(), s.name) ==
            options.suites.end())
      continue;
    // A pipeline suite calls its stages' models, not this one: not estimated.
    if (!s.stages.empty()) continue;
    SuiteEstimate se;
    se.suite = s.name;
    // A batch of items at a time, with the resumed run's answers to them.
    Status read = dataset::ReadItemBatches(
        s, kBatchItems, [&](std::vector<Item>& batch) -> Status {
          std::map<std::string, std::string> finished;
          if (!options.run_id.empty()) {
            std::vector<std::string> ids;
            for (const Item& it : batch) ids.push_back(it.id);
            auto f = store->FinishedItemsOf(options.run_id, s.name, ids);
            if (!f.ok()) return f.status();
            finished = std::move(*f);
          }
          for (const Item& it : batch) {
            auto done = finished.find(it.id);
            const bool answered =
                done != finished.end() && done->second == it.content_hash;
            auto cost = ItemCost(it, answered, options.repeat, e.model_version,
                                 model->get(), store, &e, &se);
            if (!cost.ok()) return cost;
          }
          return Status::Ok();
        });
    MMGATE_RETURN_IF_ERROR(read.WithContext("suite " + s.name));
    if (e.priced)
      se.cost_usd = (*price)->Cost(se.input_tokens, se.output_tokens);
    e.total.items += se.items;
    e.total.cached += se.cached;
    e.total.input_tokens += se.input_tokens;
    e.total.output_tokens += se.output_tokens;
    e.suites.push_back(std::move(se));
  }
  if (e.priced)
    e.total.cost_usd =
        (*price)->Cost(e.total.input_tokens, e.total.output_tokens);
  if (!e.billed) {
    e.total.input_tokens = e.total.output_tokens = 0;
    e.total.cost_usd = 0;
    for (SuiteEstimate& se : e.suites) {
      se.input_tokens = se.output_tokens = 0;
      se.cost_usd = 0;
    }
  }
  return e;
}

}  // namespace mmgate::runner
