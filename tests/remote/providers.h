// Canned provider replies in each real wire format (OpenAI chat completions
// and transcriptions, Anthropic Messages, Gemini generateContent, whole or
// streamed), for the local servers that stand in for the providers in tests.
#ifndef MMGATE_TESTS_REMOTE_PROVIDERS_H_
#define MMGATE_TESTS_REMOTE_PROVIDERS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fault_server.h"

namespace mmgate::testing {

// The user's text prompt in an OpenAI, Anthropic or Gemini request body.
std::string PromptOf(const nlohmann::json& body);
// "Say a12" -> "a12": the answer the stand-in models give.
std::string EchoAnswer(const std::string& prompt);

std::string OpenAIChatBody(const std::string& answer, int in, int out);
// SSE events, one string per event, ending with the usage chunk and [DONE].
std::vector<std::string> OpenAIStreamEvents(const std::string& answer, int in,
                                            int out);
std::string AnthropicBody(const std::string& answer, int in, int out);
std::vector<std::string> AnthropicStreamEvents(const std::string& answer,
                                               int in, int out);
std::string GeminiBody(const std::string& answer, int in, int out);

// A complete streamed reply: chunked, one chunk per event.
Script StreamReply(const std::vector<std::string>& events);

}  // namespace mmgate::testing

#endif  // MMGATE_TESTS_REMOTE_PROVIDERS_H_
