// Reads a bar's top edge from a chart's pixels, for charts whose values are
// only given by the y axis.
#ifndef MMGATE_ADAPTER_BAR_PIXELS_H_
#define MMGATE_ADAPTER_BAR_PIXELS_H_

#include <optional>

struct Pix;

namespace mmgate::adapter {

// `pix` is 32 bpp RGB. Scans the columns x_center +- half_width upwards from
// y_bottom and returns the median top of the longest run of non-background
// pixels (gaps of a couple of pixels bridged, so a grid line drawn across a
// bar does not cut it); nullopt when no column has a run of at least 4 px.
std::optional<int> FindBarTop(Pix* pix, int x_center, int half_width,
                              int y_bottom);

}  // namespace mmgate::adapter

#endif  // MMGATE_ADAPTER_BAR_PIXELS_H_
