// Store contract: the queue over a run's lease rows (AddLeases,
// ClaimNextLease, CountLeasesBefore, GetLease). Times are injected: no test
// sleeps.
#include "contract.h"

namespace mmgate::store::contract {
namespace {

constexpr int64_t kDone = int64_t{1} << 62;

template <typename B>
class QueueContract : public ContractTest<B> {
 protected:
  void SetUp() override {
    ContractTest<B>::SetUp();
    if (this->IsSkipped()) return;
    ASSERT_TRUE(AddChartsRun(this->store_.get(), "r").ok());
  }
};
TYPED_TEST_SUITE(QueueContract, Backends, BackendNames);

TYPED_TEST(QueueContract, ClaimsFreeBatchesInOrderThenNone) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->AddLeases("r", {"b2", "b0", "b1", "~plan"}).ok());
  auto free = s->GetLease("r", "b1");
  ASSERT_TRUE(free.ok()) << free.status().message();
  ASSERT_TRUE(free->has_value());
  EXPECT_EQ((*free)->owner, "");
  EXPECT_EQ((*free)->token, 0);
  EXPECT_EQ((*free)->expires_ms, 0);
  EXPECT_FALSE(s->GetLease("r", "b9")->has_value());
  EXPECT_EQ(*s->CountLeasesBefore("r", kDone), 3) << "the marker is left out";

  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    auto lease = s->ClaimNextLease("r", "w" + std::to_string(i), 1000, 500);
    ASSERT_TRUE(lease.ok()) << lease.status().message();
    ASSERT_TRUE(lease->has_value());
    EXPECT_EQ((*lease)->token, 1) << "the first claim of a batch";
    EXPECT_EQ((*lease)->expires_ms, 1500);
    got.push_back((*lease)->batch_id);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"b0", "b1", "b2"}));
  auto none = s->ClaimNextLease("r", "w9", 1499, 500);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "every batch held; the marker is not one";
  EXPECT_EQ(*s->CountLeasesBefore("r", kDone), 3);

  // Adding again keeps the held rows as they are.
  ASSERT_TRUE(s->AddLeases("r", {"b0", "b3"}).ok());
  EXPECT_EQ((*s->GetLease("r", "b0"))->owner, "w0");
  EXPECT_EQ((*s->ClaimNextLease("r", "w9", 1499, 500))->batch_id, "b3");

  EXPECT_FALSE(s->ClaimNextLease("r", "", 0, 500).ok()) << "needs an owner";
  EXPECT_FALSE(s->ClaimNextLease("r", "w", 0, 0).ok()) << "needs a ttl";
  EXPECT_FALSE(s->AddLeases("nope", {"b0"}).ok()) << "the run must exist";
  EXPECT_FALSE(s->ClaimNextLease("other", "w", 0, 500)->has_value());
}

TYPED_TEST(QueueContract, AnExpiredHoldersBatchComesFirstThenReleasedOnes) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->AddLeases("r", {"b0", "b1", "b2", "b3"}).ok());
  Lease b0 = **s->ClaimLease("r", "b0", "dead", 1000, 500);   // expires 1500
  Lease b1 = **s->ClaimLease("r", "b1", "stall", 1000, 300);  // expires 1300
  Lease b2 = **s->ClaimLease("r", "b2", "done", 1000, 500);
  ASSERT_TRUE(s->RenewLease(b2, 1000, kDone - 1000)->has_value());
  EXPECT_EQ(*s->CountLeasesBefore("r", kDone), 3) << "b2 is done";

  auto first = s->ClaimNextLease("r", "w", 2000, 500);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ((*first)->batch_id, "b1") << "expired longest ago";
  EXPECT_EQ((*first)->token, 2);
  EXPECT_EQ((*s->ClaimNextLease("r", "w", 2000, 500))->batch_id, "b0");
  EXPECT_EQ((*s->ClaimNextLease("r", "w", 2000, 500))->batch_id, "b3");
  EXPECT_FALSE(s->ClaimNextLease("r", "w", 2000, 500)->has_value());
  EXPECT_FALSE(
      *s->PutResultFenced(b0, Answered("c1", "stale"), {}, {}, std::nullopt))
      << "the dead holder is fenced off";

  ASSERT_TRUE(*s->ReleaseLease(**first));
  auto again = s->ClaimNextLease("r", "w2", 2100, 500);
  ASSERT_TRUE(again->has_value()) << "released: free at once";
  EXPECT_EQ((*again)->batch_id, "b1");
  EXPECT_EQ((*again)->token, 3);
  EXPECT_EQ((*s->GetLease("r", "b1"))->owner, "w2");
  EXPECT_TRUE((*s->ClaimNextLease("r", "w", 2600, 500)).has_value())
      << "expired again";
  (void)b1;
}

}  // namespace
}  // namespace mmgate::store::contract
