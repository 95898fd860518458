// Leptonica image loading with ownership, shared by the OCR adapter and the
// tests that check rendered media.
#ifndef MMGATE_MEDIA_IMAGE_H_
#define MMGATE_MEDIA_IMAGE_H_

#include <memory>
#include <string>

#include "common/status.h"

struct Pix;  // Leptonica's image type, kept out of this header

namespace mmgate::media {

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Reads any image Leptonica decodes (PNG, JPEG, TIFF, PNM, BMP, WebP...).
// An empty, truncated or non-image file is kCorrupt naming the path.
Result<PixPtr> ReadImage(const std::string& path);

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_IMAGE_H_
