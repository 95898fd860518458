#include "common/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mmgate {

Result<std::string> ReadFile(const std::string& path) {
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

}  // namespace mmgate
