#include "load/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>

#include "common/files.h"

namespace mmgate::load {
namespace {

constexpr double kNs = 1e9;

double Uniform(std::mt19937_64* rng) {
  return static_cast<double>((*rng)() >> 11) * 0x1.0p-53;
}

Result<double> Number(const ProfileSpec& spec, const std::string& key,
                      std::optional<double> fallback, double lowest) {
  auto it = spec.params.find(key);
  if (it == spec.params.end()) {
    if (fallback) return *fallback;
    return Status::Invalid(
        fmt::format("profile {} needs {}=NUMBER", spec.name, key));
  }
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v) || v < lowest) {
    return Status::Invalid(
        fmt::format("profile {}: {}={} is not a number >= {}", spec.name, key,
                    it->second, lowest));
  }
  return v;
}

Result<std::vector<double>> List(const ProfileSpec& spec,
                                 const std::string& key) {
  auto it = spec.params.find(key);
  if (it == spec.params.end())
    return Status::Invalid(
        fmt::format("profile {} needs {}=A/B/C", spec.name, key));
  std::vector<double> out;
  std::stringstream in(it->second);
  std::string part;
  while (std::getline(in, part, '/')) {
    char* end = nullptr;
    double v = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || !(v > 0) || !std::isfinite(v))
      return Status::Invalid(fmt::format("profile {}: {} has a bad value '{}'",
                                         spec.name, key, part));
    out.push_back(v);
  }
  if (out.empty())
    return Status::Invalid(
        fmt::format("profile {}: {} is empty", spec.name, key));
  return out;
}

Stage OpenStage(double rate, int64_t start, int64_t end) {
  Stage s;
  s.label = fmt::format("{:g} req/s", rate);
  s.offered_rate = rate;
  s.start_ns = start;
  s.end_ns = end;
  return s;
}

void Evenly(double rate, int64_t start, int64_t end, int stage,
            std::vector<Arrival>* out) {
  auto gap = static_cast<int64_t>(std::llround(kNs / rate));
  auto n = static_cast<int64_t>(std::floor((end - start) / kNs * rate + 1e-9));
  for (int64_t i = 0; i < n; ++i)
    out->push_back({start + static_cast<int64_t>(std::llround(i * kNs / rate)),
                    gap,
                    stage,
                    {}});
}

// Poisson arrivals conditioned on their count: sorted uniforms.
void PoissonArrivals(double rate, double seconds, std::mt19937_64* rng,
                     std::vector<Arrival>* out) {
  auto n = static_cast<int64_t>(std::llround(rate * seconds));
  std::vector<double> t(static_cast<size_t>(n));
  for (double& x : t) x = Uniform(rng) * seconds;
  std::sort(t.begin(), t.end());
  auto gap = static_cast<int64_t>(std::llround(kNs / rate));
  for (double x : t)
    out->push_back({static_cast<int64_t>(std::llround(x * kNs)), gap, 0, {}});
}

// Gamma gaps of the given shape, rescaled so n gaps span the duration.
void GammaArrivals(double rate, double shape, double seconds,
                   std::mt19937_64* rng, std::vector<Arrival>* out) {
  auto n = static_cast<int64_t>(std::llround(rate * seconds));
  std::gamma_distribution<double> gamma(shape, 1.0 / (rate * shape));
  std::vector<double> t;
  double now = 0;
  for (int64_t i = 0; i < n; ++i) {
    t.push_back(now);
    now += gamma(*rng);
  }
  double scale = now > 0 ? seconds / now : 1.0;
  auto gap = static_cast<int64_t>(std::llround(kNs / rate));
  for (double x : t)
    out->push_back(
        {static_cast<int64_t>(std::llround(x * scale * kNs)), gap, 0, {}});
}

