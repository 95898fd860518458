// A stored pipeline run as OpenTelemetry traces in OTLP/JSON (the body an
// OTLP/HTTP collector takes at /v1/traces): one trace per item, a root span
// for the item's pass through the pipeline and one child span per stage,
// with the GenAI semantic conventions' attributes (gen_ai.operation.name,
// gen_ai.request.model, gen_ai.response.model, gen_ai.system and
// gen_ai.provider.name, gen_ai.usage.*_tokens) and mmgate.* attributes for
// the boundary check and blame. The conventions name no speech operations
// yet, so asr and tts stages use "transcription" and "speech" (the names of
// the OpenAI audio endpoints). Ids are derived from run, item and stage, so
// an export is reproducible. Pure function.
#ifndef MMGATE_PIPELINE_OTEL_H_
#define MMGATE_PIPELINE_OTEL_H_

#include <nlohmann/json.hpp>

#include "pipeline/run.h"

namespace mmgate::pipeline {

nlohmann::json OtlpTraces(const StoredRun& run);

}  // namespace mmgate::pipeline

#endif  // MMGATE_PIPELINE_OTEL_H_
