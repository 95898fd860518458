// InputTextCache on a real render: Tesseract reads the document once, and
// both caches (memory, then disk in a fresh cache object) serve it again.
#include "ground/input_text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "demo/sources.h"
#include "perturb/image.h"
#include "perturb/random.h"
#include "score/grounding.h"

namespace mmgate::ground {
namespace {

namespace fs = std::filesystem;

TEST(InputTextCacheTest, RecognisesOnceAndServesFromBothCaches) {
  const fs::path dir =
      fs::temp_directory_path() / ("ground_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  perturb::Rng rng(3);
  auto src = demo::MakeDocument(rng, 0);
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto png = perturb::EncodePng(*src->image);
  ASSERT_TRUE(png.ok());
  const std::string path = (dir / "doc.png").string();
  ASSERT_TRUE(perturb::WriteImageFile(path, *png).ok());
  Item item;
  item.id = "doc";
  item.media = {{"image", "doc.png", path}};

  InputTextCache cache((dir / "cache").string());
  auto text = cache.TextOf(item);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(cache.recognized(), 1);
  // The evidence line the source was built from is in what the OCR read.
  ASSERT_FALSE(src->evidence.empty());
  EXPECT_GE(score::FuzzyContainment(src->evidence[0], *text), 0.8)
      << src->evidence[0] << " not in:\n"
      << *text;
  EXPECT_EQ(*cache.TextOf(item), *text);
  EXPECT_EQ(cache.recognized(), 1);  // memory
  InputTextCache again((dir / "cache").string());
  EXPECT_EQ(*again.TextOf(item), *text);
  EXPECT_EQ(again.recognized(), 0);  // disk
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mmgate::ground
