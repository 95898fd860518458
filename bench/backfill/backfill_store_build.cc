// backfill_store_build DB [--decisions N]
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
  if (argc < 2) {
    std::fprintf(stderr, "usage: backfill_store_build DB [--decisions N]\n");
    return 2;
  }
  int64_t n = 10000000;
  for (int i = 2; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--decisions") n = std::atoll(argv[i + 1]);
  auto store = store::OpenStore(argv[1]);
  Check(store.status(), "open");
  store::Store* s = store->get();
  std::string answer;
  Suite suite;
  suite.name = backfill::kSuiteName;
  suite.metric = "exact";
  std::vector<store::ItemRecord> items;
  items.reserve(static_cast<size_t>(n));
  for (int64_t b = 0; b < n; b += kBatch) {
    std::vector<store::TraceRecord> traces;
    for (int64_t i = b; i < std::min(n, b + kBatch); ++i)
      traces.push_back(MakeTrace(i, n, &answer));
    Check(s->PutTraces(traces), "traces");
    auto built = backfill::BuildSuite(traces, "", 1);
    Check(built.status(), "suite");
    for (Item& it : built->suite.items) {
      it.line = static_cast<int>(items.size()) + 1;
      items.push_back(runner::ToRecord(built->suite, it));
    }
    std::fprintf(stderr, "\rtraces %lld", static_cast<long long>(b + kBatch));
  }
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
  Check(s->PutSuite(kRun, sr, items), "items");
  std::vector<store::ItemRecord>().swap(items);
  std::fprintf(stderr, "\nitems stored\n");
  for (int64_t i = 0; i < n; ++i) {
    store::TraceRecord t = MakeTrace(i, n, &answer);
    store::ResponseRecord r;
    r.suite = backfill::kSuiteName;
    r.item_id = t.trace_id;
    r.answer = answer;
    r.model_version = run.model_version;
    r.created_ms = run.created_ms;
    r.n_attempts = 1;
    const bool same =
        answer.find("\"" + t.decision + "\"") != std::string::npos;
    Check(s->PutResult(kRun, r,
                       {{"exact", same ? 1.0 : 0.0, same ? 1.0 : 0.0, 1, ""}}),
          "result");
    if (i % 100000 == 0)
      std::fprintf(stderr, "\rresults %lld", static_cast<long long>(i));
  }
  Check(s->SetRunStatus(kRun, store::RunStatus::kFinished, run.created_ms),
        "status");
  std::fprintf(stderr, "\ndone: %lld traces, run %s\n",
               static_cast<long long>(n), kRun);
  return 0;
}
