// Store contract: runs, suites and items, results, attempts, cache, outcomes
// and verdicts.
#include <atomic>
#include <map>
#include <thread>

#include "contract.h"

namespace mmgate::store::contract {
namespace {

template <typename B>
class RunsContract : public ContractTest<B> {};
TYPED_TEST_SUITE(RunsContract, Backends, BackendNames);

TYPED_TEST(RunsContract, RunsRoundTripInCreationOrder) {
  Store* s = this->store_.get();
  RunRecord later = MakeRun("b-later", 20);
  later.source_run = "a-first";
  later.status = RunStatus::kFinished;
  later.finished_ms = 25;
  ASSERT_TRUE(s->CreateRun(later).ok());
  ASSERT_TRUE(s->CreateRun(MakeRun("a-first", 10)).ok());
  ASSERT_TRUE(s->CreateRun(MakeRun("c-same-time", 20)).ok());

  auto runs = s->ListRuns();
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[0].run_id, "a-first");
  EXPECT_EQ((*runs)[1].run_id, "b-later");
  EXPECT_EQ((*runs)[2].run_id, "c-same-time");

  auto got = s->GetRun("b-later");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  const RunRecord& r = **got;
  EXPECT_EQ(r.model, "ocr");
  EXPECT_EQ(r.model_version, "tesseract 5 cfg:1");
  EXPECT_EQ(r.spec_json, "{}");
  EXPECT_EQ(r.config_path, "mmgate.yaml");
  EXPECT_EQ(r.status, RunStatus::kFinished);
  EXPECT_EQ(r.created_ms, 20);
  EXPECT_EQ(r.finished_ms, 25);
  EXPECT_EQ(r.source_run, "a-first");
  EXPECT_EQ((*s->GetRun("a-first"))->source_run, "");
  EXPECT_FALSE(s->GetRun("nope")->has_value());
}

TYPED_TEST(RunsContract, DescribeNamesTheDatabase) {
  EXPECT_FALSE(this->store_->Describe().empty());
}

TYPED_TEST(RunsContract, RunIdIsUniqueAndStatusChanges) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->CreateRun(MakeRun("r", 1)).ok());
  EXPECT_FALSE(s->CreateRun(MakeRun("r", 2)).ok()) << "a run id is unique";
  ASSERT_TRUE(s->SetRunStatus("r", RunStatus::kInterrupted, 9).ok());
  auto r = s->GetRun("r");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->status, RunStatus::kInterrupted);
  EXPECT_EQ((*r)->finished_ms, 9);
  EXPECT_EQ((*r)->created_ms, 1);
}

TYPED_TEST(RunsContract, SuitesAndItemsRoundTrip) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  // Rewriting (a resumed run) keeps one row per suite and item.
  ASSERT_TRUE(s->PutSuite("r", ChartsSuite(), ChartsItems()).ok());
  SuiteRecord speech{"speech", "audio", "wer", {"wer"}, "v9", 0};
  ASSERT_TRUE(s->PutSuite("r", speech, {}).ok());

  auto suites = s->GetSuites("r");
  ASSERT_TRUE(suites.ok()) << suites.status().message();
  ASSERT_EQ(suites->size(), 2u);
  const SuiteRecord& charts = (*suites)[0];
  EXPECT_EQ(charts.suite, "charts");
  EXPECT_EQ(charts.modality, "chart");
  EXPECT_EQ(charts.metric, "relaxed_accuracy");
  EXPECT_EQ(charts.metrics,
            (std::vector<std::string>{"relaxed_accuracy", "anls"}));
  EXPECT_EQ(charts.version_hash, "v1");
  EXPECT_EQ(charts.n_items, 3);
  EXPECT_EQ(charts.decode_error, "");
  EXPECT_EQ((*suites)[1].suite, "speech");

  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok()) << results.status().message();
  ASSERT_EQ(results->size(), 3u);
  const ItemRecord& c1 = (*results)[0].item;
  std::vector<ItemRecord> want = ChartsItems();
  EXPECT_EQ(c1.suite, "charts");
  EXPECT_EQ(c1.item_id, "c1");
  EXPECT_EQ(c1.content_hash, "h1");
  EXPECT_EQ(c1.modality, "chart");
  EXPECT_EQ(c1.metric, "relaxed_accuracy");
  EXPECT_EQ(c1.group, "c1");
  EXPECT_EQ(c1.expect, "answer");
  EXPECT_EQ(c1.slices, want[0].slices);
  EXPECT_EQ(c1.reference_json, "\"10\"");
  EXPECT_EQ(c1.prompt, "What is the value?");
  EXPECT_EQ(c1.media_json, want[0].media_json);
  EXPECT_EQ(c1.line, 1);
  EXPECT_EQ((*results)[2].item.item_id, "c3");
  for (const ItemResult& r : *results) {
    EXPECT_FALSE(r.response.has_value()) << "never run";
    EXPECT_TRUE(r.scores.empty());
  }
  EXPECT_TRUE(s->LoadResults("other")->empty());
}

