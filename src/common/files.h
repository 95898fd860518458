#ifndef MMGATE_COMMON_FILES_H_
#define MMGATE_COMMON_FILES_H_

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mmgate {

Result<std::string> ReadFile(const std::string& path);
// Writes to a temporary file beside `path` and renames it over `path`, so a
// crash leaves either the old or the new content, never a torn file.
Status WriteFileAtomic(const std::string& path, const std::string& content);
// Whether `child` is `base` or below it, compared component by component (so
// "/data/set2" is not inside "/data/set"). Both normalized, with no trailing
// separator.
bool PathIsWithin(const std::filesystem::path& child,
                  const std::filesystem::path& base);

}  // namespace mmgate

#endif  // MMGATE_COMMON_FILES_H_
