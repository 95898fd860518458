#include "runner/rescore.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>

#include "common/hash.h"
#include "ground/input_text.h"
#include "runner/executor.h"
#include "runner/plan.h"
#include "runner/progress.h"

namespace mmgate::runner {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// One suite of the rescored run: the config's suite (with --metric applied)
// and the source run's items in it, each with the config item it must match.
struct SuiteWork {
  Suite suite;
  std::vector<const store::ItemResult*> stored;
  std::vector<const Item*> items;  // null for a line that failed validation
};

// The config's suite, scored with `metric` as every item's primary metric.
Suite WithMetric(const Suite& s, const std::string& metric) {
  Suite out = s;
  if (metric.empty()) return out;
  out.metric = metric;
  out.extra_metrics.erase(
      std::remove(out.extra_metrics.begin(), out.extra_metrics.end(), metric),
      out.extra_metrics.end());
  for (Item& it : out.items) it.metric.clear();
  // Scores of another metric are not comparable with the source's: the gate
  // refuses to pair the two versions.
  out.version_hash = Sha256Hex(s.version_hash + "\nrescore metric: " + metric);
  return out;
}

// The suites to rescore, in the source run's order.
Result<std::vector<std::string>> SelectedSuites(
    const std::string& source_run, const std::vector<store::SuiteRecord>& ran,
    const std::vector<std::string>& wanted) {
  std::vector<std::string> names;
  for (const store::SuiteRecord& s : ran) names.push_back(s.suite);
  if (wanted.empty()) return names;
  for (const std::string& w : wanted) {
    if (std::find(names.begin(), names.end(), w) == names.end())
      return Status::Invalid(
          fmt::format("run '{}' has no suite named '{}' (suites: {})",
                      source_run, w, Join(names)));
  }
  std::vector<std::string> out;
  for (const std::string& n : names)
    if (std::find(wanted.begin(), wanted.end(), n) != wanted.end())
      out.push_back(n);
  return out;
}

// Pairs every stored item with the config's item of the same id and content;
// an item that changed or left the suite is an error naming it.
Status MatchItems(const std::string& source_run,
                  const std::vector<store::ItemResult>& results,
                  std::vector<SuiteWork>* work) {
  std::vector<std::string> changed;
  for (SuiteWork& w : *work) {
    std::map<std::string, const Item*> by_id;
    for (const Item& it : w.suite.items) by_id[it.id] = &it;
    for (const store::ItemResult& r : results) {
      if (r.item.suite != w.suite.name) continue;
      const Item* item = nullptr;
      if (!r.item.content_hash.empty()) {
        auto found = by_id.find(r.item.item_id);
        if (found == by_id.end() ||
            found->second->content_hash != r.item.content_hash) {
          changed.push_back(r.item.suite + "/" + r.item.item_id);
          continue;
        }
        item = found->second;
      }
      w.stored.push_back(&r);
      w.items.push_back(item);
    }
  }
  if (changed.empty()) return Status::Ok();
  std::vector<std::string> some(
      changed.begin(), changed.begin() + std::min<size_t>(changed.size(), 5));
  return Status::Invalid(fmt::format(
      "{} items of run '{}' changed or left their suite since it ran ({}{}): "
      "rescoring needs the items the run answered",
      changed.size(), source_run, Join(some),
      changed.size() > 5 ? ", ..." : ""));
}

// The selected suites as the config defines them now, with their items.
Result<std::vector<SuiteWork>> PlanRescore(const ProjectConfig& project,
                                           const std::string& source_run,
                                           const RescoreOptions& options,
                                           store::Store* store) {
  if (!options.metric.empty() && !score::FindMetric(options.metric)) {
    std::vector<std::string> known;
    for (const score::MetricInfo* m : score::AllMetrics())
      known.emplace_back(m->name);
    return Status::Invalid(fmt::format("unknown metric '{}' (metrics: {})",
                                       options.metric, Join(known)));
  }
  auto ran = store->GetSuites(source_run);
  if (!ran.ok()) return ran.status();
  auto names = SelectedSuites(source_run, *ran, options.suites);
  if (!names.ok()) return names.status();
  std::vector<SuiteWork> work;
  for (const std::string& name : *names) {
    auto s = std::find_if(project.suites.begin(), project.suites.end(),
                          [&](const Suite& x) { return x.name == name; });
    if (s == project.suites.end())
      return Status::Invalid(
          fmt::format("suite '{}' of run '{}' is not in {}: rescoring scores "
                      "with the config's suites",
                      name, source_run, project.path));
    work.push_back({WithMetric(*s, options.metric), {}, {}});
  }
  return work;
}

// Records a suite with the new run: the config's items (same content as the
// source's), and the source's invalid lines under the new primary metric.
Status PutSuite(const SuiteWork& w, const std::string& run_id,
                store::Store* store) {
  std::vector<store::ItemRecord> records;
  for (size_t i = 0; i < w.stored.size(); ++i) {
    if (w.items[i]) {
      records.push_back(ToRecord(w.suite, *w.items[i]));
    } else {
      records.push_back(w.stored[i]->item);
      records.back().metric = w.suite.metric;
    }
  }
  std::vector<std::string> metrics{w.suite.metric};
  for (const std::string& m : w.suite.extra_metrics) metrics.push_back(m);
  return store->PutSuite(
      run_id,
      store::SuiteRecord{w.suite.name, w.suite.modality, w.suite.metric,
                         metrics, w.suite.version_hash,
                         static_cast<int64_t>(records.size())},
      records);
}

Status CreateRescoredRun(const store::RunRecord& source,
                         const std::string& run_id,
                         const ProjectConfig& project, store::Store* store,
                         Clock* clock) {
  store::RunRecord run = source;
  run.run_id = run_id;
  run.config_path = project.path;
  run.status = store::RunStatus::kRunning;
  run.created_ms = clock->WallMillis();
  run.finished_ms = 0;
  run.source_run = source.run_id;
  return store->CreateRun(run);
}

// The given id if it is free (a rescore never writes into an existing run),
// else "<source>-rescore-<UTC time>".
Result<std::string> NewRunId(const std::string& source_run,
                             const std::string& wanted, store::Store* store,
                             Clock* clock) {
  if (wanted.empty()) return FreshRunId(source_run + "-rescore", clock, store);
  auto taken = store->GetRun(wanted);
  if (!taken.ok()) return taken.status();
  if (taken->has_value())
    return Status::Invalid(fmt::format(
        "run '{}' exists: a rescore makes a new run; choose another --run-id",
        wanted));
  return wanted;
}

}  // namespace

