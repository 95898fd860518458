// libFuzzer target: a dataset's JSONL text through the item parser and
// validator (dataset/items.h), as LoadSuite calls it. Media paths resolve in
// an empty scratch folder, so no item's media exist.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "dataset/items.h"
#include "dataset/load.h"

namespace {

const std::string& Dataset() {
  static const std::string* path = [] {
    char dir[] = "/tmp/mmgate-fuzz-items.XXXXXX";
    const char* made = mkdtemp(dir);
    return new std::string(std::string(made ? made : "/tmp") + "/items.jsonl");
  }();
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mmgate::dataset::internal::ItemsContext;
  static const mmgate::dataset::LoadOptions opt;
  ItemsContext ctx;
  ctx.dataset_path = Dataset();
  ctx.suite_modality = "text";
  ctx.suite_metric = "exact";
  ctx.modalities = &mmgate::dataset::BuiltinModalities();
  ctx.opt = &opt;
  mmgate::Suite suite;
  mmgate::Sha256 version;
  (void)mmgate::dataset::internal::ParseItems(
      std::string_view(reinterpret_cast<const char*>(data), size), ctx, &suite,
      &version);
  return 0;
}
