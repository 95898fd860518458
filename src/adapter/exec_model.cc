// provider: exec — the DESIGN.md exec protocol: one process per request,
// one JSON object in on stdin, one JSON object out on stdout (with optional
// output media).
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "adapter/engines.h"
#include "adapter/params.h"
#include "adapter/subprocess.h"
#include "common/base64.h"
#include "common/files.h"
#include "common/redact.h"
#include "model/reply_json.h"
#include "remote/wire.h"

namespace mmgate::adapter {
namespace {

struct ExecConfig {
  std::vector<std::string> argv;  // program resolved against base_dir
  std::string program;            // basename, for Version()
  std::string cwd;
  double timeout_s = 60;
  std::map<std::string, std::string> env;
  nlohmann::json params = nlohmann::json::object();
};

Result<ExecConfig> ParseConfig(const ModelSpec& spec) {
  MMGATE_RETURN_IF_ERROR(
      CheckKeys(spec, {"command", "timeout_s", "env", "params"}));
  const std::string label = ModelLabel(spec);
  ExecConfig c;
  auto command = spec.params.find("command");
  if (command == spec.params.end()) {
    return Status::Invalid(label + ": key 'command' is required");
  }
  if (command->is_string()) {
    // A string is a shell command line, run as the user wrote it.
    const std::string& line = command->get_ref<const std::string&>();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      return Status::Invalid(label + ": key 'command' is empty");
    }
    c.argv = {"/bin/sh", "-c", line};
    std::string first = line.substr(line.find_first_not_of(" \t"));
    c.program = first.substr(0, first.find_first_of(" \t"));
  } else if (command->is_array() && !command->empty()) {
    for (const auto& part : *command) {
      if (!part.is_string()) {
        return Status::Invalid(label +
                               ": key 'command' must list strings, "
                               "got " +
                               part.dump());
      }
      c.argv.push_back(part.get<std::string>());
    }
    c.program = c.argv[0];
    std::filesystem::path program(c.argv[0]);
    // "./my-model" means beside mmgate.yaml; "python3" is found in PATH.
    if (program.is_relative() && c.argv[0].find('/') != std::string::npos &&
        !spec.base_dir.empty()) {
      c.argv[0] = (std::filesystem::path(spec.base_dir) / program)
                      .lexically_normal()
                      .string();
    }
  } else {
    return Status::Invalid(label +
                           ": key 'command' must be a list of "
                           "strings or a shell command string");
  }
  c.program = std::filesystem::path(c.program).filename().string();
  c.cwd = spec.base_dir;
  Result<double> timeout = GetNumber(spec, "timeout_s", c.timeout_s);
  if (!timeout.ok()) return timeout.status();
  if (*timeout <= 0 || *timeout > 86400) {
    return Status::Invalid(fmt::format(
        "{}: key 'timeout_s' must be in (0, 86400], got {}", label, *timeout));
  }
  c.timeout_s = *timeout;
  if (auto env = spec.params.find("env"); env != spec.params.end()) {
    if (!env->is_object()) {
      return Status::Invalid(label + ": key 'env' must be a map");
    }
    for (const auto& [k, v] : env->items()) {
      Result<std::string> text = ScalarText(v);
      if (!text.ok()) {
        return Status::Invalid(
            fmt::format("{}: env.{}: {}", label, k, text.status().message()));
      }
      c.env[k] = *text;
      // The command may echo it to stderr, which error messages quote.
      if (IsCredentialName(k)) RegisterSecret(*text);
    }
  }
  if (auto params = spec.params.find("params"); params != spec.params.end()) {
    if (!params->is_object()) {
      return Status::Invalid(label + ": key 'params' must be a map");
    }
    c.params = *params;
  }
  return c;
}

// One entry of the reply's optional "media" list: {"type", "path" or
// "base64", "mime_type" (optional)}. A relative path is taken from the
// command's working directory.
Result<MediaOutput> ReadMedium(const nlohmann::json& entry,
                               const std::string& cwd) {
  auto text = [&](const char* key) -> const std::string* {
    auto it = entry.find(key);
    return it != entry.end() && it->is_string()
               ? &it->get_ref<const std::string&>()
               : nullptr;
  };
  if (!entry.is_object())
    return Status::Corrupt("a media entry is not an object");
  const std::string* type = text("type");
  const std::string* path = text("path");
  const std::string* base64 = text("base64");
  if (!type || type->empty())
    return Status::Corrupt("a media entry has no string \"type\"");
  if (entry.contains("path") == entry.contains("base64") || (!path && !base64))
    return Status::Corrupt(
        "a media entry needs one string \"path\" or \"base64\"");
  MediaOutput out;
  out.type = *type;
  if (base64) {
    auto bytes = Base64Decode(*base64);
    if (!bytes.ok()) return bytes.status().WithContext(*type + " medium");
    out.bytes = std::move(*bytes);
  } else {
    std::filesystem::path file(*path);
    if (file.is_relative() && !cwd.empty()) file = cwd / file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      return Status::Corrupt(fmt::format("{} medium {} is not a regular file",
                                         *type, file.string()));
    if (std::filesystem::file_size(file, ec) > kMaxStdout || ec)
      return Status::Corrupt(fmt::format("{} medium {} is larger than {} MiB",
                                         *type, file.string(),
                                         kMaxStdout >> 20));
    auto bytes = ReadFile(file.string());
    if (!bytes.ok()) return bytes.status();
    out.bytes = std::move(*bytes);
  }
  if (entry.contains("mime_type")) {
    const std::string* mime = text("mime_type");
    if (!mime)
      return Status::Corrupt("a media entry's mime_type is not a string");
    out.mime_type = *mime;
  } else if (out.type == "audio" || out.type == "image") {
    out.mime_type = remote::MimeType(MediaRef{out.type, path ? *path : "", ""});
  } else {
    out.mime_type = "application/octet-stream";
  }
  return out;
}

// The reply object: "answer", optional "usage" and "media".
Result<ModelResponse> ReadReply(const nlohmann::json& reply,
                                const std::string& cwd) {
  auto answer = reply.find("answer");
  if (answer == reply.end() || !answer->is_string())
    return Status::Corrupt("reply has no string \"answer\"");
  ModelResponse response;
  response.answer = answer->get<std::string>();
  if (auto usage = reply.find("usage");
      usage != reply.end() && usage->is_object()) {
    for (auto [key, field] :
         {std::pair{"input_tokens", &response.input_tokens},
          std::pair{"output_tokens", &response.output_tokens}}) {
      auto v = usage->find(key);
      if (v != usage->end() && v->is_number_integer() &&
          v->get<int64_t>() >= 0) {
        *field = v->get<int64_t>();
      }
    }
  }
  if (auto media = reply.find("media"); media != reply.end()) {
    if (!media->is_array())
      return Status::Corrupt("reply's \"media\" is not a list");
    for (const nlohmann::json& entry : *media) {
      auto medium = ReadMedium(entry, cwd);
      if (!medium.ok()) return medium.status();
      response.media.push_back(std::move(*medium));
    }
  }
  return response;
}

// A reply of a shape the reader did not foresee makes the JSON library throw:
// that is this item's error, never an exception leaving Answer().
Result<ModelResponse> ReadFencedReply(const nlohmann::json& reply,
                                      const std::string& cwd) {
  try {
    return ReadReply(reply, cwd);
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt(
        fmt::format("reply has an unexpected shape ({})", e.what()));
  }
}

class ExecModel final : public Model {
 public:
  ExecModel(std::string name, ExecConfig config, std::string version)
      : name_(std::move(name)),
        config_(std::move(config)),
        version_(std::move(version)) {}

