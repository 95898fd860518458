// Store contract: labels, traces, stages and extra responses (schema 3).
#include "contract.h"

namespace mmgate::store::contract {
namespace {

template <typename B>
class TablesContract : public ContractTest<B> {};
TYPED_TEST_SUITE(TablesContract, Backends, BackendNames);

LabelRecord MakeLabel(const std::string& run, const std::string& item,
                      const std::string& grader, const std::string& grade) {
  LabelRecord l;
  l.run_id = run;
  l.suite = "charts";
  l.item_id = item;
  l.content_hash = "h" + item.substr(1);
  l.grader = grader;
  l.created_ms = 50;
  l.grade = grade;
  return l;
}

TYPED_TEST(TablesContract, LabelsKeepEveryGradeWithFailureModesInOrder) {
  Store* s = this->store_.get();
  LabelRecord first = MakeLabel("r", "c1", "ana", "fail");
  first.failure_modes = {"wrong_axis", "hallucinated_value", "format"};
  first.note = "read the right axis";
  auto id1 = s->PutLabel(first);
  ASSERT_TRUE(id1.ok()) << id1.status().message();
  auto id2 = s->PutLabel(MakeLabel("r", "c1", "ben", "pass"));
  ASSERT_TRUE(id2.ok());
  auto id3 = s->PutLabel(MakeLabel("", "c2", "ana", "pass"));
  ASSERT_TRUE(id3.ok());
  EXPECT_LT(*id1, *id2);
  EXPECT_LT(*id2, *id3);
  EXPECT_FALSE(s->PutLabel(MakeLabel("r", "c1", "", "pass")).ok())
      << "a label needs a grader";

  auto all = s->ListLabels({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  const LabelRecord& l = (*all)[0];
  EXPECT_EQ(l.label_id, *id1);
  EXPECT_EQ(l.run_id, "r");
  EXPECT_EQ(l.suite, "charts");
  EXPECT_EQ(l.item_id, "c1");
  EXPECT_EQ(l.content_hash, "h1");
  EXPECT_EQ(l.grader, "ana");
  EXPECT_EQ(l.created_ms, 50);
  EXPECT_EQ(l.grade, "fail");
  EXPECT_EQ(l.failure_modes, first.failure_modes);
  EXPECT_EQ(l.note, "read the right axis");
  EXPECT_TRUE((*all)[1].failure_modes.empty());
  EXPECT_EQ((*all)[2].run_id, "");

  auto by_ana = s->ListLabels({.grader = "ana"});
  ASSERT_TRUE(by_ana.ok());
  ASSERT_EQ(by_ana->size(), 2u);
  EXPECT_EQ((*by_ana)[0].failure_modes.size(), 3u);
  EXPECT_EQ((*by_ana)[1].item_id, "c2");
  EXPECT_EQ(s->ListLabels({.run_id = "r", .item_id = "c1"})->size(), 2u);
  EXPECT_EQ(s->ListLabels({.suite = "charts", .grader = "ben"})->size(), 1u);
  EXPECT_EQ(s->ListLabels({.suite = "speech"})->size(), 0u);
}

TraceRecord MakeTrace(const std::string& id, int64_t ms,
                      const std::string& category) {
  return TraceRecord{
      id,        ms,       "prod-7", "s3://traces/" + id, R"({"prompt":"hi"})",
      "approve", category, "",       "rh-" + id};
}

TYPED_TEST(TablesContract, TracesUpsertByIdAndFilterInOrder) {
  Store* s = this->store_.get();
  ASSERT_TRUE(s->PutTraces({MakeTrace("t3", 300, "refund"),
                            MakeTrace("t1", 100, "refund"),
                            MakeTrace("t2", 200, "chat")})
                  .ok());
  TraceRecord corrected = MakeTrace("t1", 100, "refund");
  corrected.outcome = "user_corrected";
  ASSERT_TRUE(s->PutTraces({corrected}).ok());
  TraceRecord bad = MakeTrace("t4", 400, "chat");
  bad.inputs_json = "{not json";
  EXPECT_FALSE(s->PutTraces({MakeTrace("t5", 500, "chat"), bad}).ok());
  EXPECT_FALSE(s->GetTrace("t5")->has_value()) << "a refused batch writes none";

  auto t1 = s->GetTrace("t1");
  ASSERT_TRUE(t1.ok());
  ASSERT_TRUE(t1->has_value());
  EXPECT_EQ((*t1)->created_ms, 100);
  EXPECT_EQ((*t1)->model_version, "prod-7");
  EXPECT_EQ((*t1)->inputs_ref, "s3://traces/t1");
  EXPECT_EQ((*t1)->inputs_json, R"({"prompt":"hi"})");
  EXPECT_EQ((*t1)->decision, "approve");
  EXPECT_EQ((*t1)->category, "refund");
  EXPECT_EQ((*t1)->outcome, "user_corrected");
  EXPECT_EQ((*t1)->request_hash, "rh-t1");
  EXPECT_FALSE(s->GetTrace("t9")->has_value());

  auto all = s->ListTraces({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].trace_id, "t1");
  EXPECT_EQ((*all)[1].trace_id, "t2");
  EXPECT_EQ((*all)[2].trace_id, "t3");
  auto refunds = s->ListTraces({.category = "refund"});
  ASSERT_EQ(refunds->size(), 2u);
  EXPECT_EQ((*refunds)[1].trace_id, "t3");
  auto window = s->ListTraces({.since_ms = 100, .until_ms = 300});
  ASSERT_EQ(window->size(), 2u) << "since inclusive, until exclusive";
  EXPECT_EQ((*window)[0].trace_id, "t1");
  EXPECT_EQ((*window)[1].trace_id, "t2");
}

StageRecord MakeStage(const std::string& item, const std::string& trace,
                      int64_t seq, const std::string& name) {
  StageRecord st;
  st.suite = item.empty() ? "" : "charts";
  st.item_id = item;
  st.trace_id = trace;
  st.seq = seq;
  st.stage = name;
  st.input_ref = "in-" + std::to_string(seq);
  st.output_ref = "out-" + std::to_string(seq);
  st.answer = name + " output";
  st.latency_ms = 10.0 * static_cast<double>(seq + 1);
  st.created_ms = 70 + seq;
  return st;
}

TYPED_TEST(TablesContract, StagesOfItemsAndTracesReplacePerSubject) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  StageRecord failed = MakeStage("c1", "", 2, "synthesize");
  failed.answer.reset();
  failed.error = "tts engine crashed";
  failed.error_kind = "engine_error";
  ASSERT_TRUE(s->PutStages("r", {MakeStage("c1", "", 0, "transcribe"),
                                 MakeStage("c1", "", 1, "reason"), failed,
                                 MakeStage("", "t1", 0, "transcribe")})
                  .ok());
  // c1 redone with two stages: its third one goes; the trace's stays.
  ASSERT_TRUE(s->PutStages("r", {MakeStage("c1", "", 0, "transcribe"),
                                 MakeStage("c1", "", 1, "reason")})
                  .ok());
  EXPECT_FALSE(s->PutStages("r", {MakeStage("", "", 0, "x")}).ok())
      << "a stage belongs to an item or a trace";
  EXPECT_FALSE(s->PutStages("r", {MakeStage("c1", "t1", 0, "x")}).ok());

  auto stages = s->LoadStages("r");
  ASSERT_TRUE(stages.ok()) << stages.status().message();
  ASSERT_EQ(stages->size(), 3u);
  EXPECT_EQ((*stages)[0].trace_id, "t1") << "suite '' sorts first";
  EXPECT_EQ((*stages)[0].suite, "");
  const StageRecord& reason = (*stages)[2];
  EXPECT_EQ(reason.suite, "charts");
  EXPECT_EQ(reason.item_id, "c1");
  EXPECT_EQ(reason.seq, 1);
  EXPECT_EQ(reason.stage, "reason");
  EXPECT_EQ(reason.input_ref, "in-1");
  EXPECT_EQ(reason.output_ref, "out-1");
  EXPECT_EQ(reason.answer.value(), "reason output");
  EXPECT_FALSE(reason.error.has_value());
  EXPECT_DOUBLE_EQ(reason.latency_ms, 20);
  EXPECT_EQ(reason.created_ms, 71);

  ASSERT_TRUE(s->PutStages("r", {failed}).ok());
  stages = s->LoadStages("r");
  ASSERT_EQ(stages->size(), 2u);
  EXPECT_EQ((*stages)[1].error.value(), "tts engine crashed");
  EXPECT_EQ((*stages)[1].error_kind, "engine_error");
  EXPECT_FALSE((*stages)[1].answer.has_value());
  EXPECT_TRUE(s->LoadStages("other")->empty());
}

ExtraResponseRecord MakeExtra(const std::string& item, ResponseKind kind,
                              int64_t seq, const std::string& answer) {
  ExtraResponseRecord r;
  r.suite = "charts";
  r.item_id = item;
  r.kind = kind;
  r.seq = seq;
  r.content_hash = "h" + item.substr(1);
  r.answer = answer;
  r.latency_ms = 5;
  r.model_version = kind == ResponseKind::kJudge ? "judge-1" : "m-1";
  r.input_tokens = 11;
  r.output_tokens = 3;
  r.cost_usd = 0.001;
  r.created_ms = 80 + seq;
  return r;
}

TYPED_TEST(TablesContract, ExtraResponsesReplacePerItemAndKind) {
  Store* s = this->store_.get();
  ASSERT_TRUE(AddChartsRun(s, "r").ok());
  ExtraResponseRecord graded = MakeExtra("c1", ResponseKind::kJudge, 0, "4");
  graded.value = 0.75;
  ExtraResponseRecord failed = MakeExtra("c2", ResponseKind::kRepeat, 0, "");
  failed.answer.reset();
  failed.error = "timeout";
  failed.error_kind = "timeout";
  ASSERT_TRUE(
      s->PutExtraResponses(
           "r", {MakeExtra("c1", ResponseKind::kRepeat, 0, "10"),
                 MakeExtra("c1", ResponseKind::kRepeat, 1, "11"),
                 MakeExtra("c1", ResponseKind::kRepeat, 2, "12"), failed,
                 graded, MakeExtra("c1", ResponseKind::kStage, 0, "text")})
          .ok());
  // c1's repeats redone twice: its third goes; c2's repeat and c1's judge
  // call stay.
  ASSERT_TRUE(s->PutExtraResponses(
                   "r", {MakeExtra("c1", ResponseKind::kRepeat, 0, "a"),
                         MakeExtra("c1", ResponseKind::kRepeat, 1, "b")})
                  .ok());
  EXPECT_FALSE(
      s->PutExtraResponses("r", {MakeExtra("c9", ResponseKind::kRepeat, 0, "")})
          .ok())
      << "the item must be in the run";

  auto repeats = s->LoadExtraResponses("r", ResponseKind::kRepeat);
  ASSERT_TRUE(repeats.ok()) << repeats.status().message();
  ASSERT_EQ(repeats->size(), 3u);
  EXPECT_EQ((*repeats)[0].item_id, "c1");
  EXPECT_EQ((*repeats)[0].answer.value(), "a");
  EXPECT_EQ((*repeats)[1].seq, 1);
  EXPECT_EQ((*repeats)[1].answer.value(), "b");
  const ExtraResponseRecord& c2 = (*repeats)[2];
  EXPECT_EQ(c2.item_id, "c2");
  EXPECT_EQ(c2.kind, ResponseKind::kRepeat);
  EXPECT_FALSE(c2.answer.has_value());
  EXPECT_EQ(c2.error.value(), "timeout");
  EXPECT_EQ(c2.error_kind, "timeout");
  EXPECT_FALSE(c2.value.has_value());

  auto judge = s->LoadExtraResponses("r", ResponseKind::kJudge);
  ASSERT_TRUE(judge.ok());
  ASSERT_EQ(judge->size(), 1u);
  const ExtraResponseRecord& j = (*judge)[0];
  EXPECT_EQ(j.kind, ResponseKind::kJudge);
  EXPECT_EQ(j.content_hash, "h1");
  EXPECT_EQ(j.answer.value(), "4");
  EXPECT_DOUBLE_EQ(j.latency_ms, 5);
  EXPECT_EQ(j.model_version, "judge-1");
  EXPECT_EQ(j.input_tokens, 11);
  EXPECT_EQ(j.output_tokens, 3);
  EXPECT_DOUBLE_EQ(j.cost_usd, 0.001);
  EXPECT_DOUBLE_EQ(j.value.value(), 0.75);
  EXPECT_EQ(j.created_ms, 80);
  EXPECT_EQ(s->LoadExtraResponses("r", ResponseKind::kStage)->size(), 1u);

  // The primary response is untouched by extras.
  auto results = s->LoadResults("r");
  ASSERT_TRUE(results.ok());
  EXPECT_FALSE((*results)[0].response.has_value());
}

TYPED_TEST(TablesContract, CalibrationsKeepEveryFigureAndUndefinedKappa) {
  Store* s = this->store_.get();
  CalibrationRecord c;
  c.judge = "grader";
  c.judge_version = "openai gpt cfg:1";
  c.rubric_hash = "abc";
  c.modality = "chart";
  c.n = 40;
  c.unscored = 2;
  c.kappa_kind = "quadratic";
  c.kappa = 0.75;
  c.kappa_lo = 0.61;
  c.kappa_hi = 0.86;
  c.detail_json = R"({"raw_agreement": 0.8})";
  c.labels_hash = "lh";
  c.created_ms = 7;
  auto id1 = s->PutCalibration(c);
  ASSERT_TRUE(id1.ok()) << id1.status().message();
  CalibrationRecord flat = c;
  flat.slice_key = "chart_type";
  flat.slice_value = "bar";
  flat.kappa.reset();
  flat.kappa_lo.reset();
  flat.kappa_hi.reset();
  ASSERT_TRUE(s->PutCalibration(flat).ok());
  CalibrationRecord other = c;
  other.judge = "rules";
  ASSERT_TRUE(s->PutCalibration(other).ok());
  EXPECT_FALSE(s->PutCalibration(CalibrationRecord{}).ok());

  auto mine = s->ListCalibrations("grader");
  ASSERT_TRUE(mine.ok()) << mine.status().message();
  ASSERT_EQ(mine->size(), 2u);
  const CalibrationRecord& a = (*mine)[0];
  EXPECT_EQ(a.calibration_id, *id1);
  EXPECT_EQ(a.judge_version, "openai gpt cfg:1");
  EXPECT_EQ(a.rubric_hash, "abc");
  EXPECT_EQ(a.n, 40);
  EXPECT_EQ(a.unscored, 2);
  EXPECT_EQ(a.kappa_kind, "quadratic");
  EXPECT_DOUBLE_EQ(*a.kappa_lo, 0.61);
  EXPECT_EQ(a.detail_json, R"({"raw_agreement": 0.8})");
  EXPECT_EQ((*mine)[1].slice_value, "bar");
  EXPECT_FALSE((*mine)[1].kappa.has_value());
  EXPECT_EQ(s->ListCalibrations("")->size(), 3u);
}

}  // namespace
}  // namespace mmgate::store::contract
