#include "backfill_common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

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

// The period of run `run_id`'s sample, as recorded on its items (1 when it
// has none).
Result<int64_t> RunPeriod(store::Store* store, const std::string& run_id) {
  auto page = store->LoadResultsPage(run_id, backfill::kSuiteName, "", 1);
  if (!page.ok()) return page.status();
  return page->empty() ? int64_t{1} : backfill::PeriodWeeks(*page);
}

Status NoTraces() {
  return Status::Invalid(
      "no traces stored: import them first (--traces FILE or "
      "`mmgate backfill import FILE`)");
}

// An existing run's recorded traces: their strata counted in one pass over
// the history with the run's items.
Status SelectRecorded(store::Store* store, const std::string& run_id,
                      const backfill::DrawProgress& shown, Selection* s) {
  auto counts = backfill::CountRunHistory(store, run_id, shown);
  if (!counts.ok()) return counts.status();
  if (counts->history.population == 0) return NoTraces();
  auto period = RunPeriod(store, run_id);
  if (!period.ok()) return period.status();
  s->resumed = s->recorded = true;
  s->n = s->drawn = counts->run.population;
  s->sample.population = counts->history.population;
  s->sample.period_weeks = *period;
  auto drawn = counts->run.Strata(*period);
  for (const auto& [key, size] : counts->history.Strata(*period))
    s->sample.strata.push_back({key, size, drawn[key]});
  return Status::Ok();
}

// Every trace (n of N or more, or n <= 0) or a draw of n with `seed`.
Status Draw(store::Store* store, const backfill::HistoryCounts& counts,
            int64_t n, uint64_t seed, const backfill::DrawProgress& shown,
            Selection* s) {
  const int64_t N = counts.population;
  s->n = n;
  if (n <= 0 || n >= N) {
    // Every trace: read as the replay goes, not held.
    s->every = true;
    s->sample = backfill::EveryTrace(counts);
    s->drawn = N;
  } else {
    auto drawn = backfill::DrawFromStore(store, counts, n, seed, shown);
    if (!drawn.ok()) return drawn.status();
    s->sample = std::move(drawn->sample);
    s->drawn = static_cast<int64_t>(s->sample.trace_ids.size());
  }
  s->record = backfill::RecordSelection(counts, s->every, s->drawn, seed);
  return Status::Ok();
}

// An existing run's selection: drawn again when its record matches the
// history, else the traces it recorded (why said on stderr).
Status SelectExisting(store::Store* store, const store::RunRecord& run,
                      const backfill::DrawProgress& shown, Selection* s) {
  auto record = backfill::SelectionOf(run);
  std::string why;
  if (!record.ok()) {
    why = record.status().message();
  } else if (record->has_value()) {
    const backfill::SelectionRecord& r = **record;
    auto counts = backfill::CountHistory(store, shown);
    if (!counts.ok()) return counts.status();
    if (backfill::SameHistory(r, *counts)) {
      s->resumed = true;
      return Draw(store, *counts, r.every ? counts->population : r.size, r.seed,
                  shown, s);
    }
    why = fmt::format(
        "the history changed since its selection was made ({} traces then, "
        "{} now)",
        r.population, counts->population);
  }
  MMGATE_RETURN_IF_ERROR(SelectRecorded(store, run.run_id, shown, s));
  // A run from before selections were recorded resumes as it always did.
  if (!why.empty()) {
    if (shown) std::fprintf(stderr, "\n");
    std::fprintf(stderr,
                 "backfill: run %s: %s; it resumes with the %lld traces it "
                 "recorded\n",
                 run.run_id.c_str(), why.c_str(),
                 static_cast<long long>(s->drawn));
  }
  return Status::Ok();
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
  Selection s;
  if (!run_id.empty()) {
    auto run = store->GetRun(run_id);
    if (!run.ok()) return run.status();
    if (run->has_value()) {
      if (f.sample > 0 || f.precision > 0 || f.all)
        return Status::Invalid(
            "run " + run_id +
            " exists: it resumes with its own sample (drop --sample, "
            "--precision and --all, or pick a new --run-id)");
      MMGATE_RETURN_IF_ERROR(SelectExisting(store, **run, shown, &s));
      if (shown) std::fprintf(stderr, "\n");
      return s;
    }
  }
  auto counts = backfill::CountHistory(store, shown);
  if (!counts.ok()) return counts.status();
  if (counts->population == 0) return NoTraces();
  const int64_t N = counts->population;
  const int64_t n = f.all             ? N
                    : f.precision > 0 ? backfill::SampleSizeFor(f.precision, N,
                                                                f.expected_rate)
                    : f.sample > 0    ? f.sample
                                      : std::min<int64_t>(N, 1000);
  MMGATE_RETURN_IF_ERROR(Draw(store, *counts, n, f.seed, shown, &s));
  if (shown) std::fprintf(stderr, "\n");
  return s;
}

backfill::StreamedSuite ReplaySuiteOf(store::Store* store, Selection* s,
                                      const std::string& run_id,
                                      const std::string& media_dir,
                                      bool keep_skipped) {
  backfill::StreamOptions opt;
  opt.media_dir = media_dir;
  opt.period_weeks = s->sample.period_weeks;
  opt.expected = s->drawn;
  if (keep_skipped) opt.keep_skipped = SIZE_MAX;
  if (s->recorded)
    return backfill::StreamStored(store, backfill::Pick::kRun, run_id, opt);
  if (s->every)
    return backfill::StreamStored(store, backfill::Pick::kAll, "", opt);
  return backfill::StreamDrawn(store, std::move(s->sample.trace_ids), opt);
}

json PlanJson(const Selection& s, const backfill::SourceTally& t,
              const SampleFlags& f) {
  const int64_t n = s.drawn;
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
  for (const backfill::Skipped& k : t.skipped)
    skipped.push_back(
        {{"id", k.trace_id}, {"kind", k.kind}, {"reason", k.reason}});
  return {{"history", N},
          {"sample", n},
          {"replayable", t.items},
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
