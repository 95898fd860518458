// Store contract: paged reads of traces and of a run's items, for histories
// and runs too large to hold at once.
#include "contract.h"

namespace mmgate::store::contract {
namespace {

template <typename B>
class PagesContract : public ContractTest<B> {};
TYPED_TEST_SUITE(PagesContract, Backends, BackendNames);

TraceRecord Trace(const std::string& id, int64_t created_ms,
                  const std::string& category) {
  TraceRecord t;
  t.trace_id = id;
  t.created_ms = created_ms;
  t.inputs_json = R"({"prompt":")" + id + R"("})";
  t.decision = "approve";
  t.category = category;
  return t;
}

// Five traces in an order unlike their ids' (bytewise, natural or
// case-folded). t1's facts are read whole; T9 has media, so its request is
// handed on whole; t2 is stored twice, and its second request's facts count.
Status PutFiveTraces(Store* s) {
  TraceRecord t1 = Trace("t1", 400, "chat");
  t1.inputs_json =
      R"({"prompt":"p","modality":"image","slices":{"region":"eu","tier":)"
      R"("gold"},"ground_truth":"deny","confidence":0.25,"media":[]})";
  TraceRecord t9 = Trace("T9", 200, "chat");
  t9.inputs_json = R"({"prompt":"p","media":[{"type":"image","path":"a"}]})";
  TraceRecord t2 = Trace("t2", 100, "refund");
  MMGATE_RETURN_IF_ERROR(s->PutTraces({t2}));
  t2.inputs_json = R"({"prompt":"t2","ground_truth":"approve"})";
  return s->PutTraces(
      {t2, Trace("t10", 300, "refund"), t9, t1, Trace("u", 50, "refund")});
}

// Every id a paged read returns, a page of `limit` at a time, and the sizes
// of the pages.
template <typename Page>
std::vector<std::string> Drain(Page page, int64_t limit,
                               std::vector<size_t>* sizes) {
  std::vector<std::string> ids;
  std::string after;
  for (int guard = 0; guard < 100; ++guard) {
    auto got = page(after, limit);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok()) break;
    sizes->push_back(got->size());
    if (got->empty()) break;
    for (const auto& x : *got) ids.push_back(x);
    after = ids.back();
  }
  return ids;
}

TYPED_TEST(PagesContract, TracesPageInBytewiseIdOrderWithTheFilter) {
  Store* s = this->store_.get();
  ASSERT_TRUE(PutFiveTraces(s).ok());
  auto ids = [&](const TraceFilter& f) {
    return [s, f](const std::string& after,
                  int64_t limit) -> Result<std::vector<std::string>> {
      auto page = s->ListTracesPage(f, after, limit);
      if (!page.ok()) return page.status();
      std::vector<std::string> out;
      for (const TraceRecord& t : *page) out.push_back(t.trace_id);
      return out;
    };
  };
  std::vector<size_t> sizes;
  EXPECT_EQ(Drain(ids({}), 2, &sizes),
            (std::vector<std::string>{"T9", "t1", "t10", "t2", "u"}));
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1, 0}));
  sizes.clear();
  EXPECT_EQ(Drain(ids({.category = "refund"}), 2, &sizes),
            (std::vector<std::string>{"t10", "t2", "u"}));
  sizes.clear();
  EXPECT_EQ(Drain(ids({.since_ms = 100, .until_ms = 400}), 1, &sizes),
            (std::vector<std::string>{"T9", "t10", "t2"}))
      << "since inclusive, until exclusive";
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 1, 1, 0}));

  auto one = s->ListTracesPage({}, "t1", 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].trace_id, "t10");
  EXPECT_EQ((*one)[0].created_ms, 300);
  EXPECT_EQ((*one)[0].inputs_json, R"({"prompt":"t10"})");
  EXPECT_EQ((*one)[0].category, "refund");
}

