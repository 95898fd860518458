// Gold-set health on a results database built here: label age from the
// first run of an item's version or a person's label, discrimination over
// the last N runs, slices below min_n, and the refresh order, as exact
// counts.
#include "goldset/health.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/store.h"

namespace mmgate::goldset {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 1000 * kDay;

class HealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("goldset_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = store::OpenStore((dir_ / "results.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    cfg_.goldset.cadence_days = 30;
    cfg_.policy.defaults.min_n = 4;
    Suite suite;
    suite.name = "charts";
    suite.modality = "chart";
    suite.metric = "relaxed_accuracy";
    for (int i = 0; i < 7; ++i) {
      Item it;
      it.id = "c" + std::to_string(i);
      it.modality = "chart";
      it.content_hash = "h" + std::to_string(i);
      it.slices = {{"kind", i < 4 ? "bar" : "line"}};
      suite.items.push_back(it);
    }
    cfg_.project.suites.push_back(suite);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One run of `model` at `day`: per item of c0..c5 a score (1 pass, 0
  // fail), -1 for an error, absent for an item the run did not reach.
  void AddRun(const std::string& id, int64_t day,
              const std::vector<double>& scores,
              const std::string& c5_hash = "h5") {
    store::RunRecord run;
    run.run_id = id;
    run.model = "m-" + id;
    run.created_ms = kNow + day * kDay;
    ASSERT_TRUE(store_->CreateRun(run).ok());
    std::vector<store::ItemRecord> items;
    for (size_t i = 0; i < scores.size(); ++i) {
      store::ItemRecord r;
      r.suite = "charts";
      r.item_id = "c" + std::to_string(i);
      r.content_hash = i == 5 ? c5_hash : "h" + std::to_string(i);
      r.modality = "chart";
      r.metric = "relaxed_accuracy";
      items.push_back(r);
    }
    store::SuiteRecord suite{"charts",
                             "chart",
                             "relaxed_accuracy",
                             {"relaxed_accuracy"},
                             "v1",
                             static_cast<int64_t>(items.size())};
    ASSERT_TRUE(store_->PutSuite(id, suite, items).ok());
    for (size_t i = 0; i < scores.size(); ++i) {
      store::ResponseRecord resp;
      resp.suite = "charts";
      resp.item_id = items[i].item_id;
      resp.content_hash = items[i].content_hash;
      if (scores[i] < 0) {
        resp.error = "engine failed";
        resp.error_kind = "engine_error";
        ASSERT_TRUE(store_->PutResult(id, resp, {}).ok());
        continue;
      }
      resp.answer = "x";
      ASSERT_TRUE(
          store_
              ->PutResult(id, resp,
                          {{"relaxed_accuracy", scores[i], scores[i], 1, ""}})
              .ok());
    }
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  config::Config cfg_;
};

TEST_F(HealthTest, CountsAgeDiscriminationCoverageAndRanksRefresh) {
  // 100 days ago every item but c6 ran; c5 then had another reference.
  AddRun("old", -100, {1, 1, 1, 1, 1, 0}, "h5-before");
  AddRun("r1", -10, {1, 0, 1, 0, 1, 1});
  AddRun("r2", -5, {1, 0, 0, 1, -1, 1});
  AddRun("r3", -1, {1, 0, 1, 0});  // stopped before c4 and c5
  store::LabelRecord person;
  person.suite = "charts";
  person.item_id = "c1";
  person.content_hash = "h1";
  person.grader = "ana";
  person.created_ms = kNow - 2 * kDay;
  person.grade = "pass";
  ASSERT_TRUE(store_->PutLabel(person).ok());
  store::LabelRecord judged = person;
  judged.item_id = "c0";
  judged.content_hash = "h0";
  judged.grader = "judge:grader";  // a judge's grade dates no label
  ASSERT_TRUE(store_->PutLabel(judged).ok());

  auto r = Health(cfg_, store_.get(), {3, kNow, 20});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->runs, (std::vector<std::string>{"r3", "r2", "r1"}));
  EXPECT_EQ(r->items, 7);
  EXPECT_EQ(r->stale, 4);      // c0, c2, c3, c4: first run 100 days ago
  EXPECT_EQ(r->never_run, 1);  // c6
  EXPECT_EQ(r->all_pass, 2);   // c0, c5
  EXPECT_EQ(r->all_fail, 1);   // c1
  EXPECT_EQ(r->mixed, 2);      // c2, c3
  EXPECT_EQ(r->undecided, 2);  // c4 (one scored run, one error), c6
  ASSERT_EQ(r->below_min_n.size(), 1u);
  EXPECT_EQ(r->below_min_n[0].key, "kind");
  EXPECT_EQ(r->below_min_n[0].value, "line");
  EXPECT_EQ(r->below_min_n[0].n, 3);
  ASSERT_EQ(r->suites.size(), 1u);
  EXPECT_EQ(r->suites[0].strata, 3);
  EXPECT_EQ(r->suites[0].strata_below, 1);

  std::vector<std::pair<std::string, double>> order;
  for (const ItemHealth& h : r->refresh)
    order.emplace_back(h.item_id, h.priority);
  EXPECT_EQ(
      order,
      (std::vector<std::pair<std::string, double>>{
          {"c0", 4}, {"c2", 3}, {"c3", 3}, {"c4", 3}, {"c1", 2}, {"c5", 1}}));
  const ItemHealth& c1 = r->refresh[4];
  EXPECT_TRUE(c1.from_people);
  EXPECT_DOUBLE_EQ(*c1.age_days, 2);
  EXPECT_EQ(c1.discrimination, Discrimination::kAllFail);
  EXPECT_DOUBLE_EQ(*r->refresh.back().age_days, 10) << "c5's version: r1";

  nlohmann::json j = ToJson(*r);
  EXPECT_EQ(j["refresh"][0]["why"].size(), 2u);
  EXPECT_EQ(j["below_min_n"][0]["short_by"], 1);
  const std::string text = ToText(*r, 2);
  EXPECT_NE(text.find("refresh first (2 of 6)"), std::string::npos) << text;
  EXPECT_NE(text.find("4.00  charts c0: label 100 days old (cadence 30 "
                      "days); every one of 3 runs passes it"),
            std::string::npos)
      << text;

  // The picture's data: every item's age and discrimination, the refresh
  // list cut to the top K with its full length.
  nlohmann::json html = HtmlData(*r, 2);
  EXPECT_EQ(html["refresh"].size(), 2u);
  EXPECT_EQ(html["refresh_total"], 6);
  EXPECT_EQ(html["refresh"][1]["item"], "c2");
  ASSERT_EQ(html["ages"].size(), 7u);
  EXPECT_EQ(html["ages"][1],
            nlohmann::json::parse(R"(["charts", 2, "all_fail"])"));
  EXPECT_EQ(html["ages"][4][1], 100);
  EXPECT_EQ(html["ages"][6],
            nlohmann::json::parse(R"(["charts", null, "undecided"])"));
  EXPECT_EQ(html["cadence_days"], 30);
}

}  // namespace
}  // namespace mmgate::goldset
