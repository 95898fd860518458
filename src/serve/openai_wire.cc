#include "serve/openai_wire.h"

#include <fmt/format.h>

#include <cctype>
#include <set>
#include <string_view>

#include "common/base64.h"
#include "common/json_input.h"

namespace mmgate::serve {
namespace {

using nlohmann::json;

Status Bad(const std::string& where, const std::string& what) {
  return Status::Invalid(where + ": " + what);
}

// "data:image/png;base64,...." -> the image and its file suffix.
Result<Medium> ParseImageUrl(const std::string& url, const std::string& where) {
  static const std::map<std::string, std::string, std::less<>> kSuffix = {
      {"image/png", ".png"},   {"image/jpeg", ".jpg"}, {"image/jpg", ".jpg"},
      {"image/webp", ".webp"}, {"image/gif", ".gif"},  {"image/tiff", ".tif"},
      {"image/bmp", ".bmp"}};
  if (!url.starts_with("data:")) {
    return Bad(where,
               "only base64 data URLs (data:image/png;base64,...) are "
               "accepted; this server fetches no URLs");
  }
  size_t comma = url.find(',');
  if (comma == std::string::npos) return Bad(where, "data URL has no ','");
  std::string_view header(url.data() + 5, comma - 5);
  if (!header.ends_with(";base64")) {
    return Bad(where, "data URL must be base64-encoded (';base64,')");
  }
  std::string mime(header.substr(0, header.size() - 7));
  for (char& c : mime) c = static_cast<char>(std::tolower(c));
  auto it = kSuffix.find(mime);
  if (it == kSuffix.end()) {
    return Bad(where, fmt::format("unsupported image type '{}' (png, jpeg, "
                                  "webp, gif, tiff, bmp)",
                                  mime));
  }
  Result<std::string> bytes =
      Base64Decode(std::string_view(url).substr(comma + 1));
  if (!bytes.ok()) return Bad(where, bytes.status().message());
  if (bytes->empty()) return Bad(where, "image data is empty");
  return Medium{"image", std::move(*bytes), it->second};
}

Result<Medium> ParseInputAudio(const json& audio, const std::string& where) {
  static const std::set<std::string, std::less<>> kFormats = {"wav", "mp3",
                                                              "flac"};
  if (!audio.is_object()) return Bad(where, "must be an object");
  auto data = audio.find("data");
  auto format = audio.find("format");
  if (data == audio.end() || !data->is_string()) {
    return Bad(where + ".data", "must be a base64 string");
  }
  if (format == audio.end() || !format->is_string() ||
      !kFormats.contains(format->get<std::string>())) {
    return Bad(where + ".format", "must be one of wav, mp3, flac");
  }
  Result<std::string> bytes = Base64Decode(data->get<std::string>());
  if (!bytes.ok()) return Bad(where + ".data", bytes.status().message());
  if (bytes->empty()) return Bad(where + ".data", "audio data is empty");
  return Medium{"audio", std::move(*bytes), "." + format->get<std::string>()};
}

// The text and media of one message's content (a string or a part array).
Status ParseContent(const json& content, const std::string& where,
                    std::string* text, std::vector<Medium>* media) {
  if (content.is_string()) {
    *text = content.get<std::string>();
    return Status::Ok();
  }
  if (content.is_null()) return Status::Ok();
  if (!content.is_array()) {
    return Bad(where, "must be a string or an array of content parts");
  }
  for (size_t i = 0; i < content.size(); ++i) {
    const json& part = content[i];
    const std::string at = fmt::format("{}[{}]", where, i);
    if (!part.is_object() || !part.contains("type") ||
        !part["type"].is_string()) {
      return Bad(at, "a content part needs a string 'type'");
    }
    const std::string type = part["type"].get<std::string>();
    if (type == "text") {
      if (!part.contains("text") || !part["text"].is_string()) {
        return Bad(at + ".text", "must be a string");
      }
      if (!text->empty()) *text += "\n";
      *text += part["text"].get<std::string>();
    } else if (type == "image_url") {
      const json* url = nullptr;
      if (part.contains("image_url")) {
        const json& image = part["image_url"];
        url =
            image.is_object() && image.contains("url") ? &image["url"] : &image;
      }
      if (!url || !url->is_string()) {
        return Bad(at + ".image_url.url", "must be a string");
      }
      Result<Medium> m =
          ParseImageUrl(url->get<std::string>(), at + ".image_url.url");
      if (!m.ok()) return m.status();
      media->push_back(std::move(*m));
    } else if (type == "input_audio") {
      Result<Medium> m = ParseInputAudio(part.value("input_audio", json()),
                                         at + ".input_audio");
      if (!m.ok()) return m.status();
      media->push_back(std::move(*m));
    } else {
      return Bad(at + ".type", fmt::format("unsupported content part '{}' "
                                           "(text, image_url, input_audio)",
                                           type));
    }
  }
  return Status::Ok();
}

std::string ModalityOf(const std::vector<Medium>& media) {
  for (const Medium& m : media) {
    if (m.type == "audio") return "audio";
  }
  return media.empty() ? "text" : "image";
}

int64_t Words(const std::string& text) {
  int64_t n = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    bool space = std::isspace(c) != 0;
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

json UsageJson(const Usage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.prompt_tokens + u.completion_tokens}};
}

json ChunkJson(const CompletionMeta& meta, json choices, bool include_usage) {
  json chunk = {{"id", meta.id},
                {"object", "chat.completion.chunk"},
                {"created", meta.created},
                {"model", meta.model},
                {"system_fingerprint", meta.fingerprint},
                {"choices", std::move(choices)}};
  if (include_usage) chunk["usage"] = nullptr;
  return chunk;
}

std::string Event(const json& data) { return "data: " + data.dump() + "\n\n"; }

}  // namespace

