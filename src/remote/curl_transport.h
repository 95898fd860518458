// Transport over libcurl's multi interface: one event-loop thread drives every
// transfer of the process, so connections are pooled and reused across
// workers and HTTP/2 is negotiated (and multiplexed) where a server offers it.
#ifndef MMGATE_REMOTE_CURL_TRANSPORT_H_
#define MMGATE_REMOTE_CURL_TRANSPORT_H_

#include <memory>

#include "remote/http.h"

namespace mmgate::remote {

struct CurlOptions {
  long max_host_connections = 64;  // per host; HTTP/2 multiplexes beyond
  long max_total_connections = 256;
};

// Thread-safe (Transport's contract). A model environment holds one, so every
// model made from it shares one connection pool (adapter/factory.h).
std::unique_ptr<Transport> MakeCurlTransport(const CurlOptions& options = {});

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_CURL_TRANSPORT_H_