TYPED_TEST(PagesContract, ResultsPageOneSuiteByIdWithTheirOwnScores) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  SuiteRecord other = ChartsSuite();
  other.suite = "backfill";
  std::vector<ItemRecord> items;
  // Line order against id order.
  for (const char* id : {"b3", "B1", "b10", "b2"}) {
    ItemRecord it = ChartsItems()[0];
    it.suite = "backfill";
    it.item_id = id;
    it.line = static_cast<int64_t>(items.size()) + 1;
    items.push_back(it);
  }
  ASSERT_TRUE(s->PutSuite("r", other, items).ok());
  for (const char* id : {"b3", "B1", "b10"}) {
    ResponseRecord r = Answered("c1", std::string("answer ") + id);
    r.suite = "backfill";
    r.item_id = id;
    const double v = id[1] == '1' ? 1 : 0;
    ASSERT_TRUE(s->PutResult("r", r, {{"exact", v, v, 1, id}}).ok());
  }
  ASSERT_TRUE(
      s->PutResult("r", Answered("c1", "4"), {{"anls", 1, 1, 1, ""}}).ok());

  std::vector<ItemResult> all;
  auto page = [&](const std::string& after,
                  int64_t limit) -> Result<std::vector<std::string>> {
    auto got = s->LoadResultsPage("r", "backfill", after, limit);
    if (!got.ok()) return got.status();
    std::vector<std::string> out;
    for (ItemResult& x : *got) {
      out.push_back(x.item.item_id);
      all.push_back(std::move(x));
    }
    return out;
  };
  std::vector<size_t> sizes;
  EXPECT_EQ(Drain(page, 3, &sizes),
            (std::vector<std::string>{"B1", "b10", "b2", "b3"}));
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 1, 0}));
  ASSERT_EQ(all.size(), 4u);
  for (const ItemResult& x : all) {
    EXPECT_EQ(x.item.suite, "backfill");
    if (x.item.item_id == "b2") {
      EXPECT_FALSE(x.response.has_value()) << "not answered";
      EXPECT_TRUE(x.scores.empty());
      continue;
    }
    ASSERT_TRUE(x.response.has_value()) << x.item.item_id;
    EXPECT_EQ(x.response->answer.value(), "answer " + x.item.item_id);
    ASSERT_EQ(x.scores.size(), 1u) << x.item.item_id << ": its own only";
    EXPECT_EQ(x.scores.at("exact").detail, x.item.item_id);
  }
  EXPECT_EQ(all[0].item.slices,
            (std::vector<std::pair<std::string, std::string>>{
                {"chart_type", "bar"}}));
  auto none = s->LoadResultsPage("nope", "backfill", "", 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// One decision as "id time category decision request in_run answer", to
// compare pages whole; the request is its facts when the store kept them,
// else its inputs_json.
std::string Show(const DecisionRow& d) {
  std::string request = d.inputs_json;
  if (d.has_facts) {
    request = "[" + d.modality;
    for (const auto& [k, v] : d.slices) request += " " + k + "=" + v;
    request +=
        " gt=" + d.ground_truth + " conf=" + std::to_string(d.confidence) + "]";
  }
  return d.trace_id + " " + std::to_string(d.created_ms) + " " + d.category +
         " " + d.decision + " " + request + (d.in_run ? " item" : "") +
         (d.answered ? " answer:" + d.answer : "");
}

TYPED_TEST(PagesContract, DecisionsPageJoinsTracesWithOneSuitesAnswers) {
  Store* s = this->store_.get();
  ASSERT_TRUE(PutFiveTraces(s).ok());
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ASSERT_TRUE(AddChartsRun(s, "r2").ok());
  SuiteRecord bf = ChartsSuite();
  bf.suite = "backfill";
  auto items = [](std::vector<std::string> ids) {
    std::vector<ItemRecord> out;
    for (const std::string& id : ids) {
      ItemRecord it = ChartsItems()[0];
      it.suite = "backfill";
      it.item_id = id;
      it.line = static_cast<int64_t>(out.size()) + 1;
      out.push_back(it);
    }
    return out;
  };
  // "gone": an item whose trace left the store; "u" answered only in
  // another run.
  ASSERT_TRUE(s->PutSuite("r", bf, items({"t1", "t10", "t2", "gone"})).ok());
  ASSERT_TRUE(s->PutSuite("r2", bf, items({"u"})).ok());
  auto answer = [&](const std::string& run, const std::string& id,
                    std::optional<std::string> text) {
    ResponseRecord r = Answered(id, text.value_or(""));
    r.suite = "backfill";
    if (!text) {
      r.answer.reset();
      r.error = "timed out";
      r.error_kind = "timeout";
    }
    return s->PutResult(run, r, {});
  };
  ASSERT_TRUE(answer("r", "t1", R"({"decision":"deny"})").ok());
  ASSERT_TRUE(answer("r", "t10", std::nullopt).ok());
  ASSERT_TRUE(answer("r", "gone", "x").ok());
  ASSERT_TRUE(answer("r2", "u", "approve").ok());
  // The charts suite's own item c1 is answered too: another suite.
  ASSERT_TRUE(s->PutResult("r", Answered("c1", "4"), {}).ok());

  // A reused page holding more rows than the next one.
  std::vector<DecisionRow> page(5);
  page[1].answer = "stale";
  page[1].answered = page[1].in_run = true;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  std::string after;
  for (int guard = 0; guard < 10; ++guard) {
    ASSERT_TRUE(s->LoadDecisionsPage("r", "backfill", after, 2, &page).ok());
    sizes.push_back(page.size());
    if (page.empty()) break;
    for (const DecisionRow& d : page) seen.push_back(Show(d));
    after = page.back().trace_id;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1, 0}));
  EXPECT_EQ(
      seen,
      (std::vector<std::string>{
          R"(T9 200 chat approve {"prompt":"p","media":[{"type":"image","path":"a"}]})",
          "t1 400 chat approve [image region=eu tier=gold gt=deny "
          R"(conf=0.250000] item answer:{"decision":"deny"})",
          "t10 300 refund approve [text gt= conf=-1.000000] item",
          "t2 100 refund approve [text gt=approve conf=-1.000000] item",
          "u 50 refund approve [text gt= conf=-1.000000]",
      }));

  ASSERT_TRUE(s->LoadDecisionsPage("nope", "backfill", "t10", 10, &page).ok());
  ASSERT_EQ(page.size(), 2u) << "every trace, none in the run";
  EXPECT_EQ(Show(page[0]),
            "t2 100 refund approve [text gt=approve conf=-1.000000]");
}

