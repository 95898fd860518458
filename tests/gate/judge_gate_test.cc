// The judge rule: a judge-scored suite is inconclusive without a calibration
// of its judge (same version and rubric) for its modality, or when the
// calibration's kappa interval falls below the policy's floor; with a good
// calibration it is gated like any other metric (a regression still blocks).
#include "gate/judge_gate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "synth.h"

namespace mmgate::gate {
namespace {

namespace fs = std::filesystem;
using testing::MakeRuns;
using testing::SynthItem;
using testing::SynthRuns;

SynthRuns JudgedRuns(double drop, const std::string& cand_version = "v1") {
  std::vector<SynthItem> items;
  for (int i = 0; i < 80; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    it.metric = "judge";
    it.base = (i % 5) / 4.0;
    it.cand = std::max(0.0, it.base - drop);
    items.push_back(it);
  }
  SynthRuns runs = MakeRuns(items);
  for (auto* run : {&runs.baseline, &runs.candidate}) {
    const std::string v = run == &runs.candidate ? cand_version : "v1";
    for (store::ItemResult& r : run->items)
      r.scores["judge"].detail =
          nlohmann::json{{"judge", "grader"}, {"judge_version", v}}.dump();
  }
  testing::SyncRows(&runs);
  return runs;
}

class JudgeGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("mmgate-judge-gate-" + std::to_string(::getpid()) + ".db");
    fs::remove(path_);
    auto s = store::OpenStore(path_.string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    policy_.judged_suites["charts"] = {"grader", "rubric-hash"};
  }
  void TearDown() override {
    store_.reset();
    fs::remove(path_);
  }

  void Calibrate(double lo, const std::string& modality = "charts",
                 const std::string& rubric = "rubric-hash") {
    store::CalibrationRecord c;
    c.judge = "grader";
    c.judge_version = "v1";
    c.rubric_hash = rubric;
    c.modality = modality;
    c.n = 120;
    c.kappa_kind = "quadratic";
    c.kappa = lo + 0.1;
    c.kappa_lo = lo;
    c.kappa_hi = lo + 0.2;
    ASSERT_TRUE(store_->PutCalibration(c).ok());
  }

  GateResult Gate(const SynthRuns& runs) {
    auto r = Evaluate(runs.baseline, runs.candidate, policy_, {});
    EXPECT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(ApplyJudgeRule(policy_, runs.baseline, runs.candidate,
                               store_.get(), &*r)
                    .ok());
    return *r;
  }

  static std::string Reasons(const GateResult& r) {
    std::string all;
    for (const std::string& s : r.suites.at(0).reasons) all += s + "\n";
    return all;
  }