Result<ChatRequest> ParseChatRequest(const std::string& body) {
  auto parsed = ParseJsonInput(body);
  if (!parsed.ok()) {
    return Status::Invalid("request body is not valid JSON: " +
                           parsed.status().message());
  }
  json j = std::move(*parsed);
  if (!j.is_object()) return Status::Invalid("request body must be an object");
  ChatRequest out;
  if (!j.contains("model") || !j["model"].is_string() ||
      j["model"].get<std::string>().empty()) {
    return Bad("model", "a model name is required");
  }
  out.query.model = j["model"].get<std::string>();
  if (!j.contains("messages") || !j["messages"].is_array() ||
      j["messages"].empty()) {
    return Bad("messages", "a non-empty array of messages is required");
  }
  static const std::set<std::string, std::less<>> kRoles = {
      "system", "developer", "user", "assistant", "tool", "function"};
  const json& messages = j["messages"];
  int last_user = -1;
  for (size_t i = 0; i < messages.size(); ++i) {
    const json& m = messages[i];
    const std::string at = fmt::format("messages[{}]", i);
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() ||
        !kRoles.contains(m["role"].get<std::string>())) {
      return Bad(at + ".role",
                 "must be one of system, developer, user, "
                 "assistant, tool");
    }
    if (m["role"] == "user") last_user = static_cast<int>(i);
  }
  if (last_user < 0) return Bad("messages", "there is no user message");
  MMGATE_RETURN_IF_ERROR(
      ParseContent(messages[last_user].value("content", json()),
                   fmt::format("messages[{}].content", last_user),
                   &out.query.prompt, &out.query.media));
  if (auto n = j.find("n"); n != j.end() && !n->is_null() && *n != 1) {
    return Bad("n", "only n = 1 is supported: local engines give one answer");
  }
  if (auto s = j.find("stream"); s != j.end() && !s->is_null()) {
    if (!s->is_boolean()) return Bad("stream", "must be a boolean");
    out.stream = s->get<bool>();
  }
  if (auto o = j.find("stream_options"); o != j.end() && o->is_object()) {
    out.include_usage = o->value("include_usage", false);
  }
  out.query.modality = ModalityOf(out.query.media);
  if (auto meta = j.find("metadata"); meta != j.end() && meta->is_object()) {
    if (auto m = meta->find("modality"); m != meta->end()) {
      if (!m->is_string() || m->get<std::string>().empty()) {
        return Bad("metadata.modality", "must be a non-empty string");
      }
      out.query.modality = m->get<std::string>();
    }
  }
  return out;
}

