// Store contract, poison rows: a stored value with malformed JSON (edited by
// hand) becomes an error on its one item or suite; every other row loads.
#include "contract.h"

namespace mmgate::store::contract {
namespace {

template <typename B>
class PoisonContract : public ContractTest<B> {
 protected:
  void SetUp() override {
    ContractTest<B>::SetUp();
    if (this->IsSkipped()) return;
    Store* s = this->store_.get();
    ASSERT_TRUE(AddChartsRun(s, "r").ok());
    for (const char* id : {"c1", "c2", "c3"}) {
      ResponseRecord r = Answered(id, "10");
      r.cost_usd = 0.5;
      ASSERT_TRUE(
          s->PutResult("r", r, {{"relaxed_accuracy", 1, 1, 1, ""}}).ok());
    }
  }

  // Expects c2 alone to carry a corrupt-row error naming `column`, in the
  // full load and in the gate's narrow one.
  void ExpectOnlyC2Corrupt(const std::string& column) {
    auto full = this->store_->LoadResults("r");
    ExpectOnlyC2Corrupt(column, full);
    auto narrow = this->store_->LoadGateRun("r");
    ASSERT_TRUE(narrow.ok()) << narrow.status().message();
    ASSERT_TRUE(full.ok());
    const GateRun made = GateRun::Of(*full);
    ASSERT_EQ(narrow->items.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      const GateItem &n = narrow->items[i], &f = made.items[i];
      EXPECT_EQ(n.item_id, f.item_id);
      EXPECT_EQ(n.has_response, f.has_response);
      EXPECT_EQ(n.has_answer, f.has_answer);
      EXPECT_EQ(n.answer, f.answer);
      EXPECT_EQ(n.error, f.error) << "the same error text";
      EXPECT_EQ(n.error_kind, f.error_kind);
      EXPECT_EQ(n.scores.size(), f.scores.size());
      EXPECT_DOUBLE_EQ(n.cost_usd, f.cost_usd);
    }
  }

  void ExpectOnlyC2Corrupt(const std::string& column,
                           const Result<std::vector<ItemResult>>& results) {
    ASSERT_TRUE(results.ok()) << results.status().message();
    ASSERT_EQ(results->size(), 3u);
    for (const ItemResult& r : *results) {
      ASSERT_TRUE(r.response.has_value()) << r.item.item_id;
      if (r.item.item_id != "c2") {
        EXPECT_EQ(r.response->answer.value(), "10") << r.item.item_id;
        EXPECT_EQ(r.scores.size(), 1u) << r.item.item_id;
        continue;
      }
      const ResponseRecord& c2 = *r.response;
      EXPECT_FALSE(c2.answer.has_value());
      EXPECT_EQ(c2.error_kind, kCorruptRowKind);
      ASSERT_TRUE(c2.error.has_value());
      for (const std::string& part :
           {std::string("run 'r'"), std::string("suite 'charts'"),
            std::string("item 'c2'"), column})
        EXPECT_NE(c2.error->find(part), std::string::npos)
            << *c2.error << " lacks " << part;
      EXPECT_TRUE(r.scores.empty());
      EXPECT_DOUBLE_EQ(c2.cost_usd, 0.5) << "what was paid stays";
    }
  }
};
TYPED_TEST_SUITE(PoisonContract, Backends, BackendNames);

TYPED_TEST(PoisonContract, MalformedSlicesJsonFailsOneItem) {
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET slices_json = '[[\"a\", '"
                        " WHERE item_id = 'c2'")
                  .ok());
  this->ExpectOnlyC2Corrupt("items.slices_json");
}

TYPED_TEST(PoisonContract, WrongShapeSlicesFailOneItem) {
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET slices_json = '[[\"a\", 1]]'"
                        " WHERE item_id = 'c2'")
                  .ok());
  this->ExpectOnlyC2Corrupt("items.slices_json");
}

TYPED_TEST(PoisonContract, MalformedMediaJsonFailsOneItem) {
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET media_json = '[{\"type\":'"
                        " WHERE item_id = 'c2'")
                  .ok());
  this->ExpectOnlyC2Corrupt("items.media_json");
}

TYPED_TEST(PoisonContract, MalformedReferenceAndRepeatsFailOneItem) {
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET reference_json = 'nope'"
                        " WHERE item_id = 'c2'")
                  .ok());
  this->ExpectOnlyC2Corrupt("items.reference_json");
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET reference_json = '\"20\"';"
                        " UPDATE responses SET repeats_json = '[{'"
                        " WHERE item_id = 'c2'")
                  .ok());
  this->ExpectOnlyC2Corrupt("responses.repeats_json");
}

TYPED_TEST(PoisonContract, AnUnrunItemCarriesTheErrorToo) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->CreateRun(MakeRun("fresh", 2)).ok());
  ASSERT_TRUE(s->PutSuite("fresh", ChartsSuite(), ChartsItems()).ok());
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE items SET slices_json = '{' WHERE run_id ="
                        " 'fresh' AND item_id = 'c3'")
                  .ok());
  auto results = s->LoadResults("fresh");
  ASSERT_TRUE(results.ok()) << results.status().message();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_FALSE((*results)[0].response.has_value());
  const ItemResult& c3 = (*results)[2];
  ASSERT_TRUE(c3.response.has_value());
  EXPECT_EQ(c3.response->error_kind, kCorruptRowKind);
  EXPECT_EQ(c3.response->content_hash, "h3");
  auto narrow = s->LoadGateRun("fresh");
  ASSERT_TRUE(narrow.ok()) << narrow.status().message();
  ASSERT_EQ(narrow->items.size(), 3u);
  EXPECT_FALSE(narrow->items[0].has_response);
  EXPECT_TRUE(narrow->items[2].has_response);
  EXPECT_EQ(narrow->items[2].error_kind, kCorruptRowKind);
  EXPECT_EQ(narrow->items[2].error, *c3.response->error);
}

TYPED_TEST(PoisonContract, MalformedMetricsJsonKeepsTheSuite) {
  ASSERT_TRUE(this->backend_
                  .Exec("UPDATE run_suites SET metrics_json = '[\"anls\"'"
                        " WHERE suite = 'charts'")
                  .ok());
  auto suites = this->store_->GetSuites("r");
  ASSERT_TRUE(suites.ok()) << suites.status().message();
  ASSERT_EQ(suites->size(), 1u);
  const SuiteRecord& s = (*suites)[0];
  EXPECT_EQ(s.metrics, std::vector<std::string>{"relaxed_accuracy"});
  EXPECT_EQ(s.n_items, 3);
  EXPECT_NE(s.decode_error.find("run 'r' suite 'charts'"), std::string::npos)
      << s.decode_error;
  EXPECT_NE(s.decode_error.find("run_suites.metrics_json"), std::string::npos);
  auto results = this->store_->LoadResults("r");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(results->size(), 3u);
}

}  // namespace
}  // namespace mmgate::store::contract
