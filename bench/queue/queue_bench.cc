// The work queue under load (BENCHMARKS.md, "Queue"): 8 workers, each with
// its own connection, claim every batch of a run and mark it done
// (RenewLease for ever, as `mmgate run --worker` does), once by batch id
// (Store::ClaimLease, as the workers did before) and once taking the next
// free batch (Store::ClaimNextLease, as they do now).
// Measures claims per second and the latency of each ClaimLease call (P50,
// P99), on SQLite and on PostgreSQL in the same run, and on PostgreSQL again
// while a long analytical query (a REPEATABLE READ transaction holding its
// snapshot, the case that starves vacuum) runs on the same database.
//   usage: queue_bench POSTGRES_URL [BATCHES] [WORKERS]
// The URL's schema is used as given; the bench makes its own run ids.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "bench/args.h"
#include "store/store.h"

namespace mmgate {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kDone = int64_t{1} << 62;

struct Figures {
  double claims_per_s = 0;
  double p50_ms = 0, p99_ms = 0;          // every ClaimLease call
  double won_p50_ms = 0, won_p99_ms = 0;  // the ones that got the batch
  int64_t calls = 0, won = 0;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How a worker finds its next batch.
enum class Claim {
  kById,  // ClaimLease on every batch id from its own starting place
  kNext,  // Store::ClaimNextLease (what `mmgate run --worker` does now)
};

// One worker, until it has tried every batch (kById) or none is free.
void Work(store::Store* s, const std::string& run, Claim how, int w,
          int workers, int batches, std::vector<double>* all,
          std::vector<double>* won) {
  std::string owner = "bench-" + std::to_string(w);
  int start = batches / workers * w;
  for (int i = 0; how == Claim::kNext || i < batches; ++i) {
    std::string id = "b" + std::to_string((start + i) % batches);
    auto t0 = Clock::now();
    auto lease = how == Claim::kById
                     ? s->ClaimLease(run, id, owner, NowMs(), 60000)
                     : s->ClaimNextLease(run, owner, NowMs(), 60000);
    double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!lease.ok()) {
      std::fprintf(stderr, "%s\n", lease.status().message().c_str());
      std::exit(1);
    }
    all->push_back(ms);
    if (!lease->has_value()) {
      if (how == Claim::kNext) return;
      continue;
    }
    won->push_back(ms);
    int64_t now = NowMs();
    if (!s->RenewLease(**lease, now, kDone - now).ok()) std::exit(1);
  }
}

Figures Measure(const std::string& url, const std::string& run, Claim how,
                int batches, int workers) {
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < workers; ++i) {
    auto s = store::OpenStore(url);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().message().c_str());
      std::exit(1);
    }
    stores.push_back(std::move(*s));
  }
  store::RunRecord r;
  r.run_id = run;
  r.model = "bench";
  r.created_ms = NowMs();
  if (!stores[0]->CreateRun(r).ok()) std::exit(1);
  if (how == Claim::kNext) {  // the planner fills the queue first
    std::vector<std::string> ids;
    for (int b = 0; b < batches; ++b) ids.push_back("b" + std::to_string(b));
    if (!stores[0]->AddLeases(run, ids).ok()) std::exit(1);
  }
  std::vector<std::vector<double>> all(workers), won(workers);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w)
    threads.emplace_back(Work, stores[w].get(), run, how, w, workers, batches,
                         &all[w], &won[w]);
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> a, b;
  for (int w = 0; w < workers; ++w) {
    a.insert(a.end(), all[w].begin(), all[w].end());
    b.insert(b.end(), won[w].begin(), won[w].end());
  }
  Figures f;
  f.calls = static_cast<int64_t>(a.size());
  f.won = static_cast<int64_t>(b.size());
  f.claims_per_s = f.won / secs;
  f.p50_ms = Percentile(a, 0.50);
  f.p99_ms = Percentile(a, 0.99);
  f.won_p50_ms = Percentile(b, 0.50);
  f.won_p99_ms = Percentile(b, 0.99);
  if (f.won != batches) {
    std::fprintf(stderr, "%lld batches claimed of %d\n",
                 static_cast<long long>(f.won), batches);
    std::exit(1);
  }
  return f;
}

