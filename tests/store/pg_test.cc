// What only the PostgreSQL backend has: credentials from the URL or libpq's
// environment and never in a message, claims racing from many connections,
// and the schema checks on open. Runs against the server of
// MMGATE_TEST_PG_URL (tests/store/with_postgres.sh); skipped without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "contract.h"

namespace mmgate::store::contract {
namespace {

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = PgBackend::SkipReason(); !why.empty())
      GTEST_SKIP() << why;
    url_ = std::getenv("MMGATE_TEST_PG_URL");
    size_t at = url_.rfind('@');
    size_t colon = url_.find(':', url_.find("://") + 3);
    password_ = url_.substr(colon + 1, at - colon - 1);
    ASSERT_FALSE(password_.empty()) << "the test server has a password";
  }
  // The URL with another password (or none).
  std::string WithPassword(const std::string& pw) const {
    size_t at = url_.rfind('@');
    size_t colon = url_.find(':', url_.find("://") + 3);
    return url_.substr(0, pw.empty() ? colon : colon + 1) + pw +
           url_.substr(at);
  }
  std::string url_;
  std::string password_;
};

TEST_F(PgStoreTest, DescribeAndErrorsNeverCarryThePassword) {
  PgBackend backend;
  auto s = backend.Open();
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::string described = (*s)->Describe();
  EXPECT_EQ(described.find(password_), std::string::npos) << described;
  EXPECT_NE(described.find("postgresql://mmgate:***@127.0.0.1"),
            std::string::npos)
      << described;
  // An error from the server names the database, not the password.
  RunRecord run = MakeRun("r", 1);
  ASSERT_TRUE((*s)->CreateRun(run).ok());
  auto dup = (*s)->CreateRun(run);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument) << dup.message();
  EXPECT_NE(dup.message().find("creating run r"), std::string::npos);
  EXPECT_NE(dup.message().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(dup.message().find(password_), std::string::npos);

  const std::string wrong = "not-the-password-42";
  auto refused = OpenStore(WithPassword(wrong));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kIoError);
  EXPECT_EQ(refused.status().message().find(wrong), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("127.0.0.1"), std::string::npos)
      << refused.status().message();
}

TEST_F(PgStoreTest, PasswordFromPgpassword) {
  std::string bare = WithPassword("");
  ASSERT_EQ(bare.find(password_), std::string::npos);
  ::unsetenv("PGPASSWORD");
  EXPECT_FALSE(OpenStore(bare).ok()) << "no password: refused";
  ::setenv("PGPASSWORD", password_.c_str(), 1);
  auto s = OpenStore(bare);
  ::unsetenv("PGPASSWORD");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE((*s)->ListRuns().ok());
}

TEST_F(PgStoreTest, ConcurrentClaimsHaveOneWinnerPerBatch) {
  PgBackend backend;
  auto setup = backend.Open();
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  ASSERT_TRUE(AddChartsRun(setup->get(), "r").ok());
  constexpr int kWorkers = 6;
  constexpr int kBatches = 15;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kWorkers; ++i) {
    auto s = OpenStore(backend.Url());
    ASSERT_TRUE(s.ok()) << s.status().message();
    stores.push_back(std::move(*s));
  }
  std::atomic<int> won{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      for (int b = 0; b < kBatches; ++b) {
        auto got = stores[i]->ClaimLease("r", "b" + std::to_string(b),
                                         "w" + std::to_string(i), 1000, 500);
        if (!got.ok()) ++failed;
        if (got.ok() && got->has_value()) ++won;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(won.load(), kBatches) << "exactly one claim per batch";
  auto leases = stores[0]->ListLeases("r");
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), static_cast<size_t>(kBatches));
  for (const Lease& l : *leases) EXPECT_EQ(l.token, 1) << l.batch_id;
}

TEST_F(PgStoreTest, ClaimNextFromSixConnectionsGivesEachBatchOnce) {
  PgBackend backend;
  auto setup = backend.Open();
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  ASSERT_TRUE(AddChartsRun(setup->get(), "r").ok());
  constexpr int kWorkers = 6;
  constexpr int kBatches = 60;
  std::vector<std::string> ids;
  for (int b = 100; b < 100 + kBatches; ++b)
    ids.push_back("b" + std::to_string(b));
  ASSERT_TRUE((*setup)->AddLeases("r", ids).ok());
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kWorkers; ++i) {
    auto s = OpenStore(backend.Url());
    ASSERT_TRUE(s.ok()) << s.status().message();
    stores.push_back(std::move(*s));
  }
  std::atomic<int> failed{0};
  std::vector<std::vector<std::string>> won(kWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        auto got =
            stores[i]->ClaimNextLease("r", "w" + std::to_string(i), 1000, 500);
        if (!got.ok()) ++failed;
        if (!got.ok() || !got->has_value()) return;
        won[i].push_back((*got)->batch_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  std::vector<std::string> all;
  for (const auto& w : won) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, ids) << "every batch claimed exactly once";
  EXPECT_EQ(*stores[0]->CountLeasesBefore("r", 1500), 0);
}

TEST_F(PgStoreTest, RefusesAForeignOrNewerSchema) {
  PgBackend foreign;
  ASSERT_TRUE(foreign.Open().ok());
  ASSERT_TRUE(foreign.Exec("DROP TABLE schema_version CASCADE").ok());
  auto refused = OpenStore(foreign.Url());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not an mmgate results database"),
            std::string::npos)
      << refused.status().message();

  PgBackend newer;
  ASSERT_TRUE(newer.Open().ok());
  ASSERT_TRUE(
      newer.Exec("INSERT INTO schema_version (version) VALUES (99)").ok());
  auto too_new = OpenStore(newer.Url());
  ASSERT_FALSE(too_new.ok());
  EXPECT_NE(too_new.status().message().find("schema version 99"),
            std::string::npos)
      << too_new.status().message();

  PgBackend twice;
  ASSERT_TRUE(twice.Open().ok());
  auto again = twice.Open();
  ASSERT_TRUE(again.ok()) << "an up-to-date schema opens as it is";
}

}  // namespace
}  // namespace mmgate::store::contract
