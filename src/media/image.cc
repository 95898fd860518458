#include "media/image.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>
#include <png.h>
// After png.h: jpeglib.h needs FILE and size_t declared (stdio.h).
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/files.h"

namespace mmgate::media {
namespace {

// Decoding at most this many pixels: a PNG or JPEG header can claim any size.
constexpr uint64_t kMaxPixels = 1u << 27;

// libjpeg's error manager, with its messages kept: the default one prints
// warnings ("Premature end of JPEG file") on stderr without the file's name,
// and exits the process on an error.
struct JpegErrors {
  jpeg_error_mgr mgr{};
  jmp_buf fatal;
  std::string message;  // the first warning or the error
};

void JpegKeep(j_common_ptr info) {
  auto* e = reinterpret_cast<JpegErrors*>(info->err);
  if (!e->message.empty()) return;
  char text[JMSG_LENGTH_MAX];
  (*info->err->format_message)(info, text);
  e->message = text;
}

void JpegFatal(j_common_ptr info) {
  JpegKeep(info);
  std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->fatal, 1);
}

void JpegWarning(j_common_ptr info, int level) {
  if (level < 0) JpegKeep(info);  // level >= 0: trace messages
}

// Decodes the whole JPEG once with libjpeg, so a broken one is an error with
// libjpeg's reason instead of noise on stderr under Leptonica.
Status CheckJpeg(std::string_view bytes) {
  jpeg_decompress_struct info{};
  JpegErrors errors;
  info.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = JpegFatal;
  errors.mgr.emit_message = JpegWarning;
  // Nothing with a destructor lives between setjmp and the longjmps.
  if (setjmp(errors.fatal) != 0) {
    jpeg_destroy_decompress(&info);
    return Status::Corrupt("corrupt JPEG: " + errors.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  if (uint64_t{info.image_width} * info.image_height > kMaxPixels) {
    errors.message =
        fmt::format("{}x{} pixels is more than the {} allowed",
                    info.image_width, info.image_height, kMaxPixels);
    jpeg_destroy_decompress(&info);
    return Status::Corrupt("corrupt JPEG: " + errors.message);
  }
  jpeg_start_decompress(&info);
  // libjpeg's own pool: freed by jpeg_destroy_decompress, after a longjmp too.
  JSAMPARRAY rows = (*info.mem->alloc_sarray)(
      reinterpret_cast<j_common_ptr>(&info), JPOOL_IMAGE,
      info.output_width * static_cast<JDIMENSION>(info.output_components), 1);
  while (info.output_scanline < info.output_height)
    jpeg_read_scanlines(&info, rows, 1);
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  if (!errors.message.empty())
    return Status::Corrupt("corrupt JPEG: " + errors.message);
  return Status::Ok();
}

}  // namespace

// Under Leptonica, libpng prints "libpng error: Read Error" to stderr without
// the file's name and Leptonica only says the read failed. libpng's
// simplified API reports into a message instead, so a PNG is decoded through
// it first and a broken one is an error with the reason.
Status CheckImageBytes(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xff\xd8\xff")
    return CheckJpeg(bytes);
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
  if (uint64_t{image.width} * image.height > kMaxPixels) {
    return corrupt(fmt::format("{}x{} pixels is more than the {} allowed",
                               image.width, image.height, kMaxPixels));
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
