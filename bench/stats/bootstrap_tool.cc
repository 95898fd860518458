// Runs PairedBootstrap on per-cluster sums read from a CSV file
// ("base_num,base_den,cand_num,cand_den" per line) and prints the result and
// the time the bootstrap took as JSON, for bootstrap_vs_scipy.py.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "stats/bootstrap.h"

namespace {

mmgate::Result<std::vector<mmgate::stats::PairedSums>> ReadCsv(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return mmgate::Status::IoError("cannot open " + path);
  std::vector<mmgate::stats::PairedSums> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    mmgate::stats::PairedSums s;
    char c1 = 0, c2 = 0, c3 = 0;
    std::istringstream fields(line);
    if (!(fields >> s.base_num >> c1 >> s.base_den >> c2 >> s.cand_num >> c3 >>
          s.cand_den) ||
        c1 != ',' || c2 != ',' || c3 != ',') {
      return mmgate::Status::Corrupt(
          fmt::format("{}:{}: expected four numbers", path, number));
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Paired cluster bootstrap on a CSV of per-cluster sums"};
  std::string csv;
  mmgate::stats::BootstrapOptions options;
  bool lower_is_better = false;
  app.add_option("csv", csv, "base_num,base_den,cand_num,cand_den per cluster")
      ->required();
  app.add_option("--resamples", options.resamples, "bootstrap resamples");
  app.add_option("--seed", options.seed, "random seed");
  app.add_option("--threads", options.threads,
                 "worker threads (0: one per core)");
  app.add_option("--confidence", options.confidence,
                 "two-sided confidence level");
  app.add_flag("--lower-is-better", lower_is_better, "orient as an error rate");
  CLI11_PARSE(app, argc, argv);
  options.higher_is_better = !lower_is_better;

  auto data = ReadCsv(csv);
  if (!data.ok()) {
    std::cerr << data.status().message() << "\n";
    return 2;
  }
  // Wall time, and CPU time of all threads, of the bootstrap alone.
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  auto result = mmgate::stats::PairedBootstrap(*data, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const double cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (!result.ok()) {
    std::cerr << result.status().message() << "\n";
    return 2;
  }
  std::cout << fmt::format(
      "{{\"seconds\": {:.6f}, \"cpu_seconds\": {:.6f}, \"clusters\": {}, "
      "\"resamples\": {}, \"delta\": "
      "{:.17g}, "
      "\"percentile\": [{:.17g}, {:.17g}], \"bca\": [{:.17g}, {:.17g}], "
      "\"se\": {:.17g}}}\n",
      seconds, cpu_seconds, result->clusters, result->resamples, result->delta,
      result->percentile.lower, result->percentile.upper, result->bca.lower,
      result->bca.upper, result->standard_error);
  return 0;
}
