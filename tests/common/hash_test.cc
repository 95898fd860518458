#include "common/hash.h"

#include <gtest/gtest.h>

namespace mmgate {
namespace {

TEST(HashTest, PartsAreLengthPrefixed) {
  Sha256 a, b;
  a.Feed("ab").Feed("c");
  b.Feed("a").Feed("bc");
  EXPECT_NE(a.HexDigest(), b.HexDigest());
}

TEST(HashTest, DigestIsStableHex) {
  std::string d = Sha256Hex("mmgate");
  EXPECT_EQ(d.size(), 64u);
  EXPECT_EQ(d, Sha256Hex("mmgate"));
  EXPECT_NE(d, Sha256Hex("mmgatf"));
}

TEST(HashTest, MissingFileIsAnIoError) {
  Sha256 h;
  Status s = h.FeedFile("no/such/file.png");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace mmgate
