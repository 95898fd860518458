#include "demo/render.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <fmt/format.h>
#include <leptonica/allheaders.h>

#include <array>
#include <filesystem>
#include <mutex>

namespace mmgate::demo {
namespace {

constexpr int kFontCount = static_cast<int>(Font::kLiberationMonoBold) + 1;

constexpr std::array<const char*, kFontCount> kFontFiles = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
};

// Font faces live for the whole process: cairo caches faces globally and may
// release its last reference after any owner of ours would be gone, so the
// FreeType library and faces are created once and never torn down.
class FontFaces {
 public:
  static FontFaces& Get() {
    static FontFaces* faces = new FontFaces();
    return *faces;
  }

  Result<cairo_font_face_t*> Face(Font font) {
    std::lock_guard<std::mutex> lock(mu_);
    const int i = static_cast<int>(font);
    if (faces_[i] != nullptr) return faces_[i];
    if (library_ == nullptr && FT_Init_FreeType(&library_) != 0) {
      library_ = nullptr;
      return Status::Internal("FreeType initialisation failed");
    }
    FT_Face face = nullptr;
    if (FT_New_Face(library_, kFontFiles[i], 0, &face) != 0) {
      return Status::NotFound(
          fmt::format("cannot load font {} (Debian packages fonts-dejavu-core, "
                      "fonts-liberation2)",
                      kFontFiles[i]));
    }
    faces_[i] = cairo_ft_font_face_create_for_ft_face(face, 0);
    return faces_[i];
  }

 private:
  FontFaces() = default;
  std::mutex mu_;
  FT_Library library_ = nullptr;
  std::array<cairo_font_face_t*, kFontCount> faces_{};
};

void SetColor(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

}  // namespace

const char* FontPath(Font font) { return kFontFiles[static_cast<int>(font)]; }

Status CheckFonts() {
  for (const char* path : kFontFiles) {
    if (!std::filesystem::exists(path)) {
      return Status::NotFound(fmt::format(
          "font file {} is missing (install Debian packages fonts-dejavu-core "
          "and fonts-liberation2)",
          path));
    }
  }
  return Status::Ok();
}

Rgb Hex(unsigned rgb) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
          (rgb & 0xff) / 255.0};
}

void Canvas::SurfaceDeleter::operator()(cairo_surface_t* s) const {
  cairo_surface_destroy(s);
}
void Canvas::ContextDeleter::operator()(cairo_t* c) const { cairo_destroy(c); }

Result<Canvas> Canvas::Create(int width, int height, Rgb background) {
  if (width <= 0 || height <= 0 || width > 8000 || height > 8000) {
    return Status::Invalid(fmt::format("canvas size {}x{}", width, height));
  }
  Canvas c;
  c.width_ = width;
  c.height_ = height;
  c.surface_.reset(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  if (cairo_surface_status(c.surface_.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal("cairo surface creation failed");
  }
  c.cr_.reset(cairo_create(c.surface_.get()));
  // Fixed rendering options (greyscale antialiasing, no hinting) so output
  // does not follow the desktop's font settings.
  cairo_font_options_t* opt = cairo_font_options_create();
  cairo_font_options_set_antialias(opt, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(opt, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(opt, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(c.cr_.get(), opt);
  cairo_font_options_destroy(opt);
  c.FillRect(0, 0, width, height, background);
  return c;
}

void Canvas::SetFont(Font font, double px) {
  auto face = FontFaces::Get().Face(font);
  if (!face.ok()) {
    if (status_.ok()) status_ = face.status();
    return;
  }
  cairo_set_font_face(cr(), *face);
  cairo_set_font_size(cr(), px);
}

double Canvas::TextWidth(std::string_view text) {
  const std::string s(text);
  cairo_text_extents_t ext;
  cairo_text_extents(cr(), s.c_str(), &ext);
  return ext.x_advance;
}

double Canvas::CapHeight() {
  cairo_text_extents_t ext;
  cairo_text_extents(cr(), "H", &ext);
  return -ext.y_bearing;
}

double Canvas::Text(double x, double y, std::string_view text, Rgb color) {
  const std::string s(text);
  SetColor(cr(), color);
  cairo_move_to(cr(), x, y);
  cairo_show_text(cr(), s.c_str());
  return TextWidth(text);
}

double Canvas::TextRight(double right, double y, std::string_view text,
                         Rgb color) {
  return Text(right - TextWidth(text), y, text, color);
}

double Canvas::TextCenter(double center, double y, std::string_view text,
                          Rgb color) {
  return Text(center - TextWidth(text) / 2, y, text, color);
}

void Canvas::FillRect(double x, double y, double w, double h, Rgb color) {
  SetColor(cr(), color);
  cairo_rectangle(cr(), x, y, w, h);
  cairo_fill(cr());
}

void Canvas::StrokeRect(double x, double y, double w, double h, double line,
                        Rgb color) {
  SetColor(cr(), color);
  cairo_set_line_width(cr(), line);
  cairo_rectangle(cr(), x, y, w, h);
  cairo_stroke(cr());
}

void Canvas::Line(double x0, double y0, double x1, double y1, double line,
                  Rgb color) {
  SetColor(cr(), color);
  cairo_set_line_width(cr(), line);
  cairo_move_to(cr(), x0, y0);
  cairo_line_to(cr(), x1, y1);
  cairo_stroke(cr());
}

Result<perturb::PixPtr> Canvas::ToPix() {
  if (!status_.ok()) return status_;
  if (cairo_status(cr()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(
        fmt::format("cairo: {}", cairo_status_to_string(cairo_status(cr()))));
  }
  cairo_surface_flush(surface_.get());
  const unsigned char* data = cairo_image_surface_get_data(surface_.get());
  const int stride = cairo_image_surface_get_stride(surface_.get());
  perturb::PixPtr pix(pixCreate(width_, height_, 32));
  if (!pix) return Status::Internal("pixCreate failed");
  const int wpl = pixGetWpl(pix.get());
  l_uint32* out = pixGetData(pix.get());
  for (int y = 0; y < height_; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    l_uint32* line = out + static_cast<size_t>(y) * wpl;
    // cairo RGB24 is 0x00RRGGBB per word; Leptonica wants 0xRRGGBB00.
    for (int x = 0; x < width_; ++x) line[x] = row[x] << 8;
  }
  pixSetResolution(pix.get(), kRenderDpi, kRenderDpi);
  return pix;
}

}  // namespace mmgate::demo
