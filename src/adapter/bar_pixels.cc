#include "adapter/bar_pixels.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <vector>

namespace mmgate::adapter {
namespace {

struct Rgb {
  int r = 255;
  int g = 255;
  int b = 255;
};

Rgb PixelAt(Pix* pix, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(pix, x, y, &v);
  Rgb c;
  extractRGBValues(v, &c.r, &c.g, &c.b);
  return c;
}

// The most common colour (in 16-level buckets) of a sparse sample: the page
// background of a chart.
Rgb Background(Pix* pix) {
  int w = pixGetWidth(pix), h = pixGetHeight(pix);
  std::map<int, std::pair<int, Rgb>> counts;
  for (int y = 0; y < h; y += 3) {
    for (int x = 0; x < w; x += 3) {
      Rgb c = PixelAt(pix, x, y);
      auto& entry = counts[(c.r >> 4) << 8 | (c.g >> 4) << 4 | (c.b >> 4)];
      ++entry.first;
      entry.second = c;
    }
  }
  Rgb best;
  int most = 0;
  for (const auto& [key, entry] : counts) {
    if (entry.first > most) {
      most = entry.first;
      best = entry.second;
    }
  }
  return best;
}

bool IsInk(const Rgb& c, const Rgb& bg) {
  return std::abs(c.r - bg.r) + std::abs(c.g - bg.g) + std::abs(c.b - bg.b) >
         90;
}

}  // namespace

std::optional<int> FindBarTop(Pix* pix, int x_center, int half_width,
                              int y_bottom) {
  if (pix == nullptr || pixGetDepth(pix) != 32) return std::nullopt;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  y_bottom = std::min(y_bottom, h - 1);
  const Rgb bg = Background(pix);
  constexpr int kMaxGap = 2;
  constexpr int kMinRun = 4;
  std::vector<int> tops;
  for (int x = std::max(0, x_center - half_width);
       x <= std::min(w - 1, x_center + half_width); ++x) {
    int best_len = 0, best_top = -1;
    int run_bottom = -1, run_top = -1, gap = 0;
    for (int y = y_bottom; y >= 0; --y) {
      if (IsInk(PixelAt(pix, x, y), bg)) {
        if (run_bottom < 0) run_bottom = y;
        run_top = y;
        gap = 0;
      } else if (run_bottom >= 0 && ++gap > kMaxGap) {
        if (run_bottom - run_top + 1 > best_len) {
          best_len = run_bottom - run_top + 1;
          best_top = run_top;
        }
        run_bottom = -1;
        gap = 0;
      }
    }
    if (run_bottom >= 0 && run_bottom - run_top + 1 > best_len) {
      best_len = run_bottom - run_top + 1;
      best_top = run_top;
    }
    if (best_len >= kMinRun) tops.push_back(best_top);
  }
  if (tops.empty()) return std::nullopt;
  std::nth_element(tops.begin(), tops.begin() + tops.size() / 2, tops.end());
  return tops[tops.size() / 2];
}

}  // namespace mmgate::adapter