void Row(const char* what, const Figures& f) {
  std::printf("| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %lld |\n", what,
              f.claims_per_s, f.won_p50_ms, f.won_p99_ms, f.p50_ms, f.p99_ms,
              static_cast<long long>(f.calls));
}

}  // namespace
}  // namespace mmgate

int main(int argc, char** argv) {
  using namespace mmgate;
  if (auto rc = bench::CheckUsage(
          bench::Args(argc, argv), 1, 3,
          "usage: queue_bench POSTGRES_URL [BATCHES] [WORKERS]"))
    return *rc;
  const std::string pg = argv[1];
  const int batches = argc > 2 ? std::atoi(argv[2]) : 5000;
  const int workers = argc > 3 ? std::atoi(argv[3]) : 8;
  const std::string tag = std::to_string(::getpid());
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mmgate-queue-bench-" + tag);
  fs::create_directories(dir);

  std::printf("%d batches, %d workers (one connection each)\n\n", batches,
              workers);
  std::printf(
      "| backend | claims/s | claim P50 ms | claim P99 ms | any call P50 ms | "
      "any call P99 ms | calls |\n|---|---|---|---|---|---|---|\n");
  // Each way of claiming side by side, seconds apart: by id (as the workers
  // did before, for the figures recorded then) and the next free batch.
  Figures lite = Measure("sqlite:" + (dir / "q.db").string(), "q-" + tag,
                         Claim::kById, batches, workers);
  Row("SQLite (one file)", lite);
  Figures lite_next = Measure("sqlite:" + (dir / "q.db").string(), "qn-" + tag,
                              Claim::kNext, batches, workers);
  Row("SQLite, next free batch", lite_next);
  Figures quiet = Measure(pg, "q-" + tag, Claim::kById, batches, workers);
  Row("PostgreSQL", quiet);
  Figures quiet_next = Measure(pg, "qn-" + tag, Claim::kNext, batches, workers);
  Row("PostgreSQL, next free batch", quiet_next);

  // The analytical query: one REPEATABLE READ transaction that keeps its
  // snapshot (and a core) busy for the whole measurement.
  std::atomic<bool> done{false};
  std::atomic<int> queries{0};
  std::thread analytics([&] {
    try {
      pqxx::connection c(pg);
      pqxx::work w(c);
      w.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      while (!done) {
        w.exec(
            "SELECT count(*), sum(length(l.batch_id) * g) FROM leases l,"
            " generate_series(1, 400) g");
        ++queries;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "analytics: %s\n", e.what());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Figures loaded = Measure(pg, "qa-" + tag, Claim::kById, batches, workers);
  Figures loaded_next =
      Measure(pg, "qan-" + tag, Claim::kNext, batches, workers);
  done = true;
  analytics.join();
  Row("PostgreSQL, analytical query running", loaded);
  Row("PostgreSQL, next free batch, analytical query running", loaded_next);
  std::printf("\nanalytical queries completed during the loaded runs: %d\n",
              queries.load());
  std::printf("PostgreSQL / SQLite claims per second: %.2fx\n",
              quiet.claims_per_s / lite.claims_per_s);
  std::printf("claim P99 with the analytical query / without: %.2fx\n",
              loaded.won_p99_ms / quiet.won_p99_ms);
  std::printf(
      "next free batch / by id, claims per second: SQLite %.2fx, PostgreSQL "
      "%.2fx, PostgreSQL with the query %.2fx\n",
      lite_next.claims_per_s / lite.claims_per_s,
      quiet_next.claims_per_s / quiet.claims_per_s,
      loaded_next.claims_per_s / loaded.claims_per_s);
  fs::remove_all(dir);
  return 0;
}
