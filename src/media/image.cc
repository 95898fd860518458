#include "media/image.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>
#include <png.h>

#include <filesystem>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/files.h"

namespace mmgate::media {
namespace {

// Decoding at most this many pixels: a PNG header can claim any size.
constexpr uint64_t kMaxPngPixels = 1u << 27;

}  // namespace

// Under Leptonica, libpng prints "libpng error: Read Error" to stderr without
// the file's name and Leptonica only says the read failed. libpng's
// simplified API reports into a message instead, so a PNG is decoded through
// it first and a broken one is an error with the reason.
Status CheckImageBytes(std::string_view bytes) {
  if (bytes.size() < 8 ||
      png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0)
    return Status::Ok();
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  auto corrupt = [&](std::string_view why) {
    png_image_free(&image);
    return Status::Corrupt(fmt::format("corrupt PNG: {}", why));
  };
  // The simplified API stops after the pixels; Leptonica reads on to IEND.
  if (bytes.find(std::string_view("\0\0\0\0IEND", 8)) == bytes.npos)
    return corrupt("no IEND chunk (the file is cut short)");
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    return corrupt(image.message);
  if (uint64_t{image.width} * image.height > kMaxPngPixels) {
    return corrupt(fmt::format("{}x{} pixels is more than the {} allowed",
                               image.width, image.height, kMaxPngPixels));
  }
  image.format = PNG_FORMAT_GRAY;  // the smallest buffer; only decoding counts
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr))
    return corrupt(image.message);
  png_image_free(&image);
  return Status::Ok();
}

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
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  MMGATE_RETURN_IF_ERROR(CheckImageBytes(*bytes).WithContext(path));
  PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes->data()),
                        bytes->size()));
  if (!pix) return Status::Corrupt(path + ": not a readable image");
  if (pixGetWidth(pix.get()) <= 0 || pixGetHeight(pix.get()) <= 0) {
    return Status::Corrupt(path + ": image has no pixels");
  }
  return pix;
}

}  // namespace mmgate::media
