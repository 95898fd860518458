// What tests of whole runs share (tests/runner, tests/remote): a fresh SQLite
// store per test in a folder named after the test (removed afterwards), and a
// text suite "qa" whose item qN says "Say aN" (what the stand-in providers
// of tests/remote echo as "aN") with "aN" as its reference.
#ifndef MMGATE_TESTS_RUNNER_RUN_FIXTURE_H_
#define MMGATE_TESTS_RUNNER_RUN_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "dataset/item.h"
#include "store/store.h"

namespace mmgate::runner::testing {

// Item qN of the "qa" suite: prompt "Say aN", reference "aN", its own group,
// content hash "hqN", on line N + 1 of its file.
inline Item TextItem(int n) {
  Item it;
  it.id = "q" + std::to_string(n);
  it.modality = "text";
  it.prompt = "Say a" + std::to_string(n);
  it.references = {"a" + std::to_string(n)};
  it.group = it.id;
  it.content_hash = "h" + it.id;
  it.line = n + 1;
  return it;
}

// Suite "qa" (text, exact, version "v1") with items q0..q{count-1}.
inline Suite TextSuite(int count) {
  Suite suite;
  suite.name = "qa";
  suite.modality = "text";
  suite.metric = "exact";
  suite.version_hash = "v1";
  for (int i = 0; i < count; ++i) suite.items.push_back(TextItem(i));
  return suite;
}

// A store per test; project_ names model "m" of the given provider.
class StoreTest : public ::testing::Test {
 protected:
  StoreTest(std::string prefix, std::string provider)
      : prefix_(std::move(prefix)), provider_(std::move(provider)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mmgate-" + prefix_ + "-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = store::OpenStore(db().string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    project_.path = "mmgate.yaml";
    project_.models["m"] = ModelSpec{"m", provider_};
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path db() const { return dir_ / "r.db"; }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  ProjectConfig project_;

 private:
  std::string prefix_;
  std::string provider_;
};

}  // namespace mmgate::runner::testing

#endif  // MMGATE_TESTS_RUNNER_RUN_FIXTURE_H_
