#include "common/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mmgate {

Result<std::string> ReadFile(const std::string& path) {
  // A directory opens and reads as empty, which would pass for an empty file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::Invalid(path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read " + path);
  return ss.str();
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Status::IoError("cannot write " + tmp + ": " +
                             std::strerror(errno));
    }
    out << content;
    if (!out.flush()) return Status::IoError("cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec)
    return Status::IoError("cannot rename " + tmp + " to " + path + ": " +
                           ec.message());
  return Status::Ok();
}

bool PathIsWithin(const std::filesystem::path& child,
                  const std::filesystem::path& base) {
  auto c = child.begin();
  for (auto b = base.begin(); b != base.end(); ++b, ++c) {
    if (c == child.end() || *c != *b) return false;
  }
  return true;
}

}  // namespace mmgate