TYPED_TEST(RunsContract, ResultsReplaceEarlierOnesAndJoin) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ResponseRecord err = Answered("c1", "");
  err.answer.reset();
  err.error = "engine crashed";
  err.error_kind = "engine_error";
  ASSERT_TRUE(s->PutResult("r", err, {{"anls", 0, 0, 1, "x"}}).ok());
  EXPECT_TRUE(s->FinishedItems("r")->empty()) << "errors are not finished";
  EXPECT_TRUE(s->FinishedItemsOf("r", "charts", {"c1"})->empty());

  ResponseRecord ok = Answered("c1", "4.0");
  ok.cost_usd = 0.25;
  ok.n_attempts = 2;
  ok.ttft_ms = 3.5;
  ok.template_hash = "t1";
  ok.schema_valid = 1;
  ok.cached = true;
  ok.n_repeats = 3;
  ok.flaky = true;
  ok.repeats_json = R"([{"answer":"4.0","value":1}])";
  ASSERT_TRUE(s->PutResult("r", ok,
                           {{"relaxed_accuracy", 1, 1, 1, ""},
                            {"wer", 0.5, 1, 2, "S=1 D=0 I=0 N=2"}})
                  .ok());
  auto finished = s->FinishedItems("r");
  ASSERT_TRUE(finished.ok());
  ASSERT_EQ(finished->size(), 1u);
  EXPECT_EQ(finished->at({"charts", "c1"}), "h1");

  // The same for a worker's batch: only the ids asked, only answered ones.
  auto batch = s->FinishedItemsOf("r", "charts", {"c1", "c2", "nope"});
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ(batch->at("c1"), "h1");
  EXPECT_TRUE(s->FinishedItemsOf("r", "charts", {"c2"})->empty());
  EXPECT_TRUE(s->FinishedItemsOf("r", "other", {"c1"})->empty());
  EXPECT_TRUE(s->FinishedItemsOf("r", "charts", {})->empty());
  EXPECT_TRUE(s->FinishedItemsOf("r", "charts", {"it's"})->empty());

  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 3u);
  const ItemResult& c1 = (*results)[0];
  ASSERT_TRUE(c1.response.has_value());
  const ResponseRecord& r = *c1.response;
  EXPECT_EQ(r.answer.value(), "4.0");
  EXPECT_FALSE(r.error.has_value());
  EXPECT_EQ(r.error_kind, "");
  EXPECT_DOUBLE_EQ(r.latency_ms, 12.5);
  EXPECT_EQ(r.input_tokens, 7);
  EXPECT_EQ(r.output_tokens, 2);
  EXPECT_EQ(r.created_ms, 100);
  EXPECT_DOUBLE_EQ(r.cost_usd, 0.25);
  EXPECT_EQ(r.n_attempts, 2);
  EXPECT_DOUBLE_EQ(r.ttft_ms, 3.5);
  EXPECT_EQ(r.template_hash, "t1");
  EXPECT_EQ(r.schema_valid, 1);
  EXPECT_TRUE(r.cached);
  EXPECT_EQ(r.n_repeats, 3);
  EXPECT_TRUE(r.flaky);
  EXPECT_EQ(r.repeats_json, ok.repeats_json);
  ASSERT_EQ(c1.scores.size(), 2u) << "the error's anls score was replaced";
  EXPECT_EQ(c1.scores.count("anls"), 0u);
  const ScoreRecord& wer = c1.scores.at("wer");
  EXPECT_DOUBLE_EQ(wer.value, 0.5);
  EXPECT_DOUBLE_EQ(wer.numerator, 1);
  EXPECT_DOUBLE_EQ(wer.denominator, 2);
  EXPECT_EQ(wer.detail, "S=1 D=0 I=0 N=2");
  EXPECT_FALSE((*results)[1].response.has_value());
}

