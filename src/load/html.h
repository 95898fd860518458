// The HTML page of a load run: report/'s page shell (embedded Vega-Lite,
// Content-Security-Policy) with the summary as its data block; report.js
// draws latency against offered load and percentiles over time.
#ifndef MMGATE_LOAD_HTML_H_
#define MMGATE_LOAD_HTML_H_

#include <string>

#include "load/summary.h"

namespace mmgate::load {

std::string RenderHtml(const Summary& summary, double window_s = 1);

}  // namespace mmgate::load

#endif  // MMGATE_LOAD_HTML_H_
