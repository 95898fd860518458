#include "common/redact.h"

#include <gtest/gtest.h>

namespace mmgate {
namespace {

TEST(RedactTest, CredentialNamesAreOneList) {
  for (const char* name :
       {"api_key", "API_KEY", "OPENAI_API_KEY", "x-api-key", "apikey", "key",
        "Authorization", "cookie", "access_token", "max_tokens",
        "client_secret", "db_password"}) {
    EXPECT_TRUE(IsCredentialName(name)) << name;
  }
  for (const char* name :
       {"api_key_env", "model", "base_url", "psm", "keyword", "monkey"}) {
    EXPECT_FALSE(IsCredentialName(name)) << name;
  }
}

TEST(RedactTest, ConfigKeepsSettingsAndDropsCredentialsAtAnyDepth) {
  nlohmann::json spec = {
      {"provider", "openai"},
      {"model", "gpt"},
      {"api_key_env", "OPENAI_API_KEY"},
      {"api_key", "sk-live-abcdefgh"},
      {"env", {{"HOME", "/home/x"}}},
      {"headers", {{"X-Trace", "1"}}},
      {"parameters", {{"temperature", 0}, {"client_secret", "s3cr3t-value"}}},
      {"base_url", "https://h/v1?key=abcdef123456"}};
  const std::string out = RedactConfig(spec);
  const nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["model"], "gpt");
  EXPECT_EQ(j["api_key_env"], "OPENAI_API_KEY");
  EXPECT_FALSE(j.contains("api_key"));
  EXPECT_FALSE(j.contains("env"));
  EXPECT_FALSE(j.contains("headers"));
  EXPECT_EQ(j["parameters"], nlohmann::json({{"temperature", 0}}));
  EXPECT_EQ(j["base_url"], "https://h/v1?key=[REDACTED]");
  EXPECT_EQ(out.find("sk-live"), std::string::npos);
}

}  // namespace
}  // namespace mmgate
