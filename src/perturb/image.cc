#include "perturb/image.h"

#include <fmt/format.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "common/files.h"
#include "perturb/random.h"

namespace mmgate::perturb {
namespace {

// Leptonica's API takes non-const PIX* even where it only reads.
PIX* Mut(const ::Pix& p) { return const_cast<PIX*>(&p); }

Result<PixPtr> Wrap(PIX* p, const char* what) {
  if (p == nullptr)
    return Status::Internal(fmt::format("leptonica {} failed", what));
  return PixPtr(p);
}

struct KernelDeleter {
  void operator()(L_KERNEL* k) const { kernelDestroy(&k); }
};
using KernelPtr = std::unique_ptr<L_KERNEL, KernelDeleter>;

struct OpName {
  ImageOpKind kind;
  const char* name;
};
constexpr OpName kOpNames[] = {
    {ImageOpKind::kRotate, "rotate"},     {ImageOpKind::kDownscale, "dpi"},
    {ImageOpKind::kBlur, "blur"},         {ImageOpKind::kBoxBlur, "boxblur"},
    {ImageOpKind::kJpeg, "jpeg"},         {ImageOpKind::kNoise, "noise"},
    {ImageOpKind::kContrast, "contrast"}, {ImageOpKind::kCrop, "crop"},
};

Status CheckRange(const ImageOp& op, std::string_view spec) {
  const double a = op.amount;
  bool ok = true;
  switch (op.kind) {
    case ImageOpKind::kRotate:
      ok = std::abs(a) <= 180;
      break;
    case ImageOpKind::kDownscale:
      ok = a >= 10 && a <= 2400;
      break;
    case ImageOpKind::kBlur:
    case ImageOpKind::kBoxBlur:
      ok = a >= 0 && a <= 50;
      break;
    case ImageOpKind::kJpeg:
      ok = a >= 1 && a <= 100 && a == std::floor(a);
      break;
    case ImageOpKind::kNoise:
      ok = a >= 0 && a <= 255;
      break;
    case ImageOpKind::kContrast:
      ok = a > 0 && a <= 1;
      break;
    case ImageOpKind::kCrop:
      ok = a >= 0 && a <= 80;
      break;
    case ImageOpKind::kNone:
      break;
  }
  if (!ok) {
    return Status::Invalid(
        fmt::format("image perturbation '{}': amount out of range", spec));
  }
  return Status::Ok();
}

uint8_t Clamp8(double v) {
  return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

}  // namespace

std::string ImageOp::Spec() const {
  for (const OpName& n : kOpNames) {
    if (n.kind == kind) return fmt::format("{}:{:g}", n.name, amount);
  }
  return "none";
}

Result<ImageOp> ParseImageOp(std::string_view spec) {
  if (spec == "none") return ImageOp{};
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return Status::Invalid(fmt::format(
        "image perturbation '{}': expected <op>:<amount> or none", spec));
  }
  const std::string_view name = spec.substr(0, colon);
  const std::string_view num = spec.substr(colon + 1);
  ImageOp op;
  bool known = false;
  for (const OpName& n : kOpNames) {
    if (name == n.name) {
      op.kind = n.kind;
      known = true;
    }
  }
  if (!known) {
    return Status::Invalid(fmt::format(
        "image perturbation '{}': unknown op '{}' (rotate, dpi, blur, "
        "boxblur, jpeg, noise, contrast, crop)",
        spec, name));
  }
  const auto [end, ec] =
      std::from_chars(num.data(), num.data() + num.size(), op.amount);
  if (ec != std::errc() || end != num.data() + num.size()) {
    return Status::Invalid(fmt::format(
        "image perturbation '{}': '{}' is not a number", spec, num));
  }
  MMGATE_RETURN_IF_ERROR(CheckRange(op, spec));
  return op;
}

int Width(const ::Pix& image) { return pixGetWidth(&image); }
int Height(const ::Pix& image) { return pixGetHeight(&image); }
int Dpi(const ::Pix& image) {
  const int x = pixGetXRes(&image);
  return x > 0 ? x : kDefaultDpi;
}

Result<PixPtr> ToRgb(const ::Pix& image) {
  const int d = pixGetDepth(&image);
  if ((d == 32 || d == 8) && pixGetColormap(Mut(image)) == nullptr) {
    return Wrap(pixCopy(nullptr, Mut(image)), "copy");
  }
  PixPtr rgb(pixConvertTo32(Mut(image)));
  if (!rgb)
    return Status::Corrupt(fmt::format("cannot convert a {} bpp image", d));
  pixCopyResolution(rgb.get(), Mut(image));
  return rgb;
}

Result<PixPtr> Rotate(const ::Pix& image, double degrees) {
  const double radians = degrees * std::numbers::pi / 180.0;
  // Passing the source size asks Leptonica to grow the canvas, so no text is
  // cut off and the reference stays true.
  return Wrap(
      pixRotate(Mut(image), static_cast<float>(radians), L_ROTATE_AREA_MAP,
                L_BRING_IN_WHITE, Width(image), Height(image)),
      "rotate");
}

Result<PixPtr> Downscale(const ::Pix& image, int target_dpi) {
  const int from = Dpi(image);
  if (target_dpi <= 0 || target_dpi > from) {
    return Status::Invalid(
        fmt::format("downscale to {} dpi: must be below the image's {} dpi",
                    target_dpi, from));
  }
  const float scale = static_cast<float>(target_dpi) / static_cast<float>(from);
  // Area mapping averages each source block, like a scanner's coarser
  // sensor; the low-resolution image is kept, not scaled back up.
  auto out = Wrap(pixScaleAreaMap(Mut(image), scale, scale), "scale");
  if (out.ok()) pixSetResolution(out->get(), target_dpi, target_dpi);
  return out;
}

Result<PixPtr> GaussianBlur(const ::Pix& image, double sigma) {
  if (sigma <= 0) return Wrap(pixCopy(nullptr, Mut(image)), "copy");
  const int half = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
  L_KERNEL* kx = nullptr;
  L_KERNEL* ky = nullptr;
  if (makeGaussianKernelSep(half, half, static_cast<float>(sigma), 1.0f, &kx,
                            &ky) != 0) {
    return Status::Internal("leptonica gaussian kernel failed");
  }
  KernelPtr kelx(kx), kely(ky);
  // Kernels with max 1.0 are normalised by the convolution (normflag is set
  // by default), so brightness is kept.
  if (pixGetDepth(&image) == 32) {
    return Wrap(pixConvolveRGBSep(Mut(image), kelx.get(), kely.get()), "blur");
  }
  return Wrap(pixConvolveSep(Mut(image), kelx.get(), kely.get(), 8, 1), "blur");
}

Result<PixPtr> BoxBlur(const ::Pix& image, int radius) {
  if (radius <= 0) return Wrap(pixCopy(nullptr, Mut(image)), "copy");
  return Wrap(pixBlockconv(Mut(image), radius, radius), "box blur");
}

Result<std::string> EncodeJpeg(const ::Pix& image, int quality) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemJpeg(&data, &size, Mut(image), quality, 0) != 0) {
    return Status::Internal(
        fmt::format("JPEG encoding at quality {} failed", quality));
  }
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

