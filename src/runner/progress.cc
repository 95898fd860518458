#include "runner/progress.h"

#include <cstdio>
#include <string>

namespace mmgate::runner {

Progress::Progress(bool enabled, size_t total, Clock* clock)
    : enabled_(enabled && total > 0),
      total_(total),
      clock_(clock),
      start_ns_(clock->Monotonic().count()) {}

void Progress::Update(int64_t done, int64_t errors) {
  done_ = done;
  errors_ = errors;
  if (!enabled_) return;
  int64_t now = clock_->Monotonic().count();
  if (now - last_draw_ns_ < 200'000'000 && static_cast<size_t>(done) < total_)
    return;
  last_draw_ns_ = now;
  Draw(done, errors);
}

void Progress::Draw(int64_t done, int64_t errors) {
  constexpr int kWidth = 30;
  double frac = static_cast<double>(done) / static_cast<double>(total_);
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  double elapsed =
      static_cast<double>(clock_->Monotonic().count() - start_ns_) / 1e9;
  double eta =
      done > 0 ? elapsed * (static_cast<double>(total_) / done - 1) : 0;
  std::fprintf(stderr,
               "\r[%s] %lld/%zu items  %lld errors  %.0fs elapsed  eta %.0fs  ",
               bar.c_str(), static_cast<long long>(done), total_,
               static_cast<long long>(errors), elapsed, eta);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_) return;
  Draw(done_, errors_);
  std::fputc('\n', stderr);
}

}  // namespace mmgate::runner
