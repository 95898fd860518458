#include "fault_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace mmgate::testing {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 408:
      return "Request Timeout";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 529:
      return "Overloaded";
    default:
      return "Status";
  }
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n =
        ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Step Send(std::string bytes) {
  return {Step::Kind::kSend, std::move(bytes), 0};
}
Step Sleep(int ms) { return {Step::Kind::kSleep, "", ms}; }
Step Reset() { return {Step::Kind::kReset, "", 0}; }
Step Close() { return {Step::Kind::kClose, "", 0}; }

std::string Response(int status, const std::string& content_type,
                     const std::string& body,
                     const std::vector<std::string>& extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                    Reason(status) + "\r\nContent-Type: " + content_type +
                    "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n";
  for (const std::string& h : extra_headers) out += h + "\r\n";
  return out + "\r\n" + body;
}

std::string StreamHead(const std::string& content_type) {
  return "HTTP/1.1 200 OK\r\nContent-Type: " + content_type +
         "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n";
}

std::string Chunk(const std::string& bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  return size + bytes + "\r\n";
}

std::string LastChunk() { return "0\r\n\r\n"; }

FaultServer::FaultServer(Handler handler, int port)
    : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) !=
          0 ||
      ::listen(listen_fd_, 256) != 0)
    throw std::runtime_error("fault server: cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultServer::~FaultServer() {
  stop_ = true;
  stopping_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  std::unique_lock<std::mutex> lock(mu_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  stopping_.wait(lock, [&] { return serving_ == 0; });
}

std::string FaultServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FaultServer::AcceptLoop() {
  while (!stop_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stop_) return;
      continue;
    }
    ++connections_;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(fd);
    ++serving_;
    std::thread([this, fd] { Serve(fd); }).detach();
  }
}

bool FaultServer::Pause(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stopping_.wait_for(lock, std::chrono::milliseconds(ms),
                             [&] { return stop_.load(); });
}

bool FaultServer::Run(int fd, const Script& script) {
  for (const Step& s : script) {
    switch (s.kind) {
      case Step::Kind::kSend:
        if (!WriteAll(fd, s.bytes)) return false;
        break;
      case Step::Kind::kSleep:
        if (!Pause(s.ms)) return false;
        break;
      case Step::Kind::kReset: {
        linger l{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        return false;
      }
      case Step::Kind::kClose:
        return false;
    }
  }
  return true;
}

void FaultServer::Serve(int fd) {
  std::string buf;
  char tmp[65536];
  for (bool open = true; open && !stop_;) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) {
        open = false;
        break;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
    if (!open) break;
    ServerRequest req;
    std::string head = buf.substr(0, header_end);
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.find(' ', sp1 + 1);
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (size_t at = line_end + 2; at < head.size();) {
      size_t end = head.find("\r\n", at);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(at, end - at);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        size_t v = line.find_first_not_of(' ', colon + 1);
        req.headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      at = end + 2;
    }
    size_t length = 0;
    if (auto it = req.headers.find("content-length"); it != req.headers.end())
      length = std::stoul(it->second);
    buf.erase(0, header_end + 4);
    while (buf.size() < length) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) {
        open = false;
        break;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
    if (!open) break;
    req.body = buf.substr(0, length);
    buf.erase(0, length);
    int64_t hit = ++hits_;
    open = Run(fd, handler_(req, hit));
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
  --serving_;
  stopping_.notify_all();
}

}  // namespace mmgate::testing
