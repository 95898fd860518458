#include "pipeline/otel.h"

#include <fmt/format.h>

#include "common/hash.h"

namespace mmgate::pipeline {
namespace {

using nlohmann::json;

constexpr int kSpanKindInternal = 1;  // models run in process
constexpr int kStatusOk = 1, kStatusError = 2;

json Attr(const std::string& key, const std::string& v) {
  return {{"key", key}, {"value", {{"stringValue", v}}}};
}
json Attr(const std::string& key, int64_t v) {
  // OTLP/JSON writes 64-bit integers as strings.
  return {{"key", key}, {"value", {{"intValue", std::to_string(v)}}}};
}
json Attr(const std::string& key, double v) {
  return {{"key", key}, {"value", {{"doubleValue", v}}}};
}
json Attr(const std::string& key, bool v) {
  return {{"key", key}, {"value", {{"boolValue", v}}}};
}

std::string Id(const std::string& seed, size_t hex) {
  return Sha256Hex(seed).substr(0, hex);
}

std::string Nanos(int64_t ms, double extra_ms = 0) {
  return std::to_string(ms * 1000000 + static_cast<int64_t>(extra_ms * 1e6));
}

std::string Operation(const std::string& kind) {
  if (kind == "asr") return "transcription";
  if (kind == "tts") return "speech";
  return "text_completion";
}

const Boundary* BoundaryOf(const ItemVerdict& v, const std::string& stage) {
  for (const Boundary& b : v.boundaries)
    if (b.unit == stage) return &b;
  return nullptr;
}

json StageSpan(const StoredRun& run, const StoredItem& it, size_t s,
               const std::string& trace, const std::string& parent) {
  const StageResult& r = it.verdict.stages[s];
  StoredRun::Stage meta{r.stage, "", "", ""};
  if (s < run.stages.size()) meta = run.stages[s];
  json attrs = json::array({Attr("gen_ai.operation.name", Operation(meta.kind)),
                            Attr("gen_ai.request.model", meta.model),
                            Attr("gen_ai.response.model", r.model_version),
                            Attr("gen_ai.system", meta.provider),
                            Attr("gen_ai.provider.name", meta.provider),
                            Attr("mmgate.stage", r.stage),
                            Attr("mmgate.stage.kind", meta.kind),
                            Attr("mmgate.stage.seq", static_cast<int64_t>(s)),
                            Attr("mmgate.input.ref", r.input_ref)});
  if (r.input_tokens >= 0)
    attrs.push_back(Attr("gen_ai.usage.input_tokens", r.input_tokens));
  if (r.output_tokens >= 0)
    attrs.push_back(Attr("gen_ai.usage.output_tokens", r.output_tokens));
  if (!r.output_ref.empty())
    attrs.push_back(Attr("mmgate.output.ref", r.output_ref));
  if (r.score) attrs.push_back(Attr("mmgate.boundary.score", *r.score));
  if (const Boundary* b = BoundaryOf(it.verdict, r.stage); b && b->checked) {
    attrs.push_back(Attr("mmgate.boundary.pass", b->pass));
    attrs.push_back(Attr("mmgate.boundary.detail", b->detail));
  }
  if (r.cost_usd > 0) attrs.push_back(Attr("mmgate.cost_usd", r.cost_usd));
  json status = {{"code", r.error ? kStatusError : kStatusOk}};
  if (r.error) {
    status["message"] = *r.error;
    attrs.push_back(Attr("error.type", r.error_kind));
  }
  return {{"traceId", trace},
          {"spanId", Id(trace + "/" + r.stage, 16)},
          {"parentSpanId", parent},
          {"name", fmt::format("{} {}", Operation(meta.kind), meta.model)},
          {"kind", kSpanKindInternal},
          {"startTimeUnixNano", Nanos(r.start_ms)},
          {"endTimeUnixNano", Nanos(r.start_ms, r.latency_ms)},
          {"attributes", attrs},
          {"status", status}};
}

}  // namespace

json OtlpTraces(const StoredRun& run) {
  json spans = json::array();
  for (const StoredItem& it : run.items) {
    const ItemVerdict& v = it.verdict;
    const std::string trace = Id(run.run.run_id + "\x1f" + it.item_id, 32);
    const std::string root = Id(trace + "/item", 16);
    int64_t start =
        v.stages.empty() ? run.run.created_ms : v.stages.front().start_ms;
    double total_ms = 0;
    for (const StageResult& r : v.stages) total_ms += r.latency_ms;
    json attrs = json::array(
        {Attr("mmgate.run", run.run.run_id), Attr("mmgate.suite", run.suite),
         Attr("mmgate.item", it.item_id), Attr("mmgate.pass", v.pass)});
    if (!v.pass) {
      attrs.push_back(Attr("mmgate.blame.first_failing", v.first_failing));
      attrs.push_back(Attr("mmgate.blame.substitution", v.blamed));
      attrs.push_back(Attr("mmgate.blame.agree", v.Agree()));
    }
    spans.push_back(
        {{"traceId", trace},
         {"spanId", root},
         {"name", fmt::format("pipeline {}", run.suite)},
         {"kind", kSpanKindInternal},
         {"startTimeUnixNano", Nanos(start)},
         {"endTimeUnixNano", Nanos(start, total_ms)},
         {"attributes", attrs},
         {"status", {{"code", v.pass ? kStatusOk : kStatusError}}}});
    if (!v.pass) spans.back()["status"]["message"] = "failed at " + v.blamed;
    for (size_t s = 0; s < v.stages.size(); ++s)
      spans.push_back(StageSpan(run, it, s, trace, root));
  }
  return {
      {"resourceSpans",
       json::array(
           {{{"resource",
              {{"attributes", json::array({Attr("service.name", "mmgate")})}}},
             {"scopeSpans",
              json::array({{{"scope", {{"name", "mmgate.pipeline"}}},
                            {"spans", spans}}})}}})}};
}

}  // namespace mmgate::pipeline