TYPED_TEST(RunsContract, CountResultsCountsItemsAnswersAndErrors) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ASSERT_TRUE(AddChartsRun(s, "other", 2).ok());
  ResponseRecord err = Answered("c2", "");
  err.answer.reset();
  err.error = "engine crashed";
  err.error_kind = "engine_error";
  ASSERT_TRUE(s->PutResult("r", Answered("c1", "4.0"), {}).ok());
  ASSERT_TRUE(s->PutResult("r", err, {}).ok());
  ASSERT_TRUE(s->PutResult("other", Answered("c1", "4.0"), {}).ok());

  auto c = s->CountResults("r");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->items, 3);
  EXPECT_EQ(c->answered, 1);
  EXPECT_EQ(c->errors, 1) << "c3 was never run: neither";

  // A response replaced by an answer is no longer an error.
  ASSERT_TRUE(s->PutResult("r", Answered("c2", "5"), {}).ok());
  c = s->CountResults("r");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->answered, 2);
  EXPECT_EQ(c->errors, 0);

  // Items that left the suite leave the counts with their responses.
  std::vector<ItemRecord> items = ChartsItems();
  items.erase(items.begin());
  ASSERT_TRUE(s->PutSuite("r", ChartsSuite(), items).ok());
  c = s->CountResults("r");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->items, 2);
  EXPECT_EQ(c->answered, 1);

  c = s->CountResults("nope");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->items, 0);
  EXPECT_EQ(c->errors, 0);
}

TYPED_TEST(RunsContract, ItemsDroppedFromTheSuiteLeaveTheRun) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ASSERT_TRUE(s->PutResult("r", Answered("c2", "5"),
                           {{"relaxed_accuracy", 1, 1, 1, ""}})
                  .ok());
  ExtraResponseRecord repeat;
  repeat.suite = "charts";
  repeat.item_id = "c2";
  ASSERT_TRUE(s->PutExtraResponses("r", {repeat}).ok());
  StageRecord stage;
  stage.suite = "charts";
  stage.item_id = "c2";
  stage.stage = "read";
  ASSERT_TRUE(s->PutStages("r", {stage}).ok());

  std::vector<ItemRecord> items = ChartsItems();
  items.erase(items.begin() + 1);
  ASSERT_TRUE(s->PutSuite("r", ChartsSuite(), items).ok());
  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].item.item_id, "c1");
  EXPECT_EQ((*results)[1].item.item_id, "c3");
  EXPECT_TRUE(s->FinishedItems("r")->empty());
  EXPECT_TRUE(s->LoadExtraResponses("r", ResponseKind::kRepeat)->empty());
  EXPECT_TRUE(s->LoadStages("r")->empty());
}

