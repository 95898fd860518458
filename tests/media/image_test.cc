#include "media/image.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace mmgate::media {
namespace {

namespace fs = std::filesystem;

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mmgate_image_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ / name; }
  fs::path dir_;
};

TEST_F(ImageTest, ReadsRenderedPng) {
  cairo_surface_t* surface =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 120, 40);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, 10, 10, 20, 20);
  cairo_fill(cr);
  cairo_destroy(cr);
  ASSERT_EQ(cairo_surface_write_to_png(surface, Path("box.png").c_str()),
            CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);

  Result<PixPtr> pix = ReadImage(Path("box.png"));
  ASSERT_TRUE(pix.ok()) << pix.status().message();
  EXPECT_EQ(pixGetWidth(pix->get()), 120);
  EXPECT_EQ(pixGetHeight(pix->get()), 40);
  l_uint32 inside = 0, outside = 0;
  pixGetPixel(pix->get(), 20, 20, &inside);
  pixGetPixel(pix->get(), 60, 20, &outside);
  l_int32 r, g, b;
  extractRGBValues(inside, &r, &g, &b);
  EXPECT_EQ(r + g + b, 0);
  extractRGBValues(outside, &r, &g, &b);
  EXPECT_EQ(r + g + b, 3 * 255);
}

TEST_F(ImageTest, EmptyTruncatedAndTextFilesAreCorrupt) {
  std::ofstream(Path("empty.png")).close();
  std::ofstream(Path("text.png")) << "hello, not an image\n";
  // A PNG signature and the start of a header chunk, then nothing.
  std::ofstream(Path("cut.png"), std::ios::binary)
      << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  for (const char* name : {"empty.png", "text.png", "cut.png"}) {
    Result<PixPtr> pix = ReadImage(Path(name));
    ASSERT_FALSE(pix.ok()) << name;
    EXPECT_EQ(pix.status().code(), StatusCode::kCorrupt) << name;
    EXPECT_NE(pix.status().message().find(name), std::string::npos);
  }
  EXPECT_EQ(ReadImage(Path("absent.png")).status().code(),
            StatusCode::kNotFound);
}

// A PNG cut short after its header: libpng printed "libpng error: Read Error"
// on stderr, naming no file. The reason is now in the error, with the file.
TEST_F(ImageTest, TruncatedPngNamesFileAndReasonOnlyInTheStatus) {
  cairo_surface_t* surface =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200);
  ASSERT_EQ(cairo_surface_write_to_png(surface, Path("full.png").c_str()),
            CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);
  fs::resize_file(Path("full.png"), fs::file_size(Path("full.png")) / 2);
  ::testing::internal::CaptureStderr();
  Result<PixPtr> pix = ReadImage(Path("full.png"));
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(pix.ok());
  EXPECT_EQ(pix.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(pix.status().message().find(Path("full.png") + ": corrupt PNG: "),
            std::string::npos)
      << pix.status().message();
  EXPECT_EQ(stderr_text, "");
}

}  // namespace
}  // namespace mmgate::media
