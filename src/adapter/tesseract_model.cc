// provider: tesseract — OCR through libtesseract, plus the prompt rules of
// ocr_rules.cc for questions about documents, tables and charts.
#include <fmt/format.h>
#include <leptonica/allheaders.h>
#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "adapter/bar_pixels.h"
#include "adapter/engines.h"
#include "adapter/ocr_page.h"
#include "adapter/params.h"
#include "media/image.h"

namespace mmgate::adapter {
namespace {

using media::PixPtr;

enum class Binarize { kNone, kOtsu, kSauvola };

struct TessConfig {
  int psm = 3;
  std::string lang = "eng";
  double scale = 1.0;
  Binarize binarize = Binarize::kNone;
  std::string binarize_name = "none";
  bool deskew = false;
  int dpi = 0;  // 0: the image's own resolution, or Tesseract's estimate
  std::map<std::string, std::string> vars;

  nlohmann::json Canonical() const {
    return {{"psm", psm},       {"lang", lang},
            {"scale", scale},   {"binarize", binarize_name},
            {"deskew", deskew}, {"dpi", dpi},
            {"vars", vars}};
  }
};

Result<TessConfig> ParseConfig(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(CheckKeys(
      spec, {"psm", "lang", "scale", "binarize", "deskew", "dpi", "vars"}));
  TessConfig c;
  const std::string label = ModelLabel(spec);
  Result<int> psm = GetInt(spec, "psm", c.psm);
  if (!psm.ok()) return psm.status();
  // 0 only detects orientation and 2 only segments: neither reads text.
  if (*psm < 1 || *psm > 13 || *psm == 2) {
    return Status::Invalid(fmt::format(
        "{}: key 'psm' must be 1 or 3..13 (a page segmentation mode that "
        "recognises text), got {}",
        label, *psm));
  }
  c.psm = *psm;
  Result<std::string> lang = GetString(spec, "lang", c.lang);
  if (!lang.ok()) return lang.status();
  c.lang = *lang;
  Result<double> scale = GetNumber(spec, "scale", c.scale);
  if (!scale.ok()) return scale.status();
  if (*scale <= 0 || *scale > 8) {
    return Status::Invalid(fmt::format(
        "{}: key 'scale' must be in (0, 8], got {}", label, *scale));
  }
  c.scale = *scale;
  Result<std::string> bin = GetString(spec, "binarize", c.binarize_name);
  if (!bin.ok()) return bin.status();
  static const std::map<std::string, Binarize> kBinarize = {
      {"none", Binarize::kNone},
      {"otsu", Binarize::kOtsu},
      {"sauvola", Binarize::kSauvola}};
  auto it = kBinarize.find(*bin);
  if (it == kBinarize.end()) {
    return Status::Invalid(fmt::format(
        "{}: key 'binarize' must be none, otsu or sauvola, got '{}'", label,
        *bin));
  }
  c.binarize = it->second;
  c.binarize_name = *bin;
  Result<bool> deskew = GetBool(spec, "deskew", c.deskew);
  if (!deskew.ok()) return deskew.status();
  c.deskew = *deskew;
  Result<int> dpi = GetInt(spec, "dpi", c.dpi);
  if (!dpi.ok()) return dpi.status();
  if (*dpi < 0 || *dpi > 2400) {
    return Status::Invalid(
        fmt::format("{}: key 'dpi' must be in 0..2400, got {}", label, *dpi));
  }
  c.dpi = *dpi;
  if (auto v = spec.params.find("vars"); v != spec.params.end()) {
    if (!v->is_object()) {
      return Status::Invalid(label +
                             ": key 'vars' must be a map of "
                             "Tesseract variables");
    }
    for (const auto& [name, value] : v->items()) {
      Result<std::string> text = ScalarText(value);
      if (!text.ok()) {
        return Status::Invalid(fmt::format("{}: vars.{}: {}", label, name,
                                           text.status().message()));
      }
      c.vars[name] = *text;
    }
  }
  return c;
}

// The page as seen by both the engine and the pixel probe, so word boxes
// and pixels share coordinates.
struct Prepared {
  PixPtr color;  // 32 bpp RGB, scaled and deskewed
  PixPtr ocr;    // what Tesseract reads: `color` or its binarisation
};

Result<Prepared> Preprocess(Pix* source, const TessConfig& c,
                            const std::string& path) {
  PixPtr opaque(pixRemoveAlpha(source));
  PixPtr color(opaque ? pixConvertTo32(opaque.get()) : nullptr);
  if (color && c.scale != 1.0) {
    color.reset(pixScale(color.get(), c.scale, c.scale));
  }
  if (color && c.deskew) {
    color.reset(pixFindSkewAndDeskew(color.get(), 0, nullptr, nullptr));
  }
  if (!color) return Status::Corrupt(path + ": cannot convert image to RGB");
  Prepared p;
  if (c.binarize == Binarize::kNone) {
    p.ocr.reset(pixClone(color.get()));
  } else {
    PixPtr gray(pixConvertTo8(color.get(), 0));
    Pix* binary = nullptr;
    if (c.binarize == Binarize::kOtsu) {
      // One tile as large as the page: a global Otsu threshold.
      pixOtsuAdaptiveThreshold(gray.get(), pixGetWidth(gray.get()),
                               pixGetHeight(gray.get()), 0, 0, 0.1, nullptr,
                               &binary);
    } else {
      pixSauvolaBinarize(gray.get(), 15, 0.35, 1, nullptr, nullptr, nullptr,
                         &binary);
    }
    if (binary == nullptr) {
      return Status::EngineError(path + ": binarisation failed");
    }
    p.ocr.reset(binary);
  }
  p.color = std::move(color);
  return p;
}

std::string CleanText(const char* raw) {
  std::istringstream in(raw ? raw : "");
  std::string line, out;
  while (std::getline(in, line)) {
    size_t end = line.find_last_not_of(" \t\r\f\v");
    if (end == std::string::npos) continue;
    if (!out.empty()) out += '\n';
    out += line.substr(0, end + 1);
  }
  return out;
}

class TesseractModel final : public Model {
 public:
  TesseractModel(TessConfig config, std::unique_ptr<tesseract::TessBaseAPI> api)
      : config_(std::move(config)),
        api_(std::move(api)),
        version_(fmt::format("tesseract {} cfg:{}",
                             tesseract::TessBaseAPI::Version(),
                             ConfigHash(config_.Canonical()))) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    // mmgate owns the parallelism: one engine per worker (runner/). Tesseract
    // asks OpenMP for a team of up to four threads for every text line
    // (`num_threads` clauses, which omp_set_num_threads cannot lower), so N
    // workers ran N teams on the same cores: on 2 cores the demo's documents
    // took 85 s with -j 1 and 39 s with -j 2, against 14 s and 8 s with one
    // thread per engine, same answers (issue 15). No active parallel level
    // makes every region run on the calling thread. The setting belongs to
    // this thread, and a worker may be a thread we did not start, so it is
    // made on every call (a store of one integer).
    omp_set_max_active_levels(0);
    Result<const MediaRef*> image = FirstMedium(request, "image");
    if (!image.ok()) return image.status();
    const std::string& path = (*image)->abs_path;
    Result<PixPtr> pix = media::ReadImage(path);
    if (!pix.ok()) return pix.status().WithContext("item " + request.item_id);
    Result<Prepared> prepared = Preprocess(pix->get(), config_, path);
    if (!prepared.ok()) {
      return prepared.status().WithContext("item " + request.item_id);
    }
    Result<OcrPage> page = Recognize(*prepared);
    api_->Clear();
    if (!page.ok()) return page.status().WithContext("item " + request.item_id);

