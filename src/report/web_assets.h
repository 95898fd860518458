// The front-end files of the HTML report and the dashboard, embedded into the
// binary at build time (src/report/web/embed.mjs) so reports work offline.
#ifndef MMGATE_REPORT_WEB_ASSETS_H_
#define MMGATE_REPORT_WEB_ASSETS_H_

#include <string_view>

namespace mmgate::report::web {

// vega, vega-lite, vega-embed and vega-interpreter (minified, from npm).
std::string_view ChartLibrary();
// src/report/web/report.js: renders the report's data block into the page.
std::string_view ReportScript();
// src/report/web/report.css.
std::string_view ReportStyle();

}  // namespace mmgate::report::web

#endif  // MMGATE_REPORT_WEB_ASSETS_H_
