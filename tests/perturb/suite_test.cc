// PerturbSuite on a small real suite: a page image and a tone recording.
#include "perturb/suite.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "common/files.h"
#include "dataset/load.h"
#include "perturb/audio.h"
#include "perturb/image.h"

namespace mmgate::perturb {
namespace {

namespace fs = std::filesystem;

class PerturbSuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("perturb_suite_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "src" / "media");
    PixPtr page(pixCreate(300, 200, 32));
    pixSetAllArbitrary(page.get(), 0xffffff00);
    BOX* box = boxCreate(30, 40, 200, 20);
    pixSetInRectArbitrary(page.get(), box, 0);
    boxDestroy(&box);
    auto png = EncodePng(*page);
    ASSERT_TRUE(png.ok());
    ASSERT_TRUE(
        WriteImageFile((dir_ / "src/media/page.png").string(), *png).ok());
    media::Audio tone;
    for (int i = 0; i < 8000; ++i)
      tone.samples.push_back(static_cast<int16_t>(
          8000 * std::sin(2 * std::numbers::pi * 440 * i / 16000.0)));
    ASSERT_TRUE(WriteWav16(tone, (dir_ / "src/media/tone.wav").string()).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A suite of the given item lines.
  Suite Load(const std::string& jsonl, const std::string& modality) {
    EXPECT_TRUE(
        WriteFileAtomic((dir_ / "src/items.jsonl").string(), jsonl).ok());
    EXPECT_TRUE(WriteFileAtomic((dir_ / "src/suite.yaml").string(),
                                "name: s\nmodality: " + modality +
                                    "\ndataset: items.jsonl\nmetric: exact\n")
                    .ok());
    auto suite = dataset::LoadSuite((dir_ / "src/suite.yaml").string(), {});
    EXPECT_TRUE(suite.ok()) << suite.status().message();
    return suite.ok() ? *suite : Suite{};
  }

  std::vector<Variant> Kinds(std::initializer_list<const char*> args) {
    std::vector<Variant> out;
    for (const char* a : args) {
      auto v = ParseKindArg(a);
      EXPECT_TRUE(v.ok()) << a;
      if (v.ok()) out.insert(out.end(), v->begin(), v->end());
    }
    return out;
  }

  std::map<std::string, std::string> Files(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (e.is_regular_file())
        out[fs::relative(e.path(), root).string()] =
            *ReadFile(e.path().string());
    }
    return out;
  }

  fs::path dir_;
};

constexpr const char* kImageItem =
    R"({"id": "doc-1", "modality": "document", "prompt": "What is the total? Answer briefly.", )"
    R"("media": [{"type": "image", "path": "media/page.png"}], "reference": "42", )"
    R"("slices": {"layout": "invoice"}})";
constexpr const char* kAudioItem =
    R"({"id": "utt-1", "modality": "audio", "prompt": "", )"
    R"("media": [{"type": "audio", "path": "media/tone.wav"}], "reference": "a tone"})";

TEST_F(PerturbSuiteTest, WritesPairedVariantsDeterministically) {
  Suite suite = Load(std::string(kImageItem) + "\n", "document");
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:2,5", "blur:1", "jpeg:20", "crop:10",
                        "contrast:0.5", "noise:20", "dpi:100", "typos:0.3"});
  opt.seed = 5;
  opt.out_dir = (dir_ / "a").string();
  auto a = PerturbSuite(suite, opt);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->clean_items, 1);
  EXPECT_EQ(a->variant_items, 9);
  opt.out_dir = (dir_ / "b").string();
  ASSERT_TRUE(PerturbSuite(suite, opt).ok());
  EXPECT_EQ(Files(dir_ / "a"), Files(dir_ / "b"));  // byte-identical

  // The new suite loads, every variant shares the source's group and names
  // its kind and level.
  auto out = dataset::LoadSuite(a->suite_file, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->name, "s-perturbed");
  ASSERT_EQ(out->items.size(), 10u);
  std::map<std::string, std::string> perturbation;
  for (const Item& it : out->items) {
    EXPECT_EQ(it.group, "doc-1");
    EXPECT_TRUE(out->problems.empty());
    for (const auto& [k, v] : it.slices) {
      if (k == "perturbation") perturbation[it.id] = v;
    }
  }
  EXPECT_EQ(perturbation["doc-1"], "none");
  EXPECT_EQ(perturbation["doc-1~rotate-5"], "rotate:5");
  EXPECT_EQ(perturbation["doc-1~jpeg-20"], "jpeg:20");
  // Text kinds change the prompt, not the image; image kinds the reverse.
  for (const Item& it : out->items) {
    if (it.id == "doc-1~typos-0.3") {
      EXPECT_NE(it.prompt, suite.items[0].prompt);
      EXPECT_EQ(*ReadFile(it.media[0].abs_path),
                *ReadFile(suite.items[0].media[0].abs_path));
    }
    if (it.id == "doc-1~rotate-2") {
      EXPECT_EQ(it.prompt, suite.items[0].prompt);
      EXPECT_NE(*ReadFile(it.media[0].abs_path),
                *ReadFile(suite.items[0].media[0].abs_path));
    }
  }
  // Another seed changes the noisy image only where randomness is drawn.
  opt.seed = 6;
  opt.out_dir = (dir_ / "c").string();
  ASSERT_TRUE(PerturbSuite(suite, opt).ok());
  auto fa = Files(dir_ / "a"), fc = Files(dir_ / "c");
  EXPECT_NE(fa["media/doc-1~noise-20.png"], fc["media/doc-1~noise-20.png"]);
  EXPECT_EQ(fa["media/doc-1~rotate-5.png"], fc["media/doc-1~rotate-5.png"]);
}

