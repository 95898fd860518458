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
// listed in `skipped` with its reason, never ending the run.
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

// Input caps per medium, checked before any request: an item over a cap is
// left out with a message naming it, the medium, its size and the cap.
struct InputCaps {
  int64_t image_bytes = 0;   // 0: no cap
  int64_t image_pixels = 0;  // width x height
  double audio_seconds = 0;
};

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
  InputCaps caps;
};

// Why `item` breaks a cap (empty: it does not). Reads the media.
std::string CapViolation(const Item& item, const InputCaps& caps);

struct LoadItem {
  const Suite* suite;
  const Item* item;
};

struct Prepared {
  Schedule schedule;
  std::vector<LoadItem> items;   // request i is items[i]
  std::vector<std::string> ids;  // "suite/item" per request
  std::vector<std::string> skipped;
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
