// Traffic profiles and the schedule they make, computed up front before any
// request is sent (MLPerf LoadGen's rule): every request has its scheduled
// send time, so latency can be measured from it and a slow server cannot
// hide queueing (coordinated omission).
//
// A profile is written NAME[:key=value,...]:
//   constant:rate=R            evenly spaced at R req/s
//   poisson:rate=R             a Poisson process of rate R (seeded); the
//                              count is fixed at R*duration and the times are
//                              sorted uniforms (the process conditioned on
//                              its count), so the schedule's rate is exact
//   gamma:rate=R,burstiness=B  gamma gaps of shape B (B<1 burstier than
//                              Poisson, B=1 Poisson), rescaled to the duration
//   ramp:from=A,to=B           rate rising linearly from A to B req/s
//   burst:rate=R,size=N,every=S  R req/s plus N requests at once every S s
//   sustained:rate=R           a Poisson soak (reported per time window)
//   step:rates=A/B/C,each=S    constant stages of S seconds each
//   sweep:levels=1/2/4,each=S  closed-loop stages holding N requests in
//                              flight (no schedule: latency is from send)
//   replay:file=PATH           send times from a trace: one per line, a
//                              number of seconds or a JSON object with "t"
//                              (seconds) and an optional "item" (item id)
// Every profile is bounded by `duration_s` and `max_requests`.
//
// Thread-safety: pure functions. Failure: a bad profile is an Invalid status
// naming the key (and for replay the file and line).
#ifndef MMGATE_LOAD_SCHEDULE_H_
#define MMGATE_LOAD_SCHEDULE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mmgate::load {

struct Arrival {
  int64_t t_ns = 0;        // scheduled send time from the start of the run
  int64_t min_gap_ns = 0;  // spacing of late (held) requests: 1/target rate
  int stage = 0;
  std::string item;  // replay: the trace's item id, else empty
};

struct Stage {
  std::string label;        // "100 req/s", "c=8"
  double offered_rate = 0;  // req/s scheduled (open stages)
  int concurrency = 0;      // > 0: closed loop holding this many in flight
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

struct Schedule {
  std::string profile;  // the spec it was made from
  std::vector<Stage> stages;
  std::vector<Arrival> arrivals;  // sorted by t_ns (open stages only)
  bool closed() const;            // any closed-loop stage
};

struct ProfileSpec {
  std::string name;
  std::map<std::string, std::string> params;
};

Result<ProfileSpec> ParseProfile(const std::string& text);

struct ScheduleLimits {
  double duration_s = 30;
  int64_t max_requests = 100000;
  uint64_t seed = 1;  // the arrival stream's seed
};

Result<Schedule> MakeSchedule(const ProfileSpec& spec,
                              const ScheduleLimits& limits);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_SCHEDULE_H_
