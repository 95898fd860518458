#ifndef MMGATE_RUNNER_PROGRESS_H_
#define MMGATE_RUNNER_PROGRESS_H_

#include <cstdint>

#include "common/clock.h"

namespace mmgate::runner {

// A one-line progress bar on stderr, redrawn at most a few times a second;
// silent when disabled (not a terminal).
class Progress {
 public:
  Progress(bool enabled, size_t total, Clock* clock);
  void Update(int64_t done, int64_t errors);
  void Finish();

 private:
  void Draw(int64_t done, int64_t errors);
  bool enabled_;
  size_t total_;
  Clock* clock_;
  int64_t start_ns_;
  int64_t last_draw_ns_ = 0;
  int64_t done_ = 0;
  int64_t errors_ = 0;
};

}  // namespace mmgate::runner

#endif  // MMGATE_RUNNER_PROGRESS_H_
