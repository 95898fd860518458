// Runs a child process with its stdin fed from a string and its stdout and
// stderr captured, under a time limit. Used by the exec provider.
#ifndef MMGATE_ADAPTER_SUBPROCESS_H_
#define MMGATE_ADAPTER_SUBPROCESS_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::adapter {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] without '/' is looked up in PATH
  std::map<std::string, std::string> env;  // added to the inherited one
  std::string cwd;                         // empty: inherit
  std::string input;                       // written to stdin, then closed
  std::chrono::milliseconds timeout{60000};
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, if any
  bool timed_out = false;
  std::string out;
  std::string err;  // the first kMaxStderr bytes
};

inline constexpr size_t kMaxStdout = 64 << 20;
inline constexpr size_t kMaxStderr = 64 << 10;

// Starts the process in its own process group (a timeout kills the whole
// group, shell children included), pumps stdin/stdout/stderr with poll() so
// a chatty child cannot deadlock on a full pipe. An error status means the
// process could not be started; how it ended is in the result.
Result<ProcessResult> RunProcess(const ProcessSpec& spec);

// "exit status 3", "killed by signal 9", "timed out after 2s".
std::string DescribeEnd(const ProcessResult& r, const ProcessSpec& spec);

// The first `limit` bytes with control characters escaped, for messages.
std::string Preview(std::string_view text, size_t limit = 300);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_SUBPROCESS_H_
