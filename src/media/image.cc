#include "media/image.h"

#include <leptonica/allheaders.h>

#include <filesystem>
#include <mutex>

namespace mmgate::media {

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

Result<PixPtr> ReadImage(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(path + ": no such image file");
  }
  if (std::filesystem::file_size(path, ec) == 0) {
    return Status::Corrupt(path + ": empty image file");
  }
  // Leptonica reports failures on stderr; the Status carries them instead.
  static std::once_flag quiet;
  std::call_once(quiet, [] { setMsgSeverity(L_SEVERITY_NONE); });
  PixPtr pix(pixRead(path.c_str()));
  if (!pix) return Status::Corrupt(path + ": not a readable image");
  if (pixGetWidth(pix.get()) <= 0 || pixGetHeight(pix.get()) <= 0) {
    return Status::Corrupt(path + ": image has no pixels");
  }
  return pix;
}

}  // namespace mmgate::media
