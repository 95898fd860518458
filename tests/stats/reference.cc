#include "reference.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "stats/rng.h"

namespace mmgate::stats::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct PipeCloser {
  void operator()(FILE* f) const { pclose(f); }
};

// Runs a shell command; its stdout, or an error with its exit status.
Result<std::string> Capture(const std::string& command) {
  FILE* raw = popen(command.c_str(), "r");
  if (raw == nullptr) return Status::IoError("cannot start: " + command);
  std::unique_ptr<FILE, PipeCloser> pipe(raw);
  std::string out;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe.get())) > 0)
    out.append(buffer, got);
  const int status = pclose(pipe.release());
  if (status != 0) {
    return Status::Internal(
        fmt::format("'{}' exited with status {}", command, status));
  }
  return out;
}

double Uniform(SplitMix64& rng) {
  return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
}

}  // namespace

std::string ReferenceUnavailable() {
  auto probe = Capture(std::string(kPython) +
                       " -c 'import scipy, statsmodels' 2>/dev/null");
  if (probe.ok()) return "";
  return std::string(kPython) +
         " cannot import scipy and statsmodels (install python3-scipy "
         "python3-statsmodels)";
}

Result<nlohmann::json> RunReference(const std::vector<std::string>& args) {
  std::string command =
      std::string(kPython) + " " +
      Quote(std::string(MMGATE_STATS_TEST_DIR) + "/scipy_reference.py");
  for (const std::string& a : args) command += " " + Quote(a);
  auto out = Capture(command);
  if (!out.ok()) return out.status();
  try {
    return nlohmann::json::parse(*out);
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt("scipy_reference.py printed no JSON: " +
                           std::string(e.what()));
  }
}

Result<std::string> WriteClustersCsv(const std::vector<PairedSums>& clusters,
                                     const std::string& name) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path);
  for (const PairedSums& c : clusters) {
    out << fmt::format("{:.17g},{:.17g},{:.17g},{:.17g}\n", c.base_num,
                       c.base_den, c.cand_num, c.cand_den);
  }
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return path;
}

std::vector<PairedSums> WerLikeClusters(int clusters, int max_size,
                                        uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<PairedSums> out;
  for (int c = 0; c < clusters; ++c) {
    PairedSums sums;
    const int size =
        1 + static_cast<int>(rng.Next() % static_cast<uint64_t>(max_size));
    // A per-source difficulty shared by its variants: what makes clustering
    // matter.
    const double difficulty = Uniform(rng);
    for (int i = 0; i < size; ++i) {
      const int words = 5 + static_cast<int>(rng.Next() % 20);
      int base = 0, cand = 0;
      for (int w = 0; w < words; ++w) {
        base += Uniform(rng) < 0.35 * difficulty;
        cand += Uniform(rng) < 0.30 * difficulty;
      }
      sums.base_num += base;
      sums.base_den += words;
      sums.cand_num += cand;
      sums.cand_den += words;
    }
    out.push_back(sums);
  }
  return out;
}

std::vector<PairedSums> BinaryGroups(int clusters, int max_size,
                                     uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<PairedSums> out;
  for (int c = 0; c < clusters; ++c) {
    PairedSums sums;
    const int size =
        1 + static_cast<int>(rng.Next() % static_cast<uint64_t>(max_size));
    const double rate = Uniform(rng);
    for (int i = 0; i < size; ++i) {
      const bool base = Uniform(rng) < rate;
      const bool cand = Uniform(rng) < 0.1 ? Uniform(rng) < rate - 0.05 : base;
      sums.base_num += base;
      sums.cand_num += cand;
    }
    sums.base_den = sums.cand_den = size;
    out.push_back(sums);
  }
  return out;
}

std::vector<PairedSums> MeanScoreItems(int n, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<PairedSums> out;
  for (int i = 0; i < n; ++i) {
    const double base = Uniform(rng);
    // Skewed changes: mostly small gains, sometimes a large loss.
    const double change =
        Uniform(rng) < 0.1 ? -0.5 * Uniform(rng) : 0.08 * Uniform(rng);
    const double cand = std::clamp(base + change, 0.0, 1.0);
    out.push_back({base, 1, cand, 1});
  }
  return out;
}

}  // namespace mmgate::stats::testing
