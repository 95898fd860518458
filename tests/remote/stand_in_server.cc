// mmgate_stand_in_server: a local server standing in for an OpenAI-compatible
// provider, for the CLI tests. It answers chat completions ("Say a12" ->
// "a12") with usage, appends the prompt of every request it receives to a hit
// log, and when asked injects faults: every 7th request gets 503 with
// Retry-After: 0 and every 11th a connection reset. "Say leak" gets a 401
// whose body echoes the request headers, key included.
//
//   mmgate_stand_in_server --port-file F --log F [--delay-ms N] [--faults]
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "fault_server.h"
#include "providers.h"

int main(int argc, char** argv) {
  std::string port_file, log_file;
  int delay_ms = 0;
  bool faults = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--port-file" && i + 1 < argc)
      port_file = argv[++i];
    else if (a == "--log" && i + 1 < argc)
      log_file = argv[++i];
    else if (a == "--delay-ms" && i + 1 < argc)
      delay_ms = std::atoi(argv[++i]);
    else if (a == "--faults")
      faults = true;
    else {
      std::fprintf(
          stderr, "usage: %s --port-file F --log F [--delay-ms N] [--faults]\n",
          argv[0]);
      return 2;
    }
  }
  std::mutex mu;
  std::FILE* log = std::fopen(log_file.c_str(), "a");
  if (!log) return 2;
  using namespace mmgate::testing;
  FaultServer server([&](const ServerRequest& r, int64_t hit) {
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    std::string prompt = body.is_discarded() ? "" : PromptOf(body);
    {
      std::lock_guard<std::mutex> lock(mu);
      std::fprintf(log, "%s\n", prompt.c_str());
      std::fflush(log);
    }
    if (prompt == "Say leak") {
      // A misbehaving proxy that echoes the request's headers (and so the
      // key) in its error: mmgate must redact it everywhere.
      std::string echo;
      for (const auto& [k, v] : r.headers) echo += k + ": " + v + "\n";
      return Script{Send(Response(401, "text/plain", "denied\n" + echo))};
    }
    if (faults && hit % 11 == 0) return Script{Reset()};
    if (faults && hit % 7 == 0)
      return Script{Send(Response(503, "application/json",
                                  R"({"error": {"message": "overloaded"}})",
                                  {"Retry-After: 0"}))};
    Script s;
    if (delay_ms > 0) s.push_back(Sleep(delay_ms));
    s.push_back(Send(Response(200, "application/json",
                              OpenAIChatBody(EchoAnswer(prompt), 9, 2))));
    return s;
  });
  {
    std::ofstream out(port_file + ".tmp");
    out << server.port() << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}
