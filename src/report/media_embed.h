// Media of the failure browser as data: URIs (image thumbnails, short
// low-rate audio) within a byte budget for the whole report.
#ifndef MMGATE_REPORT_MEDIA_EMBED_H_
#define MMGATE_REPORT_MEDIA_EMBED_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "report/html_report.h"

namespace mmgate::report {

class MediaEmbedder {
 public:
  explicit MediaEmbedder(const ReportOptions& opt) : opt_(opt) {}

  // `media` is an item's stored list [{"type", "path"}]; returns it with
  // "src" (a data: URI) on each file embedded, or "note" saying why not.
  nlohmann::json Embed(const std::string& suite, const nlohmann::json& media);

  size_t used_bytes() const { return used_; }

 private:
  nlohmann::json EmbedOne(const std::string& dir, const std::string& type,
                          const std::string& path);

  const ReportOptions& opt_;
  size_t used_ = 0;
};

}  // namespace mmgate::report

#endif  // MMGATE_REPORT_MEDIA_EMBED_H_
