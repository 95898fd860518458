// OpenStore: which URLs open which backend, and what an unsupported one says.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/store.h"

namespace mmgate::store {
namespace {

namespace fs = std::filesystem;

class OpenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate-open-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OpenStoreTest, PathAndSqliteUrlsNameTheSameFile) {
  std::string path = (dir_ / "a" / "results.db").string();
  {
    auto s = OpenStore(path);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ((*s)->Describe(), path);
    RunRecord run;
    run.run_id = "r1";
    ASSERT_TRUE((*s)->CreateRun(run).ok());
  }
  EXPECT_TRUE(fs::exists(path)) << "the folder is created";
  for (const std::string& url : {"sqlite:" + path, "sqlite://" + path}) {
    auto s = OpenStore(url);
    ASSERT_TRUE(s.ok()) << url << ": " << s.status().message();
    EXPECT_EQ((*s)->Describe(), path);
    EXPECT_TRUE((*s)->GetRun("r1")->has_value()) << url;
  }
}

TEST_F(OpenStoreTest, UnsupportedSchemesAreNamedWithoutTheirPassword) {
  auto s = OpenStore("mysql://mmgate:hunter2@db.internal:5432/results");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = s.status().message();
  EXPECT_NE(m.find("mysql://mmgate:***@db.internal:5432/results"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
  EXPECT_NE(m.find("sqlite:PATH"), std::string::npos) << m;
  EXPECT_NE(m.find("postgresql://"), std::string::npos) << m;
  auto slash = OpenStore("mysql://u:pa/ss@host/db");
  ASSERT_FALSE(slash.ok());
  EXPECT_EQ(slash.status().message().find("pa/ss"), std::string::npos)
      << slash.status().message();
  auto query = OpenStore("mysql://host/db?user=u&password=pw1secret");
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.status().message().find("pw1secret"), std::string::npos)
      << query.status().message();
  EXPECT_FALSE(OpenStore("mysql://host/db").ok());
  EXPECT_FALSE(OpenStore("sqlite:").ok());
  EXPECT_FALSE(OpenStore("").ok());
}

TEST_F(OpenStoreTest, AnUnreachablePostgresIsAnErrorWithoutItsPassword) {
  // Port 1 on the loopback refuses at once: no server is needed.
  for (const char* url :
       {"postgresql://mmgate:hunter2secret@127.0.0.1:1/results",
        "postgres://mmgate@127.0.0.1:1/results?password=hunter2secret"}) {
    auto s = OpenStore(url);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.status().code(), StatusCode::kIoError);
    const std::string& m = s.status().message();
    EXPECT_EQ(m.find("hunter2secret"), std::string::npos) << m;
    EXPECT_NE(m.find("127.0.0.1:1/results"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace mmgate::store
