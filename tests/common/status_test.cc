#include "common/status.h"

#include <gtest/gtest.h>

namespace mmgate {
namespace {

TEST(StatusTest, ContextIsPrependedOnlyToErrors) {
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
  Status s = Status::Invalid("bad id").WithContext("items.jsonl:3");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "items.jsonl:3: bad id");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> a = 4;
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 4);
  Result<int> b = Status::NotFound("no such run");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mmgate
