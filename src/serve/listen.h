// Binding and serving a cpp-httplib server until told to stop: the one loop
// the dashboard and the labeling page share.
#ifndef MMGATE_SERVE_LISTEN_H_
#define MMGATE_SERVE_LISTEN_H_

#include <atomic>
#include <functional>
#include <string>

#include "common/status.h"

namespace httplib {
class Server;
}

namespace mmgate::serve {

// Binds `server` to host:port (0: any free port), calls `on_listen` (if set)
// with the port, and serves until the server stops or `*stop` (if set)
// becomes true, which is checked every 100 ms. Fails (kInvalid) when the
// address cannot be bound, and (kIoError) when serving ends on its own.
Status ListenUntilStopped(httplib::Server* server, const std::string& host,
                          int port, const std::function<void(int)>& on_listen,
                          const std::atomic<bool>* stop);

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_LISTEN_H_