TEST_F(PerturbSuiteTest, AudioKindsGoThroughTheirCodecs) {
  Suite suite = Load(std::string(kAudioItem) + "\n", "audio");
  PerturbOptions opt;
  opt.variants = Kinds({"gsm", "mulaw", "mp3:16", "opus:12", "snr:10",
                        "speed:1.1", "telephone:3400", "reverb:30"});
  opt.seed = 1;
  opt.out_dir = (dir_ / "a").string();
  auto a = PerturbSuite(suite, opt);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->variant_items, 8);
  auto files = Files(dir_ / "a");
  EXPECT_TRUE(files.count("media/utt-1~gsm-8k.wav"));
  EXPECT_TRUE(files.count("media/utt-1~mp3-16.mp3"));
  auto gsm = media::ReadAudioMono((dir_ / "a/media/utt-1~gsm-8k.wav").string(),
                                  media::kFileRate);
  ASSERT_TRUE(gsm.ok());
  EXPECT_EQ(gsm->sample_rate, 8000);
  // The noisy variant sits at its target SNR against the clean copy.
  auto clean = media::ReadAudioMono((dir_ / "a/media/utt-1.wav").string());
  auto noisy = media::ReadAudioMono((dir_ / "a/media/utt-1~snr-10.wav").string());
  ASSERT_TRUE(clean.ok() && noisy.ok());
  auto snr = MeasureSnrDb(*clean, *noisy);
  ASSERT_TRUE(snr.ok()) << snr.status().message();
  EXPECT_NEAR(*snr, 10.0, 0.5);
}

TEST_F(PerturbSuiteTest, BadInputIsAClearErrorNamingTheItem) {
  Suite audio = Load(std::string(kAudioItem) + "\n", "audio");
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:5"});
  opt.out_dir = (dir_ / "x").string();
  auto r = PerturbSuite(audio, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "item utt-1: rotate:5 is an image perturbation but the item has no "
            "image (media: audio)");
  EXPECT_FALSE(fs::exists(dir_ / "x" / "items.jsonl"));

  Suite image = Load(std::string(kImageItem) + "\n", "document");
  opt.variants = Kinds({"gsm"});
  r = PerturbSuite(image, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("item doc-1: gsm:8k is an audio"),
            std::string::npos);

  // A variant of a variant would mislabel the curve.
  std::string perturbed = kImageItem;
  perturbed.replace(perturbed.find("\"layout\": \"invoice\""), 19,
                    "\"perturbation\": \"rotate:5\"");
  Suite again = Load(perturbed + "\n", "document");
  opt.variants = Kinds({"blur:1"});
  r = PerturbSuite(again, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("item doc-1: already perturbed"),
            std::string::npos);
}

