#include "backfill_common.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "backfill/analyze.h"
#include "backfill/draw.h"

namespace mmgate::cli {
namespace {

using nlohmann::json;

constexpr size_t kStoreBatch = 8192;

void PrintProblems(const char* what,
                   const std::vector<trace::TraceProblem>& problems) {
  size_t shown = 0;
  for (const trace::TraceProblem& p : problems) {
    if (++shown > 20) break;
    std::fprintf(stderr, "%s: %s\n", what, p.message.c_str());
  }
  if (problems.size() > 20)
    std::fprintf(stderr, "%s: ... and %zu more\n", what, problems.size() - 20);
}

// Puts a batch; a batch the store refuses is put trace by trace so one bad
// line costs only itself (its refusal is returned in *refused).
Status PutBatch(store::Store* store, std::vector<store::TraceRecord>* batch,
                std::vector<trace::TraceProblem>* refused) {
  if (store->PutTraces(*batch).ok()) return Status::Ok();
  for (const store::TraceRecord& t : *batch) {
    Status st = store->PutTraces({t});
    if (st.code() == StatusCode::kInvalidArgument)
      refused->push_back({0, t.trace_id, st.message()});
    else if (!st.ok())
      return st;
  }
  return Status::Ok();
}

}  // namespace

Result<ImportTotals> ImportTraces(const std::vector<std::string>& files,
                                  store::Store* store, bool progress,
                                  bool quiet) {
  ImportTotals totals;
  const auto start = std::chrono::steady_clock::now();
  const bool tty = progress && ::isatty(STDERR_FILENO);
  for (const std::string& file : files) {
    trace::IngestOptions opt;
    if (tty)
      opt.progress = [&](int64_t bytes, int64_t traces) {
        const double s = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        std::fprintf(stderr,
                     "\rimport %s: %.1f MB read, %lld traces, %.0f MB/s",
                     file.c_str(), bytes / 1e6,
                     static_cast<long long>(totals.traces + traces),
                     s > 0 ? bytes / 1e6 / s : 0.0);
      };
    std::vector<trace::TraceProblem> refused;
    // The parser hands over a block's traces (hundreds); the store gets
    // kStoreBatch at a time, one transaction each.
    std::vector<store::TraceRecord> pending;
    auto sum = trace::IngestFile(
        file, opt, [&](std::vector<store::TraceRecord>* batch) {
          if (pending.empty()) pending.reserve(kStoreBatch);
          for (store::TraceRecord& t : *batch) pending.push_back(std::move(t));
          if (pending.size() < kStoreBatch) return Status::Ok();
          Status st = PutBatch(store, &pending, &refused);
          pending.clear();
          return st;
        });
    // Kept also when the file fails later on: what was read is stored.
    if (!pending.empty()) {
      Status st = PutBatch(store, &pending, &refused);
      if (!st.ok()) return st;
    }
    if (tty) std::fprintf(stderr, "\n");
    if (!sum.ok()) return sum.status();
    for (auto& r : refused) sum->malformed.push_back(std::move(r));
    sum->traces -= static_cast<int64_t>(refused.size());
    if (!quiet) {
      PrintProblems("skipped", sum->malformed);
      PrintProblems("not replayable", sum->not_replayable);
    }
    totals.traces += sum->traces;
    totals.malformed += static_cast<int64_t>(sum->malformed.size());
    totals.not_replayable += static_cast<int64_t>(sum->not_replayable.size());
    totals.files.push_back(std::move(*sum));
  }
  totals.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return totals;
}

json ImportJson(const ImportTotals& t) {
  json files = json::array();
  for (const trace::IngestSummary& s : t.files) {
    json bad = json::array(), gone = json::array();
    for (const auto& p : s.malformed)
      bad.push_back(
          {{"line", p.line}, {"id", p.trace_id}, {"error", p.message}});
    for (const auto& p : s.not_replayable)
      gone.push_back(
          {{"line", p.line}, {"id", p.trace_id}, {"reason", p.message}});
    files.push_back({{"file", s.file},
                     {"lines", s.lines},
                     {"traces", s.traces},
                     {"bytes", s.bytes},
                     {"malformed", bad},
                     {"not_replayable", gone}});
  }
  return {{"traces", t.traces},
          {"malformed", t.malformed},
          {"not_replayable", t.not_replayable},
          {"seconds", t.seconds},
          {"files", files}};
}

namespace {

// The run's backfill item ids, a page at a time, and the sample's period.
Result<std::set<std::string>> RunTraceIds(store::Store* store,
                                          const std::string& run_id,
                                          int64_t* period) {
  std::set<std::string> ids;
  std::string after;
  for (;;) {
    auto page =
        store->LoadResultsPage(run_id, backfill::kSuiteName, after, 10000);
    if (!page.ok()) return page.status();
    if (page->empty()) return ids;
    if (ids.empty()) *period = backfill::PeriodWeeks(*page);
    for (const store::ItemResult& r : *page) ids.insert(r.item.item_id);
    after = page->back().item.item_id;
  }
}

}  // namespace

Result<Selection> SelectTraces(store::Store* store, const SampleFlags& f,
                               const std::string& run_id, bool progress) {
  // Two passes over a history of millions take a while: say how far.
  backfill::DrawProgress shown;
  if (progress && ::isatty(STDERR_FILENO))
    shown = [](int pass, int64_t traces) {
      std::fprintf(stderr, "\rsample: pass %d, %lld traces read", pass,
                   static_cast<long long>(traces));
    };
  auto counts = backfill::CountHistory(store, shown);
  if (!counts.ok()) return counts.status();
  if (counts->population == 0)
    return Status::Invalid(
        "no traces stored: import them first (--traces FILE or "
        "`mmgate backfill import FILE`)");
  Selection s;
  std::set<std::string> existing;
  int64_t period = 1;
  if (!run_id.empty()) {
    auto run = store->GetRun(run_id);
    if (!run.ok()) return run.status();
    if (run->has_value()) {
      auto ids = RunTraceIds(store, run_id, &period);
      if (!ids.ok()) return ids.status();
      existing = std::move(*ids);
      if (f.sample > 0 || f.precision > 0 || f.all)
        return Status::Invalid(
            "run " + run_id +
            " exists: it resumes with its own sample (drop --sample, "
            "--precision and --all, or pick a new --run-id)");
      s.resumed = true;
    }
  }
  const int64_t N = counts->population;
  s.n = f.all ? N
        : f.precision > 0
            ? backfill::SampleSizeFor(f.precision, N, f.expected_rate)
        : f.sample > 0 ? f.sample
                       : std::min<int64_t>(N, 1000);
  if (s.resumed) {
    s.n = static_cast<int64_t>(existing.size());
    s.sample.population = N;
    s.sample.period_weeks = period;
    auto traces = backfill::TracesWithIds(store, existing, shown);
    if (!traces.ok()) return traces.status();
    s.traces = std::move(*traces);
    auto drawn = backfill::CountStrata(s.traces, period);
    for (const auto& [key, size] : counts->Strata(period))
      s.sample.strata.push_back({key, size, drawn[key]});
  } else {
    auto drawn = backfill::DrawFromStore(store, *counts, s.n, f.seed, shown);
    if (!drawn.ok()) return drawn.status();
    s.sample = std::move(drawn->sample);
    s.traces = std::move(drawn->traces);
  }
  if (shown) std::fprintf(stderr, "\n");
  return s;
}

json PlanJson(const Selection& s, const backfill::ReplaySuite& r,
              const SampleFlags& f) {
  const int64_t n = static_cast<int64_t>(s.traces.size());
  const int64_t N = s.sample.population;
  json strata = json::array();
  for (const backfill::Stratum& st : s.sample.strata)
    strata.push_back(
        {{"category", st.key.category},
         {"period_start",
          trace::FormatRfc3339(st.key.period * s.sample.period_weeks *
                               backfill::kWeekMs)},
         {"population", st.population},
         {"sampled", st.sampled}});
  json skipped = json::array();
  for (const backfill::Skipped& k : r.skipped)
    skipped.push_back(
        {{"id", k.trace_id}, {"kind", k.kind}, {"reason", k.reason}});
  return {{"history", N},
          {"sample", n},
          {"replayable", static_cast<int64_t>(r.suite.items.size())},
          {"seed", f.seed},
          {"resumed", s.resumed},
          {"period_weeks", s.sample.period_weeks},
          {"precision",
           {{"expected_flip_rate", f.expected_rate},
            {"half_width", backfill::HalfWidth(n, N, f.expected_rate)},
            {"half_width_worst_case", backfill::HalfWidth(n, N, 0.5)}}},
          {"strata", strata},
          {"skipped", skipped}};
}

}  // namespace mmgate::cli
