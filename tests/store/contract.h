// The store contract: typed tests every Store backend must pass. A backend
// joins by adding a class with SkipReason(), Open() and Exec() to Backends;
// each test gets an empty database.
#ifndef MMGATE_TESTS_STORE_CONTRACT_H_
#define MMGATE_TESTS_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "store/store.h"

namespace mmgate::store::contract {

// SQLite through OpenStore("sqlite:PATH"), one file per test.
class SqliteBackend {
 public:
  SqliteBackend();
  ~SqliteBackend();
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;

  Result<std::unique_ptr<Store>> Open();
  // Runs SQL on the database behind the Store's back, as a person with the
  // database shell would (to corrupt a row by hand).
  Status Exec(const std::string& sql);
  // Why this backend cannot run here; empty when it can.
  static std::string SkipReason() { return ""; }

 private:
  std::filesystem::path dir_;
};

// PostgreSQL through OpenStore("postgresql://..."): the server named by the
// environment variable MMGATE_TEST_PG_URL (tests/store/with_postgres.sh
// starts one), one schema per test, dropped afterwards.
class PgBackend {
 public:
  PgBackend();
  ~PgBackend();
  PgBackend(const PgBackend&) = delete;
  PgBackend& operator=(const PgBackend&) = delete;

  Result<std::unique_ptr<Store>> Open();
  Status Exec(const std::string& sql);
  static std::string SkipReason();
  // The server's URL with this test's schema as its search_path.
  std::string Url() const;

 private:
  std::string schema_;
  bool created_ = false;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, PgBackend>) return "Postgres";
    return "Sqlite";
  }
};

using Backends = ::testing::Types<SqliteBackend, PgBackend>;

template <typename Backend>
class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = Backend::SkipReason(); !why.empty())
      GTEST_SKIP() << why;
    auto s = backend_.Open();
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override { store_.reset(); }

  Backend backend_;
  std::unique_ptr<Store> store_;
};

// A run "r" (or `run_id`) created at `created_ms`.
RunRecord MakeRun(const std::string& run_id, int64_t created_ms);

// Suite "charts" with items c1 (slice chart_type=bar), c2 and c3, in line
// order.
SuiteRecord ChartsSuite();
std::vector<ItemRecord> ChartsItems();

// A successful response with answer `answer` for an item of "charts".
ResponseRecord Answered(const std::string& item_id, const std::string& answer);

// Creates run `run_id` with the charts suite: the usual start of a test.
Status AddChartsRun(Store* store, const std::string& run_id,
                    int64_t created_ms = 1);

}  // namespace mmgate::store::contract

#endif  // MMGATE_TESTS_STORE_CONTRACT_H_
