// backfill_bench DIR [--mb N] [--decisions N] [--keep] [--only MODE]
//                [--isa baseline|haswell]
// 1. Writes a trace file of about N MB (default 512) into DIR, and its zstd
//    copy; then, in one process and one after the other, times (a) the
//    reference: simdjson's iterate_many over the file loaded in memory,
//    reading each trace's id, time, category and decision (reference.h),
//    (b) mmgate's IngestFile over the same file (records made, media check
//    off, sink discarding; one parsing thread, then two) and (c) over the
//    .zst copy (two threads). Best of three each,
//    for each parser copy this CPU runs (baseline, haswell), each against
//    the reference compiled the same way.
//    --keep leaves the two files in DIR and uses them again when they are
//    there; --only MODE (reference, ingest1, ingest2 or zst) times one of
//    (a) to (c) alone, ten times, for a profiler (--isa baseline|haswell:
//    with that copy, not the one picked).
// 2. Streams N (default 10,000,000) replayed decisions through the flip
//    analyzer and reports the time and the process's peak memory.
#include <simdjson.h>
#include <sys/resource.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "backfill/flips.h"
#include "bench/args.h"
#include "reference.h"
#include "trace/trace.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace mmgate;

double Secs(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

void WriteTraces(const std::string& path, int64_t mb) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 rng(1);
  const char* cats[] = {"refund", "shipping", "account", "fraud", "damage"};
  const char* dec[] = {"approve", "deny", "escalate"};
  std::string line;
  int64_t bytes = 0;
  for (int64_t i = 0; bytes < mb * 1000000; ++i) {
    line =
        "{\"id\": \"t-" + std::to_string(i) + "\", \"time\": \"2026-09-" +
        std::to_string(10 + i % 20) +
        "T12:00:00Z\", \"model_version\": \"prod-2026-08\", \"category\": \"" +
        cats[rng() % 5] +
        "\", \"modality\": \"text\", \"slices\": "
        "{\"region\": \"eu\", \"tier\": \"gold\"}, \"prompt\": \"Customer "
        "writes about order " +
        std::to_string(rng() % 1000000) +
        ": the parcel arrived late and the box was damaged, asks what "
        "happens next\", \"decision\": \"" +
        dec[rng() % 3] + "\", \"confidence\": 0." +
        std::to_string(rng() % 1000) +
        ", \"signals\": {\"thumbs_down\": false, \"retries\": 0}}\n";
    out << line;
    bytes += static_cast<int64_t>(line.size());
  }
}

void Compress(const std::string& in, const std::string& out) {
  std::ifstream f(in, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(f)), {});
  std::string z(ZSTD_compressBound(text.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), text.data(), text.size(), 3));
  std::ofstream(out, std::ios::binary) << z;
}

double Ingest(const std::string& path, trace::ParserIsa isa, int threads,
              int64_t* traces) {
  const auto t0 = Clock::now();
  trace::IngestOptions opt;
  opt.check_media = false;
  opt.parser = isa;
  opt.threads = threads;
  int64_t n = 0;
  auto s =
      trace::IngestFile(path, opt, [&](std::vector<store::TraceRecord>* b) {
        n += static_cast<int64_t>(b->size());
        return Status::Ok();
      });
  if (!s.ok() || !s->malformed.empty()) {
    std::fprintf(stderr, "ingest failed\n");
    std::abort();
  }
  *traces = n;
  return Secs(t0);
}

// Each parser copy against the reference compiled the same way, one after
// the other in one process, best of three each.
void IngestRates(const std::string& path) {
  std::printf(
      "simdjson active implementation: %s; parser copy picked: %s\n",
      simdjson::get_active_implementation()->name().c_str(),
      std::string(trace::ParserIsaName(trace::BestParserIsa())).c_str());
  struct Copy {
    trace::ParserIsa isa;
    bench::ReferenceResult (*reference)(const std::string&);
  };
  std::vector<Copy> copies = {
      {trace::ParserIsa::kBaseline, bench::baseline::Reference}};
#if defined(MMGATE_BENCH_HASWELL)
  if (trace::BestParserIsa() == trace::ParserIsa::kHaswell)
    copies.push_back({trace::ParserIsa::kHaswell, bench::haswell::Reference});
#endif
  const double gb = fs::file_size(path) / 1e9;
  std::printf("file: %.1f MB (zst %.1f MB)\n", gb * 1e3,
              fs::file_size(path + ".zst") / 1e6);
  for (const Copy& c : copies) {
    double ref = 1e9, ing1 = 1e9, ing2 = 1e9, zst = 1e9;
    int64_t traces = 0, ztraces = 0;
    for (int k = 0; k < 3; ++k) {
      ref = std::min(ref, c.reference(path).seconds);
      ing1 = std::min(ing1, Ingest(path, c.isa, 1, &traces));
      ing2 = std::min(ing2, Ingest(path, c.isa, 2, &traces));
      zst = std::min(zst, Ingest(path + ".zst", c.isa, 2, &ztraces));
    }
    const std::string name(trace::ParserIsaName(c.isa));
    std::printf("[%s] reference iterate_many: %.3f s, %.2f GB/s\n",
                name.c_str(), ref, gb / ref);
    std::printf(
        "[%s] mmgate ingest (.jsonl, 1 thread):  %.3f s, %.2f GB/s, %.2fx of "
        "the reference; %lld traces\n",
        name.c_str(), ing1, gb / ing1, ref / ing1,
        static_cast<long long>(traces));
    std::printf(
        "[%s] mmgate ingest (.jsonl, 2 threads): %.3f s, %.2f GB/s, %.2fx\n",
        name.c_str(), ing2, gb / ing2, ref / ing2);
    std::printf(
        "[%s] mmgate ingest (.zst, 2 threads):   %.3f s, %.2f GB/s of JSON, "
        "%.2fx\n",
        name.c_str(), zst, gb / zst, ref / zst);
  }
}

