#include "runner/rescore.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "common/hash.h"
#include "dataset/load.h"
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

// An item's content hash held inline in 32 bytes, where the hex string would
// cost another 80-byte heap block an item.
using Digest = std::array<unsigned char, 32>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase too: only the canonical spelling decodes
}

// False unless `hex` is 64 lowercase hex digits.
bool DecodeHex(const std::string& hex, Digest* out) {
  if (hex.size() != 2 * out->size()) return false;
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

// A SHA-256 hex digest (what the loader writes) is its own bytes, so equal
// digests are equal strings. Any other string (a hand-made hash) is hashed:
// telling two such strings apart, or one from a real digest, then rests on
// SHA-256, as item identity already does.
Digest DigestOf(const std::string& hash) {
  Digest d;
  if (!DecodeHex(hash, &d)) DecodeHex(Sha256Hex(hash), &d);
  return d;
}

// Where each of a suite's config items is, by id: enough to check the
// source run's items against the config and read each back when its page
// comes, without holding the items (about 120 bytes an item, its id inline
// up to 15 characters).
struct Place {
  Digest content_hash;
  dataset::ItemPlace at;  // its id too
};

// One suite of the rescored run: the config's suite (with --metric applied)
// and its items' places, sorted by id as the store's pages come.
struct SuiteWork {
  Suite suite;
  // The config's suite as loaded: its items are read back through it (a
  // suite's metric is part of its items' content hashes).
  const Suite* config = nullptr;
  std::vector<Place> places;
  int64_t source_items = 0;  // the source run's record of the suite
  const Place* Find(const std::string& id) const {
    auto it = std::lower_bound(
        places.begin(), places.end(), id,
        [](const Place& p, const std::string& x) { return p.at.id < x; });
    return it != places.end() && it->at.id == id ? &*it : nullptr;
  }
};

// Stored items read at a time.
constexpr int64_t kPageItems = 1000;

// The config's suite, scored with `metric` as every item's primary metric.
Suite WithMetric(const Suite& s, const std::string& metric) {
  Suite out = s;
  if (metric.empty()) return out;
  out.metric = metric;
  out.extra_metrics.erase(
      std::remove(out.extra_metrics.begin(), out.extra_metrics.end(), metric),
      out.extra_metrics.end());
  for (Item& it : out.items) it.metric.clear();
  out.item_metrics.clear();
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

// Calls `each` with every page of the source run's items of a suite.
Status ForEachPage(
    store::Store* store, const std::string& run_id, const std::string& suite,
    const std::function<Status(std::vector<store::ItemResult>&)>& each) {
  std::string after;
  for (;;) {
    auto page = store->LoadResultsPage(run_id, suite, after, kPageItems);
    if (!page.ok()) return page.status();
    if (page->empty()) return Status::Ok();
    after = page->back().item.item_id;
    MMGATE_RETURN_IF_ERROR(each(*page));
  }
}

// The places of a suite's config items, in id order.
Status IndexSuite(SuiteWork* w) {
  // The count is known from the load: grown by doubling, the vector would
  // hold up to twice its size, and both buffers at once while it moves.
  w->places.reserve(static_cast<size_t>(std::max<int64_t>(
      w->config->item_count, static_cast<int64_t>(w->config->items.size()))));
  int64_t index = 0;
  MMGATE_RETURN_IF_ERROR(
      dataset::ReadItemBatches(*w->config, 4096, [&](std::vector<Item>& batch) {
        for (const Item& it : batch)
          w->places.push_back(
              {DigestOf(it.content_hash), dataset::PlaceOf(index++, it)});
        return Status::Ok();
      }));
  std::sort(w->places.begin(), w->places.end(),
            [](const Place& a, const Place& b) { return a.at.id < b.at.id; });
  return Status::Ok();
}

// Checks that every stored item has the config's item of the same id and
// content; an item that changed or left the suite is an error naming it.
Status MatchItems(const std::string& source_run,
                  const std::vector<SuiteWork>& work, store::Store* store) {
  std::vector<std::string> changed;
  for (const SuiteWork& w : work) {
    MMGATE_RETURN_IF_ERROR(ForEachPage(
        store, source_run, w.suite.name,
        [&](std::vector<store::ItemResult>& page) {
          for (const store::ItemResult& r : page) {
            if (r.item.content_hash.empty()) continue;  // an invalid line
            const Place* p = w.Find(r.item.item_id);
            if (!p || DigestOf(r.item.content_hash) != p->content_hash)
              changed.push_back(r.item.suite + "/" + r.item.item_id);
          }
          return Status::Ok();
        }));
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
    int64_t items = 0;
    for (const store::SuiteRecord& r : *ran)
      if (r.suite == name) items = r.n_items;
    work.push_back({WithMetric(*s, options.metric), &*s, {}, items});
    MMGATE_RETURN_IF_ERROR(
        IndexSuite(&work.back()).WithContext("suite " + name));
  }
  return work;
}

store::SuiteRecord SuiteRecordOf(const Suite& s, int64_t items) {
  std::vector<std::string> metrics{s.metric};
  for (const std::string& m : s.extra_metrics) metrics.push_back(m);
  return store::SuiteRecord{s.name,  s.modality,     s.metric,
                            metrics, s.version_hash, items};
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

// One stored item scored again (or copied: an invalid line, an error).
ItemOutcome RescoreItem(const SuiteWork& w, const store::ItemResult& r,
                        const Item* item, ItemExecutor* executor,
                        RescoreSummary* summary) {
  const store::ResponseRecord& stored = *r.response;
  ItemOutcome o;
  if (item) {
    o = executor->Rescore(w.suite, *item, stored);
    if (!stored.error) ++summary->rescored;
  } else {
    o.response = stored;
  }
  if (o.response.error) ++summary->errors;
  return o;
}

// A stored item's record in the new run (appended to *records) and, unless
// it was an invalid line, the item read back from the config's dataset.
Result<std::optional<Item>> PageItem(const SuiteWork& w,
                                     const store::ItemResult& r,
                                     const std::string& metric,
                                     std::vector<Item>* read,
                                     std::vector<store::ItemRecord>* records) {
  if (r.item.content_hash.empty()) {
    records->push_back(r.item);  // an invalid line, as it was
    records->back().metric = w.suite.metric;
    return std::optional<Item>();
  }
  // Matched with the config before anything was written.
  MMGATE_RETURN_IF_ERROR(
      dataset::ReadItemsAt(*w.config, w.Find(r.item.item_id)->at, 1, read));
  std::optional<Item> item = std::move(read->front());
  if (!metric.empty()) item->metric.clear();
  records->push_back(ToRecord(w.suite, *item));
  return item;
}

// One suite into the new run a page of stored items at a time: the page's
// items recorded, each stored answer scored again, the page's results
// written in one transaction.
Status RescoreSuite(const SuiteWork& w, const std::string& source_run,
                    const std::string& run_id, const std::string& metric,
                    ItemExecutor* executor, store::Store* store,
                    Progress* progress, RescoreSummary* summary) {
  MMGATE_RETURN_IF_ERROR(
      store->PutSuiteRecord(run_id, SuiteRecordOf(w.suite, w.source_items)));
  int64_t items = 0;
  std::vector<store::ItemRecord> records;
  std::vector<std::pair<store::ResponseRecord, std::vector<store::ScoreRecord>>>
      results;
  std::vector<Item> read;
  std::vector<std::optional<Item>> page_items;
  MMGATE_RETURN_IF_ERROR(ForEachPage(
      store, source_run, w.suite.name,
      [&](std::vector<store::ItemResult>& page) -> Status {
        records.clear();
        results.clear();
        page_items.clear();
        for (const store::ItemResult& r : page) {
          auto item = PageItem(w, r, metric, &read, &records);
          if (!item.ok()) return item.status();
          page_items.push_back(std::move(*item));
        }
        // The items first: a judge's calls, stored while the answers are
        // scored, refer to them.
        MMGATE_RETURN_IF_ERROR(
            store->AppendSuiteItems(run_id, w.suite.name, records));
        for (size_t i = 0; i < page.size(); ++i) {
          ++items;
          progress->Update(++summary->items, summary->errors);
          if (!page[i].response) {
            ++summary->not_run;
            continue;
          }
          const std::optional<Item>& item = page_items[i];
          ItemOutcome o = RescoreItem(w, page[i], item ? &*item : nullptr,
                                      executor, summary);
          results.emplace_back(std::move(o.response), std::move(o.scores));
        }
        return results.empty() ? Status::Ok()
                               : store->PutResults(run_id, results);
      }));
  if (items == w.source_items) return Status::Ok();
  return store->PutSuiteRecord(run_id, SuiteRecordOf(w.suite, items));
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
  MMGATE_RETURN_IF_ERROR(MatchItems(source_run, *work, store));

  RescoreSummary summary;
  summary.source_run = source_run;
  auto id = NewRunId(source_run, options.run_id, store, clock);
  if (!id.ok()) return id.status();
  summary.run_id = *id;
  MMGATE_RETURN_IF_ERROR(
      CreateRescoredRun(**source, summary.run_id, project, store, clock));

  std::vector<const Suite*> suites;
  for (const SuiteWork& w : *work) suites.push_back(&w.suite);
  std::unique_ptr<ground::InputTextCache> input_text;
  ExecutorConfig config;
  config.run_id = summary.run_id;
  config.model_version = (*source)->model_version;
  score::ScoreContext context = options.score_context;
  if (!context.input_text && UsesMetric(suites, "grounding"))
    context = InputTextContext(project, context, &input_text);
  auto hook = MakeScoreHook(options.score_hook, summary.run_id, context);
  if (!hook.ok()) return hook.status();
  config.score = std::move(*hook);
  ItemExecutor executor(std::move(config), store, clock);

  int64_t total = 0;
  for (const SuiteWork& w : *work) total += w.source_items;
  Progress progress(options.progress && ::isatty(STDERR_FILENO),
                    static_cast<size_t>(total), clock);
  for (const SuiteWork& w : *work) {
    summary.suites.push_back(w.suite.name);
    MMGATE_RETURN_IF_ERROR(RescoreSuite(w, source_run, summary.run_id,
                                        options.metric, &executor, store,
                                        &progress, &summary));
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
