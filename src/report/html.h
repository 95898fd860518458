// One self-contained HTML page (report or dashboard): the chart library and
// report.js inline, allowed by their hashes in a Content-Security-Policy, and
// the page's data as JSON in a non-executable <script> block.
#ifndef MMGATE_REPORT_HTML_H_
#define MMGATE_REPORT_HTML_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mmgate::report {


// JSON safe inside <script type="application/json">: '<', '>' and '&' become
// \u escapes, so no "</script>" or "<!--" can end or confuse the element.
std::string JsonForScript(const nlohmann::json& data);

// default-src 'none'; scripts only by the hashes of the two embedded ones;
// images and audio only as data: URIs.
const std::string& ContentSecurityPolicy();

// `data` must hold "kind" ("report" or "dashboard") and "title".
std::string RenderPage(const nlohmann::json& data);

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_HTML_H_
