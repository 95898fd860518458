// Store contract, the gate's narrow load: LoadGateRun gives the rows of
// LoadResults compacted (GateRun::Of), in the same order, with the same
// responses and scores.
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "contract.h"

namespace mmgate::store::contract {
namespace {

// Every field of a loaded item, as text to compare (and to read on failure);
// scores by metric (GateRun::Of keeps the map's order, a load the rows').
std::string Dump(const GateItem& it) {
  std::string out = fmt::format(
      "{}/{} hash={} modality={} metric={} group={} expect={} line={} slices=",
      it.suite, it.item_id, it.content_hash, it.modality, it.metric, it.group,
      it.expect, it.line);
  for (const GateSlice& s : it.slices)
    out += fmt::format("{}={},", s.key, s.value);
  if (it.has_response) {
    out += fmt::format(
        " | answer={} error={} kind={} latency={} tokens={}/{} cost={} "
        "attempts={} template={} schema={} flaky={}",
        it.has_answer ? it.answer : "<none>",
        it.has_error ? it.error : "<none>", it.error_kind, it.latency_ms,
        it.input_tokens, it.output_tokens, it.cost_usd, it.n_attempts,
        it.template_hash, it.schema_valid, it.flaky);
  } else {
    out += " | not run";
  }
  std::vector<const GateScore*> scores;
  for (const GateScore& s : it.scores) scores.push_back(&s);
  std::sort(scores.begin(), scores.end(),
            [](auto* a, auto* b) { return a->metric < b->metric; });
  for (const GateScore* s : scores)
    out += fmt::format(" | {}={} {}/{} {}", s->metric, s->value, s->numerator,
                       s->denominator, s->detail);
  return out;
}

// A response with its scores, to be written.
struct Pending {
  std::string run_id;
  ResponseRecord response;
  std::vector<ScoreRecord> scores;
};

// A seeded synthetic run `run_id`: two suites sharing item ids, lines with
// ties, slices from a small set (so rows share them), items not run, failed,
// flaky, repeated, and scored with one to three metrics. The results are
// written in the items' order, or, with `later`, left there to be written.
Status AddSyntheticRun(Store* s, const std::string& run_id, uint64_t seed,
                       std::vector<Pending>* later = nullptr) {
  MMGATE_RETURN_IF_ERROR(s->CreateRun(MakeRun(run_id, 1)));
  std::mt19937_64 rng(seed);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::vector<std::pair<std::string, std::string>>> slices = {
      {},
      {{"lang", "en"}},
      {{"lang", "de"}, {"difficulty", "hard"}},
      {{"perturbation", "rotate:5"}, {"lang", "en"}, {"source", "chat"}}};
  const char* metrics[] = {"exact", "anls", "judge"};
  for (const char* suite : {"docs", "charts"}) {
    std::vector<ItemRecord> items;
    for (int i = 0; i < 60; ++i) {
      ItemRecord it;
      it.suite = suite;
      it.item_id = fmt::format("x{:02d}", (i * 37) % 60);
      it.content_hash = "h" + it.item_id;
      it.modality = suite;
      it.metric = metrics[pick(3)];
      it.group = fmt::format("g{}", i / 4);
      it.expect = pick(5) == 0 ? "abstain" : "answer";
      it.slices = slices[pick(4)];
      it.reference_json = fmt::format(R"(["ref {}", {{"n": {}}}])", i, i);
      it.prompt = fmt::format("question {} of {}", i, suite);
      it.media_json = pick(2) ? "[]" : R"([{"type":"image","path":"a.png"}])";
      it.line = i / 2 + 1;  // two items per line: the item id breaks ties
      items.push_back(std::move(it));
    }
    MMGATE_RETURN_IF_ERROR(s->PutSuite(
        run_id, {suite, suite, "exact", {"exact"}, "v1", 60}, items));
    for (const ItemRecord& it : items) {
      const int kind = pick(8);
      if (kind == 0) continue;  // not run
      ResponseRecord r;
      r.suite = it.suite;
      r.item_id = it.item_id;
      r.content_hash = it.content_hash;
      if (kind == 1) {
        r.error = "engine error on " + it.item_id;
        r.error_kind = "engine_error";
      } else {
        r.answer = fmt::format("answer {}", pick(3));
      }
      r.latency_ms = 10 + pick(100) / 4.0;
      r.model_version = "m-" + run_id;
      r.input_tokens = pick(50);
      r.output_tokens = pick(5) - 1;
      r.created_ms = 100 + pick(1000);
      r.cost_usd = pick(10) / 1000.0;
      r.n_attempts = 1 + pick(3);
      r.ttft_ms = pick(2) ? -1 : 3.5;
      r.template_hash = pick(2) ? "" : "t1";
      r.schema_valid = pick(3) - 1;
      r.cached = pick(2);
      r.n_repeats = kind == 2 ? 3 : 1;
      r.flaky = kind == 2 && pick(2);
      if (kind == 2)
        r.repeats_json = R"([{"answer":"a","value":1},{"answer":"b"}])";
      std::vector<ScoreRecord> scores;
      if (kind != 1) {
        for (int m = 0; m <= pick(3); ++m) {
          const double v = pick(2);
          scores.push_back(
              {metrics[m], v, v, 1, m == 2 ? R"({"role":"x"})" : ""});
        }
      }
      if (later != nullptr) {
        later->push_back({run_id, std::move(r), std::move(scores)});
        continue;
      }
      MMGATE_RETURN_IF_ERROR(s->PutResult(run_id, r, scores));
    }
  }
  return Status::Ok();
}

template <typename B>
class GateLoadContract : public ContractTest<B> {};
TYPED_TEST_SUITE(GateLoadContract, Backends, BackendNames);

// Expects LoadGateRun(run) to be LoadResults(run) compacted; counts the
// items scored more than once and those with a judge's detail.
void ExpectNarrowIsFull(Store* s, const std::string& run, int* scored,
                        int* judged) {
  auto full = s->LoadResults(run);
  auto narrow = s->LoadGateRun(run);
  ASSERT_TRUE(full.ok()) << full.status().message();
  ASSERT_TRUE(narrow.ok()) << narrow.status().message();
  ASSERT_EQ(full->size(), 120u);
  ASSERT_EQ(narrow->items.size(), full->size());
  const GateRun want = GateRun::Of(*full);
  for (size_t i = 0; i < full->size(); ++i) {
    *scored += (*full)[i].scores.size() > 1;
    const GateScore* judge = narrow->items[i].Score("judge");
    *judged += judge != nullptr && judge->detail == R"({"role":"x"})";
    EXPECT_EQ(Dump(narrow->items[i]), Dump(want.items[i]))
        << run << " row " << i;
  }
}

TYPED_TEST(GateLoadContract, NarrowLoadIsTheFullLoadLessUnreadColumns) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddSyntheticRun(s, "r", 7).ok());
  ASSERT_TRUE(AddSyntheticRun(s, "other", 8).ok());
  int scored = 0, judged = 0;
  ExpectNarrowIsFull(s, "r", &scored, &judged);
  EXPECT_GT(scored, 10) << "the synthetic run scores items several times";
  EXPECT_GT(judged, 5) << "a judge's detail is kept";
}