TYPED_TEST(RunsContract, SuiteInPartsLeavesWhatPutSuiteLeaves) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ASSERT_TRUE(s->PutResult("r", Answered("c2", "5"),
                           {{"relaxed_accuracy", 1, 1, 1, ""}})
                  .ok());
  ASSERT_TRUE(s->PutResult("r", Answered("c3", "7"), {}).ok());
  // The suite again in two batches, without c2 and with c3 rewritten.
  std::vector<ItemRecord> items = ChartsItems();
  items[2].prompt = "rewritten";
  SuiteRecord suite = ChartsSuite();
  suite.version_hash = "v2";
  ASSERT_TRUE(s->PutSuiteRecord("r", suite).ok());
  ASSERT_TRUE(s->AppendSuiteItems("r", "charts", {items[0]}).ok());
  // Nothing is dropped before KeepSuiteItems.
  EXPECT_EQ(s->CountResults("r")->items, 3);
  ASSERT_TRUE(s->AppendSuiteItems("r", "charts", {items[2]}).ok());
  EXPECT_EQ((*s->GetSuites("r"))[0].version_hash, "v2");
  Status kept = s->KeepSuiteItems("r", "charts", {"c1", "c3"});
  ASSERT_TRUE(kept.ok()) << kept.message();

  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].item.item_id, "c1");
  EXPECT_EQ((*results)[1].item.item_id, "c3");
  EXPECT_EQ((*results)[1].item.prompt, "rewritten");
  ASSERT_EQ(s->FinishedItems("r")->size(), 1u);
  EXPECT_EQ(s->FinishedItems("r")->begin()->first.second, "c3");
  // Keeping every stored id drops nothing.
  ASSERT_TRUE(s->KeepSuiteItems("r", "charts", {"c1", "c3"}).ok());
  EXPECT_EQ(s->CountResults("r")->items, 2);
}

TYPED_TEST(RunsContract, AttemptsAppendInOrderAndCacheReplaces) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  AttemptRecord failed{"charts", "c1", 1,  503, "server_error",
                       "busy",   40,   -1, 0,   -1,
                       -1,       0.0,  5};
  AttemptRecord good{"charts", "c1", 2, 200, "", "", 30, 8, 250, 7, 2, 0.02, 6};
  ASSERT_TRUE(s->PutResult("r", Answered("c1", "10"), {}, {failed, good},
                           CacheEntry{"k1", "v", "10", 7, 2, "t", -1, 6})
                  .ok());
  AttemptRecord repeat{"charts", "c1", 1, 200, "",   "", 20,
                       -1,       0,    7, 2,   0.01, 7};
  ASSERT_TRUE(s->PutAttempts("r", {repeat},
                             CacheEntry{"k1", "v2", "11", 8, 3, "t2", 1, 8})
                  .ok());
  ASSERT_TRUE(s->PutAttempts("r", {}, std::nullopt).ok());

  auto attempts = s->LoadAttempts("r");
  ASSERT_TRUE(attempts.ok()) << attempts.status().message();
  ASSERT_EQ(attempts->size(), 3u);
  const AttemptRecord& a = (*attempts)[0];
  EXPECT_EQ(a.suite, "charts");
  EXPECT_EQ(a.item_id, "c1");
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.http_status, 503);
  EXPECT_EQ(a.error_kind, "server_error");
  EXPECT_EQ(a.error, "busy");
  EXPECT_DOUBLE_EQ(a.latency_ms, 40);
  EXPECT_EQ((*attempts)[1].attempt, 2);
  EXPECT_DOUBLE_EQ((*attempts)[1].ttft_ms, 8);
  EXPECT_DOUBLE_EQ((*attempts)[1].wait_ms, 250);
  EXPECT_DOUBLE_EQ((*attempts)[1].cost_usd, 0.02);
  EXPECT_EQ((*attempts)[2].created_ms, 7);
  EXPECT_TRUE(s->LoadAttempts("other")->empty());

  auto hit = s->GetCached("k1");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->key, "k1");
  EXPECT_EQ((*hit)->model_version, "v2");
  EXPECT_EQ((*hit)->answer, "11");
  EXPECT_EQ((*hit)->input_tokens, 8);
  EXPECT_EQ((*hit)->output_tokens, 3);
  EXPECT_EQ((*hit)->template_hash, "t2");
  EXPECT_EQ((*hit)->schema_valid, 1);
  EXPECT_EQ((*hit)->created_ms, 8);
  EXPECT_FALSE(s->GetCached("k2")->has_value());
}

