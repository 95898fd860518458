// libFuzzer target: the project config loader (config/config.h) on the input
// as mmgate.yaml, in a scratch folder that also holds a small suite file and
// dataset the input may name (suites/s.yaml, data/items.jsonl).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"

namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

const std::string& Folder() {
  static const std::string* dir = [] {
    char tmpl[] = "/tmp/mmgate-fuzz-config.XXXXXX";
    const char* made = mkdtemp(tmpl);
    auto* d = new std::string(made ? made : "/tmp");
    std::filesystem::create_directories(*d + "/suites");
    std::filesystem::create_directories(*d + "/data");
    Write(*d + "/suites/s.yaml",
          "name: s\nmodality: text\ndataset: ../data/items.jsonl\n"
          "metric: exact\n");
    Write(*d + "/data/items.jsonl",
          "{\"id\": \"a\", \"modality\": \"text\", \"prompt\": \"Say a\", "
          "\"reference\": \"a\"}\n");
    return d;
  }();
  return *dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = Folder() + "/mmgate.yaml";
  Write(path, std::string(reinterpret_cast<const char*>(data), size));
  mmgate::dataset::LoadOptions opt;
  opt.read_items = size % 2 == 0;
  (void)mmgate::config::Load(path, opt);
  return 0;
}
