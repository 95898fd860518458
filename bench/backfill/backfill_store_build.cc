// backfill_store_build DB [--decisions N] [--force]
// Builds a results database for `mmgate backfill analyze` at scale, through
// the store interface (not timed; BENCHMARKS.md, "backfill"): N production
// traces (default 10,000,000) over 13 weeks and 5 categories, stored as
// their trace lines, and a finished backfill run "bench-all" that replayed
// every one of them (items made by the replay's own BuildSuite, one response
// and `exact` score each): 5% of the candidate's decisions are redrawn (so
// about 3.3% flip), a third of the traces carry a ground truth.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backfill/replay.h"
#include "bench/args.h"
#include "runner/plan.h"
#include "store/store.h"

namespace {

using namespace mmgate;

constexpr int64_t kBatch = 20000;
constexpr const char* kRun = "bench-all";
const char* kCats[] = {"refund", "shipping", "account", "fraud", "damage"};
const char* kDecisions[] = {"approve", "deny", "escalate"};

// Trace i, the same on every call: its record and the candidate's answer.
store::TraceRecord MakeTrace(int64_t i, int64_t n, std::string* answer) {
  std::mt19937_64 rng(static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL + 7);
  const uint64_t x = rng();
  store::TraceRecord t;
  char id[32];
  std::snprintf(id, sizeof id, "t-%08lld", static_cast<long long>(i));
  t.trace_id = id;
  // 13 weeks from 2026-06-01 in log order, as production writes them.
  t.created_ms =
      1780272000000LL +
      static_cast<int64_t>(static_cast<double>(i) / n * (13 * 604800000.0 - 1));
  t.category = kCats[x % 5];
  t.decision = kDecisions[(x >> 8) % 3];
  t.model_version = "prod-2026-05";
  const std::string gt = (x >> 16) % 3 == 0
                             ? std::string(", \"ground_truth\": \"") +
                                   kDecisions[(x >> 20) % 3] + "\""
                             : "";
  t.inputs_json =
      "{\"id\": \"" + t.trace_id + "\", \"time\": \"2026-06-01T12:00:00Z\"," +
      " \"model_version\": \"prod-2026-05\", \"category\": \"" + t.category +
      "\", \"modality\": \"text\", \"slices\": {\"region\": \"" +
      ((x >> 24) % 2 ? "eu" : "us") +
      "\", \"tier\": \"gold\"}, \"prompt\": \"Customer writes about order " +
      std::to_string((x >> 28) % 1000000) +
      ": the parcel arrived late and the box was damaged, asks what happens "
      "next\", \"decision\": \"" +
      t.decision + "\", \"confidence\": 0." + std::to_string((x >> 40) % 1000) +
      gt + ", \"signals\": {\"thumbs_down\": false, \"retries\": 0}}";
  const std::string next =
      (x >> 44) % 100 < 5 ? kDecisions[(x >> 52) % 3] : t.decision;
  *answer = "{\"decision\": \"" + next + "\", \"confidence\": 0." +
            std::to_string((x >> 54) % 1000) + "}";
  return t;
}

void Check(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  constexpr char kUsage[] =
      "usage: backfill_store_build DB [--decisions N] [--force]\n"
      "  a file DB that is not empty is refused unless --force, which "
      "replaces it";
  std::vector<std::string> args = bench::Args(argc, argv);
  const bool force = bench::TakeFlag(&args, "--force");
  if (auto rc = bench::CheckUsage(args, 1, 3, kUsage)) return *rc;
  int64_t n = 10000000;
  for (size_t i = 1; i + 1 < args.size(); i += 2)
    if (args[i] == "--decisions") n = std::atoll(args[i + 1].c_str());
  if (!bench::ClearDatabase(args[0], force)) return 2;
  auto store = store::OpenStore(args[0]);
  Check(store.status(), "open");
  store::Store* s = store->get();
  store::RunRecord run;
  run.run_id = kRun;
  run.model = "candidate";
  run.model_version = "cand-2026-09";
  run.created_ms = 1790000000000LL;
  Check(s->CreateRun(run), "run");
  store::SuiteRecord sr;
  sr.suite = backfill::kSuiteName;
  sr.modality = "trace";
  sr.metric = "exact";
  sr.n_items = n;
  Check(s->PutSuiteRecord(kRun, sr), "suite");
  // A batch at a time: its traces, its items, then their results, each one
  // transaction, so memory stays flat and SQLite commits 3 times a batch.
  std::string answer;
  int64_t line = 0;
  for (int64_t b = 0; b < n; b += kBatch) {
    std::vector<store::TraceRecord> traces;
    std::vector<std::string> answers;
    for (int64_t i = b; i < std::min(n, b + kBatch); ++i) {
      traces.push_back(MakeTrace(i, n, &answer));
      answers.push_back(answer);
    }
    Check(s->PutTraces(traces), "traces");
    auto built = backfill::BuildSuite(traces, "", 1);
    Check(built.status(), "suite");
    Suite& suite = built->suite;
    std::vector<store::ItemRecord> items;
    for (Item& it : suite.items) {
      it.line = ++line;
      items.push_back(runner::ToRecord(suite, it));
    }
    Check(s->AppendSuiteItems(kRun, backfill::kSuiteName, items), "items");
    std::vector<
        std::pair<store::ResponseRecord, std::vector<store::ScoreRecord>>>
        results;
    for (size_t k = 0; k < traces.size(); ++k) {
      store::ResponseRecord r;
      r.suite = backfill::kSuiteName;
      r.item_id = traces[k].trace_id;
      r.answer = answers[k];
      r.model_version = run.model_version;
      r.created_ms = run.created_ms;
      r.n_attempts = 1;
      const double same =
          answers[k].find("\"" + traces[k].decision + "\"") != std::string::npos
              ? 1.0
              : 0.0;
      results.push_back({std::move(r), {{"exact", same, same, 1, ""}}});
    }
    Check(s->PutResults(kRun, results), "results");
    std::fprintf(stderr, "\rtraces %lld", static_cast<long long>(b + kBatch));
  }
  Check(s->SetRunStatus(kRun, store::RunStatus::kFinished, run.created_ms),
        "status");
  std::fprintf(stderr, "\ndone: %lld traces, run %s\n",
               static_cast<long long>(n), kRun);
  return 0;
}
