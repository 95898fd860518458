// From the project config to what a load run sends: the model's wire and
// settings (a remote provider: openai, anthropic or gemini; local engines are
// reached through `mmgate serve --engines`), the suites' items built into
// requests once, the schedule of the profile, and the sender over one or more
// libcurl event loops.
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
#include <string>
#include <vector>

#include "common/clock.h"
#include "dataset/item.h"
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
  int event_loops = 1;   // libcurl event-loop threads
  long connections = 256;
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
};

// True for http(s)://127.x.x.x, localhost and [::1].
bool IsLoopback(const std::string& url);

Result<Prepared> Prepare(const ProjectConfig& project,
                         const LoadOptions& options, Clock* clock);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_PREPARE_H_
