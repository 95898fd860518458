#include "load/html.h"

#include "report/html.h"

namespace mmgate::load {

std::string RenderHtml(const Summary& summary, double window_s) {
  nlohmann::json data = ToJson(summary);
  data["kind"] = "load";
  data["title"] = "mmgate load: " + summary.profile;
  data["window_s"] = window_s;
  return report::RenderPage(data);
}

}  // namespace mmgate::load
