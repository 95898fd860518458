// Store contract: work leases and fenced writes (schema 3). Times are
// injected: no test sleeps.
#include "contract.h"

namespace mmgate::store::contract {
namespace {

template <typename B>
class LeasesContract : public ContractTest<B> {
 protected:
  void SetUp() override {
    ContractTest<B>::SetUp();
    if (this->IsSkipped()) return;
    ASSERT_TRUE(AddChartsRun(this->store_.get(), "r").ok());
  }
};
TYPED_TEST_SUITE(LeasesContract, Backends, BackendNames);

TYPED_TEST(LeasesContract, OneHolderUntilExpiryThenALargerToken) {
  Store* s = this->store_.get();
  auto a = s->ClaimLease("r", "b0", "worker-a", 1000, 500);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->run_id, "r");
  EXPECT_EQ((*a)->batch_id, "b0");
  EXPECT_EQ((*a)->owner, "worker-a");
  EXPECT_EQ((*a)->token, 1);
  EXPECT_EQ((*a)->expires_ms, 1500);

  EXPECT_FALSE(s->ClaimLease("r", "b0", "worker-b", 1499, 500)->has_value());
  EXPECT_FALSE(s->ClaimLease("r", "b0", "worker-a", 1200, 500)->has_value())
      << "held, even by its own owner";
  auto other = s->ClaimLease("r", "b1", "worker-b", 1200, 500);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->has_value()) << "another batch is free";
  EXPECT_EQ((*other)->token, 1);

  auto b = s->ClaimLease("r", "b0", "worker-b", 1500, 500);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->has_value()) << "expired at 1500";
  EXPECT_EQ((*b)->token, 2);
  EXPECT_EQ((*b)->expires_ms, 2000);

  auto leases = s->ListLeases("r");
  ASSERT_TRUE(leases.ok()) << leases.status().message();
  ASSERT_EQ(leases->size(), 2u);
  EXPECT_EQ((*leases)[0].batch_id, "b0");
  EXPECT_EQ((*leases)[0].owner, "worker-b");
  EXPECT_EQ((*leases)[0].token, 2);
  EXPECT_EQ((*leases)[0].expires_ms, 2000);
  EXPECT_EQ((*leases)[1].batch_id, "b1");
  EXPECT_TRUE(s->ListLeases("other")->empty());

  EXPECT_FALSE(s->ClaimLease("r", "b2", "", 0, 500).ok()) << "needs an owner";
  EXPECT_FALSE(s->ClaimLease("r", "b2", "w", 0, 0).ok()) << "needs a ttl";
  EXPECT_FALSE(s->ClaimLease("nope", "b0", "w", 0, 500).ok())
      << "the run must exist";
}

TYPED_TEST(LeasesContract, RenewWhileLiveReleaseFreesTheBatch) {
  Store* s = this->store_.get();
  Lease a = **s->ClaimLease("r", "b0", "worker-a", 1000, 500);
  auto renewed = s->RenewLease(a, 1400, 1000);
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  ASSERT_TRUE(renewed->has_value());
  EXPECT_EQ((*renewed)->expires_ms, 2400);
  EXPECT_EQ((*renewed)->token, 1);
  EXPECT_FALSE(s->ClaimLease("r", "b0", "worker-b", 2000, 500)->has_value())
      << "the renewal holds it past the first expiry";
  EXPECT_FALSE(s->RenewLease(a, 2400, 1000)->has_value())
      << "expired at 2400: lost";

  Lease stranger = **renewed;
  stranger.owner = "worker-b";
  Lease c = **s->ClaimLease("r", "b1", "worker-a", 0, 500);
  EXPECT_FALSE(*s->ReleaseLease(stranger));
  EXPECT_TRUE(*s->ReleaseLease(c));
  EXPECT_FALSE(*s->ReleaseLease(c)) << "already released";
  EXPECT_FALSE(s->RenewLease(c, 10, 500)->has_value());
  auto leases = s->ListLeases("r");
  ASSERT_EQ(leases->size(), 2u);
  EXPECT_EQ((*leases)[1].owner, "") << "released";

  auto again = s->ClaimLease("r", "b1", "worker-b", 20, 500);
  ASSERT_TRUE(again->has_value()) << "released: free before its expiry";
  EXPECT_EQ((*again)->token, 2) << "the token still grows";
}

