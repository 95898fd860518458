// provider: rules-judge — a local, deterministic evidence judge. It is sent
// the same judge prompt an LLM judge is (judge/prompt.h), reads the rubric's
// grades and failure modes, the references and the answer(s) back from it,
// reads the item's media with a local engine (Tesseract for an image,
// PocketSphinx for audio) and replies in the judge's JSON verdict schema,
// graded by evidence_rules.h. Rules, not a language model.
#include <fmt/format.h>

#include <memory>

#include "adapter/engines.h"
#include "adapter/evidence_rules.h"
#include "adapter/params.h"
#include "common/files.h"
#include "common/hash.h"
#include "judge/prompt.h"

namespace mmgate::adapter {
namespace {

constexpr const char* kRulesVersion = "rules-judge 1";

// A sub-engine's spec from the judge's `ocr:` or `asr:` map.
Result<ModelSpec> SubSpec(const ModelSpec& spec, const std::string& key,
                          const std::string& provider) {
  ModelSpec sub;
  sub.name = spec.name + "." + key;
  sub.provider = provider;
  sub.base_dir = spec.base_dir;
  if (spec.params.contains(key)) {
    if (!spec.params[key].is_object())
      return Status::Invalid(
          fmt::format("{}: key '{}' must be a map of {} settings",
                      ModelLabel(spec), key, provider));
    sub.params = spec.params[key];
  }
  return sub;
}

class RulesJudge final : public Model {
 public:
  RulesJudge(std::unique_ptr<Model> ocr, std::unique_ptr<Model> asr,
             std::string version, std::shared_ptr<ModelShared> shared)
      : version_(std::move(version)),
        shared_(std::move(shared)),
        ocr_(std::move(ocr)),
        asr_(std::move(asr)) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    auto parts = judge::ParsePrompt(request.prompt);
    if (!parts.ok())
      return parts.status().WithContext(
          "item " + request.item_id + ": the rules judge reads judge prompts");
    EvidenceCase c;
    c.modality = request.modality;
    c.grades = parts->grades;
    c.failure_modes = parts->failure_modes;
    c.references = parts->references;
    auto reading = Read(request, &c.audio);
    if (!reading.ok()) return reading.status();
    c.reading = *reading;
    ModelResponse response;
    if (!parts->pairwise) {
      c.answer = parts->answers[0];
      response.answer = VerdictJson(GradeByEvidence(c));
      return response;
    }
    c.answer = parts->answers[0];
    EvidenceVerdict a = GradeByEvidence(c);
    c.answer = parts->answers[1];
    EvidenceVerdict b = GradeByEvidence(c);
    const char* winner =
        a.quality == b.quality ? "tie" : (a.quality > b.quality ? "A" : "B");
    response.answer =
        nlohmann::json{
            {"winner", winner},
            {"rationale", fmt::format("A: {} B: {}", a.rationale, b.rationale)}}
            .dump();
    return response;
  }

  std::string CacheKey(const ModelRequest& request) const override {
    Sha256 h;
    h.Feed("mmgate-cache-v1").Feed(version_).Feed(request.prompt);
    for (const MediaRef& m : request.media) {
      auto bytes = ReadFile(m.abs_path);
      h.Feed(m.type).Feed(bytes.ok() ? Sha256Hex(*bytes) : m.abs_path);
    }
    return h.HexDigest();
  }

 private:
  // The engine's reading of the item's first image, else its first audio
  // clip; "" for an item without media.
  Result<std::string> Read(const ModelRequest& request, bool* audio) {
    const MediaRef* medium = nullptr;
    for (const MediaRef& m : request.media)
      if (!medium && (m.type == "image" || m.type == "audio")) medium = &m;
    if (!medium) return std::string();
    *audio = medium->type == "audio";
    auto bytes = ReadFile(medium->abs_path);
    if (!bytes.ok())
      return bytes.status().WithContext("item " + request.item_id);
    Model* engine = *audio ? asr_.get() : ocr_.get();
    const std::string key = engine->Version() + " " + Sha256Hex(*bytes);
    if (auto kept = shared_->Recall(key)) return *kept;
    ModelRequest read{request.item_id,
                      request.modality,
                      "Read all the text in the image.",
                      {*medium}};
    auto answer = engine->Answer(read);
    if (!answer.ok())
      return answer.status().WithContext("the rules judge's reading");
    shared_->Remember(key, answer->answer);
    return answer->answer;
  }

  std::string version_;
  std::shared_ptr<ModelShared> shared_;
  std::unique_ptr<Model> ocr_, asr_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreateRulesJudgeModel(const ModelSpec& spec,
                                                     const ModelEnv& env) {
  MMGATE_RETURN_IF_ERROR(CheckKeys(spec, {"ocr", "asr"}));
  auto ocr = SubSpec(spec, "ocr", "tesseract");
  if (!ocr.ok()) return ocr.status();
  auto asr = SubSpec(spec, "asr", "pocketsphinx");
  if (!asr.ok()) return asr.status();
  // Both engines are made with the judge, so a bad `ocr:` or `asr:` setting
  // is a config error at once, and their versions enter the judge's.
  auto t = CreateTesseractModel(*ocr);
  if (!t.ok()) return t.status();
  auto p = CreatePocketSphinxModel(*asr);
  if (!p.ok()) return p.status();
  std::string version =
      fmt::format("{} ({}; {}) cfg:{}", kRulesVersion, (*t)->Version(),
                  (*p)->Version(), ConfigHash(spec.params));
  auto shared = env.shared ? env.shared : std::make_shared<ModelShared>();
  auto judge = std::make_unique<RulesJudge>(
      std::move(*t), std::move(*p), std::move(version), std::move(shared));
  return std::unique_ptr<Model>(std::move(judge));
}

}  // namespace mmgate::adapter