Result<RescoreSummary> Rescore(const ProjectConfig& project,
                               const std::string& source_run,
                               const RescoreOptions& options,
                               store::Store* store, Clock* clock) {
  auto source = store->GetRun(source_run);
  if (!source.ok()) return source.status();
  if (!source->has_value())
    return Status::Invalid(fmt::format("no run named '{}'", source_run));
  auto work = PlanRescore(project, source_run, options, store);
  if (!work.ok()) return work.status();
  auto results = store->LoadResults(source_run);
  if (!results.ok()) return results.status();
  MMGATE_RETURN_IF_ERROR(MatchItems(source_run, *results, &*work));

  RescoreSummary summary;
  summary.source_run = source_run;
  auto id = NewRunId(source_run, options.run_id, store, clock);
  if (!id.ok()) return id.status();
  summary.run_id = *id;
  MMGATE_RETURN_IF_ERROR(
      CreateRescoredRun(**source, summary.run_id, project, store, clock));

  std::vector<WorkItem> items;
  for (const SuiteWork& w : *work) {
    summary.suites.push_back(w.suite.name);
    summary.items += static_cast<int64_t>(w.stored.size());
    for (const Item* it : w.items)
      if (it) items.push_back({&w.suite, it});
    MMGATE_RETURN_IF_ERROR(PutSuite(w, summary.run_id, store));
  }
  std::unique_ptr<ground::InputTextCache> input_text;
  ExecutorConfig config;
  config.run_id = summary.run_id;
  config.model_version = (*source)->model_version;
  score::ScoreContext context =
      RunScoreContext(project, items, options.score_context, &input_text);
  auto hook = MakeScoreHook(options.score_hook, summary.run_id, context);
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  Progress progress(options.progress && ::isatty(STDERR_FILENO),
                    static_cast<size_t>(summary.items), clock);
  int64_t seen = 0;
  for (const SuiteWork& w : *work) {
    for (size_t i = 0; i < w.stored.size(); ++i) {
      const std::optional<store::ResponseRecord>& stored =
          w.stored[i]->response;
      ++seen;
      if (!stored) {
        ++summary.not_run;
        continue;
      }
      ItemOutcome o;
      if (w.items[i]) {
        o = executor.Rescore(w.suite, *w.items[i], *stored);
        if (!stored->error) ++summary.rescored;
      } else {
        o.response = *stored;
      }
      if (o.response.error) ++summary.errors;
      MMGATE_RETURN_IF_ERROR(executor.Write(o));
      progress.Update(seen, summary.errors);
    }
  }
  progress.Finish();
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(summary.run_id,
                          summary.not_run == 0 ? store::RunStatus::kFinished
                                               : store::RunStatus::kInterrupted,
                          clock->WallMillis()));
  return summary;
}

}  // namespace mmgate::runner
