#include "backfill/decisions.h"

#include <simdjson.h>

#include <cstring>

namespace mmgate::backfill {

namespace od = simdjson::ondemand;

struct DecisionReader::Impl {
  od::parser parser;
  std::string buffer;  // the input with simdjson's padding after it
  Replayed scratch;    // ReadInputs's fields, its storage reused

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

bool ReadSlices(od::value v,
                std::vector<std::pair<std::string, std::string>>* out) {
  od::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) return false;
  for (auto f : o) {
    od::field field;
    std::string_view k, s;
    if (std::move(f).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(k) != simdjson::SUCCESS ||
        field.value().get_string().get(s) != simdjson::SUCCESS)
      return false;
    out->emplace_back(std::string(k), std::string(s));
  }
  return true;
}

// An empty media array: any entry needs ParseInputs's checks.
bool NoMedia(od::value v) {
  od::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS) return false;
  bool empty = false;
  return a.is_empty().get(empty) == simdjson::SUCCESS && empty;
}

// Reads into r (the reader's scratch), then swaps its fields into x: no
// allocation per record once the storage has grown.
bool ReadInputsOf(simdjson::simdjson_result<od::document> parsed, Replayed& r,
                  Replayed* x) {
  od::document doc;
  od::object obj;
  if (std::move(parsed).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS)
    return false;
  r.modality = "text";
  r.slices.clear();
  r.ground_truth.clear();
  r.production_confidence = -1;
  std::string_view s;
  for (auto f : obj) {
    od::field field;
    std::string_view k;
    if (std::move(f).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(k) != simdjson::SUCCESS)
      return false;
    // A key given twice: the last wins, as in the slow path.
    if (k == "modality" || k == "ground_truth") {
      if (field.value().get_string().get(s) != simdjson::SUCCESS) return false;
      (k == "modality" ? r.modality : r.ground_truth).assign(s);
    } else if (k == "prompt") {
      if (field.value().get_string().get(s) != simdjson::SUCCESS) return false;
    } else if (k == "confidence") {
      if (field.value().get_double().get(r.production_confidence) !=
          simdjson::SUCCESS)
        return false;
    } else if (k == "slices") {
      r.slices.clear();
      if (!ReadSlices(field.value(), &r.slices)) return false;
    } else if (k == "media") {
      if (!NoMedia(field.value())) return false;
    }
  }
  // Content after the object (a location left to read) is bad JSON.
  if (doc.current_location().error() == simdjson::SUCCESS) return false;
  x->modality.swap(r.modality);
  x->slices.swap(r.slices);
  x->ground_truth.swap(r.ground_truth);
  x->production_confidence = r.production_confidence;
  return true;
}

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
  return ReadInputsOf(impl_->Iterate(inputs_json), impl_->scratch, x);
}

bool DecisionReader::ReadInputs(std::string* inputs_json, Replayed* x) {
  return ReadInputsOf(impl_->InPlace(inputs_json), impl_->scratch, x);
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