TYPED_TEST(LeasesContract, FencedWritesWithAStaleTokenAreRefused) {
  Store* s = this->store_.get();
  Lease a = **s->ClaimLease("r", "b0", "worker-a", 1000, 500);
  auto wrote =
      s->PutResultFenced(a, Answered("c1", "10"),
                         {{"relaxed_accuracy", 1, 1, 1, ""}}, {}, std::nullopt);
  ASSERT_TRUE(wrote.ok()) << wrote.status().message();
  EXPECT_TRUE(*wrote);

  // worker-a stalls past its expiry; worker-b claims the batch and writes.
  Lease b = **s->ClaimLease("r", "b0", "worker-b", 1600, 500);
  ASSERT_GT(b.token, a.token);
  EXPECT_TRUE(*s->PutResultFenced(b, Answered("c1", "11"),
                                  {{"relaxed_accuracy", 0, 0, 1, ""}}, {},
                                  std::nullopt));
  // worker-a wakes up and tries to write: refused, nothing lands.
  AttemptRecord attempt{"charts", "c1", 1, 200, "", "", 1, -1, 0, 1, 1, 0, 1};
  auto stale =
      s->PutResultFenced(a, Answered("c1", "stale"), {}, {attempt},
                         CacheEntry{"k", "v", "stale", 1, 1, "", -1, 1});
  ASSERT_TRUE(stale.ok()) << stale.status().message();
  EXPECT_FALSE(*stale);

  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].response->answer.value(), "11");
  EXPECT_DOUBLE_EQ((*results)[0].scores.at("relaxed_accuracy").value, 0);
  EXPECT_TRUE(s->LoadAttempts("r")->empty());
  EXPECT_FALSE(s->GetCached("k")->has_value());

  ASSERT_TRUE(*s->ReleaseLease(b));
  EXPECT_FALSE(
      *s->PutResultFenced(b, Answered("c1", "late"), {}, {}, std::nullopt))
      << "a released lease fences too";
}

// One stage of item c1, answered `text`.
StageRecord StageOf(int64_t seq, const std::string& text) {
  StageRecord st;
  st.suite = "charts";
  st.item_id = "c1";
  st.seq = seq;
  st.stage = seq == 0 ? "transcribe" : "reason";
  st.answer = text;
  return st;
}

ExtraResponseRecord StageResponseOf(int64_t seq, const std::string& text) {
  ExtraResponseRecord e;
  e.suite = "charts";
  e.item_id = "c1";
  e.kind = ResponseKind::kStage;
  e.seq = seq;
  e.answer = text;
  return e;
}

TYPED_TEST(LeasesContract, AStaleHoldersStagesNeverLandBesideAnothersResult) {
  Store* s = this->store_.get();
  Lease a = **s->ClaimLease("r", "b0", "worker-a", 1000, 500);
  Lease b = **s->ClaimLease("r", "b0", "worker-b", 1600, 500);
  auto wrote = s->PutStagedResultFenced(
      b, Answered("c1", "b"), {{"pipeline_pass", 1, 1, 1, ""}},
      {StageOf(0, "b0"), StageOf(1, "b1")},
      {StageResponseOf(0, "b0"), StageResponseOf(1, "b1")});
  ASSERT_TRUE(wrote.ok()) << wrote.status().message();
  EXPECT_TRUE(*wrote);
  auto stale =
      s->PutStagedResultFenced(a, Answered("c1", "a"), {}, {StageOf(0, "a0")},
                               {StageResponseOf(0, "a0")});
  ASSERT_TRUE(stale.ok()) << stale.status().message();
  EXPECT_FALSE(*stale);

  auto stages = s->LoadStages("r");
  ASSERT_TRUE(stages.ok());
  ASSERT_EQ(stages->size(), 2u);
  EXPECT_EQ((*stages)[0].answer.value(), "b0");
  EXPECT_EQ((*stages)[1].answer.value(), "b1");
  auto extras = s->LoadExtraResponses("r", ResponseKind::kStage);
  ASSERT_TRUE(extras.ok());
  ASSERT_EQ(extras->size(), 2u);
  EXPECT_EQ((*extras)[0].answer.value(), "b0");
  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].response->answer.value(), "b");
  EXPECT_DOUBLE_EQ((*results)[0].scores.at("pipeline_pass").value, 1);

  // Done again by the holder: its stages replace the earlier ones.
  EXPECT_TRUE(*s->PutStagedResultFenced(b, Answered("c1", "b2"), {},
                                        {StageOf(0, "c0")},
                                        {StageResponseOf(0, "c0")}));
  EXPECT_EQ(s->LoadStages("r")->size(), 1u);
  EXPECT_EQ(s->LoadExtraResponses("r", ResponseKind::kStage)->size(), 1u);
}

}  // namespace
}  // namespace mmgate::store::contract