TYPED_TEST(RunsContract, OutcomesLeaveOutExcludedRunsInvalidAndUnrunItems) {
  Store* s = this->store_.get();
  for (const char* run : {"old", "base", "cand"}) {
    ASSERT_TRUE(AddChartsRun(s, run).ok());
    ASSERT_TRUE(s->PutResult(run, Answered("c1", "10"),
                             {{"relaxed_accuracy", 1, 1, 1, ""}})
                    .ok());
  }
  ResponseRecord err = Answered("c2", "");
  err.answer.reset();
  err.error = "timeout";
  err.error_kind = "timeout";
  ASSERT_TRUE(s->PutResult("old", err, {}).ok());
  // Answered but scored on another metric only: no primary score.
  ASSERT_TRUE(
      s->PutResult("old", Answered("c3", "30"), {{"anls", 1, 1, 1, ""}}).ok());
  // A line that failed validation has no content hash.
  ItemRecord invalid;
  invalid.suite = "charts";
  invalid.item_id = "line-9";
  invalid.reference_json = "null";
  invalid.media_json = "[]";
  std::vector<ItemRecord> items = ChartsItems();
  items.push_back(invalid);
  ASSERT_TRUE(s->PutSuite("old", ChartsSuite(), items).ok());
  ResponseRecord bad = Answered("line-9", "");
  bad.answer.reset();
  bad.error = "bad line";
  bad.error_kind = "invalid_item";
  ASSERT_TRUE(s->PutResult("old", bad, {}).ok());

  auto all = s->Outcomes({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), 5u);
  auto outcomes = s->Outcomes({"base", "cand"});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
  ASSERT_EQ(outcomes->size(), 3u);
  std::map<std::string, Outcome> by_item;
  for (const Outcome& o : *outcomes) by_item[o.item_id] = o;
  ASSERT_EQ(by_item.size(), 3u);
  EXPECT_EQ(by_item["c1"].suite, "charts");
  EXPECT_EQ(by_item["c1"].content_hash, "h1");
  EXPECT_EQ(by_item["c1"].metric, "relaxed_accuracy");
  EXPECT_FALSE(by_item["c1"].error);
  EXPECT_DOUBLE_EQ(by_item["c1"].value, 1);
  EXPECT_TRUE(by_item["c2"].error);
  EXPECT_TRUE(by_item["c3"].error) << "no primary score counts as an error";
  EXPECT_EQ(s->Outcomes({"old", "base", "cand"})->size(), 0u);
}

// Creates `run_id` as a rescore of `source` (created at `created_ms`) whose
// only item, c1, scored `value`.
Status AddRescore(Store* s, const std::string& run_id,
                  const std::string& source, int64_t created_ms, double value) {
  RunRecord run = MakeRun(run_id, created_ms);
  run.source_run = source;
  MMGATE_RETURN_IF_ERROR(s->CreateRun(run));
  MMGATE_RETURN_IF_ERROR(s->PutSuite(run_id, ChartsSuite(), ChartsItems()));
  return s->PutResult(run_id, Answered("c1", "10"),
                      {{"relaxed_accuracy", value, value, 1, ""}});
}

