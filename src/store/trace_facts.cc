#include "store/trace_facts.h"

#include <simdjson.h>

#include <cstring>

namespace mmgate::store {

namespace od = simdjson::ondemand;

struct TraceFactsReader::Impl {
  od::parser parser;
  std::string buffer;  // the input with simdjson's padding after it
  TraceFacts scratch;  // Read's fields, its storage reused
};

TraceFactsReader::TraceFactsReader() : impl_(std::make_unique<Impl>()) {}
TraceFactsReader::~TraceFactsReader() = default;

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

// One field of the inputs into r; false when the fast path does not apply.
bool ReadField(std::string_view k, od::field& field, TraceFacts& r) {
  std::string_view s;
  // A key given twice: the last wins, as in the slow path.
  if (k == "modality" || k == "ground_truth") {
    if (field.value().get_string().get(s) != simdjson::SUCCESS) return false;
    (k == "modality" ? r.modality : r.ground_truth).assign(s);
  } else if (k == "prompt") {
    if (field.value().get_string().get(s) != simdjson::SUCCESS) return false;
  } else if (k == "confidence") {
    if (field.value().get_double().get(r.confidence) != simdjson::SUCCESS)
      return false;
  } else if (k == "slices") {
    r.slices.clear();
    if (!ReadSlices(field.value(), &r.slices)) return false;
  } else if (k == "media") {
    if (!NoMedia(field.value())) return false;
  }
  return true;
}

}  // namespace

bool TraceFactsReader::Read(std::string_view inputs_json, TraceFacts* out) {
  std::string& buffer = impl_->buffer;
  if (buffer.size() < inputs_json.size() + simdjson::SIMDJSON_PADDING)
    buffer.resize(inputs_json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), inputs_json.data(), inputs_json.size());
  od::document doc;
  od::object obj;
  if (impl_->parser.iterate(buffer.data(), inputs_json.size(), buffer.size())
              .get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS)
    return false;
  TraceFacts& r = impl_->scratch;
  r.modality = "text";
  r.slices.clear();
  r.ground_truth.clear();
  r.confidence = -1;
  for (auto f : obj) {
    od::field field;
    std::string_view k;
    if (std::move(f).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(k) != simdjson::SUCCESS ||
        !ReadField(k, field, r))
      return false;
  }
  // Content after the object (a location left to read) is bad JSON.
  if (doc.current_location().error() == simdjson::SUCCESS) return false;
  std::swap(out->modality, r.modality);
  std::swap(out->slices, r.slices);
  std::swap(out->ground_truth, r.ground_truth);
  out->confidence = r.confidence;
  return true;
}

}  // namespace mmgate::store
