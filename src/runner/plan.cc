#include "runner/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "common/redact.h"
#include "dataset/load.h"

namespace mmgate::runner {
namespace {

using nlohmann::json;

// Ids of invalid lines: the id they carried if it is free, else one naming the
// line.
std::string ProblemId(const ItemProblem& p,
                      const std::set<std::string>& taken) {
  if (!p.item_id.empty() && !taken.count(p.item_id)) return p.item_id;
  std::string base = p.item_id.empty() ? "line" : p.item_id + "@line";
  return fmt::format("{}-{}", base, p.line);
}

store::SuiteRecord SuiteRecordOf(const Suite& s) {
  std::vector<std::string> metrics{s.metric};
  for (const std::string& m : s.extra_metrics) metrics.push_back(m);
  return store::SuiteRecord{s.name,  s.modality,     s.metric,
                            metrics, s.version_hash, SuiteSize(s)};
}

// The record of an invalid line, and its error.
store::ItemRecord ProblemRecord(const Suite& s, const std::string& id,
                                const ItemProblem& p) {
  return store::ItemRecord{s.name,   id, "",     s.modality, s.metric, id,
                           "answer", {}, "null", "",         "[]",     p.line};
}

store::ResponseRecord ProblemError(const Suite& s, const std::string& id,
                                   const ItemProblem& p,
                                   const std::string& version) {
  return store::ResponseRecord{
      s.name, id, "", std::nullopt, p.message, "invalid_item", 0, version};
}

// Records one suite with the run; its invalid lines become errored items.
Status PutSuite(const Suite& s, const std::string& run_id,
                const std::string& version, store::Store* store, Clock* clock,
                RunPlan* plan) {
  // Reserved: at a million items, growing by doubling would hold both the
  // old and the new buffer at the run's peak of memory.
  std::vector<store::ItemRecord> records;
  records.reserve(s.items.size() + s.problems.size());
  // Taken ids, needed only to name invalid lines.
  std::set<std::string> ids;
  for (const Item& it : s.items) {
    records.push_back(ToRecord(s, it));
    if (!s.problems.empty()) ids.insert(it.id);
  }
  std::vector<store::ResponseRecord> invalid;
  for (const ItemProblem& p : s.problems) {
    std::string id = ProblemId(p, ids);
    ids.insert(id);
    records.push_back(ProblemRecord(s, id, p));
    invalid.push_back(ProblemError(s, id, p, version));
  }
  MMGATE_RETURN_IF_ERROR(store->PutSuite(run_id, SuiteRecordOf(s), records));
  for (store::ResponseRecord& r : invalid) {
    r.created_ms = clock->WallMillis();
    MMGATE_RETURN_IF_ERROR(store->PutResult(run_id, r, {}));
  }
  plan->total += static_cast<int64_t>(records.size());
  plan->invalid += static_cast<int64_t>(invalid.size());
  return Status::Ok();
}

// A streamed suite's invalid lines, recorded once its items are: `ids` are
// the valid items' (moved from), and the invalid lines' ids join them.
Status PutProblems(const Suite& s, const std::string& run_id,
                   const std::string& version, std::vector<std::string>* ids,
                   store::Store* store, Clock* clock, RunPlan* plan) {
  if (s.problems.empty()) return Status::Ok();
  std::set<std::string> taken(std::make_move_iterator(ids->begin()),
                              std::make_move_iterator(ids->end()));
  std::vector<store::ItemRecord> records;
  std::vector<store::ResponseRecord> invalid;
  for (const ItemProblem& p : s.problems) {
    std::string id = ProblemId(p, taken);
    taken.insert(id);
    records.push_back(ProblemRecord(s, id, p));
    invalid.push_back(ProblemError(s, id, p, version));
  }
  MMGATE_RETURN_IF_ERROR(store->AppendSuiteItems(run_id, s.name, records));
  for (store::ResponseRecord& r : invalid) {
    r.created_ms = clock->WallMillis();
    MMGATE_RETURN_IF_ERROR(store->PutResult(run_id, r, {}));
  }
  ids->assign(std::make_move_iterator(taken.begin()),
              std::make_move_iterator(taken.end()));
  plan->invalid += static_cast<int64_t>(invalid.size());
  return Status::Ok();
}

// PlanSuiteInBatches for a suite with a Suite::source: each batch's invalid
// entries are recorded with its items, finished items are looked up a batch
// at a time, and nothing is held from batch to batch (the source hands the
// suite's every item under distinct ids, so none is left to drop).
Status PlanSourceInBatches(const Suite& s, const std::string& run_id,
                           const std::string& version, size_t batch_size,
                           const std::function<bool()>& stopping,
                           const BatchRunner& run, store::Store* store,
                           Clock* clock, RunPlan* plan) {
  std::vector<store::ItemRecord> records;
  std::vector<std::string> ids;
  std::vector<WorkItem> work;
  Status read = s.source(batch_size, [&](ItemBatch& batch) -> Status {
    if (stopping()) {
      plan->stopped = true;
      return Status::Internal("stopped");  // recognised by the flag
    }
    records.clear();
    ids.clear();
    work.clear();
    for (const Item& it : batch.items) {
      records.push_back(ToRecord(s, it));
      ids.push_back(it.id);
    }
    for (const ItemProblem& p : batch.problems)
      records.push_back(ProblemRecord(s, p.item_id, p));
    MMGATE_RETURN_IF_ERROR(store->AppendSuiteItems(run_id, s.name, records));
    for (const ItemProblem& p : batch.problems) {
      store::ResponseRecord r = ProblemError(s, p.item_id, p, version);
      r.created_ms = clock->WallMillis();
      MMGATE_RETURN_IF_ERROR(store->PutResult(run_id, r, {}));
    }
    plan->invalid += static_cast<int64_t>(batch.problems.size());
    auto finished = store->FinishedItemsOf(run_id, s.name, ids);
    if (!finished.ok()) return finished.status();
    for (const Item& it : batch.items) {
      auto f = finished->find(it.id);
      if (f != finished->end() && f->second == it.content_hash)
        ++plan->skipped;
      else
        work.push_back({&s, &it});
    }
    plan->queued += static_cast<int64_t>(work.size());
    return work.empty() ? Status::Ok() : run(work);
  });
  if (plan->stopped) return Status::Ok();
  return read;
}

}  // namespace

Result<std::vector<const Suite*>> SelectSuites(
    const ProjectConfig& project, const std::vector<std::string>& names) {
  std::vector<const Suite*> suites;
  for (const Suite& s : project.suites) {
    if (names.empty() ||
        std::find(names.begin(), names.end(), s.name) != names.end()) {
      suites.push_back(&s);
    }
  }
  for (const std::string& name : names) {
    bool found = std::any_of(suites.begin(), suites.end(),
                             [&](const Suite* s) { return s->name == name; });
    if (!found)
      return Status::Invalid(
          fmt::format("{}: no suite named '{}'", project.path, name));
  }
  return suites;
}

Result<std::optional<Price>> PriceOf(const ProjectConfig& project,
                                     const std::string& model_name) {
  auto p = project.prices.find(model_name);
  if (p == project.prices.end()) return std::optional<Price>();
  return std::optional<Price>(p->second);
}

Result<std::string> FreshRunId(const std::string& prefix, Clock* clock,
                               store::Store* store) {
  std::time_t t = static_cast<std::time_t>(clock->WallMillis() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  const std::string base = prefix + "-" + buf;
  std::string id = base;
  for (int n = 2;; ++n) {
    auto existing = store->GetRun(id);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) return id;
    id = fmt::format("{}-{}", base, n);
  }
}

Result<bool> StartRun(const std::string& run_id, const std::string& model_name,
                      const std::string& model_version, const ModelSpec& spec,
                      const std::string& config_path, store::Store* store,
                      Clock* clock) {
  auto existing = store->GetRun(run_id);
  if (!existing.ok()) return existing.status();
  bool resumed = existing->has_value();
  if (resumed) {
    const store::RunRecord& run = **existing;
    if (run.model != model_name || run.model_version != model_version) {
      return Status::Invalid(fmt::format(
          "run '{}' was made by model '{}' ({}), not '{}' ({}); "
          "choose another --run-id",
          run.run_id, run.model, run.model_version, model_name, model_version));
    }
  } else {
    json params = spec.params;
    params["provider"] = spec.provider;
    store::RunRecord run;
    run.run_id = run_id;
    run.model = model_name;
    run.model_version = model_version;
    run.spec_json = RedactConfig(params);
    run.config_path = config_path;
    run.status = store::RunStatus::kRunning;
    run.created_ms = clock->WallMillis();
    MMGATE_RETURN_IF_ERROR(store->CreateRun(run));
  }
  MMGATE_RETURN_IF_ERROR(
      store->SetRunStatus(run_id, store::RunStatus::kRunning, 0));
  return resumed;
}

store::ItemRecord ToRecord(const Suite& s, const Item& it) {
  json media = json::array();
  for (const MediaRef& m : it.media)
    media.push_back({{"type", m.type}, {"path", m.path}});
  json ref =
      it.references.size() == 1 ? json(it.references[0]) : json(it.references);
  return store::ItemRecord{s.name,
                           it.id,
                           it.content_hash,
                           it.modality,
                           MetricsFor(s, it)[0],
                           it.group,
                           it.expect,
                           it.slices,
                           ref.dump(),
                           it.prompt,
                           media.dump(),
                           it.line};
}

bool UsesMetric(const std::vector<const Suite*>& suites,
                const std::string& metric) {
  for (const Suite* s : suites) {
    if (s->metric == metric || s->item_metrics.contains(metric) ||
        std::find(s->extra_metrics.begin(), s->extra_metrics.end(), metric) !=
            s->extra_metrics.end())
      return true;
    for (const Item& it : s->items)
      if (it.metric == metric) return true;
  }
  return false;
}

int64_t SuiteSize(const Suite& s) {
  const size_t items =
      s.streamed ? static_cast<size_t>(s.item_count) : s.items.size();
  return static_cast<int64_t>(items + s.problems.size());
}

Status PlanSuiteInBatches(const Suite& s, const std::string& run_id,
                          const std::string& version, bool skip_finished,
                          size_t batch_size,
                          const std::function<bool()>& stopping,
                          const BatchRunner& run, store::Store* store,
                          Clock* clock, RunPlan* plan) {
  MMGATE_RETURN_IF_ERROR(store->PutSuiteRecord(run_id, SuiteRecordOf(s)));
  plan->total += SuiteSize(s);
  if (s.source)
    return PlanSourceInBatches(s, run_id, version, batch_size, stopping, run,
                               store, clock, plan);
  std::vector<std::string> ids;  // every valid item's, to drop the others
  ids.reserve(static_cast<size_t>(SuiteSize(s)));
  std::vector<store::ItemRecord> records;
  std::vector<WorkItem> work;
  Status read = dataset::ReadItemBatches(
      s, batch_size, [&](std::vector<Item>& batch) -> Status {
        if (stopping()) {
          plan->stopped = true;
          return Status::Internal("stopped");  // recognised by the flag
        }
        records.clear();
        work.clear();
        std::map<std::string, std::string> finished;
        if (skip_finished) {
          // Only this batch's finished items: a resumed run never holds the
          // whole run's.
          std::vector<std::string> batch_ids;
          batch_ids.reserve(batch.size());
          for (const Item& it : batch) batch_ids.push_back(it.id);
          auto f = store->FinishedItemsOf(run_id, s.name, batch_ids);
          if (!f.ok()) return f.status();
          finished = std::move(*f);
        }
        for (const Item& it : batch) {
          records.push_back(ToRecord(s, it));
          ids.push_back(it.id);
          auto f = finished.find(it.id);
          if (f != finished.end() && f->second == it.content_hash) {
            ++plan->skipped;
          } else {
            work.push_back({&s, &it});
          }
        }
        MMGATE_RETURN_IF_ERROR(
            store->AppendSuiteItems(run_id, s.name, records));
        plan->queued += static_cast<int64_t>(work.size());
        return work.empty() ? Status::Ok() : run(work);
      });
  if (plan->stopped) return Status::Ok();
  MMGATE_RETURN_IF_ERROR(read);
  MMGATE_RETURN_IF_ERROR(
      PutProblems(s, run_id, version, &ids, store, clock, plan));
  return store->KeepSuiteItems(run_id, s.name, ids);
}

Result<RunPlan> PlanRun(const std::vector<const Suite*>& suites,
                        const std::string& run_id, const std::string& version,
                        store::Store* store, Clock* clock) {
  auto finished = store->FinishedItems(run_id);
  if (!finished.ok()) return finished.status();
  RunPlan plan;
  for (const Suite* s : suites) {
    MMGATE_RETURN_IF_ERROR(PutSuite(*s, run_id, version, store, clock, &plan));
    for (const Item& it : s->items) {
      auto f = finished->find({s->name, it.id});
      if (f != finished->end() && f->second == it.content_hash) {
        ++plan.skipped;
      } else {
        plan.work.push_back({s, &it});
      }
    }
  }
  return plan;
}

}  // namespace mmgate::runner