// A run's rows need not lie together nor come in its items' order: runs
// written at the same time interleave theirs, and answers are stored in the
// order they finish.
TYPED_TEST(GateLoadContract, InterleavedAndShuffledResultsLoadAlike) {
  Store* s = this->store_.get();
  std::vector<Pending> together, alone;
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(
        AddSyntheticRun(s, fmt::format("run{}", k), 20 + k, &together).ok());
  }
  ASSERT_TRUE(AddSyntheticRun(s, "alone", 30, &alone).ok());
  std::mt19937_64 rng(5);
  for (std::vector<Pending>* results : {&together, &alone}) {
    std::shuffle(results->begin(), results->end(), rng);
    for (const Pending& p : *results)
      ASSERT_TRUE(s->PutResult(p.run_id, p.response, p.scores).ok());
  }
  int scored = 0, judged = 0;
  for (const char* run : {"run0", "run1", "run2", "run3", "alone"})
    ExpectNarrowIsFull(s, run, &scored, &judged);
  EXPECT_GT(scored, 50);
  EXPECT_GT(judged, 25);
}

// A run's rows mostly together, with another run's rows among them or
// before some of them: a run's later suite, or results written after
// another run started, come after that run's rows.
TYPED_TEST(GateLoadContract, RowsSplitByAnotherRunLoadAlike) {
  Store* s = this->store_.get();
  std::vector<Pending> first, second;
  ASSERT_TRUE(AddSyntheticRun(s, "early", 40, &first).ok());
  ASSERT_TRUE(AddSyntheticRun(s, "late", 41, &second).ok());
  // early's results, one of late's, the rest of early's, then late's: early's
  // responses and scores have one row of late's among them, and late's
  // items lie before early's results.
  auto put = [s](const Pending& p) {
    return s->PutResult(p.run_id, p.response, p.scores);
  };
  const size_t half = first.size() / 2;
  for (size_t i = 0; i < half; ++i) ASSERT_TRUE(put(first[i]).ok());
  ASSERT_TRUE(put(second.back()).ok());
  for (size_t i = half; i < first.size(); ++i) ASSERT_TRUE(put(first[i]).ok());
  for (size_t i = 0; i + 1 < second.size(); ++i)
    ASSERT_TRUE(put(second[i]).ok());
  // A third run whose suites were stored around another run's items: its
  // rows in index order begin in its second block.
  ASSERT_TRUE(s->CreateRun(MakeRun("split", 1)).ok());
  ItemRecord it;
  it.suite = "zeta";
  it.item_id = "a";
  it.content_hash = "ha";
  it.modality = "text";
  it.metric = "exact";
  it.line = 1;
  ASSERT_TRUE(
      s->PutSuite("split", {"zeta", "text", "exact", {"exact"}, "v1", 1}, {it})
          .ok());
  ASSERT_TRUE(AddSyntheticRun(s, "between", 42).ok());
  it.suite = "alpha";
  ASSERT_TRUE(
      s->PutSuite("split", {"alpha", "text", "exact", {"exact"}, "v1", 1}, {it})
          .ok());
  int scored = 0, judged = 0;
  for (const char* run : {"early", "late", "between"})
    ExpectNarrowIsFull(s, run, &scored, &judged);
  auto full = s->LoadResults("split");
  auto narrow = s->LoadGateRun("split");
  ASSERT_TRUE(full.ok() && narrow.ok());
  ASSERT_EQ(narrow->items.size(), 2u);
  const GateRun want = GateRun::Of(*full);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(Dump(narrow->items[i]), Dump(want.items[i])) << "split row " << i;
}

TYPED_TEST(GateLoadContract, UnknownRunIsEmpty) {
  auto narrow = this->store_->LoadGateRun("nope");
  ASSERT_TRUE(narrow.ok()) << narrow.status().message();
  EXPECT_TRUE(narrow->items.empty());
}

}  // namespace
}  // namespace mmgate::store::contract
