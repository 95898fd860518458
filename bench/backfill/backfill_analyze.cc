// backfill_analyze DB RUN
// The core of `mmgate backfill analyze RUN --json` (backfill::AnalyzeRun,
// then the report JSON with the top 20 contested decisions) without the
// CLI's other libraries: it builds in a minute when the machine is loaded,
// and its JSON equals the command's but for the "run" field. Times the
// analysis of a database made by backfill_store_build (BENCHMARKS.md,
// "backfill"); run it under /usr/bin/time for memory.
#include <chrono>
#include <cstdio>

#include "backfill/analyze.h"
#include "backfill/export.h"
#include "bench/args.h"
#include "store/store.h"

int main(int argc, char** argv) {
  using namespace mmgate;
  if (auto rc = bench::CheckUsage(bench::Args(argc, argv), 2, 2,
                                  "usage: backfill_analyze DB RUN"))
    return *rc;
  auto store = store::OpenStore(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto report = backfill::AnalyzeRun(store->get(), argv[2], {});
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("%s\n", backfill::ReportJson(*report, 20).dump(2).c_str());
  std::fprintf(stderr, "analyzed %lld decisions of %lld in %.2f s\n",
               static_cast<long long>(report->answered),
               static_cast<long long>(report->population), s);
  return 0;
}