  fs::path path_;
  std::unique_ptr<store::Store> store_;
  Policy policy_;
};

TEST_F(JudgeGateTest, NoCalibrationIsInconclusiveAndSaysWhy) {
  GateResult r = Gate(JudgedRuns(0));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_EQ(r.suites[0].verdict, Verdict::kInconclusive);
  EXPECT_NE(Reasons(r).find("has no score calibration for modality 'charts'"),
            std::string::npos)
      << Reasons(r);
  // A calibration of another modality or rubric does not count.
  Calibrate(0.9, "audio");
  Calibrate(0.9, "charts", "another-rubric");
  EXPECT_EQ(Gate(JudgedRuns(0)).verdict, Verdict::kInconclusive);
}

TEST_F(JudgeGateTest, KappaIntervalBelowTheFloorIsInconclusive) {
  Calibrate(0.45);
  GateResult r = Gate(JudgedRuns(0));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_NE(Reasons(r).find("lower bound must reach judge_kappa_floor 0.60"),
            std::string::npos)
      << Reasons(r);
  policy_.judge_kappa_floor = 0.4;
  EXPECT_EQ(Gate(JudgedRuns(0)).verdict, Verdict::kPass);
}

TEST_F(JudgeGateTest, GoodCalibrationGatesLikeAnyMetric) {
  Calibrate(0.72);
  GateResult same = Gate(JudgedRuns(0));
  EXPECT_EQ(same.verdict, Verdict::kPass);
  EXPECT_NE(Reasons(same).find("calibrated for 'charts'"), std::string::npos);
  GateResult worse = Gate(JudgedRuns(0.3));
  EXPECT_EQ(worse.verdict, Verdict::kBlock);
  auto plain = Evaluate(JudgedRuns(0.3).baseline, JudgedRuns(0.3).candidate,
                        policy_, {});
  EXPECT_EQ(worse.suites[0].total.ci_lo, plain->suites[0].total.ci_lo)
      << "the rule changes nothing of a trusted suite's statistics";
}

TEST_F(JudgeGateTest, UncalibratedBlockIsInconclusiveAndNotACause) {
  GateResult r = Gate(JudgedRuns(0.3));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_TRUE(r.causes.empty());
}

TEST_F(JudgeGateTest, DifferentJudgeVersionsAreNotComparable) {
  Calibrate(0.9);
  GateResult r = Gate(JudgedRuns(0, "v2"));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_NE(Reasons(r).find("different versions"), std::string::npos);
}

TEST_F(JudgeGateTest, UnscoredAnswersAreLeftOutAndCounted) {
  Calibrate(0.9);
  SynthRuns runs = JudgedRuns(0);
  runs.candidate.items[0].scores.clear();  // the judge gave no verdict
  runs.candidate.items[1].scores.clear();
  testing::SyncRows(&runs);
  GateResult r = Gate(runs);
  EXPECT_EQ(r.suites[0].total.n, 78);
  EXPECT_EQ(r.suites[0].total.candidate_errors, 0) << "never a failure";
  EXPECT_NE(Reasons(r).find("2 answers have no judge verdict"),
            std::string::npos)
      << Reasons(r);
}

// Pairwise suites: runs that hold answers only make the gate name the
// rescore that compares them; the rescored copies report wins, ties, losses
// and the position-bias rate, and the calibration rule still applies.
SynthRuns PairwiseRuns(bool compared) {
  std::vector<SynthItem> items;
  for (int i = 0; i < 40; ++i) {
    SynthItem it;
    it.suite = "charts";
    it.id = "c" + std::to_string(i);
    it.metric = "judge";
    // Candidate preferred on 20, tie on 12 (4 of them position flips),
    // baseline preferred on 8.
    it.cand = i < 20 ? 1.0 : i < 32 ? 0.5 : 0.0;
    it.base = 1.0 - it.cand;
    items.push_back(it);
  }
  SynthRuns runs = MakeRuns(items);
  for (auto* run : {&runs.baseline, &runs.candidate}) {
    const bool cand = run == &runs.candidate;
    for (size_t i = 0; i < run->items.size(); ++i) {
      nlohmann::json d = {{"judge", "grader"}, {"judge_version", "v1"}};
      if (compared) {
        d["role"] = cand ? "candidate" : "baseline";
        d["position_flip"] = i >= 20 && i < 24;
      }
      run->items[i].scores["judge"].detail = d.dump();
    }
  }
  testing::SyncRows(&runs);
  return runs;
}

TEST_F(JudgeGateTest, PairwiseRunsNotComparedNameTheRescore) {
  policy_.judged_suites["charts"].mode = "pairwise";
  SynthRuns runs = PairwiseRuns(false);
  GateResult r = Gate(runs);
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_NE(
      Reasons(r).find("run `mmgate rescore " + runs.candidate.run.run_id +
                      " --judge --against " + runs.baseline.run.run_id + "`"),
      std::string::npos)
      << Reasons(r);
}

TEST_F(JudgeGateTest, PairwiseCountsAndPositionBiasUnderTheCalibrationRule) {
  policy_.judged_suites["charts"].mode = "pairwise";
  GateResult uncalibrated = Gate(PairwiseRuns(true));
  EXPECT_EQ(uncalibrated.verdict, Verdict::kInconclusive);
  EXPECT_NE(Reasons(uncalibrated).find("has no pairwise calibration"),
            std::string::npos)
      << Reasons(uncalibrated);
  store::CalibrationRecord c;
  c.judge = "grader";
  c.judge_version = "v1";
  c.rubric_hash = "rubric-hash";
  c.modality = "charts";
  c.n = 90;
  c.kappa_kind = "pairwise-quadratic";
  c.kappa = 0.8;
  c.kappa_lo = 0.7;
  c.kappa_hi = 0.9;
  ASSERT_TRUE(store_->PutCalibration(c).ok());
  GateResult r = Gate(PairwiseRuns(true));
  EXPECT_NE(r.suites[0].verdict, Verdict::kInconclusive) << Reasons(r);
  EXPECT_NE(Reasons(r).find("candidate preferred on 20, tie on 12, baseline "
                            "preferred on 8 of 40 items"),
            std::string::npos)
      << Reasons(r);
  EXPECT_NE(Reasons(r).find("4 of 40 pairwise verdicts (10.0%) flipped"),
            std::string::npos);
  ASSERT_TRUE(r.suites[0].judge && r.suites[0].judge->pairwise);
  EXPECT_EQ(r.suites[0].judge->pairwise->wins, 20);
  EXPECT_EQ(r.suites[0].judge->pairwise->ties, 12);
  EXPECT_EQ(r.suites[0].judge->pairwise->losses, 8);
  EXPECT_EQ(r.suites[0].judge->pairwise->position_flips, 4);
}

}  // namespace
}  // namespace mmgate::gate
