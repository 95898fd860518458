// Writes two runs of N synthetic items each ("base" and "cand") into a
// results database through the store interface, so `mmgate gate` can be
// timed with loading included (bench/gate/gate_db.sh) without `mmgate run`
// calling a model N times. The items look like bench/scale's suite: a prompt,
// a JSON reference, groups of five, two slice keys of five values; as in
// gate_bench, the candidate draws 5% of its outcomes again (pass rate 0.8),
// so about 1.6% of pairs differ.
//   usage: gate_db DB_URL N [SEED] [--force]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/args.h"
#include "store/store.h"

namespace mmgate {
namespace {

constexpr int kSuites = 4;
constexpr const char* kLangs[] = {"en", "de", "fr", "ja", "pt"};
constexpr const char* kSources[] = {"logs", "tickets", "chat", "email", "docs"};

std::string SuiteName(int64_t i) {
  return "text" + std::to_string(i % kSuites);
}

// Item i of suite i % kSuites; `line` is its position in that suite.
store::ItemRecord MakeItem(int64_t i) {
  store::ItemRecord it;
  it.suite = SuiteName(i);
  char id[24];
  std::snprintf(id, sizeof id, "q%07lld", static_cast<long long>(i));
  it.item_id = id;
  it.content_hash = "h" + it.item_id;
  it.modality = "text";
  it.metric = "exact";
  it.group = "g" + std::to_string(i / (5 * kSuites));
  it.slices = {{"lang", kLangs[(i / 5) % 5]},
               {"source", kSources[(i / 25) % 5]}};
  it.reference_json = R"(["Build finished","Build failed"])";
  it.prompt = "Log " + std::to_string(i) + ": what does the build log say?";
  it.media_json = "[]";
  it.line = i / kSuites + 1;
  return it;
}

Status WriteRun(store::Store* store, const std::string& run_id, int64_t n,
                bool candidate, uint64_t seed) {
  store::RunRecord run;
  run.run_id = run_id;
  run.model = candidate ? "cand" : "base";
  run.model_version = run.model + "-v1";
  run.created_ms = candidate ? 2000 : 1000;
  MMGATE_RETURN_IF_ERROR(store->CreateRun(run));
  std::vector<std::vector<store::ItemRecord>> items(kSuites);
  for (int64_t i = 0; i < n; ++i) items[i % kSuites].push_back(MakeItem(i));
  for (int s = 0; s < kSuites; ++s) {
    store::SuiteRecord suite{
        SuiteName(s), "text", "exact",
        {"exact"},    "v1",   static_cast<int64_t>(items[s].size())};
    MMGATE_RETURN_IF_ERROR(store->PutSuite(run_id, suite, items[s]));
  }
  // One seeded stream per purpose: the outcome of item i is the i-th draw of
  // `outcome` in both runs; only the candidate reads `change`, always two
  // draws per item, so a change never shifts the outcome stream (one shared
  // stream with an extra draw per change made about a third of pairs differ).
  std::mt19937_64 outcome(seed);
  std::mt19937_64 change(seed ^ 0x9e3779b97f4a7c15ULL);
  std::uniform_real_distribution<double> u(0, 1);
  for (int64_t i = 0; i < n; ++i) {
    const store::ItemRecord& it = items[i % kSuites][i / kSuites];
    bool pass = u(outcome) < 0.8;
    if (candidate) {
      const bool redraw = u(change) < 0.05;
      const bool redrawn = u(change) < 0.8;
      if (redraw) pass = redrawn;
    }
    store::ResponseRecord r;
    r.suite = it.suite;
    r.item_id = it.item_id;
    r.content_hash = it.content_hash;
    r.answer = pass ? "Build finished" : "Build broke";
    r.latency_ms = (candidate ? 20 : 10) + static_cast<double>(i % 7);
    r.model_version = run.model_version;
    r.input_tokens = 12;
    r.output_tokens = 2;
    r.created_ms = run.created_ms + i;
    const double v = pass ? 1 : 0;
    MMGATE_RETURN_IF_ERROR(
        store->PutResult(run_id, r, {{"exact", v, v, 1, ""}}));
    if ((i + 1) % 100000 == 0)
      std::fprintf(stderr, "%s: %lld of %lld items\n", run_id.c_str(),
                   static_cast<long long>(i + 1), static_cast<long long>(n));
  }
  return store->SetRunStatus(run_id, store::RunStatus::kFinished,
                             run.created_ms + n);
}

}  // namespace
}  // namespace mmgate

int main(int argc, char** argv) {
  constexpr char kUsage[] =
      "usage: gate_db DB_URL N [SEED] [--force]\n"
      "  writes runs \"base\" and \"cand\" of N synthetic items each into the\n"
      "  results database DB_URL; a file there that is not empty is refused\n"
      "  unless --force, which replaces it";
  std::vector<std::string> args = mmgate::bench::Args(argc, argv);
  const bool force = mmgate::bench::TakeFlag(&args, "--force");
  if (auto rc = mmgate::bench::CheckUsage(args, 2, 3, kUsage)) return *rc;
  const int64_t n = std::atoll(args[1].c_str());
  const uint64_t seed =
      args.size() > 2 ? std::strtoull(args[2].c_str(), nullptr, 10) : 11;
  if (!mmgate::bench::ClearDatabase(args[0], force)) return 2;
  auto store = mmgate::store::OpenStore(args[0]);
  if (!store.ok()) {
    std::fprintf(stderr, "gate_db: %s\n", store.status().ToString().c_str());
    return 1;
  }
  for (bool candidate : {false, true}) {
    mmgate::Status st = mmgate::WriteRun(
        store->get(), candidate ? "cand" : "base", n, candidate, seed);
    if (!st.ok()) {
      std::fprintf(stderr, "gate_db: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
