#include "adapter/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

extern char** environ;

namespace mmgate::adapter {
namespace {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.Release()) {}
  Fd& operator=(Fd&& o) noexcept {
    Reset(o.Release());
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

// Close-on-exec, so a child started by another thread at the same moment
// does not inherit (and hold open) this child's pipe ends.
Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::IoError(std::string("pipe2: ") + std::strerror(errno));
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&a_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a_); }
  posix_spawn_file_actions_t* get() { return &a_; }

 private:
  posix_spawn_file_actions_t a_;
};

class SpawnAttr {
 public:
  SpawnAttr() { posix_spawnattr_init(&a_); }
  ~SpawnAttr() { posix_spawnattr_destroy(&a_); }
  posix_spawnattr_t* get() { return &a_; }

 private:
  posix_spawnattr_t a_;
};

// Writing to a child that exited early raises SIGPIPE; block it on this
// thread only (the process's disposition is the application's business)
// and swallow any instance we caused.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      timespec zero = {0, 0};
      while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
  bool was_pending_ = false;
};

std::vector<std::string> BuildEnv(
    const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (!overrides.contains(key)) env.push_back(std::move(entry));
  }
  for (const auto& [k, v] : overrides) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Appends what is readable; false at end of file or on error.
bool Drain(int fd, std::string* sink, size_t limit) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      size_t room = limit > sink->size() ? limit - sink->size() : 0;
      sink->append(buf, std::min(room, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

}  // namespace

Result<ProcessResult> RunProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Status::Invalid("empty command");
  Result<Pipe> in = MakePipe();
  if (!in.ok()) return in.status();
  Result<Pipe> out = MakePipe();
  if (!out.ok()) return out.status();
  Result<Pipe> err = MakePipe();
  if (!err.ok()) return err.status();

  SpawnActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), in->read.get(), 0);
  posix_spawn_file_actions_adddup2(actions.get(), out->write.get(), 1);
  posix_spawn_file_actions_adddup2(actions.get(), err->write.get(), 2);
  // Descriptors the application opened without close-on-exec (a database,
  // a log) are none of the model's business.
  posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);
  if (!spec.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(actions.get(), spec.cwd.c_str());
  }
  SpawnAttr attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP |
                                           POSIX_SPAWN_SETSIGMASK |
                                           POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(attr.get(), 0);
  posix_spawnattr_setsigmask(attr.get(), &none);
  posix_spawnattr_setsigdefault(attr.get(), &all);

  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = BuildEnv(spec.env);
  std::vector<char*> argv = CStrings(args);
  std::vector<char*> envp = CStrings(env);
  pid_t pid = 0;
  const bool search = spec.argv[0].find('/') == std::string::npos;
  int rc = search ? posix_spawnp(&pid, argv[0], actions.get(), attr.get(),
                                 argv.data(), envp.data())
                  : posix_spawn(&pid, argv[0], actions.get(), attr.get(),
                                argv.data(), envp.data());
  if (rc != 0) {
    return Status::IoError(
        fmt::format("cannot start {}: {}", spec.argv[0], std::strerror(rc)));
  }
  in->read.Reset();
  out->write.Reset();
  err->write.Reset();
  for (int fd : {in->write.get(), out->read.get(), err->read.get()}) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }

  ProcessResult result;
  SigpipeGuard sigpipe_guard;
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + spec.timeout;
  size_t written = 0;
  if (spec.input.empty()) in->write.Reset();
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) fds[out_i = n++] = {out->read.get(), POLLIN, 0};
    if (err_open) fds[err_i = n++] = {err->read.get(), POLLIN, 0};
    if (in->write.get() >= 0) fds[in_i = n++] = {in->write.get(), POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      if (!result.timed_out) {
        // Kill the group, then give the pipes a moment to report EOF.
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
        deadline = Clock::now() + std::chrono::seconds(1);
        continue;
      }
      break;
    }
    int ready = ::poll(fds, n, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (out_i >= 0 && fds[out_i].revents) {
      out_open = Drain(out->read.get(), &result.out, kMaxStdout);
    }
    if (err_i >= 0 && fds[err_i].revents) {
      err_open = Drain(err->read.get(), &result.err, kMaxStderr);
    }
    if (in_i >= 0 && fds[in_i].revents) {
      ssize_t w = ::write(in->write.get(), spec.input.data() + written,
                          spec.input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      // EPIPE: the child stopped reading; its answer (or exit) decides.
      if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
          written == spec.input.size()) {
        in->write.Reset();
      }
    }
  }
  in->write.Reset();
  int status = 0;
  if (!result.timed_out && ::waitpid(pid, &status, WNOHANG) == 0) {
    // Output closed but the child lingers: it still gets the time left.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    while (left.count() > 0 && ::waitpid(pid, &status, WNOHANG) == 0) {
      ::usleep(2000);
      left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
    }
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  } else if (result.timed_out) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

std::string DescribeEnd(const ProcessResult& r, const ProcessSpec& spec) {
  if (r.timed_out) {
    return fmt::format("timed out after {:.3g}s",
                       spec.timeout.count() / 1000.0);
  }
  if (r.signal != 0) return fmt::format("killed by signal {}", r.signal);
  return fmt::format("exit status {}", r.exit_code);
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i] within the first
// `end` bytes, or 0.
size_t Utf8Length(std::string_view text, size_t i, size_t end) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || i + n > end) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string Preview(std::string_view text, size_t limit) {
  std::string out;
  const size_t end = std::min(text.size(), limit);
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Keep whole characters; a cut or invalid sequence is escaped, so the
      // message stays valid UTF-8 wherever it is stored.
      size_t n = Utf8Length(text, i, end);
      if (n > 0) {
        out.append(text.substr(i, n));
        i += n - 1;
      } else {
        out += fmt::format("\\x{:02x}", c);
      }
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace mmgate::adapter
