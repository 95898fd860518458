#include "report/html_report.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include "common/base64.h"
#include "report/dashboard.h"
#include "report/html.h"
#include "report/web_assets.h"
#include "synth.h"

namespace mmgate::report {
namespace {

using gate::testing::MakeRuns;
using gate::testing::SynthItem;
using nlohmann::json;

TEST(JsonForScriptTest, NothingCanEndTheScriptElement) {
  json data = {{"answer", "</script><script>alert(1)</script><!-- & -->"}};
  std::string text = JsonForScript(data);
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(json::parse(text), data) << "still the same JSON";
}

TEST(RenderPageTest, ScriptsAreAllowedOnlyByTheirHashes) {
  std::string page = RenderPage({{"kind", "report"}, {"title", "<b>t</b>"}});
  EXPECT_NE(page.find("<title>&lt;b&gt;t&lt;/b&gt;</title>"),
            std::string::npos);
  // The policy names the SHA-256 of report.js exactly as it is inlined.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string_view js = web::ReportScript();
  EVP_Digest(js.data(), js.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hash =
      "'sha256-" +
      Base64Encode(std::string_view(reinterpret_cast<char*>(digest), len)) +
      "'";
  EXPECT_NE(ContentSecurityPolicy().find(hash), std::string::npos);
  EXPECT_NE(ContentSecurityPolicy().find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(ContentSecurityPolicy().find("unsafe-eval"), std::string::npos);
  EXPECT_NE(page.find("<script>" + std::string(js) + "</script>"),
            std::string::npos);
  EXPECT_NE(page.find("http-equiv=\"Content-Security-Policy\""),
            std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos) << "nothing remote";
}

TEST(WordDiffTest, FollowsTheMinimumEditPath) {
  EXPECT_EQ(WordDiff("the cat sat down", "the dog sat"),
            json::parse(R"([["=","the"],["-","cat"],["+","dog"],["=","sat"],)"
                        R"(["-","down"]])"));
  EXPECT_EQ(WordDiff("", "new words"), json::parse(R"([["+","new words"]])"));
  EXPECT_EQ(WordDiff("same", "same"), json::parse(R"([["=","same"]])"));
}

gate::Evaluation EvaluateSynth(const std::vector<SynthItem>& items) {
  auto runs = MakeRuns(items);
  auto r = gate::Evaluate(runs.baseline, runs.candidate, gate::Policy{}, {});
  EXPECT_TRUE(r.ok());
  gate::Evaluation e;
  e.outcome.results = {*r};
  e.outcome.verdict = r->verdict;
  e.baseline = std::move(runs.baseline);
  e.candidates.push_back(std::move(runs.candidate));
  return e;
}

// 400 items in slices k0..k3; the candidate fails 60 items of k1 that the
// baseline passed.
gate::Evaluation SlicedEvaluation() {
  std::vector<SynthItem> items;
  for (int i = 0; i < 400; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    it.slices = {{"kind", "k" + std::to_string(i % 4)}};
    it.base = 1;
    it.cand = (i % 4 == 1 && i < 240) ? 0 : 1;
    items.push_back(it);
  }
  return EvaluateSynth(items);
}

TEST(ReportDataTest, FailureBrowserCapsEachStratumAndCountsTheRest) {
  gate::Evaluation e = SlicedEvaluation();
  ReportOptions opt;
  opt.per_stratum = 7;
  json d = ReportData(e, opt);
  EXPECT_EQ(d["kind"], "report");
  EXPECT_EQ(d["verdict"], "block");
  const json& cmp = d["comparisons"][0];
  EXPECT_EQ(cmp["gate"]["suites"][0]["suite"], "charts");
  json k1;
  for (const json& f : cmp["failures"])
    if (f["stratum"] == "kind=k1") k1 = f;
  ASSERT_FALSE(k1.is_null()) << cmp["failures"].dump();
  EXPECT_EQ(k1["verdict"], "block");
  EXPECT_EQ(k1["worse"], 60);
  EXPECT_EQ(k1["shown"].size(), 7u);
  EXPECT_EQ(k1["more"], 53);
  // Items shown by several strata (all and kind=k1) are described once.
  EXPECT_LE(cmp["items"].size(), 14u);
  const json& item = cmp["items"][k1["shown"][0].get<size_t>()];
  EXPECT_EQ(item["suite"], "charts");
  EXPECT_EQ(k1["metric"], "exact");
  EXPECT_EQ(item["baseline"]["scores"]["exact"], 1.0);
  EXPECT_EQ(item["candidate"]["scores"]["exact"], 0.0);
  // Latency percentiles per run and suite (synth.h: 10 ms and 20 ms).
  ASSERT_EQ(cmp["latency"].size(), 2u);
  EXPECT_EQ(cmp["latency"][0]["run"], "baseline");
  EXPECT_EQ(cmp["latency"][0]["p50"], 10.0);
  EXPECT_EQ(cmp["latency"][1]["p99"], 20.0);
}

TEST(ReportDataTest, TenThousandItemsKeepTheFileSmall) {
  std::vector<SynthItem> items;
  for (int i = 0; i < 10000; ++i) {
    SynthItem it;
    it.suite = "docs";
    it.id = "d" + std::to_string(i);
    it.slices = {{"layout", "l" + std::to_string(i % 20)}};
    it.cand = i % 2 ? 0 : 1;
    items.push_back(it);
  }
  gate::Evaluation e = EvaluateSynth(items);
  std::string page = RenderHtmlReport(e, ReportOptions{});
  json d = ReportData(e, ReportOptions{});
  // The suite and its 10 odd slices block, 10 items shown each.
  EXPECT_EQ(d["comparisons"][0]["failures"].size(), 11u);
  EXPECT_LE(d["comparisons"][0]["items"].size(), 110u);
  EXPECT_LT(page.size(), web::ChartLibrary().size() + 300 * 1024)
      << "the page grows with the strata, not with the items";
}

TEST(DashboardDataTest, StoredVerdictsPerSuiteOverTime) {
  auto dir = std::filesystem::temp_directory_path() /
             ("mmgate-dash-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto store = store::OpenStore((dir / "results.db").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  gate::Evaluation e = SlicedEvaluation();
  ASSERT_TRUE(StoreVerdicts(store->get(), e.outcome, 1000).ok());
  ASSERT_TRUE(StoreVerdicts(store->get(), e.outcome, 2000).ok());
  auto d = DashboardData(store->get());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)["kind"], "dashboard");
  ASSERT_EQ((*d)["verdicts"].size(), 2u);
  const json& v = (*d)["verdicts"][1];
  EXPECT_EQ(v["created_ms"], 2000);
  EXPECT_EQ(v["verdict"], "block");
  EXPECT_EQ(v["candidate"], "cand");
  ASSERT_EQ(v["suites"].size(), 1u);
  EXPECT_EQ(v["suites"][0]["modality"], "charts");
  EXPECT_NEAR(v["suites"][0]["delta"].get<double>(), -0.15, 1e-12);
  std::filesystem::remove_all(dir);
}

class MediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mmgate-media-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "media");
    Pix* pix = pixCreate(1200, 600, 32);
    pixSetAllArbitrary(pix, 0x3366cc00);
    pixWrite((dir_ / "media" / "chart.png").c_str(), pix, IFF_PNG);
    pixDestroy(&pix);
    // One second of a 16 kHz 16-bit mono square wave.
    std::string wav = "RIFF";
    auto le = [&](uint32_t v, int n) {
      for (int i = 0; i < n; ++i)
        wav.push_back(static_cast<char>(v >> (8 * i)));
    };
    le(36 + 32000, 4);
    wav += "WAVEfmt ";
    for (auto [v, n] : {std::pair{16u, 4},
                        {1u, 2},
                        {1u, 2},
                        {16000u, 4},
                        {32000u, 4},
                        {2u, 2},
                        {16u, 2}})
      le(v, n);
    wav += "data";
    le(32000, 4);
    for (int i = 0; i < 16000; ++i) le((i / 20) % 2 ? 8000 : 0xE0C0, 2);
    std::ofstream(dir_ / "media" / "a.wav", std::ios::binary) << wav;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(MediaTest, ThumbnailsAndAudioBecomeDataUris) {
  gate::Evaluation e = SlicedEvaluation();
  for (store::ItemResult& r : e.candidates[0].items) {
    r.item.media_json =
        R"([{"type":"image","path":"media/chart.png"},{"type":"audio","path":"media/a.wav"},)"
        R"({"type":"image","path":"../../etc/passwd"}])";
  }
  ReportOptions opt;
  opt.dataset_dirs["charts"] = dir_.string();
  json d = ReportData(e, opt);
  const json& media = d["comparisons"][0]["items"][0]["media"];
  ASSERT_EQ(media.size(), 3u) << media.dump().substr(0, 500);
  std::string img = media[0]["src"];
  EXPECT_EQ(img.rfind("data:image/png;base64,", 0), 0u) << media[0].dump();
  EXPECT_LT(img.size(), 20000u) << "a thumbnail, not the 1200 px image";
  std::string audio = media[1]["src"];
  EXPECT_EQ(audio.rfind("data:audio/wav;base64,", 0), 0u) << media[1].dump();
  // 8 kHz 16-bit: about 16,000 bytes of samples, base64 4/3 of that.
  EXPECT_NEAR(static_cast<double>(audio.size()), 16044 * 4.0 / 3 + 22, 200);
  EXPECT_FALSE(media[2].contains("src"));
  EXPECT_EQ(media[2]["note"], "path outside the dataset folder");

  opt.media_budget_bytes = 0;
  json none = ReportData(e, opt);
  EXPECT_FALSE(none["comparisons"][0]["items"][0]["media"][0].contains("src"));
}

}  // namespace
}  // namespace mmgate::report
