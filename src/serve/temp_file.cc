#include "serve/temp_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mmgate::serve {

Result<std::unique_ptr<TempFile>> TempFile::Create(std::string_view bytes,
                                                   const std::string& suffix) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string name = (dir / ("mmgate-serve-XXXXXX" + suffix)).string();
  int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    return Status::IoError(
        fmt::format("cannot create a temporary file in {}: {}", dir.string(),
                    std::strerror(errno)));
  }
  // Owned from here, so every early return below removes the file.
  std::unique_ptr<TempFile> file(new TempFile(name));
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status st = Status::IoError(
          fmt::format("cannot write {}: {}", name, std::strerror(errno)));
      ::close(fd);
      return st;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return Status::IoError(
        fmt::format("cannot write {}: {}", name, std::strerror(errno)));
  }
  return file;
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace mmgate::serve