Result<std::string> EncodePng(const ::Pix& image) {
  l_uint8* data = nullptr;
  size_t size = 0;
  // gamma 0: no gAMA chunk, so files depend on pixels and resolution only.
  if (pixWriteMemPng(&data, &size, Mut(image), 0.0f) != 0) {
    return Status::Internal("PNG encoding failed");
  }
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

Result<PixPtr> DecodeImage(const std::string& bytes) {
  MMGATE_RETURN_IF_ERROR(media::CheckImageBytes(bytes));
  PIX* p =
      pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size());
  if (p == nullptr) return Status::Corrupt("undecodable image bytes");
  return PixPtr(p);
}

Result<PixPtr> ReadImage(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  auto pix = DecodeImage(*bytes);
  if (!pix.ok()) return pix.status().WithContext(path);
  return pix;
}

Status WriteImageFile(const std::string& path, const std::string& bytes) {
  return WriteFileAtomic(path, bytes);
}

Result<PixPtr> AddGaussianNoise(const ::Pix& image, double stddev,
                                uint64_t seed) {
  auto out = ToRgb(image);
  if (!out.ok()) return out;
  // Our own generator: Leptonica's pixAddGaussianNoise draws from rand().
  Rng rng(seed);
  PIX* p = out->get();
  const int w = Width(*p), h = Height(*p);
  const bool rgb = pixGetDepth(p) == 32;
  for (int y = 0; y < h; ++y) {
    l_uint32* line = pixGetData(p) + static_cast<size_t>(y) * pixGetWpl(p);
    for (int x = 0; x < w; ++x) {
      if (rgb) {
        l_int32 r, g, b;
        extractRGBValues(line[x], &r, &g, &b);
        composeRGBPixel(Clamp8(r + stddev * rng.Gaussian()),
                        Clamp8(g + stddev * rng.Gaussian()),
                        Clamp8(b + stddev * rng.Gaussian()), &line[x]);
      } else {
        const int v = GET_DATA_BYTE(line, x);
        SET_DATA_BYTE(line, x, Clamp8(v + stddev * rng.Gaussian()));
      }
    }
  }
  return out;
}