void Flips(int64_t n) {
  const char* cats[] = {"refund", "shipping", "account", "fraud", "damage"};
  const char* dec[] = {"approve", "deny", "escalate"};
  std::map<backfill::StratumKey, int64_t> pop;
  for (const char* c : cats)
    for (int w = 0; w < 13; ++w) pop[{c, 2957 + w}] = n / 65 * 10;
  backfill::FlipAnalyzer a(pop, 1, {{"fraud", 10}});
  std::mt19937_64 rng(2);
  backfill::Replayed r;
  r.modality = "text";
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t x = rng();
    r.trace_id = "t-" + std::to_string(i);
    r.category = cats[x % 5];
    r.created_ms =
        (2957 + static_cast<int64_t>(x >> 8) % 13) * backfill::kWeekMs + 1000;
    r.slices = {{"region", (x >> 20) % 2 ? "eu" : "us"}};
    r.old_decision = dec[(x >> 24) % 3];
    r.new_decision = (x >> 32) % 100 < 5 ? dec[(x >> 40) % 3] : r.old_decision;
    r.ground_truth = (x >> 48) % 3 == 0 ? dec[(x >> 50) % 3] : "";
    a.Add(r);
  }
  backfill::FlipReport rep = a.Finish();
  const double s = Secs(t0);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf(
      "flip analysis: %lld decisions, %zu flips, %zu groups: %.2f s, "
      "peak RSS %.0f MB\n",
      static_cast<long long>(n), rep.contested.size(), rep.groups.size(), s,
      u.ru_maxrss / 1024.0);
}

}  // namespace

// One mode of IngestRates alone, ten times, with the copy picked here or
// the one named (--isa).
int ProfileOne(const std::string& path, const std::string& mode,
               const std::string& isa_name) {
  trace::ParserIsa isa = trace::BestParserIsa();
  if (isa_name == "baseline") isa = trace::ParserIsa::kBaseline;
  if (isa_name == "haswell") isa = trace::ParserIsa::kHaswell;
  const double gb = fs::file_size(path) / 1e9;
  for (int k = 0; k < 10; ++k) {
    int64_t traces = 0;
    double s = 0;
    if (mode == "reference")
      s = isa == trace::ParserIsa::kBaseline
              ? bench::baseline::Reference(path).seconds
              : bench::haswell::Reference(path).seconds;
    else if (mode == "ingest1")
      s = Ingest(path, isa, 1, &traces);
    else if (mode == "ingest2")
      s = Ingest(path, isa, 2, &traces);
    else if (mode == "zst")
      s = Ingest(path + ".zst", isa, 2, &traces);
    else
      return std::fprintf(stderr, "unknown --only mode %s\n", mode.c_str()), 2;
    std::printf("%s: %.3f s, %.2f GB/s\n", mode.c_str(), s, gb / s);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (auto rc = mmgate::bench::CheckUsage(
          mmgate::bench::Args(argc, argv), 1, 10,
          "usage: backfill_bench DIR [--mb N] [--decisions N] [--keep] "
          "[--only MODE [--isa COPY]]"))
    return *rc;
  const std::string dir = argv[1];
  int64_t mb = 512, decisions = 10000000;
  bool keep = false;
  std::string only, isa;
  for (int i = 2; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--keep")) keep = true;
    if (!std::strcmp(argv[i], "--mb") && has_value) mb = std::atoll(argv[++i]);
    if (!std::strcmp(argv[i], "--decisions") && has_value)
      decisions = std::atoll(argv[++i]);
    if (!std::strcmp(argv[i], "--only") && has_value) only = argv[++i];
    if (!std::strcmp(argv[i], "--isa") && has_value) isa = argv[++i];
  }
  fs::create_directories(dir);
  const std::string path = dir + "/bench_traces.jsonl";
  if (mb > 0) {
    if (!keep || !fs::exists(path) || !fs::exists(path + ".zst")) {
      WriteTraces(path, mb);
      Compress(path, path + ".zst");
    }
    if (!only.empty()) return ProfileOne(path, only, isa);
    IngestRates(path);
    if (!keep) {
      fs::remove(path);
      fs::remove(path + ".zst");
    }
  }
  if (decisions > 0) Flips(decisions);
  return 0;
}
