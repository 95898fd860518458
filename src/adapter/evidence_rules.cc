#include "adapter/evidence_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "adapter/ocr_page.h"

namespace mmgate::adapter {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '\'') {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

int WordDistance(const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1),
                         prev[j] + 1, cur[j - 1] + 1});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// 1 for the same text, 0 for nothing in common: characters of the
// normalized text for images, words for audio (1 - WER, floored at 0).
double Similarity(bool audio, const std::string& answer,
                  const std::string& ref) {
  if (audio) {
    auto a = Words(answer), r = Words(ref);
    if (r.empty()) return a.empty() ? 1 : 0;
    return std::max(0.0, 1 - static_cast<double>(WordDistance(a, r)) /
                                 static_cast<double>(r.size()));
  }
  std::string a = Normalize(answer), r = Normalize(ref);
  size_t len = std::max(a.size(), r.size());
  if (len == 0) return 1;
  return 1 - static_cast<double>(EditDistance(a, r)) / static_cast<double>(len);
}

std::string Digits(const std::string& s) {
  std::string d;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c))) d += c;
  return d;
}

// Lowercase with runs of blanks as one space: what a format slip changes.
std::string Collapsed(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Abstains(const std::string& answer) {
  const std::string a = Collapsed(answer);
  for (const char* p : {"cannot determine", "can't determine", "unanswerable",
                        "not shown", "not visible", "i don't know"})
    if (a.find(p) != std::string::npos) return true;
  return Normalize(answer).empty();
}

bool InReading(bool audio, const std::string& answer,
               const std::string& reading) {
  if (audio) {
    auto a = Words(answer), r = Words(reading);
    if (a.empty() || a.size() > r.size()) return false;
    return std::search(r.begin(), r.end(), a.begin(), a.end()) != r.end();
  }
  const std::string a = Normalize(answer);
  return a.size() >= 2 && Normalize(reading).find(a) != std::string::npos;
}

int Negations(const std::string& text) {
  int n = 0;
  for (const std::string& w : Words(text))
    n += w == "not" || w == "no" || w == "never" || w.ends_with("n't");
  return n;
}

// The first of `names` the rubric lists, appended once.
void Name(const EvidenceCase& c, std::initializer_list<const char*> names,
          std::vector<std::string>* out) {
  for (const char* n : names) {
    if (std::find(c.failure_modes.begin(), c.failure_modes.end(), n) ==
        c.failure_modes.end())
      continue;
    if (std::find(out->begin(), out->end(), n) == out->end()) out->push_back(n);
    return;
  }
}

struct Facts {
  bool abstains = false, in_reading = false, format_only = false;
  bool digits_differ = false, dropped = false;
  double sim = 0;
  size_t best = 0;  // the closest reference
};

Facts Gather(const EvidenceCase& c) {
  Facts f;
  f.abstains = Abstains(c.answer);
  f.in_reading = !f.abstains && InReading(c.audio, c.answer, c.reading);
  for (size_t i = 0; i < c.references.size(); ++i) {
    double s = Similarity(c.audio, c.answer, c.references[i]);
    if (i == 0 || s > f.sim) f.sim = s, f.best = i;
  }
  if (c.references.empty() || f.abstains) return f;
  const std::string& ref = c.references[f.best];
  f.format_only = f.sim == 1 && Collapsed(c.answer) != Collapsed(ref);
  f.digits_differ = Digits(c.answer) != Digits(ref);
  const std::string na = Normalize(c.answer), nr = Normalize(ref);
  f.dropped = na.size() < nr.size() && nr.find(na) != std::string::npos;
  return f;
}

double Quality(const EvidenceCase& c, const Facts& f) {
  if (f.abstains) return 0;
  if (c.references.empty()) return f.in_reading ? 0.75 : 0;
  if (f.sim == 1) return f.format_only ? 0.75 : 1;
  if (f.sim >= 0.85 && !f.digits_differ) return 0.75;
  if (f.sim >= 0.6) return 0.5;
  return f.sim >= 0.3 ? 0.25 : 0;
}

std::vector<std::string> Modes(const EvidenceCase& c, const Facts& f,
                               double q) {
  std::vector<std::string> m;
  if (q == 1 || f.format_only) return m;
  if (f.abstains) {
    Name(c, {"missed_field", "missing_text", "dropped_rows", "deletion"}, &m);
    return m;
  }
  if (c.audio) {
    const std::string ref = c.references.empty() ? "" : c.references[f.best];
    if (f.digits_differ) Name(c, {"wrong_number"}, &m);
    if (Negations(c.answer) != Negations(ref))
      Name(c, {"dropped_negation"}, &m);
    Name(c, {"misheard_load_bearing", "substitution"}, &m);
    return m;
  }
  if (f.dropped) {
    Name(c, {"dropped_text", "dropped_rows", "dropped_line", "lost_structure"},
         &m);
  } else if (f.sim >= 0.6) {
    if (c.modality == "chart" && f.digits_differ)
      Name(c, {"chart_misread", "misread_number"}, &m);
    Name(c,
         {"ocr_drift", "misread_value", "misread_characters", "misread_cell"},
         &m);
  } else if (f.in_reading) {
    Name(c, {"wrong_field", "spatial_error", "wrong_cell", "wrong_bar"}, &m);
  } else {
    Name(c, {"hallucinated_value", "hallucinated_header", "hallucination"}, &m);
  }
  return m;
}

std::string Rationale(const EvidenceCase& c, const Facts& f) {
  const char* engine = c.audio ? "PocketSphinx transcript of the audio"
                               : "Tesseract reading of the image";
  std::string out;
  if (f.abstains) {
    out = "The answer gives no value.";
  } else if (c.references.empty()) {
    out = "The item has no reference.";
  } else if (f.sim == 1) {
    out = f.format_only ? "The answer matches the reference up to format."
                        : "The answer matches the reference.";
  } else {
    out = fmt::format(
        "The answer is {:.0f}% similar to the closest reference{}{}.",
        100 * f.sim, f.digits_differ ? "; its digits differ" : "",
        f.dropped ? "; it is a part of it" : "");
  }
  out += fmt::format(" The {} {} it.", engine,
                     f.in_reading ? "contains" : "does not contain");
  return out;
}

}  // namespace

EvidenceVerdict GradeByEvidence(const EvidenceCase& c) {
  EvidenceVerdict v;
  const Facts f = Gather(c);
  v.quality = Quality(c, f);
  const size_t n = c.grades.size();
  size_t index = 0;
  if (n == 2) {
    index = v.quality >= 0.75 ? 1 : 0;
  } else if (n > 2) {
    index = static_cast<size_t>(
        std::floor(v.quality * static_cast<double>(n - 1) + 0.5));
  }
  if (n > 0) v.grade = c.grades[std::min(index, n - 1)];
  v.failure_modes = Modes(c, f, v.quality);
  v.rationale = Rationale(c, f);
  return v;
}

std::string VerdictJson(const EvidenceVerdict& v) {
  nlohmann::json grade = v.grade;
  // A numeric grade name is sent as a number, as an LLM judge would.
  if (!v.grade.empty() &&
      std::all_of(v.grade.begin(), v.grade.end(),
                  [](unsigned char ch) { return std::isdigit(ch); }) &&
      v.grade.size() < 10 && (v.grade.size() == 1 || v.grade[0] != '0'))
    grade = std::stoi(v.grade);
  return nlohmann::json{{"grade", grade},
                        {"failure_modes", v.failure_modes},
                        {"rationale", v.rationale}}
      .dump();
}

}  // namespace mmgate::adapter
