// From the project config to what a load run sends: the model's wire and
// settings (a remote provider: openai, anthropic or gemini; local engines are
// reached through `mmgate serve --engines`), the suites' items built into
// requests once, the schedule of the profile, and what sends them: the
// event-loop client (asio_driver.h) for plain http:// endpoints with whole
// answers and no concurrency cap, else Driver over one or more libcurl event
// loops (https, streams, a cap).
//
// Safety: a model whose base_url is not on the loopback interface is refused
// unless `allow_remote` is set (a load run against a paid provider costs
// money at every request).
//
// Failure: config errors (unknown model or suite, a local engine, a bad
// profile, no items) are Invalid statuses naming the model, suite or key; an
// item whose request cannot be built (unreadable media) is left out and
// listed in `skipped` with its reason, and an item over its modality's input
// cap is a failed item in `over_cap`; neither ends the run.
#ifndef MMGATE_LOAD_PREPARE_H_
#define MMGATE_LOAD_PREPARE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "dataset/item.h"
#include "load/asio_driver.h"
#include "load/http_sender.h"
#include "load/schedule.h"

namespace mmgate::load {

struct LoadOptions {
  std::string model;
  std::vector<std::string> suites;  // empty: every suite of the config
  std::string profile;              // see schedule.h
  ScheduleLimits limits;
  double timeout_s = 0;  // per request; 0: the model's timeout_s
  bool stream = false;   // stream answers even if the model does not
  int event_loops = 1;   // event-loop threads
  long connections = 256;
  // "auto": the event-loop client where it can serve the run, else libcurl;
  // "curl" or "asio" to choose.
  std::string client = "auto";
  bool allow_remote = false;
  bool keep_answers = false;
  // Command-line caps: each set field replaces the config's `caps:` value
  // for every modality.
  InputCaps caps;
};

struct LoadItem {
  const Suite* suite;
  const Item* item;
};

struct Prepared {
  Schedule schedule;
  std::vector<LoadItem> items;   // request i is items[i]
  std::vector<std::string> ids;  // "suite/item" per request
  std::vector<std::string> skipped;
  // Items over an input cap (runner/caps.h): failed before any request, each
  // with its reason; never sent, stored as failed items with --score.
  std::vector<LoadItem> over_cap;
  std::vector<std::string> over_cap_reasons;
  std::string model_version;
  std::string base_url;
  std::unique_ptr<HttpSender> sender;
  // The event-loop client's, when the endpoint is plain http:// with whole
  // answers; else why not (for --client asio).
  std::optional<AsioTarget> asio;
  std::string asio_unfit;
  std::unique_ptr<remote::Wire> asio_wire;
  std::string provider;
  remote::WireConfig wire;
};

// True for http(s)://127.x.x.x, localhost and [::1].
bool IsLoopback(const std::string& url);

Result<Prepared> Prepare(const ProjectConfig& project,
                         const LoadOptions& options, Clock* clock);

// What runs `p`'s schedule: AsioDriver when `options.client` allows it and
// the run fits it (no concurrency cap in `driver`), else Driver over
// p->sender. `client` names the one chosen ("asio" or "curl"). Invalid when
// "asio" was asked for and cannot serve the run, saying why; takes p->asio.
// `clock` and `sleeper` must outlive the runner.
Result<std::unique_ptr<Runner>> MakeRunner(Prepared* p,
                                           const LoadOptions& options,
                                           const DriverOptions& driver,
                                           Clock* clock, Sleeper* sleeper,
                                           std::string* client);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_PREPARE_H_
