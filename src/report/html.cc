#include "report/html.h"

#include <openssl/evp.h>

#include "common/base64.h"
#include "report/verdict.h"
#include "report/web_assets.h"

namespace mmgate::report {
namespace {

std::string Sha256Base64(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return Base64Encode(std::string_view(reinterpret_cast<char*>(digest), len));
}

}  // namespace

std::string JsonForScript(const nlohmann::json& data) {
  // Replacing the bytes is valid JSON: they can only occur inside strings.
  std::string text =
      data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

const std::string& ContentSecurityPolicy() {
  static const std::string csp =
      "default-src 'none'; script-src 'sha256-" +
      Sha256Base64(web::ChartLibrary()) + "' 'sha256-" +
      Sha256Base64(web::ReportScript()) +
      "'; style-src 'unsafe-inline'; img-src data:; media-src data:; "
      "form-action 'self'; base-uri 'none'";
  return csp;
}

std::string RenderPage(const nlohmann::json& data) {
  std::string title = data.value("title", std::string("mmgate"));
  std::string out;
  out.reserve(web::ChartLibrary().size() + 64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
         ContentSecurityPolicy() + "\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width\">\n<title>" +
         EscapeXml(title) + "</title>\n<style>";
  out += web::ReportStyle();
  out += "</style>\n</head><body>\n<div id=\"mmgate-root\"></div>\n";
  out += "<script type=\"application/json\" id=\"mmgate-data\">";
  out += JsonForScript(data);
  out += "</script>\n<script>";
  out += web::ChartLibrary();
  out += "</script>\n<script>";
  out += web::ReportScript();
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace mmgate::report