  std::string Version() const override { return version_; }

  Result<ModelResponse> Answer(const ModelRequest& request) override {
    nlohmann::json media = nlohmann::json::array();
    for (const MediaRef& m : request.media) {
      media.push_back({{"type", m.type}, {"path", m.abs_path}});
    }
    nlohmann::json params = config_.params;
    if (request.params.is_object()) params.update(request.params);
    nlohmann::json message = {{"id", request.item_id},
                              {"modality", request.modality},
                              {"prompt", request.prompt},
                              {"media", media},
                              {"params", params}};
    ProcessSpec spec;
    spec.argv = config_.argv;
    spec.env = config_.env;
    spec.cwd = config_.cwd;
    spec.input =
        message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    spec.timeout = std::chrono::milliseconds(
        static_cast<int64_t>(config_.timeout_s * 1000));
    const std::string where = fmt::format(
        "item {}: model {} ({})", request.item_id, name_, config_.program);
    Result<ProcessResult> run = RunProcess(spec);
    if (!run.ok())
      return Status::EngineError(where + ": " + run.status().message());
    auto fail = [&](const std::string& why) {
      return Status::EngineError(
          fmt::format("{}: {} ({}); stderr: \"{}\"", where, why,
                      DescribeEnd(*run, spec), Preview(run->err)));
    };
    if (run->timed_out || run->signal != 0 || run->exit_code != 0) {
      return fail("command failed");
    }
    nlohmann::json reply = ParseReplyJson(run->out);
    if (reply.is_discarded() || !reply.is_object()) {
      return fail(run->out.find_first_not_of(" \t\r\n") == std::string::npos
                      ? "empty stdout"
                      : "stdout is not one JSON object: \"" +
                            Preview(run->out, 120) + "\"");
    }
    Result<ModelResponse> response = ReadFencedReply(reply, config_.cwd);
    if (!response.ok()) return fail(response.status().message());
    return response;
  }

 private:
  std::string name_;
  ExecConfig config_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<Model>> CreateExecModel(const ModelSpec& spec) {
  Result<ExecConfig> config = ParseConfig(spec);
  if (!config.ok()) return config.status();
  // The command as written (not as resolved), so moving the project does
  // not change the model's version.
  nlohmann::json canonical = spec.params;
  canonical["timeout_s"] = config->timeout_s;
  std::string version =
      fmt::format("exec {} cfg:{}", config->program, ConfigHash(canonical));
  if (auto v = config->params.find("version");
      v != config->params.end() && v->is_string()) {
    version += " " + v->get<std::string>();
  }
  return std::unique_ptr<Model>(
      new ExecModel(spec.name, std::move(*config), std::move(version)));
}

}  // namespace mmgate::adapter
