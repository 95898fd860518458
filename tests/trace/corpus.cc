#include "corpus.h"

#include <zstd.h>

namespace mmgate::trace::testing {

std::string Line(const std::string& id, const std::string& extra) {
  return R"({"id": ")" + id +
         R"(", "time": "2026-09-01T12:00:00Z", "model_version": "prod",)"
         R"( "category": "refund", "modality": "text", "prompt": "p )" +
         id + R"(", "decision": "approve", "confidence": 0.8)" + extra + "}";
}

std::string MalformedMix() {
  return Line("t1") + "\n" +                           // 1
         "\n" +                                        // 2 blank
         R"({"id": "t3", "time": )" + "\n" +           // 3 cut
         Line("t4") + " " + Line("t4b") + "\n" +       // 4 two objects
         "[1, 2]\n" +                                  // 5 not object
         Line("t6", R"(, "confidence2": 1)") + "\n" +  // 6 ok
         R"({"id": "t7", "time": "yesterday", "category": "x",)"
         R"( "decision": "d"})" +
         "\n" +                                                  // 7 bad time
         R"({"id": "t8", "time": 5, "decision": "d"})" + "\n" +  // 8
         Line("t9");  // 9, no newline at end
}

std::string AcrossBlocks() {
  std::string text;
  for (int i = 1; i <= 40000; ++i) {
    if (i == 30001)
      text += "{\"id\": \"bad\"\n";
    else
      text += Line("t" + std::to_string(i),
                   ", \"pad\": \"" + std::string(60, 'x') + "\"") +
              "\n";
  }
  return text;
}

std::string MediaMix() {
  return Line("a",
              R"(, "media": [{"type": "image", "path": "media/here.png"}])") +
         "\n" +
         Line("b",
              R"(, "media": [{"type": "image", "path": "media/gone.png"}])") +
         "\n" +
         Line("c", R"(, "media": [{"type": "image", "path": "../../etc/x"}])") +
         "\n" +
         Line("d", R"(, "media": [{"type": "image", "mime": "image/png",)"
                   R"( "base64": "cG5n"}])") +
         "\n" + Line("e", R"(, "media": [{"type": "image"}])") + "\n";
}

std::string Numbered(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += Line("z" + std::to_string(i)) + "\n";
  return text;
}

std::string RoundTrip() {
  return Line("r", R"(, "slices": {"region": "eu"},)"
                   R"( "ground_truth": "deny",)"
                   R"( "media": [{"type": "image", "path": "media/x.png"}])") +
         "\n";
}

std::string EdgeCases() {
  const std::vector<std::string> lines = {
      // Keys and values with escapes (read through simdjson's unescaper).
      R"({"\u0069d": "e\"1", "ti\u006de": "2026-09-01T12:00:00Z",)"
      R"( "category": "re\\fund", "decision": "appr\u00f6ve"})",
      R"({"id": "e2", "time": "2026-09-01T14:00:00.250+02:00", "category": "c",)"
      R"( "decision": "d", "model_version": "m\tv", "outcome": "o"})",
      "  " + Line("e3") + " \r",  // blanks and CRLF
      "\t",                       // a blank line of a tab
      R"({"id": "e4", "time": 1788264000000, "category": "c", "decision": ""})",
      R"({"id": "e5", "time": 1.5, "category": "c", "decision": "d"})",
      R"({"id": 5, "time": 1, "category": "c", "decision": "d"})",
      R"({"id": "e7", "time": 1, "category": ["c"], "decision": "d"})",
      R"({"id": "e8", "time": 1, "category": "c", "decision": "d",)"
      R"( "request_hash": "md5:x"})",
      R"({"id": "e9", "time": 1, "category": "c", "decision": "d",)"
      R"( "request_hash": "sha256:ab"})",
      R"({"id": "e10", "time": 1, "category": "c", "decision": "d",)"
      R"( "signals": {"thumbs_down": 1}})",
      R"({"id": "e11", "time": 1, "category": "c", "decision": "d",)"
      R"( "signals": {"retries": -1}})",
      R"({"id": "e12", "time": 1, "category": "c", "decision": "d",)"
      R"( "signals": {"thumbs_down": true, "rating": 4, "ticket_tag": "x",)"
      R"( "retries": 2, "other": {"a": [1, 2]}}})",
      R"({"id": "e13", "time": 1, "category": "c", "decision": "d",)"
      R"( "slices": {"region": 1}})",
      R"({"id": "e14", "time": 1, "category": "c", "decision": "d",)"
      R"( "slices": {"region": "eu", "tier": "gold"}, "modality": 3})",
      R"({"id": "e15", "time": 1, "category": "c", "decision": "d",)"
      R"( "confidence": "high"})",
      R"({"id": "e16", "time": 1, "category": "c", "decision": "d",)"
      R"( "media": [{"type": "audio", "path": "a.wav", "base64": "AA=="}]})",
      R"({"id": "e17", "time": 1, "category": "c", "decision": "d",)"
      R"( "media": {"type": "audio"}})",
      R"({"id": "e18", "time": 1, "category": "c", "decision": "d",)"
      R"( "nested": {"deep": [[[{"x": null}]]]}, "t": true, "f": false})",
      R"({"id": "e19", "time": 1, "category": "c", "decision": "d", "x": tru})",
      R"({"id": "e20", "time": "2026-02-30T25:00:00Z", "category": "c",)"
      R"( "decision": "d"})",
      R"({"id": "e21", "time": 1, "category": "c", "decision": "d"} )",
      R"({"id": "e22", "time": 1, "category": "c", "decision": "d"} 7)",
      R"({"id": "e23", "time": 1, "category": "c", "decision": "d",)"
      R"( "bad": "\x"})",
      R"({"id": "e24", "time": 1, "decision": "d", "category": "")"
      "\xff"
      R"("})",
      // Longer than the fast path's 8 MiB: the block goes line by line.
      Line("e25", R"(, "pad": ")" + std::string(9 << 20, 'p') + "\""),
      Line("e26"),
  };
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

std::string Zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(
      ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3));
  return out;
}

std::vector<CorpusFile> Corpus() {
  std::string cut = Zstd(Numbered(20000));
  cut.resize(cut.size() / 2);
  return {{"mix.jsonl", MalformedMix()},
          {"big.jsonl", AcrossBlocks()},
          {"m.jsonl", MediaMix()},
          {"z.jsonl.zst", Zstd(Numbered(1000))},
          {"cut.jsonl.zst", cut},
          {"r.jsonl", RoundTrip()},
          {"edge.jsonl", EdgeCases()},
          {"edge.jsonl.zst", Zstd(EdgeCases() + AcrossBlocks())}};
}

}  // namespace mmgate::trace::testing
