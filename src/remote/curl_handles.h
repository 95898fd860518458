// Owners of libcurl's handles (easy, multi, header list): every handle the
// remote box creates is held by one of these from the moment it exists, so no
// path (an early return, a failed init) leaks or double-frees one.
#ifndef MMGATE_REMOTE_CURL_HANDLES_H_
#define MMGATE_REMOTE_CURL_HANDLES_H_

#include <curl/curl.h>

#include <memory>

namespace mmgate::remote {

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// An easy handle must be removed from its multi handle before it is
// destroyed; a header list must outlive the easy handle that sends it.
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Appends a copy of `line`; false (the list unchanged) when out of memory.
inline bool Append(CurlSlist* list, const char* line) {
  curl_slist* head = curl_slist_append(list->get(), line);
  if (!head) return false;
  (void)list->release();  // `head` now owns the old nodes
  list->reset(head);
  return true;
}

}  // namespace mmgate::remote

#endif  // MMGATE_REMOTE_CURL_HANDLES_H_
