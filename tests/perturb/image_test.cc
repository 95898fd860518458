#include "perturb/image.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>
#include <string>

#include "perturb/random.h"

namespace mmgate::perturb {
namespace {

// A 600x400 page at 200 dpi: white, with black bars of text-like height.
PixPtr MakePage() {
  PixPtr pix(pixCreate(600, 400, 32));
  pixSetAllArbitrary(pix.get(), 0xffffff00);
  for (int row = 0; row < 6; ++row) {
    BOX* box = boxCreate(40, 40 + row * 55, 300 + row * 30, 24);
    pixSetInRectArbitrary(pix.get(), box, 0x00000000);
    boxDestroy(&box);
  }
  pixSetResolution(pix.get(), 200, 200);
  return pix;
}

uint32_t Gray(PIX* p, int x, int y) {
  l_uint32 v = 0;
  pixGetPixel(p, x, y, &v);
  l_int32 r, g, b;
  extractRGBValues(v, &r, &g, &b);
  return static_cast<uint32_t>((r + g + b) / 3);
}

TEST(ImageOpTest, SpecsRoundTrip) {
  for (const char* spec :
       {"none", "rotate:8", "rotate:-3", "dpi:70", "blur:2", "boxblur:1",
        "jpeg:10", "noise:12", "contrast:0.5"}) {
    auto op = ParseImageOp(spec);
    ASSERT_TRUE(op.ok()) << spec << ": " << op.status().message();
    EXPECT_EQ(op->Spec(), spec);
  }
}

TEST(ImageOpTest, RejectsBadSpecs) {
  for (const char* spec : {"", "rotate", "rotate:x", "warp:3", "jpeg:0",
                           "jpeg:50.5", "contrast:0", "contrast:2", "dpi:5"}) {
    auto op = ParseImageOp(spec);
    EXPECT_FALSE(op.ok()) << spec;
    if (!op.ok()) {
      EXPECT_NE(op.status().message().find(spec), std::string::npos);
    }
  }
}

TEST(ImageOpTest, RotateGrowsCanvasWithWhiteCorners) {
  PixPtr page = MakePage();
  auto r = Rotate(*page, 8);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const double a = 8 * M_PI / 180;
  const double w = 600 * std::cos(a) + 400 * std::sin(a);
  const double h = 600 * std::sin(a) + 400 * std::cos(a);
  EXPECT_NEAR(Width(**r), w, 3);
  EXPECT_NEAR(Height(**r), h, 3);
  EXPECT_EQ(Gray(r->get(), 0, 0), 255u);
  EXPECT_EQ(Gray(r->get(), Width(**r) - 1, Height(**r) - 1), 255u);
  // The dark ink is still all there (area mapping spreads, never drops, it).
  l_float32 before = 0, after = 0;
  PixPtr g0(pixConvertRGBToLuminance(page.get()));
  PixPtr g1(pixConvertRGBToLuminance(r->get()));
  pixAverageInRect(g0.get(), nullptr, nullptr, 0, 255, 1, &before);
  pixAverageInRect(g1.get(), nullptr, nullptr, 0, 255, 1, &after);
  const double ink0 = (255 - before) * 600 * 400;
  const double ink1 = (255 - after) * Width(**r) * Height(**r);
  EXPECT_NEAR(ink1 / ink0, 1.0, 0.03);
}

TEST(ImageOpTest, DownscaleKeepsLowResolution) {
  PixPtr page = MakePage();
  auto d = Downscale(*page, 70);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(Width(**d), 210);
  EXPECT_EQ(Height(**d), 140);
  EXPECT_EQ(Dpi(**d), 70);
  EXPECT_FALSE(Downscale(*page, 300).ok());
}

TEST(ImageOpTest, BlurSoftensEdges) {
  PixPtr page = MakePage();
  // Column x=100 crosses the first bar at rows 40..63: a sharp edge at y=40.
  EXPECT_EQ(Gray(page.get(), 100, 39), 255u);
  EXPECT_EQ(Gray(page.get(), 100, 40), 0u);
  auto b = GaussianBlur(*page, 2);
  ASSERT_TRUE(b.ok());
  EXPECT_GT(Gray(b->get(), 100, 40), 40u);
  EXPECT_LT(Gray(b->get(), 100, 39), 215u);
  EXPECT_EQ(Gray(b->get(), 500, 380), 255u);  // far from ink: unchanged
  auto box = BoxBlur(*page, 2);
  ASSERT_TRUE(box.ok());
  EXPECT_GT(Gray(box->get(), 100, 40), 40u);
}

TEST(ImageOpTest, JpegIsAJpegAndLossy) {
  PixPtr page = MakePage();
  auto q10 = EncodeJpeg(*page, 10);
  auto q90 = EncodeJpeg(*page, 90);
  ASSERT_TRUE(q10.ok() && q90.ok());
  ASSERT_GT(q10->size(), 4u);
  EXPECT_EQ(static_cast<unsigned char>((*q10)[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>((*q10)[1]), 0xD8);
  EXPECT_LT(q10->size(), q90->size());
  auto decoded = DecodeImage(*q10);
  ASSERT_TRUE(decoded.ok());
  l_int32 same = 0;
  pixEqual(decoded->get(), page.get(), &same);
  EXPECT_FALSE(same);
}

TEST(ImageOpTest, NoiseIsSeededAndHasTheRequestedSpread) {
  PixPtr gray(pixCreate(200, 200, 8));
  pixSetAllArbitrary(gray.get(), 128);
  auto a = AddGaussianNoise(*gray, 10, 7);
  auto b = AddGaussianNoise(*gray, 10, 7);
  auto c = AddGaussianNoise(*gray, 10, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  l_int32 same = 0;
  pixEqual(a->get(), b->get(), &same);
  EXPECT_TRUE(same);
  pixEqual(a->get(), c->get(), &same);
  EXPECT_FALSE(same);
  double sum = 0, sum2 = 0;
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 200; ++x) {
      l_uint32 v;
      pixGetPixel(a->get(), x, y, &v);
      sum += v;
      sum2 += static_cast<double>(v) * v;
    }
  }
  const double n = 200 * 200, mean = sum / n;
  EXPECT_NEAR(mean, 128, 0.5);
  EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 10, 0.3);
}

TEST(ImageOpTest, ContrastSqueezesTheRange) {
  PixPtr page = MakePage();
  auto c = ReduceContrast(*page, 0.5);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(static_cast<double>(Gray(c->get(), 100, 50)), 64, 2);    // ink
  EXPECT_NEAR(static_cast<double>(Gray(c->get(), 500, 380)), 191, 2);  // paper
}

TEST(ImageOpTest, EveryVariantIsByteIdenticalForTheSameSeed) {
  PixPtr page = MakePage();
  for (const char* spec : {"none", "rotate:3", "dpi:100", "blur:1", "jpeg:30",
                           "noise:20", "contrast:0.4"}) {
    auto op = ParseImageOp(spec);
    ASSERT_TRUE(op.ok());
    auto one = EncodeVariant(*page, *op, DeriveSeed(1, spec));
    auto two = EncodeVariant(*page, *op, DeriveSeed(1, spec));
    ASSERT_TRUE(one.ok() && two.ok()) << spec;
    EXPECT_EQ(one->bytes, two->bytes) << spec;
    EXPECT_EQ(one->extension, op->kind == ImageOpKind::kJpeg ? "jpg" : "png");
    auto back = DecodeImage(one->bytes);
    ASSERT_TRUE(back.ok()) << spec;
    EXPECT_EQ(Width(**back), one->width) << spec;
    EXPECT_EQ(Height(**back), one->height) << spec;
  }
}

TEST(RandomTest, StreamsAreFixedAndIndependent) {
  EXPECT_EQ(DeriveSeed(20261122, "charts"), DeriveSeed(20261122, "charts"));
  EXPECT_NE(DeriveSeed(20261122, "charts"), DeriveSeed(20261122, "tables"));
  EXPECT_NE(DeriveSeed(1, "charts"), DeriveSeed(2, "charts"));
  Rng a(5), b(5);
  for (int i = 0; i < 100; ++i) {
    const int v = a.Uniform(3, 9);
    EXPECT_EQ(v, b.Uniform(3, 9));
    EXPECT_GE(v, 3);
    EXPECT_LE(v, 9);
  }
  Rng r(11);
  auto d = r.Distinct(10, 10);
  std::sort(d.begin(), d.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d[static_cast<size_t>(i)], i);
}

}  // namespace
}  // namespace mmgate::perturb
