// provider: pocketsphinx — speech to text through libpocketsphinx's
// 5prealpha API (cmd_ln_t configuration, ps_decoder_t decoding).
#include <fmt/format.h>
#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "media/audio.h"

#ifndef MMGATE_POCKETSPHINX_VERSION
#define MMGATE_POCKETSPHINX_VERSION "unknown"
#endif

namespace mmgate::adapter {
namespace {

constexpr char kModelDir[] = "/usr/share/pocketsphinx/model/en-us/";

struct CmdLnDeleter {
  void operator()(cmd_ln_t* c) const { cmd_ln_free_r(c); }
};
using CmdLnPtr = std::unique_ptr<cmd_ln_t, CmdLnDeleter>;

struct DecoderDeleter {
  void operator()(ps_decoder_t* d) const { ps_free(d); }
};
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

// The last error sphinxbase reported on this thread; its logger is
// process-wide, so messages go to a thread-local slot rather than stderr.
thread_local std::string last_error;

void CaptureLog(void*, err_lvl_t level, const char* fmt, ...) {
  if (level < ERR_WARN) return;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  last_error = buf;
  while (!last_error.empty() && last_error.back() == '\n') {
    last_error.pop_back();
  }
}

// Installed once, before any decoder exists. This replaces the "-logfn
// /dev/null" option: ps_init would reopen that process-wide log file for
// every decoder, racing with decoders logging on other threads. A null log
// file also stops ps_init printing its whole configuration.
void QuietLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    err_set_logfp(nullptr);
    err_set_callback(CaptureLog, nullptr);
  });
}

struct Option {
  const char* key;
  const char* flag;
  enum class Kind { kFloat, kInt, kBool } kind;
};

constexpr Option kOptions[] = {
    {"beam", "-beam", Option::Kind::kFloat},
    {"wbeam", "-wbeam", Option::Kind::kFloat},
    {"pbeam", "-pbeam", Option::Kind::kFloat},
    {"lw", "-lw", Option::Kind::kFloat},
    {"maxhmmpf", "-maxhmmpf", Option::Kind::kInt},
    {"fwdflat", "-fwdflat", Option::Kind::kBool},
    {"bestpath", "-bestpath", Option::Kind::kBool},
};

Result<std::string> ModelPath(const ModelSpec& spec, const std::string& key,
                              const std::string& fallback, bool directory) {
  Result<std::string> value = GetString(spec, key, fallback);
  if (!value.ok()) return value.status();
  std::filesystem::path p(*value);
  if (p.is_relative() && !spec.base_dir.empty()) p = spec.base_dir / p;
  std::error_code ec;
  bool ok = directory ? std::filesystem::is_directory(p, ec)
                      : std::filesystem::is_regular_file(p, ec);
  if (!ok) {
    return Status::Invalid(
        fmt::format("{}: key '{}': no such {} {}", ModelLabel(spec), key,
                    directory ? "directory" : "file", p.string()));
  }
  return p.string();
}

