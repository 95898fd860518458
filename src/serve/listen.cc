#include "serve/listen.h"

#include <httplib.h>

#include <chrono>
#include <thread>

namespace mmgate::serve {

Status ListenUntilStopped(httplib::Server* server, const std::string& host,
                          int port, const std::function<void(int)>& on_listen,
                          const std::atomic<bool>* stop) {
  int bound = port;
  if (port == 0) {
    bound = server->bind_to_any_port(host);
  } else if (!server->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound < 0) {
    return Status::Invalid("cannot listen on " + host + ":" +
                           std::to_string(port));
  }
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done && !(stop && stop->load()))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server->stop();
  });
  if (on_listen) on_listen(bound);
  bool ok = server->listen_after_bind();
  done = true;
  watcher.join();
  return ok || (stop && stop->load())
             ? Status::Ok()
             : Status::IoError("serving on " + host + " stopped");
}

}  // namespace mmgate::serve