// Rate rising linearly from a to b over d seconds: the i-th arrival is where
// the cumulative count a*t + (b-a)*t^2/(2d) reaches i.
void RampArrivals(double a, double b, double d, std::vector<Arrival>* out) {
  double total = (a + b) / 2 * d;
  for (int64_t i = 0; i < static_cast<int64_t>(std::floor(total)); ++i) {
    double k = (b - a) / (2 * d);
    double t = k == 0 ? i / a : (-a + std::sqrt(a * a + 4 * k * i)) / (2 * k);
    double rate = a + (b - a) * t / d;
    out->push_back({static_cast<int64_t>(std::llround(t * kNs)),
                    static_cast<int64_t>(std::llround(kNs / rate)),
                    0,
                    {}});
  }
}

Status Replay(const std::string& text, const std::string& path,
              std::vector<Arrival>* out) {
  std::stringstream in(text);
  std::string line;
  int number = 0;
  std::vector<Arrival> got;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    double t = 0;
    std::string item;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_number()) {
      t = j.get<double>();
    } else if (j.is_object() && j.contains("t") && j["t"].is_number()) {
      t = j["t"].get<double>();
      if (j.contains("item") && j["item"].is_string()) item = j["item"];
    } else {
      return Status::Invalid(fmt::format(
          "{}:{}: expected seconds or {{\"t\": seconds, \"item\": id}}", path,
          number));
    }
    if (!std::isfinite(t) || t < 0)
      return Status::Invalid(
          fmt::format("{}:{}: time {} is not >= 0", path, number, t));
    got.push_back({static_cast<int64_t>(std::llround(t * kNs)), 0, 0, item});
  }
  if (got.empty())
    return Status::Invalid(fmt::format("{}: no send times", path));
  std::stable_sort(
      got.begin(), got.end(),
      [](const Arrival& x, const Arrival& y) { return x.t_ns < y.t_ns; });
  int64_t first = got.front().t_ns;
  for (Arrival& a : got) a.t_ns -= first;
  // Late requests keep the trace's mean spacing.
  int64_t span = got.back().t_ns;
  int64_t gap =
      got.size() > 1 ? span / static_cast<int64_t>(got.size() - 1) : 0;
  for (Arrival& a : got) a.min_gap_ns = gap;
  *out = std::move(got);
  return Status::Ok();
}

// step (open stages at constant rates) and sweep (closed-loop stages).
Status Staged(const ProfileSpec& spec, double d, int64_t end, Schedule* out) {
  Schedule& s = *out;
  const std::string& n = spec.name;
  auto levels = List(spec, n == "step" ? "rates" : "levels");
  auto each = Number(spec, "each", d, 1e-3);
  if (!levels.ok()) return levels.status();
  if (!each.ok()) return each.status();
  int64_t start = 0;
  for (double v : *levels) {
    int64_t stop =
        std::min(end, start + static_cast<int64_t>(std::llround(*each * kNs)));
    if (stop <= start) break;
    int idx = static_cast<int>(s.stages.size());
    if (n == "step") {
      s.stages.push_back(OpenStage(v, start, stop));
      Evenly(v, start, stop, idx, &s.arrivals);
    } else {
      Stage st;
      st.concurrency = static_cast<int>(v);
      st.label = fmt::format("c={}", st.concurrency);
      st.start_ns = start;
      st.end_ns = stop;
      s.stages.push_back(st);
    }
    start = stop;
  }
  return Status::Ok();
}