TYPED_TEST(RunsContract, OutcomesCountALineageOnceAndLeaveOutCopiesOfExcluded) {
  Store* s = this->store_.get();
  int64_t t = 1;
  for (const char* run : {"old", "base", "cand"}) {
    ASSERT_TRUE(AddChartsRun(s, run, t++).ok());
    ASSERT_TRUE(s->PutResult(run, Answered("c1", "10"),
                             {{"relaxed_accuracy", 1, 1, 1, ""}})
                    .ok());
  }
  // "old" rescored twice in a chain; "base" rescored, and "cand" is itself
  // the source of nothing but is compared against a rescore of "base".
  ASSERT_TRUE(AddRescore(s, "old-r1", "old", 10, 0).ok());
  ASSERT_TRUE(AddRescore(s, "old-r2", "old-r1", 11, 0.25).ok());
  ASSERT_TRUE(AddRescore(s, "base-r", "base", 12, 0).ok());

  auto all = s->Outcomes({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), 3u) << "three lineages of one item each";

  auto outcomes = s->Outcomes({"base-r", "cand"});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
  ASSERT_EQ(outcomes->size(), 1u) << "base is excluded with its rescore";
  EXPECT_EQ((*outcomes)[0].item_id, "c1");
  EXPECT_DOUBLE_EQ((*outcomes)[0].value, 0.25) << "the newest scoring";

  EXPECT_EQ(s->Outcomes({"old-r1", "base", "cand"})->size(), 0u)
      << "excluding a rescore in the middle of a chain excludes its lineage";
}

TYPED_TEST(RunsContract, VerdictsGetGrowingIdsAndListOldestFirst) {
  Store* s = this->store_.get();
  VerdictRecord later{0, "b", "c2", "p", "block", 2000, R"({"v":2})", {}};
  later.suites.push_back(
      {"speech", "audio", "wer", "block", 40, 0.2, 0.3, 0.1, 0.05, 0.15});
  later.suites.push_back(
      {"charts", "chart", "exact", "pass", 50, 0.8, 0.8, 0, -0.02, 0.02});
  ASSERT_TRUE(s->PutVerdict(later).ok());
  ASSERT_TRUE(s->PutVerdict({0, "b", "c1", "p", "pass", 1000, "{}", {}}).ok());
  auto v = s->ListVerdicts();
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].candidate, "c1");
  EXPECT_TRUE((*v)[0].suites.empty());
  EXPECT_GT((*v)[0].verdict_id, (*v)[1].verdict_id) << "ids follow inserts";
  const VerdictRecord& b = (*v)[1];
  EXPECT_EQ(b.baseline, "b");
  EXPECT_EQ(b.policy, "p");
  EXPECT_EQ(b.verdict, "block");
  EXPECT_EQ(b.created_ms, 2000);
  EXPECT_EQ(b.verdict_json, R"({"v":2})");
  ASSERT_EQ(b.suites.size(), 2u);
  EXPECT_EQ(b.suites[0].suite, "charts");
  EXPECT_EQ(b.suites[1].suite, "speech");
  EXPECT_EQ(b.suites[1].n, 40);
  EXPECT_DOUBLE_EQ(b.suites[1].ci_lo, 0.05);
  EXPECT_DOUBLE_EQ(b.suites[1].ci_hi, 0.15);
}

TYPED_TEST(RunsContract, ConcurrentWritersFromManyThreads) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->CreateRun(MakeRun("r", 1)).ok());
  std::vector<ItemRecord> items;
  for (int i = 0; i < 40; ++i) {
    ItemRecord it = ChartsItems()[0];
    it.item_id = "i" + std::to_string(i);
    it.line = i;
    items.push_back(it);
  }
  ASSERT_TRUE(s->PutSuite("r", ChartsSuite(), items).ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) {
        std::string id = "i" + std::to_string(i);
        AttemptRecord a{"charts", id, 1, 200, "", "", 1, -1, 0, 1, 1, 0.5, 1};
        if (!s->PutResult("r", Answered(id, "x"), {{"anls", 1, 1, 1, ""}}, {a},
                          std::nullopt)
                 .ok())
          ++failures;
        if (!s->GetCached(id).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(s->FinishedItems("r")->size(), 40u);
  EXPECT_EQ(s->LoadAttempts("r")->size(), 40u);
}

}  // namespace
}  // namespace mmgate::store::contract