Result<PixPtr> ReduceContrast(const ::Pix& image, double factor) {
  // pixGammaTRC maps [minval, maxval] onto [0, 255]; widening that window
  // symmetrically squeezes black and white towards mid-grey.
  const double lo = -127.5 * (1.0 - factor) / factor;
  const int minval = static_cast<int>(std::lround(lo));
  const int maxval = static_cast<int>(std::lround(lo + 255.0 / factor));
  auto src = ToRgb(image);
  if (!src.ok()) return src;
  return Wrap(pixGammaTRC(nullptr, src->get(), 1.0f, minval, maxval),
              "contrast");
}

Result<PixPtr> CropCentre(const ::Pix& image, double percent) {
  const int w = Width(image), h = Height(image);
  const int cut_w = static_cast<int>(std::lround(w * percent / 100.0));
  const int cut_h = static_cast<int>(std::lround(h * percent / 100.0));
  if (cut_w >= w || cut_h >= h)
    return Status::Invalid(fmt::format("crop {}% leaves no image", percent));
  struct BoxDeleter {
    void operator()(BOX* b) const { boxDestroy(&b); }
  };
  std::unique_ptr<BOX, BoxDeleter> box(
      boxCreate(cut_w / 2, cut_h / 2, w - cut_w, h - cut_h));
  if (!box) return Status::Internal("leptonica boxCreate failed");
  return Wrap(pixClipRectangle(Mut(image), box.get(), nullptr), "crop");
}

Result<PixPtr> ApplyImageOp(const ::Pix& image, const ImageOp& op,
                            uint64_t seed) {
  switch (op.kind) {
    case ImageOpKind::kNone:
      return Wrap(pixCopy(nullptr, Mut(image)), "copy");
    case ImageOpKind::kRotate:
      return Rotate(image, op.amount);
    case ImageOpKind::kDownscale:
      return Downscale(image, static_cast<int>(std::lround(op.amount)));
    case ImageOpKind::kBlur:
      return GaussianBlur(image, op.amount);
    case ImageOpKind::kBoxBlur:
      return BoxBlur(image, static_cast<int>(std::lround(op.amount)));
    case ImageOpKind::kJpeg: {
      auto bytes = EncodeJpeg(image, static_cast<int>(op.amount));
      if (!bytes.ok()) return bytes.status();
      return DecodeImage(*bytes);
    }
    case ImageOpKind::kNoise:
      return AddGaussianNoise(image, op.amount, seed);
    case ImageOpKind::kContrast:
      return ReduceContrast(image, op.amount);
    case ImageOpKind::kCrop:
      return CropCentre(image, op.amount);
  }
  return Status::Internal("unhandled image op");
}

Result<EncodedImage> EncodeVariant(const ::Pix& image, const ImageOp& op,
                                   uint64_t seed) {
  EncodedImage out;
  if (op.kind == ImageOpKind::kJpeg) {
    auto bytes = EncodeJpeg(image, static_cast<int>(op.amount));
    if (!bytes.ok()) return bytes.status();
    out.bytes = std::move(*bytes);
    out.extension = "jpg";
    out.width = Width(image);
    out.height = Height(image);
    return out;
  }
  auto pix = ApplyImageOp(image, op, seed);
  if (!pix.ok()) return pix.status();
  auto bytes = EncodePng(**pix);
  if (!bytes.ok()) return bytes.status();
  out.bytes = std::move(*bytes);
  out.extension = "png";
  out.width = Width(**pix);
  out.height = Height(**pix);
  return out;
}

}  // namespace mmgate::perturb