TYPED_TEST(PagesContract, PutResultsWritesABatchWholeOrNotAtAll) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ASSERT_TRUE(s->PutResult("r", Answered("c1", "old"),
                           {{"relaxed_accuracy", 0, 0, 1, "old"}})
                  .ok());
  ASSERT_TRUE(s->PutResults("r", {{Answered("c1", "5"),
                                   {{"relaxed_accuracy", 1, 1, 1, "new"}}},
                                  {Answered("c2", "7"), {}}})
                  .ok());
  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].response->answer.value(), "5");
  ASSERT_EQ((*results)[0].scores.size(), 1u) << "replaced, not added";
  EXPECT_EQ((*results)[0].scores.at("relaxed_accuracy").detail, "new");
  EXPECT_EQ((*results)[1].response->answer.value(), "7");
  EXPECT_FALSE((*results)[2].response.has_value());

  // An item the run does not hold fails the batch, naming it; the item
  // before it in the batch is not written either.
  Status bad = s->PutResults(
      "r", {{Answered("c3", "9"), {}}, {Answered("ghost", "1"), {}}});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("ghost"), std::string::npos) << bad.message();
  EXPECT_EQ(s->CountResults("r")->answered, 2);
  EXPECT_TRUE(s->PutResults("r", {}).ok());
}

}  // namespace
}  // namespace mmgate::store::contract
