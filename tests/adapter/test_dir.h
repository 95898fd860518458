// A fresh temporary folder per test, removed afterwards.
#ifndef MMGATE_TESTS_ADAPTER_TEST_DIR_H_
#define MMGATE_TESTS_ADAPTER_TEST_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "adapter/factory.h"

namespace mmgate::testing {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("mmgate_adapter_" + std::to_string(::getpid()) + "_" +
            info->test_suite_name() + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ / name; }

  static ModelRequest Request(const std::string& modality,
                              const std::string& prompt,
                              const std::string& type = "",
                              const std::string& path = "") {
    ModelRequest r;
    r.item_id = modality + "-1";
    r.modality = modality;
    r.prompt = prompt;
    if (!path.empty()) r.media.push_back({type, path, path});
    return r;
  }

  std::filesystem::path dir_;
};

}  // namespace mmgate::testing

#endif  // MMGATE_TESTS_ADAPTER_TEST_DIR_H_
