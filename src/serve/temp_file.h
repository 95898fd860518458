// A file under the system temporary folder that is deleted with its owner:
// engines read media from paths, so decoded request media lands here.
#ifndef MMGATE_SERVE_TEMP_FILE_H_
#define MMGATE_SERVE_TEMP_FILE_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mmgate::serve {

class TempFile {
 public:
  // Writes `bytes` to a new file whose name ends in `suffix` (".png"), since
  // decoders pick the format by extension.
  static Result<std::unique_ptr<TempFile>> Create(std::string_view bytes,
                                                  const std::string& suffix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace mmgate::serve

#endif  // MMGATE_SERVE_TEMP_FILE_H_