// PocketSphinx carries channel state from one utterance to the next (the
// stream's noise estimate and the live cepstral mean). Items are independent
// and reach workers in whatever order threads finish, so every answer starts
// from the decoder's initial state: otherwise the same item decodes
// differently from run to run.
class PocketSphinxModel final : public Model {
 public:
  PocketSphinxModel(DecoderPtr decoder, std::string version)
      : decoder_(std::move(decoder)), version_(std::move(version)) {
    cmn_t* cmn = ps_get_feat(decoder_.get())->cmn_struct;
    if (cmn != nullptr) {
      initial_cmn_.resize(cmn->veclen);
      cmn_live_get(cmn, initial_cmn_.data());
    }
  }

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    Result<const MediaRef*> medium = FirstMedium(request, "audio");
    if (!medium.ok()) return medium.status();
    Result<media::Audio> audio =
        media::ReadAudioMono((*medium)->abs_path, 16000);
    if (!audio.ok()) {
      return audio.status().WithContext("item " + request.item_id);
    }
    ps_decoder_t* ps = decoder_.get();
    ResetChannelState();
    const std::vector<int16_t>& s = audio->samples;
    // The whole utterance in one call (full_utt) lets cepstral mean
    // normalisation use all of it.
    if (ps_start_utt(ps) < 0 ||
        ps_process_raw(ps, s.data(), s.size(), FALSE, TRUE) < 0 ||
        ps_end_utt(ps) < 0) {
      return Status::EngineError(
          fmt::format("item {}: pocketsphinx failed to decode {}: {}",
                      request.item_id, (*medium)->abs_path, last_error));
    }
    int32 score = 0;
    const char* hyp = ps_get_hyp(ps, &score);
    ModelResponse response;
    response.answer = hyp ? hyp : "";
    return response;
  }

 private:
  void ResetChannelState() {
    ps_start_stream(decoder_.get());
    cmn_t* cmn = ps_get_feat(decoder_.get())->cmn_struct;
    if (cmn != nullptr && !initial_cmn_.empty()) {
      cmn_live_set(cmn, initial_cmn_.data());
    }
  }

  DecoderPtr decoder_;
  std::string version_;
  std::vector<mfcc_t> initial_cmn_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreatePocketSphinxModel(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(
      CheckKeys(spec, {"beam", "wbeam", "pbeam", "lw", "maxhmmpf", "fwdflat",
                       "bestpath", "hmm", "lm", "dict", "jsgf"}));
  const std::string dir = kModelDir;
  Result<std::string> hmm = ModelPath(spec, "hmm", dir + "en-us", true);
  if (!hmm.ok()) return hmm.status();
  // A JSGF grammar replaces the language model: the recogniser then hears
  // only the sentences the grammar allows (a verifier of known replies).
  const bool grammar = spec.params.contains("jsgf");
  Result<std::string> lm =
      grammar ? ModelPath(spec, "jsgf", "", false)
              : ModelPath(spec, "lm", dir + "en-us.lm.bin", false);
  if (!lm.ok()) return lm.status();
  Result<std::string> dict =
      ModelPath(spec, "dict", dir + "cmudict-en-us.dict", false);
  if (!dict.ok()) return dict.status();

  QuietLogging();
  CmdLnPtr config(cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm->c_str(),
                              grammar ? "-jsgf" : "-lm", lm->c_str(), "-dict",
                              dict->c_str(), nullptr));
  if (!config) {
    return Status::Invalid(fmt::format("{}: bad pocketsphinx configuration: {}",
                                       ModelLabel(spec), last_error));
  }
  for (const Option& o : kOptions) {
    if (!spec.params.contains(o.key)) continue;
    switch (o.kind) {
      case Option::Kind::kFloat: {
        Result<double> v = GetNumber(spec, o.key, 0);
        if (!v.ok()) return v.status();
        cmd_ln_set_float_r(config.get(), o.flag, *v);
        break;
      }
      case Option::Kind::kInt: {
        Result<int> v = GetInt(spec, o.key, 0);
        if (!v.ok()) return v.status();
        cmd_ln_set_int_r(config.get(), o.flag, *v);
        break;
      }
      case Option::Kind::kBool: {
        Result<bool> v = GetBool(spec, o.key, false);
        if (!v.ok()) return v.status();
        cmd_ln_set_boolean_r(config.get(), o.flag, *v);
        break;
      }
    }
  }
  for (const char* beam : {"-beam", "-wbeam", "-pbeam"}) {
    double v = cmd_ln_float_r(config.get(), beam);
    if (!(v > 0 && v <= 1)) {
      return Status::Invalid(
          fmt::format("{}: key '{}' is a probability beam in (0, 1], got {}",
                      ModelLabel(spec), beam + 1, v));
    }
  }
  // Histogram pruning (maxhmmpf != -1) divides by the beam's width in
  // 256 bins of 1024 log units; a beam wider than about 4.6e-12 makes that
  // width 0 and the decoder dies of SIGFPE on its first busy frame.
  if (cmd_ln_int_r(config.get(), "-maxhmmpf") != -1 &&
      cmd_ln_float_r(config.get(), "-beam") > 4e-12) {
    return Status::Invalid(fmt::format(
        "{}: key 'beam' must be at most 4e-12 unless maxhmmpf is -1 "
        "(pocketsphinx's histogram pruning cannot handle wider beams)",
        ModelLabel(spec)));
  }
  // The effective values, defaults included, so equal configurations hash
  // equally however they were written.
  nlohmann::json canonical = {
      {"hmm", *hmm}, {grammar ? "jsgf" : "lm", *lm}, {"dict", *dict}};
  for (const Option& o : kOptions) {
    switch (o.kind) {
      case Option::Kind::kFloat:
        canonical[o.key] = cmd_ln_float_r(config.get(), o.flag);
        break;
      case Option::Kind::kInt:
        canonical[o.key] = cmd_ln_int_r(config.get(), o.flag);
        break;
      case Option::Kind::kBool:
        canonical[o.key] = cmd_ln_boolean_r(config.get(), o.flag);
        break;
    }
  }
  DecoderPtr decoder;
  {
    // Loading is rare (once per worker) and touches the shared logger;
    // decoding afterwards runs in parallel.
    static std::mutex init_mu;
    std::lock_guard<std::mutex> lock(init_mu);
    decoder.reset(ps_init(config.get()));
  }
  if (!decoder) {
    return Status::Invalid(
        fmt::format("{}: pocketsphinx cannot load its "
                    "models: {}",
                    ModelLabel(spec), last_error));
  }
  std::string version =
      fmt::format("pocketsphinx {} cfg:{}", MMGATE_POCKETSPHINX_VERSION,
                  ConfigHash(canonical));
  return std::unique_ptr<Model>(
      new PocketSphinxModel(std::move(decoder), std::move(version)));
}

}  // namespace mmgate::adapter