Result<TranscriptionRequest> ParseTranscriptionRequest(
    const std::multimap<std::string, FormPart>& form) {
  TranscriptionRequest out;
  out.query.modality = "audio";
  auto field = [&](const std::string& name) -> const FormPart* {
    auto it = form.find(name);
    return it == form.end() ? nullptr : &it->second;
  };
  const FormPart* model = field("model");
  if (!model || model->content.empty()) {
    return Bad("model", "a model name is required");
  }
  out.query.model = model->content;
  const FormPart* file = field("file");
  if (!file || file->content.empty()) {
    return Bad("file", "an audio file is required");
  }
  size_t dot = file->filename.rfind('.');
  std::string ext =
      dot == std::string::npos ? "" : file->filename.substr(dot + 1);
  bool plain = !ext.empty() && ext.size() <= 5;
  for (char& c : ext) {
    plain = plain && std::isalnum(static_cast<unsigned char>(c));
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!plain) {
    return Bad("file", fmt::format("the file name '{}' needs an extension "
                                   "naming its format (.wav, .flac, .mp3)",
                                   file->filename));
  }
  out.query.media.push_back({"audio", file->content, "." + ext});
  if (const FormPart* prompt = field("prompt")) {
    out.query.prompt = prompt->content;
  }
  if (const FormPart* format = field("response_format")) {
    if (format->content == "text") {
      out.text_format = true;
    } else if (format->content != "json") {
      return Bad(
          "response_format",
          fmt::format("'{}' is not supported (json, text)", format->content));
    }
  }
  return out;
}

Usage UsageFor(const Query& query, const ModelResponse& response) {
  return {
      response.input_tokens >= 0 ? response.input_tokens : Words(query.prompt),
      response.output_tokens >= 0 ? response.output_tokens
                                  : Words(response.answer)};
}

json ChatCompletionJson(const CompletionMeta& meta, const std::string& answer,
                        const Usage& usage) {
  return {{"id", meta.id},
          {"object", "chat.completion"},
          {"created", meta.created},
          {"model", meta.model},
          {"system_fingerprint", meta.fingerprint},
          {"choices", json::array({{{"index", 0},
                                    {"message",
                                     {{"role", "assistant"},
                                      {"content", answer},
                                      {"refusal", nullptr}}},
                                    {"logprobs", nullptr},
                                    {"finish_reason", "stop"}}})},
          {"usage", UsageJson(usage)}};
}

std::vector<std::string> ChatCompletionEvents(const CompletionMeta& meta,
                                              const std::string& answer,
                                              const Usage& usage,
                                              bool include_usage) {
  auto choice = [](json delta, json finish) {
    return json::array({{{"index", 0},
                         {"delta", std::move(delta)},
                         {"logprobs", nullptr},
                         {"finish_reason", std::move(finish)}}});
  };
  std::vector<std::string> events;
  events.push_back(Event(
      ChunkJson(meta, choice({{"role", "assistant"}, {"content", ""}}, nullptr),
                include_usage)));
  // A word with the spaces before the next one: the pieces join back to the
  // exact answer.
  size_t start = 0;
  while (start < answer.size()) {
    size_t end = answer.find_first_of(" \t\n", start);
    end = end == std::string::npos ? answer.size()
                                   : answer.find_first_not_of(" \t\n", end);
    if (end == std::string::npos) end = answer.size();
    events.push_back(Event(ChunkJson(
        meta, choice({{"content", answer.substr(start, end - start)}}, nullptr),
        include_usage)));
    start = end;
  }
  events.push_back(
      Event(ChunkJson(meta, choice(json::object(), "stop"), include_usage)));
  if (include_usage) {
    json last = ChunkJson(meta, json::array(), false);
    last["usage"] = UsageJson(usage);
    events.push_back(Event(last));
  }
  events.push_back("data: [DONE]\n\n");
  return events;
}

json ModelJson(const std::string& name, int64_t created) {
  return {{"id", name},
          {"object", "model"},
          {"created", created},
          {"owned_by", "mmgate"}};
}

json ModelsJson(const std::vector<std::string>& names, int64_t created) {
  json data = json::array();
  for (const std::string& n : names) data.push_back(ModelJson(n, created));
  return {{"object", "list"}, {"data", std::move(data)}};
}

std::pair<int, json> ErrorResponse(const Status& status) {
  int http = 500;
  std::string type = "server_error";
  json code = nullptr;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kCorrupt:
      http = 400;
      type = "invalid_request_error";
      break;
    case StatusCode::kNotFound:
      http = 404;
      type = "invalid_request_error";
      code = "model_not_found";
      break;
    default:
      break;
  }
  return {http,
          {{"error",
            {{"message", status.message()},
             {"type", type},
             {"param", nullptr},
             {"code", code}}}}};
}

Status UnknownModel(const std::string& model) {
  return Status::NotFound(fmt::format(
      "The model '{}' does not exist or is not served here (GET /v1/models "
      "lists the models)",
      model));
}

}  // namespace mmgate::serve
