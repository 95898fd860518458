// Mining production logs for items worth grading (`mmgate mine`, issue 11
// part 6, docs/mine.md): from traces read by trace/ (docs/traces.md), keep
// those a feedback signal marks as failures, drop duplicates by the sha256
// of their media bytes, and draw a seeded sample stratified by modality and
// slice.
//
// Failure behaviour: a bad --signal is an Invalid status naming it. A
// selected trace whose media is missing, outside its folder or undecodable
// is listed in MineResult::missing_media with the reason and kept out of the
// sample (nothing to show a grader), never dropped silently.
//
// Thread-safety: the functions share no state; call them from any thread.
#ifndef MMGATE_MINE_MINE_H_
#define MMGATE_MINE_MINE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/records.h"
#include "trace/trace.h"

namespace mmgate::mine {

enum class SignalKind {
  kThumbsDown,
  kRating,
  kTicket,
  kLowConfidence,
  kRetries
};

// One selection rule: a trace fires it when
//   thumbs_down        signals.thumbs_down is true
//   rating:K           signals.rating is K or less
//   ticket[:TAG]       signals.ticket_tag is set (and equals TAG)
//   low_confidence:T   confidence (top level, else signals.confidence) < T
//   retries:N          signals.retries is N or more
struct Signal {
  SignalKind kind = SignalKind::kThumbsDown;
  std::string name;      // as written: "low_confidence:0.5"
  double threshold = 0;  // rating, low_confidence, retries
  std::string tag;       // ticket:TAG
};

// "thumbs_down,ticket,low_confidence:0.5,retries:2" (comma-separated; bare
// low_confidence means 0.5, bare retries 1; rating needs its K).
Result<std::vector<Signal>> ParseSignals(const std::string& list);
// The rules used when no --signal is given.
inline constexpr const char* kDefaultSignals =
    "thumbs_down,ticket,low_confidence:0.5,retries:2";

struct MineOptions {
  std::vector<Signal> signals;
  int64_t max = 0;  // 0: every unique failure
  uint64_t seed = 20261206;
};

// A selected, unique trace with what the item and the page need.
struct MinedTrace {
  store::TraceRecord record;
  trace::TraceInputs inputs;
  std::vector<std::string> fired;         // signal names, in --signal order
  std::vector<std::string> media_sha256;  // per medium, hex of its bytes
  std::string stratum;                    // "image|doc_type=invoice"
};

struct Duplicate {
  std::string trace_id;
  std::string same_as;  // the kept trace with the same media
};

struct MediaProblem {
  std::string trace_id;
  std::string reason;
};

struct Stratum {
  std::string key;  // modality, then key=value slices sorted by key
  std::string modality;
  std::vector<std::pair<std::string, std::string>> slices;
  int64_t available = 0;  // unique failures in it
  int64_t sampled = 0;
};

struct MineResult {
  int64_t traces = 0;                         // traces looked at
  int64_t selected = 0;                       // fired at least one signal
  std::map<std::string, int64_t> per_signal;  // a trace counts for each
  std::vector<MediaProblem> missing_media;
  std::vector<Duplicate> duplicates;
  int64_t unique = 0;              // selected, with media, after duplicates
  std::vector<Stratum> strata;     // by key
  std::vector<MinedTrace> sample;  // in the traces' order
};

// `traces` in file order (the first of duplicates is kept).
Result<MineResult> Mine(const std::vector<store::TraceRecord>& traces,
                        const MineOptions& opt);

// How many of each stratum to draw for `max` (sizes in key order): with
// max >= the number of strata, one each and the rest in proportion to the
// remaining sizes (largest remainder, ties to the earlier stratum); with
// fewer, one each from the largest strata (ties to the earlier).
std::vector<int64_t> Allocate(const std::vector<int64_t>& sizes, int64_t max);

}  // namespace mmgate::mine

#endif  // MMGATE_MINE_MINE_H_
