#ifndef MMGATE_COMMON_FILES_H_
#define MMGATE_COMMON_FILES_H_

#include <string>

#include "common/status.h"

namespace mmgate {

Result<std::string> ReadFile(const std::string& path);
// Writes to a temporary file beside `path` and renames it over `path`, so a
// crash leaves either the old or the new content, never a torn file.
Status WriteFileAtomic(const std::string& path, const std::string& content);

}  // namespace mmgate

#endif  // MMGATE_COMMON_FILES_H_
