// Drawing the demo's images with cairo and real font files loaded through
// FreeType (fixed files from fonts-dejavu-core and fonts-liberation2, not a
// fontconfig lookup, so every machine renders the same glyphs).
#ifndef MMGATE_DEMO_RENDER_H_
#define MMGATE_DEMO_RENDER_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "perturb/image.h"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

namespace mmgate::demo {

enum class Font {
  kSans,
  kSansBold,
  kSerif,
  kSerifBold,
  kMono,
  kMonoBold,
  kLiberationSans,
  kLiberationSansBold,
  kLiberationSerif,
  kLiberationSerifBold,
  kLiberationMono,
  kLiberationMonoBold,
};

// The font file behind `font`, under /usr/share/fonts.
const char* FontPath(Font font);
// Checks that every font file is present, naming the missing file and its
// Debian package.
Status CheckFonts();

struct Rgb {
  double r = 0, g = 0, b = 0;
};
Rgb Hex(unsigned rgb);  // 0xRRGGBB

// The DPI the renderers draw at: sizes below are pixels at this resolution.
inline constexpr int kRenderDpi = 200;

class Canvas {
 public:
  static Result<Canvas> Create(int width, int height, Rgb background);

  int width() const { return width_; }
  int height() const { return height_; }
  cairo_t* cr() { return cr_.get(); }

  // Selects a font at `px` pixels (em size). A font that cannot be loaded
  // is remembered and reported by ToPix (like cairo's own sticky status),
  // so drawing code needs no check per call.
  void SetFont(Font font, double px);
  // Text with its baseline at y. Returns the advance width.
  double Text(double x, double y, std::string_view text, Rgb color);
  double TextRight(double right, double y, std::string_view text, Rgb color);
  double TextCenter(double center, double y, std::string_view text, Rgb color);
  double TextWidth(std::string_view text);
  // Distance from baseline to the top of capitals, for vertical centring.
  double CapHeight();

  void FillRect(double x, double y, double w, double h, Rgb color);
  void StrokeRect(double x, double y, double w, double h, double line,
                  Rgb color);
  void Line(double x0, double y0, double x1, double y1, double line, Rgb color);

  // The drawing as a 32 bpp RGB Leptonica image tagged with `kRenderDpi`.
  Result<perturb::PixPtr> ToPix();

 private:
  struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const;
  };
  struct ContextDeleter {
    void operator()(cairo_t* c) const;
  };
  Canvas() = default;

  int width_ = 0, height_ = 0;
  Status status_;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface_;
  std::unique_ptr<cairo_t, ContextDeleter> cr_;
};

}  // namespace mmgate::demo

#endif  // MMGATE_DEMO_RENDER_H_
