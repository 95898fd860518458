// Leptonica image loading with ownership, shared by the OCR adapter and the
// tests that check rendered media.
#ifndef MMGATE_MEDIA_IMAGE_H_
#define MMGATE_MEDIA_IMAGE_H_

#include <memory>
#include <string>
#include <string_view>

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

// kCorrupt with the reason when `bytes` are a PNG that libpng cannot decode
// (cut short, bad CRC, bad header, too many pixels) or a JPEG that libjpeg
// cannot decode without a warning (cut short, corrupt data); other bytes
// pass. Run before handing bytes to Leptonica, whose libpng and libjpeg print
// errors and warnings that name no file.
Status CheckImageBytes(std::string_view bytes);

}  // namespace mmgate::media

#endif  // MMGATE_MEDIA_IMAGE_H_
