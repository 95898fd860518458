// A scripted HTTP/1.1 server on 127.0.0.1 written for the tests: it stands in
// for a model provider (OpenAI, Anthropic, Gemini, or a misbehaving proxy in
// front of one). Each request is answered by a script of raw steps chosen by
// the test's handler, so faults a real library server would tidy up can be
// produced exactly: a connection reset, a stall before the headers or in the
// middle of the body, a body cut short, bytes split at any point (inside a
// UTF-8 character), an HTML error page.
#ifndef MMGATE_TESTS_REMOTE_FAULT_SERVER_H_
#define MMGATE_TESTS_REMOTE_FAULT_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mmgate::testing {

struct ServerRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lowercase
  std::string body;
};

struct Step {
  enum class Kind { kSend, kSleep, kReset, kClose };
  Kind kind;
  std::string bytes;  // kSend
  int ms = 0;         // kSleep
};
using Script = std::vector<Step>;

// Script builders.
Step Send(std::string bytes);
Step Sleep(int ms);
Step Reset();  // RST: SO_LINGER 0, then close
Step Close();  // FIN without (the rest of) a response
// A complete response: status line, headers, Content-Length, body.
std::string Response(int status, const std::string& content_type,
                     const std::string& body,
                     const std::vector<std::string>& extra_headers = {});
// Headers of a chunked streaming response, and one chunk.
std::string StreamHead(const std::string& content_type);
std::string Chunk(const std::string& bytes);
std::string LastChunk();

class FaultServer {
 public:
  // `hit` counts requests from 1 across the server's life.
  using Handler = std::function<Script(const ServerRequest&, int64_t hit)>;
  explicit FaultServer(Handler handler, int port = 0);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;
  int64_t hits() const { return hits_.load(); }
  int64_t connections() const { return connections_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd);
  bool Run(int fd, const Script& script);  // false: connection ended
  bool Pause(int ms);                      // false: server stopping

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable stopping_;
  std::vector<int> open_fds_;
  int serving_ = 0;  // connection threads still running (detached)
  std::thread acceptor_;
};

}  // namespace mmgate::testing

#endif  // MMGATE_TESTS_REMOTE_FAULT_SERVER_H_
