// `mmgate label`: the labeling page (judge/labeling.h) on cpp-httplib. People
// grade stored answers of judge-scored suites on the suite's rubric: the page
// shows the image or plays the audio, the prompt, the references and one
// answer (or two, blinded, in random order), and takes a grade, failure-mode
// tags and a note by keyboard. Labels go to the store with the grader and
// the time; every grader's newest label per answer counts (undo withdraws).
//
// Security: binds 127.0.0.1 by default; on any other address a token is
// required (X-Mmgate-Token header, or ?token= on the page and media). Write
// endpoints take JSON only and refuse a request whose Origin is not the
// page's own. All model and dataset text reaches the page as JSON and is
// shown with textContent, never as markup; the CSP allows only the page's
// own script.
//
// Serves until `stop` is set; fails if the address cannot be bound or,
// off loopback, no token is given. Requests are served on several threads,
// each opening its own store connection.
#ifndef MMGATE_SERVE_LABEL_PAGE_H_
#define MMGATE_SERVE_LABEL_PAGE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "judge/labeling.h"

namespace mmgate::serve {

struct LabelPageOptions {
  const config::Config* config = nullptr;
  std::string db;
  std::vector<std::string> runs;  // one run, or two shown side by side
  // Tasks made by the caller (a backfill's flip review), taken over instead
  // of building them from `runs`.
  judge::LabelQueue* queue = nullptr;
  std::string grader;        // default grader id (?grader= overrides)
  uint64_t seed = 20261206;  // the blinded order
  std::string host = "127.0.0.1";
  int port = 8081;    // 0: any free port
  std::string token;  // required unless host is loopback
  Clock* clock = nullptr;
  std::function<void(int port)> on_listen;
  const std::atomic<bool>* stop = nullptr;
};

Status RunLabelPage(const LabelPageOptions& opt);

// The page's HTML and script (label_assets.cc).
const std::string& LabelPageHtml();
const std::string& LabelPageScript();

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_LABEL_PAGE_H_
