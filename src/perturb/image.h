// Image degradations on Leptonica PIX images: rotation, lower scan
// resolution, blur, JPEG re-encoding, noise and contrast. Each operation is
// named by a spec string ("rotate:8", "dpi:70", "blur:2", "jpeg:10",
// "noise:12", "contrast:0.5"), the same text the demo gold set records in its
// `perturbation` slice.
#ifndef MMGATE_PERTURB_IMAGE_H_
#define MMGATE_PERTURB_IMAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "media/image.h"

namespace mmgate::perturb {

// Owns one Leptonica image (the one owner type, media/image.h).
using media::PixPtr;

// Resolution assumed for an image that records none.
inline constexpr int kDefaultDpi = 200;

enum class ImageOpKind {
  kNone,
  kRotate,     // amount: degrees, clockwise; canvas grows, white fill
  kDownscale,  // amount: target DPI, below the image's own
  kBlur,       // amount: Gaussian sigma in pixels
  kBoxBlur,    // amount: half-width of the box in pixels
  kJpeg,       // amount: JPEG quality 1-100
  kNoise,      // amount: standard deviation of additive Gaussian noise (0-255)
  kContrast,   // amount: factor in (0, 1]; 0.5 halves the range about mid-grey
  kCrop,       // amount: percent of width and height cut, half from each side
};

struct ImageOp {
  ImageOpKind kind = ImageOpKind::kNone;
  double amount = 0;
  // The canonical spec string; ParseImageOp(op.Spec()) gives op back.
  std::string Spec() const;
};

// "none", "rotate:<deg>", "dpi:<dpi>", "blur:<sigma>", "boxblur:<radius>",
// "jpeg:<quality>", "noise:<stddev>", "contrast:<factor>", "crop:<percent>".
Result<ImageOp> ParseImageOp(std::string_view spec);

// The image after `op`. A JPEG op returns the decoded re-encoding. `seed`
// drives the noise op only; every op is deterministic for a given seed.
Result<PixPtr> ApplyImageOp(const ::Pix& image, const ImageOp& op,
                            uint64_t seed);

// An encoded image file: PNG, or for a JPEG op the encoder's own bytes, so
// the artefacts reach the model exactly as the codec left them.
struct EncodedImage {
  std::string bytes;
  std::string extension;  // "png" | "jpg"
  int width = 0;
  int height = 0;
};
Result<EncodedImage> EncodeVariant(const ::Pix& image, const ImageOp& op,
                                   uint64_t seed);

// The single operations behind ApplyImageOp.
Result<PixPtr> Rotate(const ::Pix& image, double degrees);
Result<PixPtr> Downscale(const ::Pix& image, int target_dpi);
Result<PixPtr> GaussianBlur(const ::Pix& image, double sigma);
Result<PixPtr> BoxBlur(const ::Pix& image, int radius);
Result<std::string> EncodeJpeg(const ::Pix& image, int quality);
Result<PixPtr> AddGaussianNoise(const ::Pix& image, double stddev,
                                uint64_t seed);
Result<PixPtr> ReduceContrast(const ::Pix& image, double factor);
// Keeps the centre: `percent` of the width and of the height is cut, half on
// each side (text near the edges is lost, as in a careless phone photo).
Result<PixPtr> CropCentre(const ::Pix& image, double percent);

// Copies of the image with a 32 bpp RGB or 8 bpp grey layout, as produced by
// the renderers; other depths are converted first.
Result<PixPtr> ToRgb(const ::Pix& image);

Result<std::string> EncodePng(const ::Pix& image);
Result<PixPtr> DecodeImage(const std::string& bytes);
Result<PixPtr> ReadImage(const std::string& path);
// Writes the encoded bytes (any format) to `path` atomically.
Status WriteImageFile(const std::string& path, const std::string& bytes);

int Width(const ::Pix& image);
int Height(const ::Pix& image);
int Dpi(const ::Pix& image);  // kDefaultDpi when the image records none

}  // namespace mmgate::perturb

#endif  // MMGATE_PERTURB_IMAGE_H_
