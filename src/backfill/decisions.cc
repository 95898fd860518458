#include "backfill/decisions.h"

#include <simdjson.h>

#include <cstring>

#include "store/trace_facts.h"

namespace mmgate::backfill {

namespace od = simdjson::ondemand;

struct DecisionReader::Impl {
  od::parser parser;
  std::string buffer;              // the input with simdjson's padding after it
  store::TraceFactsReader inputs;  // the trace's side (the store's reader)
  store::TraceFacts facts;         // its fields, their storage reused

  // The document of `json`, copied into the padded buffer.
  simdjson::simdjson_result<od::document> Iterate(std::string_view json) {
    if (buffer.size() < json.size() + simdjson::SIMDJSON_PADDING)
      buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(buffer.data(), json.data(), json.size());
    return parser.iterate(buffer.data(), json.size(), buffer.size());
  }
  // The document of `json` in place, its capacity grown for the padding.
  simdjson::simdjson_result<od::document> InPlace(std::string* json) {
    const size_t padded = json->size() + simdjson::SIMDJSON_PADDING;
    if (json->capacity() < padded) json->reserve(padded);
    return parser.iterate(json->data(), json->size(), json->capacity());
  }
};

DecisionReader::DecisionReader() : impl_(std::make_unique<Impl>()) {}
DecisionReader::~DecisionReader() = default;

namespace {

bool ReadAnswerOf(simdjson::simdjson_result<od::document> parsed,
                  std::string* decision, double* confidence) {
  od::document doc;
  od::object obj;
  if (std::move(parsed).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS)
    return false;
  bool have_decision = false;
  double conf = -1;
  std::string_view d;  // a view into the parser's buffer
  for (auto f : obj) {
    od::field field;
    std::string_view k;
    if (std::move(f).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(k) != simdjson::SUCCESS)
      return false;
    if (k == "decision") {
      if (field.value().get_string().get(d) != simdjson::SUCCESS) return false;
      have_decision = true;
    } else if (k == "confidence") {
      if (field.value().get_double().get(conf) != simdjson::SUCCESS)
        return false;
    }
  }
  if (!have_decision || doc.current_location().error() == simdjson::SUCCESS)
    return false;
  decision->assign(d);
  *confidence = conf;
  return true;
}

}  // namespace

bool DecisionReader::ReadInputs(std::string_view inputs_json, Replayed* x) {
  store::TraceFacts& f = impl_->facts;
  if (!impl_->inputs.Read(inputs_json, &f)) return false;
  x->modality.swap(f.modality);
  x->slices.swap(f.slices);
  x->ground_truth.swap(f.ground_truth);
  x->production_confidence = f.confidence;
  return true;
}

bool DecisionReader::ReadInputs(std::string* inputs_json, Replayed* x) {
  return ReadInputs(std::string_view(*inputs_json), x);
}

bool DecisionReader::ReadAnswer(std::string_view answer, std::string* decision,
                                double* confidence) {
  return ReadAnswerOf(impl_->Iterate(answer), decision, confidence);
}

bool DecisionReader::ReadAnswer(std::string* answer, std::string* decision,
                                double* confidence) {
  return ReadAnswerOf(impl_->InPlace(answer), decision, confidence);
}

}  // namespace mmgate::backfill
