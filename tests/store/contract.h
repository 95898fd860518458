// The store contract: typed tests every Store backend must pass. A backend
// joins by adding a class with Open() and Exec() to Backends (PostgreSQL will
// in the scale issue); each test gets an empty database.
#ifndef MMGATE_TESTS_STORE_CONTRACT_H_
#define MMGATE_TESTS_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
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

 private:
  std::filesystem::path dir_;
};

using Backends = ::testing::Types<SqliteBackend>;

template <typename Backend>
class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
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
