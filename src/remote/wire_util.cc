// Helpers every wire format shares: base64 media, MIME types, body previews.
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>

#include "common/files.h"
#include "common/redact.h"
#include "media/audio.h"
#include "model/reply_json.h"
#include "remote/wire.h"

namespace mmgate::remote {

namespace {

// Empty for an extension not in the table.
std::string MimeOfExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  static const std::pair<const char*, const char*> kTypes[] = {
      {".png", "image/png"},      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},    {".gif", "image/gif"},
      {".webp", "image/webp"},    {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},     {".flac", "audio/flac"},
      {".ogg", "audio/ogg"},      {".m4a", "audio/mp4"},
      {".pdf", "application/pdf"}};
  for (const auto& [e, mime] : kTypes)
    if (ext == e) return mime;
  return "";
}

}  // namespace

std::string MimeType(const MediaRef& medium) {
  std::string mime = MimeOfExtension(medium.path);
  if (!mime.empty()) return mime;
  return medium.type == "audio" ? "audio/wav" : "image/png";
}

Result<AudioPayload> AudioForWire(
    const MediaRef& medium, std::initializer_list<std::string_view> accepted) {
  std::string mime = MimeOfExtension(medium.path);
  if (!mime.empty() &&
      std::find(accepted.begin(), accepted.end(), mime) != accepted.end()) {
    auto bytes = ReadFile(medium.abs_path);
    if (!bytes.ok()) return bytes.status();
    return AudioPayload{mime, std::move(*bytes)};
  }
  auto audio = media::ReadAudioMono(medium.abs_path, media::kFileRate);
  if (!audio.ok()) return audio.status();
  return AudioPayload{"audio/wav", media::EncodeWav16(*audio)};
}

std::string Preview(std::string_view body) {
  constexpr size_t kMax = 160;
  size_t n = std::min(body.size(), kMax);
  // Do not cut a UTF-8 sequence: back up over continuation bytes.
  while (n > 0 && n < body.size() &&
         (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80)
    --n;
  std::string out;
  bool space = false;
  for (char c : body.substr(0, n)) {
    bool ws = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (ws) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (n < body.size()) out += "...";
  if (out.empty()) out = "(empty body)";
  return Redact(out);
}

std::string ApplyTemplate(const std::string& prompt_template,
                          const std::string& prompt) {
  std::string out = prompt_template;
  constexpr std::string_view kSlot = "{prompt}";
  for (size_t at = out.find(kSlot); at != std::string::npos;
       at = out.find(kSlot, at + prompt.size()))
    out.replace(at, kSlot.size(), prompt);
  return out;
}

Result<nlohmann::json> ParseJson(const std::string& body, const char* what) {
  auto j = ParseReplyJson(body);
  if (j.is_discarded() || !j.is_object())
    return Status::Corrupt(std::string("unparsable ") + what + ": " +
                           Preview(body));
  return j;
}

std::string Wire::ErrorMessage(const std::string& body) const {
  auto j = ParseReplyJson(body);
  if (!j.is_discarded() && j.is_object()) {
    auto e = j.find("error");
    if (e != j.end() && e->is_object()) {
      auto m = e->find("message");
      if (m != e->end() && m->is_string()) return Redact(m->get<std::string>());
    }
    if (e != j.end() && e->is_string()) return Redact(e->get<std::string>());
  }
  return Preview(body);
}

}  // namespace mmgate::remote