    ModelResponse response;
    if (AsksForText(request.prompt)) {
      response.answer = page->text;
      return response;
    }
    Pix* color = prepared->color.get();
    BarTopFinder finder = [color](int x, int half_width, int y_bottom) {
      return FindBarTop(color, x, half_width, y_bottom);
    };
    std::optional<std::string> ruled = AnswerByRules(
        QuestionLine(request.prompt), request.modality, *page, finder);
    response.answer = ruled ? *ruled : page->text;
    if (ruled && AsksForEvidence(request.prompt))
      response.answer = WithEvidence(*ruled, *page);
    return response;
  }

 private:
  Result<OcrPage> Recognize(const Prepared& prepared) {
    OcrPage page;
    api_->SetImage(prepared.ocr.get());
    if (api_->Recognize(nullptr) != 0) {
      return Status::EngineError("tesseract recognition failed");
    }
    std::unique_ptr<char[]> text(api_->GetUTF8Text());
    page.text = CleanText(text.get());
    std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
    if (!it) return page;
    int line = -1;
    do {
      if (it->Empty(tesseract::RIL_WORD)) continue;
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) || line < 0) ++line;
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      Box box;
      it->BoundingBox(tesseract::RIL_WORD, &box.x0, &box.y0, &box.x1, &box.y1);
      if (word && word[0] != '\0')
        page.words.push_back({word.get(), box, line});
    } while (it->Next(tesseract::RIL_WORD));
    return page;
  }

  TessConfig config_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreateTesseractModel(const ModelSpec& spec) {
  Result<TessConfig> config = ParseConfig(spec);
  if (!config.ok()) return config.status();
  std::vector<std::string> names, values;
  // Tesseract's own diagnostics would otherwise land on stderr in the
  // middle of a run's progress output.
  names.push_back("debug_file");
  values.push_back("/dev/null");
  for (const auto& [name, value] : config->vars) {
    names.push_back(name);
    values.push_back(value);
  }
  if (config->dpi > 0) {
    names.push_back("user_defined_dpi");
    values.push_back(std::to_string(config->dpi));
  }

  auto api = std::make_unique<tesseract::TessBaseAPI>();
  {
    // Init writes process-wide parameters (debug_file among them).
    static std::mutex init_mu;
    std::lock_guard<std::mutex> lock(init_mu);
    if (api->Init(nullptr, config->lang.c_str(), tesseract::OEM_DEFAULT,
                  nullptr, 0, &names, &values, false) != 0) {
      return Status::Invalid(fmt::format(
          "{}: tesseract cannot load language '{}' (is its traineddata "
          "installed?)",
          ModelLabel(spec), config->lang));
    }
  }
  for (const auto& [name, value] : config->vars) {
    std::string current;
    if (!api->GetVariableAsString(name.c_str(), &current)) {
      return Status::Invalid(
          fmt::format("{}: vars: '{}' is not a Tesseract variable",
                      ModelLabel(spec), name));
    }
  }
  api->SetPageSegMode(static_cast<tesseract::PageSegMode>(config->psm));
  return std::unique_ptr<Model>(
      new TesseractModel(std::move(*config), std::move(api)));
}

}  // namespace mmgate::adapter
