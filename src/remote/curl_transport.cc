#include "remote/curl_transport.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "remote/curl_handles.h"

namespace mmgate::remote {

std::string_view TransportErrorName(TransportError e) {
  switch (e) {
    case TransportError::kNone:
      return "none";
    case TransportError::kConnect:
      return "connect";
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kReset:
      return "reset";
    case TransportError::kPartial:
      return "partial";
    case TransportError::kAborted:
      return "aborted";
    case TransportError::kOther:
      break;
  }
  return "other";
}

std::optional<std::string> HttpResponse::Header(
    std::string_view lowercase_name) const {
  for (const auto& [k, v] : headers)
    if (k == lowercase_name) return v;
  return std::nullopt;
}

namespace {

struct Transfer {
  const HttpRequest* request;
  const BodySink* sink;
  // Start(): the transfer owns its request and sink and reports to `on_done`
  // from the loop thread, then is deleted there.
  HttpRequest owned_request;
  BodySink owned_sink;
  DoneFn on_done;
  HttpResponse response;
  CurlSlist headers;  // outlives `easy`, which sends it
  CurlEasy easy;
  int sends = 0;
  bool done = false;
  std::mutex mu;
  std::condition_variable cv;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect) starts afresh.
    t->response.headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() &&
         (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * n);
  t->response.body.append(chunk);
  if (t->sink && *t->sink && !(*t->sink)(chunk)) return 0;  // abort
  return size * n;
}

int OnPrereq(void* user, char*, char*, int, int) {
  ++static_cast<Transfer*>(user)->sends;
  return CURL_PREREQFUNC_OK;
}

TransportError Classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportError::kNone;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
      return TransportError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return TransportError::kReset;
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP2:
      return TransportError::kPartial;
    case CURLE_WRITE_ERROR:
      return TransportError::kAborted;
    default:
      return TransportError::kOther;
  }
}

class CurlMultiTransport final : public Transport {
 public:
  explicit CurlMultiTransport(const CurlOptions& options) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_.reset(curl_multi_init());
    if (!multi_) return;  // every Send then fails as kOther
    CURLM* m = multi_.get();
    curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS,
                      options.max_host_connections);
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      options.max_total_connections);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, options.max_total_connections);
    thread_ = std::thread([this] { Loop(); });
  }

  ~CurlMultiTransport() override {
    if (!multi_) return;
    stop_ = true;
    curl_multi_wakeup(multi_.get());
    thread_.join();
  }

  void Start(HttpRequest request, BodySink sink, DoneFn done) override {
    auto t = std::make_unique<Transfer>();
    t->owned_request = std::move(request);
    t->owned_sink = std::move(sink);
    t->on_done = std::move(done);
    t->request = &t->owned_request;
    t->sink = &t->owned_sink;
    t->easy = TakeEasy();
    if (!multi_ || !t->easy || !Configure(t.get())) {
      t->response.error = TransportError::kOther;
      t->response.error_message = "libcurl could not set up the transfer";
      t->on_done(std::move(t->response));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(t.release());
    }
    curl_multi_wakeup(multi_.get());
  }

  HttpResponse Send(const HttpRequest& request, const BodySink& sink) override {
    Transfer t;
    t.request = &request;
    t.sink = &sink;
    t.easy = TakeEasy();
    if (!multi_ || !t.easy || !Configure(&t)) {
      t.response.error = TransportError::kOther;
      t.response.error_message = "libcurl could not set up the transfer";
      return std::move(t.response);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(&t);
    }
    curl_multi_wakeup(multi_.get());
    {
      std::unique_lock<std::mutex> lock(t.mu);
      t.cv.wait(lock, [&] { return t.done; });
    }
    GiveBack(std::move(t.easy));
    return std::move(t.response);
  }

 private:
  // Easy handles are reused: building and freeing one per request (its
  // buffers, its option block) was about 15% of a load run's client time
  // (BENCHMARKS.md). A returned handle is reset to the default options;
  // connections stay in the multi handle's pool either way.
  CurlEasy TakeEasy() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_easy_.empty()) {
        CurlEasy e = std::move(free_easy_.back());
        free_easy_.pop_back();
        return e;
      }
    }
    return CurlEasy(curl_easy_init());
  }

  void GiveBack(CurlEasy easy) {
    if (!easy) return;
    curl_easy_reset(easy.get());
    std::lock_guard<std::mutex> lock(mu_);
    if (free_easy_.size() < kMaxFreeEasy) free_easy_.push_back(std::move(easy));
  }

  // False when libcurl runs out of memory for the header list.
  static bool Configure(Transfer* t) {
    CURL* e = t->easy.get();
    const HttpRequest& r = *t->request;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    // Waiting to learn whether a connection multiplexes pays only where
    // HTTP/2 can be negotiated (TLS). Over cleartext HTTP/1.1 libcurl cannot
    // know until the first response's status line, so every other request of
    // a first batch would queue behind it and spend its own timeout there.
    if (r.url.rfind("https://", 0) == 0)
      curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(r.timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(r.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, OnPrereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
    if (r.method == "POST") {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(r.body.size()));
    } else if (r.method != "GET") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    for (const std::string& h : r.headers)
      if (!Append(&t->headers, h.c_str())) return false;
    // Large bodies would otherwise wait for "100 Continue" first.
    if (!Append(&t->headers, "Expect:")) return false;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers.get());
    return true;
  }

  void Loop() {
    int running = 0;
    while (!stop_) {
      std::deque<Transfer*> adding;
      {
        std::lock_guard<std::mutex> lock(mu_);
        adding.swap(pending_);
      }
      for (Transfer* t : adding) {
        if (t->on_done) started_.insert(t);
        curl_multi_add_handle(multi_.get(), t->easy.get());
      }
      curl_multi_perform(multi_.get(), &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        Finish(t, msg->data.result);
      }
      curl_multi_poll(multi_.get(), nullptr, 0, 1000, nullptr);
    }
    // Started transfers still running when the transport goes are ended
    // (their callers are told), so none leaks.
    std::deque<Transfer*> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      left.swap(pending_);
    }
    // Never added to the multi handle: ended without touching it.
    for (Transfer* t : left)
      if (t->on_done) Finish(t, CURLE_ABORTED_BY_CALLBACK);
    while (!started_.empty())
      Finish(*started_.begin(), CURLE_ABORTED_BY_CALLBACK);
  }

  void Finish(Transfer* t, CURLcode code) {
    curl_multi_remove_handle(multi_.get(), t->easy.get());
    long status = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    // The waiting Send() reads the response only after `done` is set.
    t->response.status = static_cast<int>(status);
    t->response.error = Classify(code);
    t->response.sends = std::max(1, t->sends);
    if (code != CURLE_OK) t->response.error_message = curl_easy_strerror(code);
    if (t->on_done) {
      started_.erase(t);
      std::unique_ptr<Transfer> owned(t);
      GiveBack(std::move(owned->easy));
      owned->on_done(std::move(owned->response));
      return;
    }
    std::lock_guard<std::mutex> lock(t->mu);
    t->done = true;
    t->cv.notify_one();
  }

  static constexpr size_t kMaxFreeEasy = 1024;

  CurlMulti multi_;
  std::mutex mu_;
  std::deque<Transfer*> pending_;
  std::vector<CurlEasy> free_easy_;        // reset, ready for the next transfer
  std::unordered_set<Transfer*> started_;  // loop thread only
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(const CurlOptions& options) {
  return std::make_unique<CurlMultiTransport>(options);
}

}  // namespace mmgate::remote
