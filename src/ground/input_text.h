// What an item's input itself says, for the grounding scorer: the OCR text
// of its image (Tesseract, page segmentation 3, in-process through the
// adapter's engine) or the transcript of its audio (PocketSphinx). Results
// are cached per media file hash (SHA-256 of the bytes), in memory and, when
// a folder is given, on disk, so rescoring and the second model's run do not
// recognise the same file again.
#ifndef MMGATE_GROUND_INPUT_TEXT_H_
#define MMGATE_GROUND_INPUT_TEXT_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "dataset/item.h"
#include "model/model.h"

namespace mmgate::ground {

class InputTextCache {
 public:
  // `cache_dir` empty: memory only.
  explicit InputTextCache(std::string cache_dir);
  ~InputTextCache();

  // The text of the item's media, joined by newlines in media order.
  // Thread-safe; recognition runs one file at a time.
  Result<std::string> TextOf(const Item& item);

  // Files recognised (not served from a cache) so far.
  int recognized() const { return recognized_; }

 private:
  Result<std::string> Recognize(const MediaRef& ref, const Item& item);

  std::string cache_dir_;
  std::mutex mu_;
  std::map<std::string, std::string> memory_;  // "<sha256>.<engine>" -> text
  std::unique_ptr<Model> ocr_;
  std::unique_ptr<Model> asr_;
  int recognized_ = 0;
};

}  // namespace mmgate::ground

#endif  // MMGATE_GROUND_INPUT_TEXT_H_