Result<Schedule> Build(const ProfileSpec& spec, const ScheduleLimits& lim) {
  Schedule s;
  const double d = lim.duration_s;
  const auto end = static_cast<int64_t>(std::llround(d * kNs));
  std::mt19937_64 rng(lim.seed);
  const std::string& n = spec.name;
  if (n == "constant" || n == "poisson" || n == "sustained" || n == "gamma") {
    auto rate = Number(spec, "rate", std::nullopt, 1e-6);
    if (!rate.ok()) return rate.status();
    s.stages.push_back(OpenStage(*rate, 0, end));
    if (n == "constant") {
      Evenly(*rate, 0, end, 0, &s.arrivals);
    } else if (n == "gamma") {
      auto shape = Number(spec, "burstiness", 1.0, 1e-3);
      if (!shape.ok()) return shape.status();
      GammaArrivals(*rate, *shape, d, &rng, &s.arrivals);
    } else {
      PoissonArrivals(*rate, d, &rng, &s.arrivals);
    }
  } else if (n == "ramp") {
    auto a = Number(spec, "from", std::nullopt, 1e-6);
    auto b = Number(spec, "to", std::nullopt, 1e-6);
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
    Stage st = OpenStage((*a + *b) / 2, 0, end);
    st.label = fmt::format("{:g} to {:g} req/s", *a, *b);
    s.stages.push_back(st);
    RampArrivals(*a, *b, d, &s.arrivals);
  } else if (n == "burst") {
    auto rate = Number(spec, "rate", 0.0, 0);
    auto size = Number(spec, "size", std::nullopt, 1);
    auto every = Number(spec, "every", std::nullopt, 1e-3);
    if (!rate.ok()) return rate.status();
    if (!size.ok()) return size.status();
    if (!every.ok()) return every.status();
    s.stages.push_back(OpenStage(*rate + *size / *every, 0, end));
    if (*rate > 0) Evenly(*rate, 0, end, 0, &s.arrivals);
    for (double t = 0; t < d; t += *every)
      for (int i = 0; i < static_cast<int>(*size); ++i)
        s.arrivals.push_back(
            {static_cast<int64_t>(std::llround(t * kNs)), 0, 0, {}});
  } else if (n == "step" || n == "sweep") {
    MMGATE_RETURN_IF_ERROR(Staged(spec, d, end, &s));
  } else if (n == "replay") {
    auto it = spec.params.find("file");
    if (it == spec.params.end())
      return Status::Invalid("profile replay needs file=PATH");
    auto text = ReadFile(it->second);
    if (!text.ok()) return text.status();
    MMGATE_RETURN_IF_ERROR(Replay(*text, it->second, &s.arrivals));
    int64_t last = s.arrivals.back().t_ns;
    double rate = last > 0 ? (s.arrivals.size() - 1) / (last / kNs) : 0;
    Stage st = OpenStage(rate, 0, std::min(end, last + 1));
    st.label = "replay";
    s.stages.push_back(st);
  } else {
    return Status::Invalid(fmt::format(
        "unknown profile '{}' (constant, poisson, gamma, ramp, burst, "
        "sustained, step, sweep, replay)",
        n));
  }
  return s;
}

}  // namespace

bool Schedule::closed() const {
  return std::any_of(stages.begin(), stages.end(),
                     [](const Stage& s) { return s.concurrency > 0; });
}

Result<ProfileSpec> ParseProfile(const std::string& text) {
  ProfileSpec spec;
  size_t colon = text.find(':');
  spec.name = text.substr(0, colon);
  if (spec.name.empty())
    return Status::Invalid("--profile is empty (e.g. poisson:rate=100)");
  if (colon == std::string::npos) return spec;
  std::stringstream in(text.substr(colon + 1));
  std::string kv;
  while (std::getline(in, kv, ',')) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::Invalid(
          fmt::format("--profile {}: '{}' is not key=value", spec.name, kv));
    spec.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return spec;
}

Result<Schedule> MakeSchedule(const ProfileSpec& spec,
                              const ScheduleLimits& limits) {
  if (!(limits.duration_s > 0) || limits.max_requests <= 0)
    return Status::Invalid("--duration and --max-requests must be > 0");
  auto s = Build(spec, limits);
  if (!s.ok()) return s.status();
  const auto end = static_cast<int64_t>(std::llround(limits.duration_s * kNs));
  auto& a = s->arrivals;
  std::stable_sort(a.begin(), a.end(), [](const Arrival& x, const Arrival& y) {
    return x.t_ns < y.t_ns;
  });
  while (!a.empty() && a.back().t_ns >= end) a.pop_back();
  if (static_cast<int64_t>(a.size()) > limits.max_requests)
    a.resize(static_cast<size_t>(limits.max_requests));
  s->profile = spec.name;
  for (const auto& [k, v] : spec.params)
    s->profile += (s->profile == spec.name ? ":" : ",") + k + "=" + v;
  return s;
}

}  // namespace mmgate::load