// Perturbing into the suite's own folder deleted its media/ (gold images and
// any other file there) before failing.
TEST_F(PerturbSuiteTest, OutDirHoldingTheSourceIsRefused) {
  Suite suite = Load(std::string(kImageItem) + "\n", "document");
  fs::path keep = dir_ / "src/media/notes.txt";
  ASSERT_TRUE(WriteFileAtomic(keep.string(), "mine").ok());
  const auto before = Files(dir_ / "src");
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:5"});
  opt.force = true;  // not even with --force
  for (fs::path out :
       {dir_ / "src", dir_ / "src/media", dir_ / "src/.", dir_}) {
    opt.out_dir = out.string();
    auto r = PerturbSuite(suite, opt);
    ASSERT_FALSE(r.ok()) << out;
    EXPECT_NE(r.status().message().find("is or contains the source suite's"),
              std::string::npos)
        << r.status().message();
  }
  EXPECT_EQ(Files(dir_ / "src"), before);
}

// An existing folder's media/ was emptied and its items replaced silently.
TEST_F(PerturbSuiteTest, NonEmptyOutDirNeedsForceAndKeepsOtherFiles) {
  Suite suite = Load(std::string(kImageItem) + "\n", "document");
  const fs::path out = dir_ / "out";
  ASSERT_TRUE(WriteFileAtomic((out / "media/other.png").string(), "x").ok());
  ASSERT_TRUE(WriteFileAtomic((out / "README").string(), "y").ok());
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:5"});
  opt.out_dir = out.string();
  auto r = PerturbSuite(suite, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("folder is not empty"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(Files(out).size(), 2u);
  opt.force = true;
  r = PerturbSuite(suite, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*ReadFile((out / "media/other.png").string()), "x");
  EXPECT_EQ(*ReadFile((out / "README").string()), "y");
  EXPECT_TRUE(fs::exists(out / "items.jsonl"));
}

TEST_F(PerturbSuiteTest, NameMustBeAPlainName) {
  Suite suite = Load(std::string(kImageItem) + "\n", "document");
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:5"});
  opt.out_dir = (dir_ / "out").string();
  for (const char* name : {"../evil", "a/b", "..", ".hidden", "/abs"}) {
    opt.name = name;
    auto r = PerturbSuite(suite, opt);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("must be a plain name"),
              std::string::npos)
        << r.status().message();
  }
  EXPECT_FALSE(fs::exists(dir_ / "evil.yaml"));
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  opt.name = "docs-rot_5.v2";
  EXPECT_TRUE(PerturbSuite(suite, opt).ok());
  EXPECT_TRUE(fs::exists(dir_ / "out/docs-rot_5.v2.yaml"));
}

// A suite written inline in mmgate.yaml has the config as its path; the new
// suite file got the whole config (models:, suites:) and no modality.
TEST_F(PerturbSuiteTest, InlineSuiteWritesOnlyTheSuite) {
  Suite suite = Load(std::string(kImageItem) + "\n", "document");
  suite.path = (dir_ / "src/mmgate.yaml").string();
  suite.params = {{"ignore_case", true}};
  suite.rubric = {{"misread", "a digit read wrong"}};
  ASSERT_TRUE(WriteFileAtomic(suite.path,
                              "models: {m: {provider: exec, command: [x]}}\n"
                              "suites: [{name: s, modality: document, "
                              "dataset: items.jsonl, metric: exact}]\n")
                  .ok());
  PerturbOptions opt;
  opt.variants = Kinds({"rotate:5"});
  opt.out_dir = (dir_ / "out").string();
  auto r = PerturbSuite(suite, opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::string yaml = *ReadFile(r->suite_file);
  EXPECT_EQ(yaml.find("models"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("suites"), std::string::npos) << yaml;
  auto loaded = dataset::LoadSuite(r->suite_file, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message() << "\n" << yaml;
  EXPECT_EQ(loaded->name, "s-perturbed");
  EXPECT_EQ(loaded->modality, "document");
  EXPECT_EQ(loaded->metric, "exact");
  EXPECT_EQ(loaded->params, suite.params);
  EXPECT_EQ(loaded->rubric, suite.rubric);
  EXPECT_EQ(loaded->items.size(), 2u);
}

}  // namespace
}  // namespace mmgate::perturb
